#!/usr/bin/env bash
# Idle memory before and after a batch: `dondoc run` (outbox transport) on a
# province of N agencies with one report due 29/04/2025 for all of them.
# "before": the clock starts on 02/01/2025, nothing is due, idle 30 s.
# "after": the clock starts on 29/04/2025 07:59, the start-up catch-up renders
# and stores N emails (one each), then it idles 30 s. RSS of both, three runs.
# Usage: bench/idle_after_batch.sh [AGENCIES=2000]; DONDOC=path measures
# another build.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --example synth_config
dondoc=${DONDOC:-target/release/dondoc}
target/release/examples/synth_config "$work/base" "$n" 1 1 >/dev/null
cat > "$work/base/plans/ke-hoach-000.toml" <<TOML
[plan]
id = "ke-hoach-000"
number = "1/KH-UBND"
title = "Kế hoạch phòng, chống ma túy"
[[obligation]]
id = "bao-cao"
title = "Báo cáo kết quả thực hiện"
agencies = ["@tat-ca"]
before = "30/04/2025"
TOML
rss() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
run() { # $1 = clock start; prints RSS MiB after 30 s idle and the emails written
  rm -rf "$work/cfg" && cp -r "$work/base" "$work/cfg"
  "$dondoc" --config "$work/cfg" run --clock-start "$1" 2>"$work/log" &
  pid=$!
  sleep 30
  echo "$(rss $pid) MiB, $(ls "$work/cfg/state/outbox" 2>/dev/null | wc -l) emails"
  kill $pid; wait $pid 2>/dev/null || true
}
for i in 1 2 3; do
  echo "run $i: before $(run '02/01/2025 08:30') | after $(run '29/04/2025 07:59')"
done
