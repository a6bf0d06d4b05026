#!/usr/bin/env bash
# Issue 25's aim "whole tick ≥ 0.7 × raw smtplib (median of ≥ 10
# interleaved rounds)": each round sends the same N reminders to the same
# local sink twice, first with Python's smtplib over one connection (the
# .eml files dondoc rendered), then with a whole `dondoc tick` (decide,
# render, claim in SQLite, send, confirm) on a fresh database. Prints each
# round's rates and ratio, then min / median / max of the ratio.
# Usage: bench/send_ratio.sh [AGENCIES=2000] [ROUNDS=10]
# DONDOC=path/to/dondoc measures another build (e.g. an older commit's).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
n=${1:-2000}
rounds=${2:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --bin dondoc --example synth_config --example smtp_sink
dondoc=${DONDOC:-target/release/dondoc}
one_report_province "$work/cfg" "$n"
cp -r "$work/cfg" "$work/outbox-cfg"
"$dondoc" --config "$work/outbox-cfg" tick --at "29/04/2025 08:00" >/dev/null
emails=$(ls "$work/outbox-cfg/state/outbox" | wc -l)
cat >> "$work/cfg/dondoc.toml" <<TOML
transport = "smtp"
[mail.smtp]
host = "127.0.0.1"
port = 0
security = "none"
max_per_minute = 100000
TOML
ratios=()
for r in $(seq "$rounds"); do
  start_sink
  raw=$(python3 bench/raw_smtplib.py "$port" "$work/outbox-cfg/state/outbox")
  stop_sink
  rm -rf "$work/cfg/state"
  start_sink
  sed -i "s/^port = .*/port = $port/" "$work/cfg/dondoc.toml"
  t0=$(date +%s.%N)
  "$dondoc" --config "$work/cfg" tick --at "29/04/2025 08:00" >/dev/null
  t1=$(date +%s.%N)
  stop_sink
  rate=$(python3 -c "print(f'{$emails / ($t1 - $t0):.1f}')")
  ratio=$(python3 -c "print(f'{$rate / $raw:.2f}')")
  ratios+=("$ratio")
  echo "round $r: raw smtplib $raw msg/s, dondoc tick $rate msg/s: ratio $ratio"
done
echo "emails per round: $emails"
printf '%s\n' "${ratios[@]}" | sort -n | awk '{ r[NR] = $1 } END { printf "whole tick ÷ raw smtplib: min %.2f / median %.2f / max %.2f (aim ≥ 0.70)\n", r[1], r[int((NR + 1) / 2)], r[NR] }'
