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
