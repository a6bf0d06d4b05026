#!/usr/bin/env bash
# The mailbox (issue 12), against a real Dovecot started here (root,
# dovecot-imapd, python3's trustme), over TLS on loopback:
#  1. one `dondoc inbox fetch` of N replies (N agencies, each replying to
#     its reminder with a PDF and "Số: …"): wall time and max RSS, 3 runs,
#     each on a fresh database and unread mailbox;
#  2. the daemon's idle cost with [inbox] on (IMAP IDLE on an open
#     connection) and off, as bench/console_idle.sh measures the console:
#     2 000 agencies, nothing due, 10 s to settle, 60 s idle, beside a
#     fresh Prometheus Alertmanager; RSS at the end, CPU in the window.
# Usage: bench/inbox.sh [N=500] [AGENCIES=2000]; DONDOC=path measures another
# build; RUNS=1 (default 3) for a quick look; IDLE=0 skips part 2.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
n=${1:-500}
agencies=${2:-2000}
work=$(mktemp -d)
chmod 755 "$work"
trap 'dovecot -c "$work/dovecot.conf" stop 2>/dev/null || true; rm -rf "$work"' EXIT
cargo build --release --quiet --bin dondoc --example synth_config
dondoc=${DONDOC:-target/release/dondoc}
port=19993

# Dovecot: static passdb, maildir, TLS with a trustme CA.
mkdir -p "$work/run" "$work/state" "$work/home/vptt/Maildir/"{new,cur,tmp}
python3 -c "import sys, trustme
ca = trustme.CA(); c = ca.issue_cert('localhost', '127.0.0.1')
c.private_key_pem.write_to_path(sys.argv[1] + '/key.pem')
c.cert_chain_pems[0].write_to_path(sys.argv[1] + '/cert.pem')
ca.cert_pem.write_to_path(sys.argv[1] + '/ca.pem')" "$work"
cat > "$work/dovecot.conf" <<CONF
base_dir = $work/run
state_dir = $work/state
log_path = $work/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <$work/cert.pem
ssl_key = <$work/key.pem
auth_mechanisms = plain
disable_plaintext_auth = no
first_valid_uid = 1
mail_location = maildir:$work/home/%u/Maildir
passdb {
  driver = static
  args = password=mat-khau
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$work/home/%u
}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = $port
    ssl = yes
  }
  chroot =
}
service anvil {
  chroot =
}
CONF
chown -R nobody:nogroup "$work/home"
dovecot -c "$work/dovecot.conf" </dev/null >/dev/null 2>&1
until (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; do sleep 0.1; done
maildir=$work/home/vptt/Maildir
inbox_table() {
  printf '\n[inbox]\nhost = "127.0.0.1"\nport = %s\nusername = "vptt"\npassword_file = "%s/imap-password"\nca_file = "%s/ca.pem"\n' \
    "$port" "$work" "$work"
}
echo mat-khau > "$work/imap-password"

# 1. One fetch of N replies.
one_report_province "$work/fetch" "$n"
"$dondoc" --config "$work/fetch" tick --at '24/04/2025 08:00' >/dev/null
inbox_table >> "$work/fetch/dondoc.toml"
python3 bench/replies.py "$work/fetch/state/outbox" "$maildir" >/dev/null
chown -R nobody:nogroup "$maildir"
db=$work/fetch/state/dondoc.db
cp "$db" "$work/after-tick.db"
runs=${RUNS:-3}
for i in $(seq "$runs"); do
  cp "$work/after-tick.db" "$db"; rm -f "$db-wal" "$db-shm"; rm -rf "$work/fetch/state/attachments"
  # Unread again: drop the S flag Dovecot keeps in the file names.
  for f in "$maildir"/cur/*:2,*S*; do [ -e "$f" ] && mv "$f" "${f%:2,*}:2,"; done
  out=$(/usr/bin/time -f '%e s, max RSS %M KB' "$dondoc" --lang en --config "$work/fetch" inbox fetch 2>&1)
  echo "run $i fetch: $(echo "$out" | tr '\n' ' ')"
done
# The same fetch once more under strace: the fsyncs it makes (each
# proposal is committed with its message id, synchronous=FULL).
cp "$work/after-tick.db" "$db"; rm -f "$db-wal" "$db-shm"; rm -rf "$work/fetch/state/attachments"
for f in "$maildir"/cur/*:2,*S*; do [ -e "$f" ] && mv "$f" "${f%:2,*}:2,"; done
strace -f -c -e trace=fsync,fdatasync -o "$work/strace" "$dondoc" --config "$work/fetch" inbox fetch >/dev/null
echo "fsync + fdatasync calls in one fetch of $n: $(awk '/total/ { print $4 }' "$work/strace")"
fetch() { /usr/bin/time -f '%e s, max RSS %M KB' "$dondoc" --lang en --config "$work/fetch" inbox fetch 2>&1 | tr '\n' ' '; }
echo "fetch again (nothing new): $(fetch)"
# N messages from strangers: ignored, so left unseen; the next fetch knows
# them by their envelopes and does not download them again.
python3 bench/replies.py "$work/fetch/state/outbox" "$maildir" --strangers >/dev/null
chown -R nobody:nogroup "$maildir"
echo "fetch of $n strangers' messages: $(fetch)"
echo "fetch again ($n unseen, read before): $(fetch)"
[ "${IDLE:-1}" = 0 ] && exit 0

# 2. Idle cost, [inbox] off and on (the mailbox now has N read messages).
one_report_province "$work/base" "$agencies"
alertmanager_config "$work/am.yml"
run() { # $1 = off | on
  rm -rf "$work/cfg" && cp -r "$work/base" "$work/cfg"
  [ "$1" = on ] && inbox_table >> "$work/cfg/dondoc.toml"
  "$dondoc" --lang en --config "$work/cfg" run --clock-start '02/01/2025 08:30' 2>"$work/log" &
  local pid=$!
  start_alertmanager
  sleep 10
  if [ "$1" = on ] && ! grep -q "IMAP IDLE" "$work/log"; then
    echo "the daemon is not waiting with IDLE:"; cat "$work/log"; exit 1
  fi
  idle_window $pid $apid
  kill $pid $apid; wait $pid $apid 2>/dev/null || true
}
for i in $(seq "$runs"); do
  echo "run $i inbox off:      $(run off)"
  echo "run $i inbox on, IDLE: $(run on)"
done
