#!/usr/bin/env bash
# The daemon's idle cost with the web console on: `dondoc run` (outbox
# transport) on a province of N agencies with one report due 29/04/2025,
# the clock at 02/01/2025 (nothing due), with and without [web] — each
# beside a fresh Prometheus Alertmanager (the anchor). 10 s to settle, then
# 60 s idle; RSS at the end and CPU in the window, three runs each. "with
# console, used" also logs in and loads the overview once before the window.
# Usage: bench/console_idle.sh [AGENCIES=2000]; DONDOC=path measures another build.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
n=${1:-2000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --bin dondoc --example synth_config
dondoc=${DONDOC:-target/release/dondoc}
one_report_province "$work/base" "$n"
alertmanager_config "$work/am.yml"
echo "mot-mat-khau-du-dai" | "$dondoc" --config "$work/base" passwd bench --role viewer >/dev/null
run() { # $1 = off | on | used
  rm -rf "$work/cfg" && cp -r "$work/base" "$work/cfg"
  if [ "$1" != off ]; then
    printf '\n[web]\nlisten = "127.0.0.1:18141"\nusers = "users.toml"\n' >> "$work/cfg/dondoc.toml"
  fi
  "$dondoc" --config "$work/cfg" run --clock-start '02/01/2025 08:30' 2>"$work/log" &
  local pid=$!
  start_alertmanager
  sleep 5
  if [ "$1" = used ]; then
    local cookie
    cookie=$(curl -s -i -X POST -H "Origin: http://127.0.0.1:18141" \
      --data "username=bench&password=mot-mat-khau-du-dai" http://127.0.0.1:18141/login \
      | sed -n 's/^set-cookie: \([^;]*\).*/\1/p')
    curl -s -o /dev/null -b "$cookie" http://127.0.0.1:18141/
  fi
  sleep 5
  idle_window $pid $apid
  kill $pid $apid; wait $pid $apid 2>/dev/null || true
}
for i in 1 2 3; do
  echo "run $i console off:  $(run off)"
  echo "run $i console on:   $(run on)"
  echo "run $i console used: $(run used)"
done
