#!/usr/bin/env bash
# System calls, fsyncs, socket writes and context switches per message:
# dondoc delivering N stored reminders (`tick`, SMTP to a local sink) against
# Python's smtplib sending the same .eml files to the same sink, each under
# `perf stat` with the kernel's syscall tracepoints, in one run.
# Usage: bench/syscalls_per_message.sh [AGENCIES=2000]
# DONDOC=path/to/dondoc measures another build (e.g. an older commit's).
# Needs perf with tracepoints readable (Debian: linux-perf; root, or
# kernel.perf_event_paranoid <= -1).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
n=${1:-2000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet --bin dondoc --example synth_config --example smtp_sink
cargo build --release --quiet
dondoc=${DONDOC:-target/release/dondoc}

one_report_province "$work/cfg" "$n"
cp -r "$work/cfg" "$work/outbox-cfg"
"$dondoc" --config "$work/outbox-cfg" tick --at "29/04/2025 08:00" >/dev/null
emails=$(ls "$work/outbox-cfg/state/outbox" | wc -l)


# Prints "syscalls fsyncs socket-writes" per message from an strace -c table.
per_message() {
  python3 - "$1" "$emails" <<'PY'
import sys
counts = {}
for line in open(sys.argv[1]):
    parts = line.split()
    if len(parts) >= 5 and parts[0][0].isdigit() and parts[-1] != "total":
        counts[parts[-1]] = int(parts[3])
n = int(sys.argv[2])
total = sum(counts.values())
fsync = counts.get("fsync", 0) + counts.get("fdatasync", 0)
writes = sum(counts.get(k, 0) for k in ("write", "writev", "sendto", "sendmsg"))
print(f"{total / n:.1f} {fsync / n:.2f} {writes / n:.1f}")
PY
}
switches() { # voluntary + involuntary, from GNU time's -f output
  awk '{ s += $1 + $2 } END { printf "%.1f", s / '"$emails"' }' "$1"
}

# dondoc's delivery alone: the emails are stored while the server is down
# (port 1), then a tick with the sink's port only delivers them.
cat >> "$work/cfg/dondoc.toml" <<TOML
transport = "smtp"
[mail.smtp]
host = "127.0.0.1"
port = 1
security = "none"
max_per_minute = 100000
TOML
sed -i "s/^\[mail\]$/[mail]\nretry_seconds = 1/" "$work/cfg/dondoc.toml"
store() {
  rm -rf "$work/cfg/state"
  sed -i "s/^port = .*/port = 1/" "$work/cfg/dondoc.toml"
  "$dondoc" --config "$work/cfg" tick --at "29/04/2025 08:00" >/dev/null 2>&1
  sed -i "s/^port = 1$/port = $port/" "$work/cfg/dondoc.toml"
  sleep 1.1
}
mkdir "$work/empty"
runs=${RUNS:-3}
# perf's syscall tracepoints count without slowing the process down the way
# strace does (under strace the recorder's groups stayed small, because
# the sender was slowed, and the fsync count with them).
events=raw_syscalls:sys_enter,syscalls:sys_enter_fsync,syscalls:sys_enter_fdatasync
events+=,syscalls:sys_enter_write,syscalls:sys_enter_writev,syscalls:sys_enter_sendto
events+=,syscalls:sys_enter_sendmsg,context-switches
count() { # OUT COMMAND...: perf stat's CSV of the command, threads included
  local out=$1; shift
  perf stat -x, -e "$events" -o "$out" -- "$@" >/dev/null 2>&1
}
echo "emails: $emails; per message, start-up subtracted: syscalls fsyncs writes context-switches"
for run in $(seq "$runs"); do
  start_sink
  # Start-up (Python's imports and reading the .eml files; dondoc's config
  # and database) is taken out by subtracting a run that sends nothing.
  count "$work/raw0" python3 bench/raw_smtplib.py "$port" "$work/empty" || true
  count "$work/raw" python3 bench/raw_smtplib.py "$port" "$work/outbox-cfg/state/outbox"
  store
  count "$work/dondoc" "$dondoc" --config "$work/cfg" tick --at "29/04/2025 08:01"
  count "$work/dondoc0" "$dondoc" --config "$work/cfg" tick --at "29/04/2025 08:01"
  stop_sink
  python3 - "$emails" "$work" <<'PY'
import sys
n, work = int(sys.argv[1]), sys.argv[2]
def counts(name):
    c = {}
    for line in open(f"{work}/{name}"):
        p = line.strip().split(",")
        if len(p) > 3 and p[0].strip().isdigit():
            c[p[2]] = int(p[0])
    return c
def row(who, full, empty):
    a, b = counts(full), counts(empty)
    d = lambda *keys: sum(a.get(k, 0) - b.get(k, 0) for k in keys) / n
    total = d("raw_syscalls:sys_enter")
    fsync = d("syscalls:sys_enter_fsync", "syscalls:sys_enter_fdatasync")
    writes = d(*(f"syscalls:sys_enter_{k}" for k in ("write", "writev", "sendto", "sendmsg")))
    cs = d("context-switches")
    print(f"{who}: {total:.1f} {fsync:.3f} {writes:.1f} {cs:.1f}")
row("raw smtplib", "raw", "raw0")
row("dondoc delivery", "dondoc", "dondoc0")
PY
done
