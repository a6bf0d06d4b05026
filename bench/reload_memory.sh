#!/usr/bin/env bash
# Resident memory of `dondoc run` (shipped config, outbox transport) before
# and after RELOADS SIGHUPs, 50 ms apart. A reload that leaks shows as growth.
# Usage: bench/reload_memory.sh [RELOADS=600]; DONDOC=path for another build.
set -euo pipefail
cd "$(dirname "$0")/.."
reloads=${1:-600}
cargo build --release --quiet
dondoc=${DONDOC:-target/release/dondoc}
work=$(mktemp -d)
cp -r config "$work/cfg"
"$dondoc" --config "$work/cfg" run --clock-start "01/12/2026 06:00" >"$work/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
sleep 3
rss() { awk '/VmRSS/ { print $2 / 1024 }' "/proc/$pid/status"; }
before=$(rss)
for _ in $(seq "$reloads"); do kill -HUP "$pid"; sleep 0.05; done
sleep 3
after=$(rss)
done=$(grep -c "configuration reloaded" "$work/log" || true)
echo "reloads: $done; RSS before: $before MiB; after: $after MiB; per reload: $(python3 -c "print(f'{($after - $before) * 1024 / max($done, 1):.1f}')") KiB"
