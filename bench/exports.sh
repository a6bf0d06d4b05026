#!/usr/bin/env bash
# Exports at national scale (issue 25): `status` as JSON, CSV, XLSX and the
# default table, and `report --year`, on a synthetic province, each run
# RUNS times; prints min / median / max of wall time and peak RSS, and the
# ratios the issue aims at (XLSX ≤ 4× JSON time and ≤ 100 MB; table ≤ 2×
# JSON; report ≤ 30 MB).
#
#   bench/exports.sh [AGENCIES=3400] [PLANS=30] [OBLIGATIONS=10] [RUNS=3]
#
# Needs a release build: cargo build --release --examples --bins
set -euo pipefail
cd "$(dirname "$0")/.."
agencies=${1:-3400}; plans=${2:-30}; obligations=${3:-10}; runs=${4:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target/release/examples/synth_config "$work/cfg" "$agencies" "$plans" "$obligations" >/dev/null
bin=target/release/dondoc
at="31/12/2025 17:00"

# measure NAME CMD…: RUNS runs; records "seconds kib" lines in $work/NAME.
measure() {
  local name=$1; shift
  : > "$work/$name"
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/out" 2>/dev/null
    cat "$work/time" >> "$work/$name"
  done
}
# stats NAME COLUMN: "min / median / max" of a column.
stats() {
  sort -n -k"$2" "$work/$1" | awk -v c="$2" '{v[NR]=$c} END {printf "%s / %s / %s", v[1], v[int((NR+1)/2)], v[NR]}'
}
median() { sort -n -k"$2" "$work/$1" | awk -v c="$2" '{v[NR]=$c} END {print v[int((NR+1)/2)]}'; }

measure json  $bin --config "$work/cfg" status --at "$at" --format json
$bin --config "$work/cfg" status --at "$at" --format json > "$work/json.out"
pairs=$(grep -c '"agency"' "$work/json.out" || true)
measure csv   $bin --config "$work/cfg" status --at "$at" --format csv
measure xlsx  $bin --config "$work/cfg" status --at "$at" --format xlsx --output "$work/out.xlsx"
measure table $bin --config "$work/cfg" status --at "$at" --all
measure report $bin --config "$work/cfg" report --year 2025 --at "$at"

echo "province: $agencies agencies × $plans plans × $obligations obligations, $pairs pairs; $runs runs each"
echo "files: JSON $(stat -c %s "$work/json.out" | awk '{ printf "%.0f", $1 / 1048576 }') MiB, XLSX $(stat -c %s "$work/out.xlsx" | awk '{ printf "%.0f", $1 / 1048576 }') MiB"
printf "%-8s %-28s %s\n" what "seconds (min / median / max)" "peak RSS KiB (min / median / max)"
for n in json csv xlsx table report; do
  printf "%-8s %-28s %s\n" "$n" "$(stats $n 1)" "$(stats $n 2)"
done
awk -v x="$(median xlsx 1)" -v j="$(median json 1)" -v t="$(median table 1)" \
    -v xm="$(median xlsx 2)" -v rm="$(median report 2)" 'BEGIN {
  printf "xlsx / json time: %.2f (aim ≤ 4)   xlsx peak: %.0f MB (aim ≤ 100)\n", x / j, xm / 1024
  printf "table / json time: %.2f (aim ≤ 2)   report peak: %.0f MB (aim ≤ 30)\n", t / j, rm / 1024
}'
