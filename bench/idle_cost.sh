#!/usr/bin/env bash
# Idle cost: resident memory and CPU seconds of `dondoc run` (shipped config,
# outbox transport, database in a temp dir) and of Prometheus Alertmanager
# (Debian's prometheus-alertmanager, its example config), side by side, both
# idle for the same time. Usage: bench/idle_cost.sh [SECONDS=300]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
secs=${1:-300}
work=$(mktemp -d)
trap 'kill $dpid $apid 2>/dev/null || true; rm -rf "$work"' EXIT
cargo build --profile dist --quiet
cp -r config "$work/cfg"
sed -i "s|^database = .*|database = \"$work/state/dondoc.db\"|; s|^outbox = .*|outbox = \"$work/state/outbox\"|" "$work/cfg/dondoc.toml"
target/dist/dondoc --config "$work/cfg" run 2>"$work/dondoc.log" &
dpid=$!
alertmanager_config "$work/am.yml"
prometheus-alertmanager --config.file="$work/am.yml" --storage.path="$work/am" \
  --web.listen-address=127.0.0.1:19093 --cluster.listen-address= 2>"$work/am.log" &
apid=$!
sleep 5   # both started; the idle window begins
ticks=$(getconf CLK_TCK)
cpu() { awk -v t="$ticks" '{ printf "%.3f", ($14 + $15) / t }' "/proc/$1/stat"; }
rss() {
  awk '/^VmRSS/ { t = $2 } /^RssAnon/ { a = $2 } /^RssFile/ { f = $2 }
       END { printf "%.1f (anonymous %.1f, file-backed %.1f)", t / 1024, a / 1024, f / 1024 }' "/proc/$1/status"
}
d0=$(cpu $dpid); a0=$(cpu $apid)
sleep "$secs"
d1=$(cpu $dpid); a1=$(cpu $apid)
echo "idle window: $secs s"
echo "dondoc run:   RSS MiB $(rss $dpid), CPU $(python3 -c "print(f'{$d1 - $d0:.3f}')") s"
echo "alertmanager: RSS MiB $(rss $apid), CPU $(python3 -c "print(f'{$a1 - $a0:.3f}')") s"
