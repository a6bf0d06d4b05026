#!/usr/bin/env bash
# Issue 25's aim "RSS 60 s after a burst of pages ≤ 1.2× fresh": `dondoc web`
# (release build) on the synthetic province (AGENCIES agencies, 20 plans ×
# 10 obligations, nothing submitted), a viewer logged in. Fresh: the RSS
# once the console answers and the viewer is logged in. Then a burst of
# uncached work — the overview (both views), 10 instance pages, 10 agency
# pages, /agencies, /calls, /metrics, the CSV and XLSX exports of a plan —
# and the RSS 60 s later. Prints each run and min / median / max of the
# ratio. RSS counts the binary's code pages the burst touched (file-backed,
# shared, given back under memory pressure); the anonymous part is the heap.
# Usage: bench/heap_after_burst.sh [AGENCIES=3400] [RUNS=3].
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-3400}
runs=${2:-3}
work=$(mktemp -d)
pid=
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
cargo build --release --quiet --bin dondoc --example synth_config
dondoc=${DONDOC:-target/release/dondoc}
target/release/examples/synth_config "$work/cfg" "$n" >/dev/null
printf '\n[web]\nlisten = "127.0.0.1:18143"\nusers = "users.toml"\n' >> "$work/cfg/dondoc.toml"
echo "mot-mat-khau-du-dai" | "$dondoc" --config "$work/cfg" passwd bench --role admin >/dev/null
url=http://127.0.0.1:18143
rss() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status"; }
anon() { awk '/^RssAnon/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status"; }
ratios=()
for run in $(seq "$runs"); do
  "$dondoc" --config "$work/cfg" web 2>"$work/log" &
  pid=$!
  until curl -s -o /dev/null "$url/healthz"; do sleep 0.05; done
  cookie=$(curl -s -i -X POST -H "Origin: $url" \
    --data "username=bench&password=mot-mat-khau-du-dai" "$url/login" \
    | sed -n 's/^set-cookie: \([^;]*\).*/\1/p')
  sleep 3
  fresh=$(rss); fresh_anon=$(anon)
  get() { curl -s -o "$work/page" -b "$cookie" "$url$1"; }
  get /
  get "/?all=1"
  mapfile -t pages < <(grep -o 'href="&#x2f;instances[^"]*' "$work/page" | sed 's/href="//; s/&#x2f;/\//g' | sort -u | head -10)
  for p in "${pages[@]}"; do get "$p"; done
  for i in $(seq 1 10); do get "/agencies/don-vi-$(printf %05d "$i")"; done
  get /agencies
  get /calls
  get /metrics
  get "/export/status.csv?plan=ke-hoach-000"
  get "/export/status.xlsx?plan=ke-hoach-000"
  peak=$(awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")
  sleep 60
  after=$(rss); after_anon=$(anon)
  ratio=$(awk -v a="$after" -v f="$fresh" 'BEGIN { printf "%.2f", a / f }')
  ratios+=("$ratio")
  echo "run $run: fresh $fresh MiB (anonymous $fresh_anon), peak $peak MiB, 60 s after the burst $after MiB (anonymous $after_anon): ${ratio}× fresh (aim ≤ 1.2×)"
  kill $pid; wait $pid 2>/dev/null || true
done
printf '%s\n' "${ratios[@]}" | sort -n | awk '{ r[NR] = $1 } END { printf "ratio min %.2f / median %.2f / max %.2f (aim ≤ 1.20)\n", r[1], r[int((NR + 1) / 2)], r[NR] }'
