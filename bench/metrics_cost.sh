#!/usr/bin/env bash
# Issue 25's aim "/metrics ≤ 1 ms at national scale": `dondoc web` on a
# synthetic province (AGENCIES agencies × PLANS plans × 10 obligations,
# nothing submitted), a viewer's API token; Prometheus Alertmanager 0.25 (Debian's
# prometheus-alertmanager, the peer) beside it. After a first scrape (which
# counts the pairs), N scrapes of each, one at a time: each scrape's wall
# time (curl's time_total) and the server's CPU over the N (utime + stime).
# Then the same after the counts are over 10 s old (served at once, counted
# again in the background). Prints min / median / max and the ratios.
# Usage: bench/metrics_cost.sh [AGENCIES=3400] [PLANS=30] [N=200]
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
n=${1:-3400}; plans=${2:-30}; scrapes=${3:-200}
work=$(mktemp -d)
pid=; apid=
trap 'kill $pid $apid 2>/dev/null || true; rm -rf "$work"' EXIT
cargo build --release --quiet --bin dondoc --example synth_config
dondoc=${DONDOC:-target/release/dondoc}
target/release/examples/synth_config "$work/cfg" "$n" "$plans" 10 >/dev/null
printf '\n[web]\nlisten = "127.0.0.1:18145"\nusers = "users.toml"\n' >> "$work/cfg/dondoc.toml"
token=$("$dondoc" --config "$work/cfg" token --role viewer scraper 2>/dev/null)
auth=(-H "Authorization: Bearer $token")
url=http://127.0.0.1:18145
"$dondoc" --config "$work/cfg" web 2>"$work/log" &
pid=$!
alertmanager_config "$work/am.yml"
start_alertmanager
until curl -s -o /dev/null "$url/healthz"; do sleep 0.05; done
until curl -s -o /dev/null http://127.0.0.1:19093/-/ready; do sleep 0.05; done
first=$(curl -s -o "$work/m" -w '%{time_total}' "${auth[@]}" "$url/metrics")
pairs=$(awk '/^dondoc_pairs\{/ { s += $2 } END { print s }' "$work/m")
[ "$pairs" -gt 0 ] || { echo "no pairs counted:"; cat "$work/m"; exit 1; }

# scrape NAME URL PID [curl args…]: N scrapes; "min median max" ms in
# $work/NAME, the server's CPU ms per scrape in $work/NAME.cpu.
scrape() {
  local name=$1 target=$2 p=$3; shift 3
  local c0 c1
  c0=$(cpu "$p")
  for _ in $(seq "$scrapes"); do
    curl -s -o /dev/null -w '%{time_total}\n' "$@" "$target"
  done > "$work/$name.times"
  c1=$(cpu "$p")
  sort -n "$work/$name.times" | awk '{ v[NR] = $1 * 1000 } END { printf "%.3f %.3f %.3f\n", v[1], v[int((NR + 1) / 2)], v[NR] }' > "$work/$name"
  awk -v a="$c0" -v b="$c1" -v n="$scrapes" 'BEGIN { printf "%.3f", (b - a) * 1000 / n }' > "$work/$name.cpu"
}
scrape fresh "$url/metrics" "$pid" "${auth[@]}"
scrape peer http://127.0.0.1:19093/metrics "$apid"
sleep 11
stale=$(curl -s -o /dev/null -w '%{time_total}' "${auth[@]}" "$url/metrics")
sleep 2
scrape again "$url/metrics" "$pid" "${auth[@]}"

read -r fmin fmed fmax < "$work/fresh"
read -r pmin pmed pmax < "$work/peer"
read -r amin amed amax < "$work/again"
echo "province: $n agencies × $plans plans × 10 obligations; $pairs pairs counted; $scrapes scrapes each"
printf "first scrape (counts every pair): %.1f ms\n" "$(awk -v t="$first" 'BEGIN { print t * 1000 }')"
echo "dondoc /metrics:        ${fmin} / ${fmed} / ${fmax} ms wall (min / median / max), $(cat "$work/fresh.cpu") ms CPU a scrape"
echo "alertmanager /metrics:  ${pmin} / ${pmed} / ${pmax} ms wall, $(cat "$work/peer.cpu") ms CPU a scrape"
printf "a scrape finding the counts 11 s old: %.3f ms (counted again in the background)\n" "$(awk -v t="$stale" 'BEGIN { print t * 1000 }')"
echo "dondoc /metrics after:  ${amin} / ${amed} / ${amax} ms wall"
awk -v d="$fmed" -v p="$pmed" 'BEGIN { printf "dondoc median: %.3f ms (aim ≤ 1 ms); ÷ alertmanager median: %.2f\n", d, d / p }'
