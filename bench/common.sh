# Sourced by the bench scripts: the synthetic province with one report due
# for every agency, the local SMTP sink, and the Alertmanager anchor.

# one_report_province DIR N: N agencies, one obligation due 29/04/2025
# (before 30/04) for all of them.
one_report_province() {
  target/release/examples/synth_config "$1" "$2" 1 1 >/dev/null
  cat > "$1/plans/ke-hoach-000.toml" <<TOML
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
}

# start_sink / stop_sink: the mailin-embedded sink on a free port ($port);
# needs $work.
start_sink() {
  rm -f "$work/port"
  coproc SINK { target/release/examples/smtp_sink "$work/port"; }
  while [ ! -s "$work/port" ]; do sleep 0.05; done
  port=$(cat "$work/port")
}
stop_sink() { exec {SINK[1]}>&-; wait "$SINK_PID" 2>/dev/null || true; }

# alertmanager_config FILE: Prometheus Alertmanager's smallest config (one
# receiver), for Debian's prometheus-alertmanager started beside dondoc.
alertmanager_config() {
  cat > "$1" <<YML
route:
  receiver: none
receivers:
  - name: none
YML
}

# rss PID: resident MiB; cpu PID: user + system CPU seconds so far.
ticks=$(getconf CLK_TCK)
rss() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
cpu() { awk -v t="$ticks" '{ printf "%.3f", ($14 + $15) / t }' "/proc/$1/stat"; }

# start_alertmanager: a fresh Alertmanager (the anchor) from $work/am.yml,
# its pid in $apid; needs $work.
start_alertmanager() {
  rm -rf "$work/am"
  prometheus-alertmanager --config.file="$work/am.yml" --storage.path="$work/am" \
    --web.listen-address=127.0.0.1:19093 --cluster.listen-address= 2>"$work/am.log" &
  apid=$!
}

# idle_window PID APID: 60 s idle; prints both processes' CPU in the window
# and RSS at its end (dondoc's split into anonymous and file-backed), and
# the ratio of the RSSes.
idle_window() {
  local pid=$1 apid=$2 d0 a0 d1 a1 dr ar split
  d0=$(cpu "$pid"); a0=$(cpu "$apid")
  sleep 60
  d1=$(cpu "$pid"); a1=$(cpu "$apid")
  dr=$(rss "$pid"); ar=$(rss "$apid")
  split=$(awk '/^RssAnon/ { a = $2 } /^RssFile/ { f = $2 } END { printf "anon %.1f, file %.1f", a / 1024, f / 1024 }' "/proc/$pid/status")
  echo "dondoc $dr MiB ($split), $(python3 -c "print(f'{$d1 - $d0:.3f}')") s CPU;" \
    "alertmanager $ar MiB, $(python3 -c "print(f'{$a1 - $a0:.3f}')") s CPU;" \
    "RSS ratio $(python3 -c "print(f'{$dr / $ar:.2f}')")"
}
