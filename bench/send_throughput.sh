#!/usr/bin/env bash
# Send throughput: dondoc (`tick`, SMTP to a local sink) against a minimal raw
# client (Python smtplib over one connection) sending the same messages to the
# same sink. Usage: bench/send_throughput.sh [AGENCIES=2000]
# DONDOC=path/to/dondoc measures another build (e.g. an older commit's).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
n=${1:-2000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --bin dondoc --example synth_config --example smtp_sink
cargo build --release --quiet
dondoc=${DONDOC:-target/release/dondoc}

# A province of N agencies with one obligation due 29/04/2025 for all of them.
one_report_province "$work/cfg" "$n"

# 1. The messages, rendered once into the outbox (for the raw client).
cp -r "$work/cfg" "$work/outbox-cfg"
"$dondoc" --config "$work/outbox-cfg" tick --at "29/04/2025 08:00" >/dev/null
emails=$(ls "$work/outbox-cfg/state/outbox" | wc -l)


# 2. The raw client.
start_sink
raw=$(python3 bench/raw_smtplib.py "$port" "$work/outbox-cfg/state/outbox")
stop_sink

# 3. dondoc: decide, render, claim in SQLite, send, confirm — the whole tick.
start_sink
cat >> "$work/cfg/dondoc.toml" <<TOML
transport = "smtp"
[mail.smtp]
host = "127.0.0.1"
port = $port
security = "none"
max_per_minute = 100000
TOML
t0=$(date +%s.%N)
"$dondoc" --config "$work/cfg" tick --at "29/04/2025 08:00"
t1=$(date +%s.%N)
stop_sink
rate=$(python3 -c "print(f'{$emails / ($t1 - $t0):.1f}')")

# 4. dondoc's delivery alone: the same emails claimed and stored while the
#    server was down (every one set to retry), then a tick that only delivers.
rm -rf "$work/cfg/state"
sed -i "s/^port = .*/port = 1/; s/^\[mail\]$/[mail]\nretry_seconds = 1/" "$work/cfg/dondoc.toml"
"$dondoc" --config "$work/cfg" tick --at "29/04/2025 08:00" >/dev/null
start_sink
sed -i "s/^port = 1$/port = $port/" "$work/cfg/dondoc.toml"
sleep 1.1
t0=$(date +%s.%N)
"$dondoc" --config "$work/cfg" tick --at "29/04/2025 08:01"
t1=$(date +%s.%N)
stop_sink
delivery=$(python3 -c "print(f'{$emails / ($t1 - $t0):.1f}')")

echo "emails: $emails"
echo "raw smtplib, one connection: $raw msg/s"
echo "dondoc tick, everything (plan + render + claim + send + confirm): $rate msg/s, ratio $(python3 -c "print(f'{$rate / $raw:.2f}')")"
echo "dondoc tick, delivering stored messages (send + confirm): $delivery msg/s, ratio $(python3 -c "print(f'{$delivery / $raw:.2f}')")"
