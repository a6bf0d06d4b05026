#!/usr/bin/env bash
# Issue 25's "Idle": wake-ups of tokio-cron-scheduler alone
# (examples/idle_scheduler.rs: the daemon's runtime and scheduler, one job a
# day ahead) and of the whole daemon (`dondoc run` on the shipped config,
# outbox transport, its next moment armed), idle side by side. A wake-up is
# a context switch of any of the process's threads (voluntary + involuntary,
# /proc/PID/task/*/status), counted over WINDOW seconds, RUNS times.
# Prints per minute for each, and the daemon's ratio to the scheduler alone.
# Usage: bench/idle_wakeups.sh [WINDOW=60] [RUNS=3].
set -euo pipefail
cd "$(dirname "$0")/.."
window=${1:-60}
runs=${2:-3}
work=$(mktemp -d)
spid=; dpid=
trap 'kill $spid $dpid 2>/dev/null || true; rm -rf "$work"' EXIT
cargo build --release --quiet --bin dondoc --example idle_scheduler
cp -r config "$work/cfg"
sed -i "s|^database = .*|database = \"$work/state/dondoc.db\"|; s|^outbox = .*|outbox = \"$work/state/outbox\"|" "$work/cfg/dondoc.toml"
target/release/examples/idle_scheduler > "$work/sched.log" &
spid=$!
target/release/dondoc --config "$work/cfg" run 2>"$work/dondoc.log" &
dpid=$!
sleep 15   # started, the first moment armed, the blocking pool's threads gone
switches() {
  cat /proc/"$1"/task/*/status 2>/dev/null \
    | awk '/^(voluntary|nonvoluntary)_ctxt_switches/ { n += $2 } END { print n }'
}
s_all=(); d_all=()
for run in $(seq "$runs"); do
  s0=$(switches $spid); d0=$(switches $dpid)
  sleep "$window"
  s1=$(switches $spid); d1=$(switches $dpid)
  s=$(awk -v a="$s0" -v b="$s1" -v w="$window" 'BEGIN { printf "%.1f", (b - a) * 60 / w }')
  d=$(awk -v a="$d0" -v b="$d1" -v w="$window" 'BEGIN { printf "%.1f", (b - a) * 60 / w }')
  s_all+=("$s"); d_all+=("$d")
  echo "run $run: scheduler alone $s / min, daemon $d / min"
done
stats() { printf '%s\n' "$@" | sort -n | awk '{ r[NR] = $1 } END { printf "%.1f / %.1f / %.1f", r[1], r[int((NR + 1) / 2)], r[NR] }'; }
echo "wake-ups per minute, min / median / max of $runs × ${window} s:"
echo "  tokio-cron-scheduler alone: $(stats "${s_all[@]}")"
echo "  dondoc run (whole daemon):  $(stats "${d_all[@]}")"
ms=$(printf '%s\n' "${s_all[@]}" | sort -n | awk '{ r[NR] = $1 } END { print r[int((NR + 1) / 2)] }')
md=$(printf '%s\n' "${d_all[@]}" | sort -n | awk '{ r[NR] = $1 } END { print r[int((NR + 1) / 2)] }')
echo "  daemon ÷ scheduler alone (medians): $(awk -v d="$md" -v s="$ms" 'BEGIN { printf "%.2f", d / s }')"
grep -h "next moment" "$work/dondoc.log" | tail -1 | cut -c1-160
