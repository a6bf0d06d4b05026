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
cargo build --release --quiet --bin dondoc --example synth_config
dondoc=${DONDOC:-target/release/dondoc}
one_report_province "$work/base" "$n"
# The anchor: Prometheus Alertmanager (Debian's prometheus-alertmanager), a
# one-receiver config, started beside dondoc for each window.
alertmanager_config "$work/am.yml"
run() { # $1 = clock start. Both settle 10 s (dondoc's catch-up), then the
  # window: 60 s idle. Prints dondoc's and Alertmanager's RSS MiB at its end
  # and CPU s in it, and the emails dondoc wrote.
  rm -rf "$work/cfg" && cp -r "$work/base" "$work/cfg"
  "$dondoc" --config "$work/cfg" run --clock-start "$1" 2>"$work/log" &
  local pid=$!
  start_alertmanager
  sleep 10
  echo "$(idle_window $pid $apid); $(ls "$work/cfg/state/outbox" 2>/dev/null | wc -l) emails"
  kill $pid $apid; wait $pid $apid 2>/dev/null || true
}
for i in 1 2 3; do
  echo "run $i before: $(run '02/01/2025 08:30')"
  echo "run $i after:  $(run '29/04/2025 07:59')"
done
