#!/usr/bin/env bash
# Idle memory before and after a batch: `dondoc run` (outbox transport) on a
# province of N agencies with one report due 29/04/2025 for all of them.
# "before": the clock starts on 02/01/2025, nothing is due.
# "after": the clock starts on 29/04/2025 07:59, the start-up catch-up renders
# and stores N emails (one each). Each beside a fresh Alertmanager (the
# anchor), 60 s idle after 10 s to settle; RSS and CPU of both, three runs.
# Usage: bench/idle_after_batch.sh [AGENCIES=2000]; DONDOC=path measures
# another build.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
n=${1:-2000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --example synth_config
dondoc=${DONDOC:-target/release/dondoc}
one_report_province "$work/base" "$n"
# The anchor: Prometheus Alertmanager (Debian's prometheus-alertmanager), a
# one-receiver config, started beside dondoc for each window.
alertmanager_config "$work/am.yml"
ticks=$(getconf CLK_TCK)
rss() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
cpu() { awk -v t="$ticks" '{ printf "%.3f", ($14 + $15) / t }' "/proc/$1/stat"; }
run() { # $1 = clock start. Both settle 10 s (dondoc's catch-up), then the
  # window: 60 s idle. Prints dondoc's and Alertmanager's RSS MiB at its end
  # and CPU s in it, and the emails dondoc wrote.
  rm -rf "$work/cfg" "$work/am" && cp -r "$work/base" "$work/cfg"
  "$dondoc" --config "$work/cfg" run --clock-start "$1" 2>"$work/log" &
  local pid=$!
  prometheus-alertmanager --config.file="$work/am.yml" --storage.path="$work/am" \
    --web.listen-address=127.0.0.1:19093 --cluster.listen-address= 2>"$work/am.log" &
  local apid=$!
  sleep 10
  local d0 a0; d0=$(cpu $pid); a0=$(cpu $apid)
  sleep 60
  local d1 a1; d1=$(cpu $pid); a1=$(cpu $apid)
  local dr ar; dr=$(rss $pid); ar=$(rss $apid)
  echo "dondoc $dr MiB, $(python3 -c "print(f'{$d1 - $d0:.3f}')") s CPU;" \
    "alertmanager $ar MiB, $(python3 -c "print(f'{$a1 - $a0:.3f}')") s CPU;" \
    "RSS ratio $(python3 -c "print(f'{$dr / $ar:.2f}')");" \
    "$(ls "$work/cfg/state/outbox" 2>/dev/null | wc -l) emails"
  kill $pid $apid; wait $pid $apid 2>/dev/null || true
}
for i in 1 2 3; do
  echo "run $i before: $(run '02/01/2025 08:30')"
  echo "run $i after:  $(run '29/04/2025 07:59')"
done
