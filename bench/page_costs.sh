#!/usr/bin/env bash
# Each console page once, on a synthetic province of AGENCIES agencies (20
# plans × 10 obligations, nothing submitted): its HTTP status, its size, the
# console's memory high-water mark after it, and its time. One `dondoc web`
# for all, so a page's high-water is the most of it and those before.
# Usage: bench/page_costs.sh [AGENCIES=3400]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-3400}
cargo build --release --quiet --bin dondoc --example synth_config
work=$(mktemp -d)
target/release/examples/synth_config "$work/cfg" "$n" >/dev/null
printf '\n[web]\nlisten = "127.0.0.1:18144"\nusers = "users.toml"\n' >> "$work/cfg/dondoc.toml"
echo "mot-mat-khau-du-dai" | target/release/dondoc --config "$work/cfg" passwd bench --role admin >/dev/null
url=http://127.0.0.1:18144
target/release/dondoc --config "$work/cfg" web 2>"$work/log" &
pid=$!
until curl -s -o /dev/null "$url/healthz"; do sleep 0.05; done
cookie=$(curl -s -i -X POST -H "Origin: $url" --data "username=bench&password=mot-mat-khau-du-dai" "$url/login" | sed -n 's/^set-cookie: \([^;]*\).*/\1/p')
hwm() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status"; }
for p in / "/?all=1" /instances/ke-hoach-000/nghia-vu-000/2025-01-01 /agencies/don-vi-00001 /agencies /calls /metrics "/export/status.csv?plan=ke-hoach-000" "/export/status.xlsx?plan=ke-hoach-000"; do
  s=$(date +%s.%N)
  curl -s -o "$work/out" -w "%{http_code} %{size_download}" -b "$cookie" "$url$p"
  e=$(date +%s.%N)
  echo " $p: HWM $(hwm) MiB, $(awk -v s=$s -v e=$e 'BEGIN{printf "%.2f", e-s}') s"
done
kill $pid; rm -rf "$work"
