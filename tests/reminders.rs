//! Reminders delivered through a real SMTP server on loopback, read back and
//! parsed: once per step, never to a submitted pair, retried through 4xx,
//! isolated from one agency's 5xx.

mod common;

use std::time::Duration;

use common::smtp::SmtpServer;
use common::{dondoc, reminder_config, smtp_mail};
use mail_parser::MimeHeaders;
use serde_json::Value;

fn cfg(dir: &tempfile::TempDir) -> String {
    dir.path().to_str().unwrap().to_string()
}

fn tick(cfg: &str, at: &str) -> String {
    tick_logged(cfg, at).0
}

/// `tick --at`: what it printed, and what it logged (warnings and errors).
fn tick_logged(cfg: &str, at: &str) -> (String, String) {
    let out = dondoc(&["--config", cfg, "tick", "--at", at]);
    assert!(out.status.success(), "tick: {}", out.stderr);
    (out.stdout, out.stderr)
}

fn preview(cfg: &str, at: &str) -> Vec<Value> {
    let out = dondoc(&["--config", cfg, "preview", "--at", at, "--format", "json"]);
    assert!(out.status.success(), "preview: {}", out.stderr);
    serde_json::from_str::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_reminder_arrives_intact_and_only_once() {
    let server = SmtpServer::start();
    let dir = reminder_config(&smtp_mail(server.port));
    let cfg = cfg(&dir);

    // 24/04/2025 is 3 working days before 29/04: before-3 for both agencies.
    let planned = preview(&cfg, "24/04/2025 08:00");
    assert_eq!(planned.len(), 2);
    assert_eq!(planned[0]["agency"], "so-tu-phap");
    assert_eq!(planned[1]["items"][0]["step"], "before-3");

    let out = tick(&cfg, "24/04/2025 08:00");
    assert!(out.contains("2 new emails; delivered 2"), "{out}");
    let got = server.received();
    assert_eq!(got.len(), 2);

    let syt = got
        .iter()
        .find(|m| m.to.contains(&"vanthu@syt.example.gov.vn".to_string()))
        .unwrap();
    assert_eq!(syt.from, "vptt138@example.gov.vn");
    assert_eq!(
        syt.to,
        ["vanthu@syt.example.gov.vn", "tonghop@syt.example.gov.vn"],
        "To then Cc"
    );
    let m = syt.parsed();
    assert_eq!(
        m.subject(),
        Some("Nhắc thời hạn gửi báo cáo: Kiện toàn Ban Chỉ đạo 138 tỉnh")
    );
    assert_eq!(
        m.subject().unwrap(),
        planned[1]["subject"].as_str().unwrap(),
        "preview shows what tick sends"
    );
    let text = m.body_text(0).unwrap();
    assert!(text.contains("Kính gửi: Sở Y tế"), "{text}");
    assert!(text.contains("hạn gửi: Thứ Ba, ngày 29/04/2025"), "{text}");
    assert!(text.contains("Còn 5 ngày đến hạn (nhắc lần 1)"), "{text}");
    assert!(text.contains("069.4401.565"));
    assert_eq!(
        text.replace("\r\n", "\n").trim_end(),
        planned[1]["text"].as_str().unwrap().trim_end()
    );
    let html = m.body_html(0).unwrap();
    assert!(html.contains("<strong>Kính gửi: Sở Y tế</strong>"));
    assert!(m.message_id().unwrap().ends_with("@example.gov.vn"));
    assert!(m.date().is_some());
    assert_eq!(
        m.header_raw("Auto-Submitted").map(str::trim),
        Some("auto-generated")
    );
    assert_eq!(m.content_type().unwrap().ctype(), "multipart");

    let stp = got
        .iter()
        .find(|m| m.to.contains(&"vanthu@stp.example.gov.vn".to_string()))
        .unwrap();
    assert_eq!(stp.to, ["vanthu@stp.example.gov.vn"]);
    assert_eq!(
        stp.parsed().to().unwrap().first().unwrap().name(),
        Some("Sở Tư pháp")
    );

    // The same moment again sends nothing; preview shows nothing left.
    let out = tick(&cfg, "24/04/2025 08:00");
    assert!(out.contains("0 new emails; delivered 0"), "{out}");
    assert!(preview(&cfg, "24/04/2025 08:00").is_empty());
    assert_eq!(server.received().len(), 2);
}

#[test]
fn a_submitted_pair_gets_nothing_and_threads_hold_together() {
    let server = SmtpServer::start();
    let dir = reminder_config(&smtp_mail(server.port));
    let cfg = cfg(&dir);
    tick(&cfg, "24/04/2025 08:00");
    let out = dondoc(&[
        "--config",
        &cfg,
        "submit",
        "--plan",
        "kh-2025",
        "--obligation",
        "kien-toan",
        "--period",
        "29/04/2025",
        "--agency",
        "so-tu-phap",
        "--on",
        "25/04/2025",
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    let out = tick(&cfg, "28/04/2025 08:00");
    assert!(out.contains("1 new emails; delivered 1"), "{out}");
    let got = server.received();
    assert_eq!(got.len(), 3);
    let second = got[2].parsed();
    assert!(got[2].to.contains(&"vanthu@syt.example.gov.vn".to_string()));
    // Threaded under the first reminder of the same agency and instance.
    let first_syt = got[..2]
        .iter()
        .find(|m| m.to.contains(&"vanthu@syt.example.gov.vn".to_string()))
        .unwrap()
        .parsed();
    let first_id = first_syt.message_id().unwrap().to_string();
    assert_eq!(second.in_reply_to().as_text(), Some(first_id.as_str()));
    assert!(second.body_text(0).unwrap().contains("nhắc lần 2"));
}

#[test]
fn escalation_copies_the_leadership_without_repeating_to() {
    let server = SmtpServer::start();
    let dir = reminder_config(&smtp_mail(server.port));
    let cfg = cfg(&dir);
    // 14/05/2025: overdue-3 (3 × 3 ≥ 7 working days late) for kien-toan.
    tick(&cfg, "14/05/2025 08:00");
    let got = server.received();
    let syt = got
        .iter()
        .find(|m| m.to[0] == "vanthu@syt.example.gov.vn")
        .unwrap();
    assert_eq!(
        syt.to,
        [
            "vanthu@syt.example.gov.vn",
            "tonghop@syt.example.gov.vn",
            "giamdoc@syt.example.gov.vn"
        ]
    );
    let m = syt.parsed();
    assert!(
        m.subject()
            .unwrap()
            .starts_with("Đôn đốc gửi báo cáo quá hạn")
    );
    assert!(m.body_text(0).unwrap().contains("Đã quá hạn 15 ngày"));
}

#[test]
fn a_server_answering_4xx_for_a_while_gets_every_message_once() {
    let server = SmtpServer::start();
    let dir = reminder_config(&smtp_mail(server.port));
    let cfg = cfg(&dir);
    server.fail_next(2);
    let (out, log) = tick_logged(&cfg, "24/04/2025 08:00");
    assert!(out.contains("delivered 0, will retry 2"), "{out}");
    assert!(server.received().is_empty());
    // One warning when delivery starts failing, not one per message.
    assert_eq!(log.matches("WARN").count(), 1, "{log}");
    assert!(log.contains("mail delivery is failing"), "{log}");
    // `--at` is the clock for retries too: a second later they are due
    // (retry_seconds = 1), and the recovery is logged.
    let (out, log) = tick_logged(&cfg, "24/04/2025 08:00:01");
    assert!(out.contains("0 new emails; delivered 2"), "{out}");
    assert!(log.contains("mail delivery works again"), "{log}");
    let ids: Vec<String> = server
        .received()
        .iter()
        .map(|m| m.parsed().message_id().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 2);
    assert_ne!(ids[0], ids[1]);
    tick(&cfg, "24/04/2025 08:10");
    assert_eq!(server.received().len(), 2, "nothing resent");
}

#[test]
fn a_5xx_for_one_address_does_not_block_the_others() {
    let server = SmtpServer::start();
    let dir = reminder_config(&smtp_mail(server.port));
    let cfg = cfg(&dir);
    server.reject("vanthu@stp.example.gov.vn");
    let out = tick(&cfg, "24/04/2025 08:00");
    assert!(out.contains("delivered 1, will retry 0, failed 1"), "{out}");
    let got = server.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].to[0], "vanthu@syt.example.gov.vn");
    // Recorded and shown; not retried.
    let out = dondoc(&["--config", &cfg, "preview", "--at", "24/04/2025 09:00"]);
    assert!(out.stdout.contains("Thư không gửi được"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("so-tu-phap: kh-2025/kien-toan kỳ 29/04/2025 (before-3)"),
        "{}",
        out.stdout
    );
    let out = dondoc(&["--config", &cfg, "status", "--at", "24/04/2025 09:00"]);
    assert!(out.stdout.contains("Thư không gửi được"), "{}", out.stdout);
    // A bad address is the message's fault: not a delivery outage.
    assert!(!out.stdout.contains("Máy chủ thư"), "{}", out.stdout);
    tick(&cfg, "24/04/2025 10:00");
    assert_eq!(server.received().len(), 1);
}

#[test]
fn the_outbox_transport_writes_private_eml_files() {
    use std::os::unix::fs::PermissionsExt;
    let dir = reminder_config("[mail]\noutbox = \"state/outbox\"\n");
    let cfg = cfg(&dir);
    // Whatever the umask (000 here), the folder is 0700 and the files 0600.
    let out = std::process::Command::new("sh")
        .args(["-c", "umask 000 && exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_dondoc"))
        .args(["--config", &cfg, "tick", "--at", "29/04/2025 08:00"])
        .output()
        .unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(out.contains("2 new emails; delivered 2"), "{out}");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir.path().join("state/outbox")), 0o700);
    assert_eq!(mode(&dir.path().join("state/dondoc.db")), 0o600);
    let files: Vec<_> = std::fs::read_dir(dir.path().join("state/outbox"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 2);
    for f in &files {
        assert_eq!(mode(f), 0o600, "{}", f.display());
    }
    let raw = std::fs::read(&files[0]).unwrap();
    let m = mail_parser::MessageParser::default().parse(&raw).unwrap();
    assert!(
        m.subject()
            .unwrap()
            .contains("Kiện toàn Ban Chỉ đạo 138 tỉnh")
    );
    assert!(
        m.body_text(0)
            .unwrap()
            .contains("Hôm nay là ngày cuối cùng của thời hạn")
    );
}

#[test]
fn send_test_goes_through_the_configured_transport() {
    let server = SmtpServer::start();
    let dir = reminder_config(&smtp_mail(server.port));
    let cfg = cfg(&dir);
    let out = dondoc(&[
        "--config",
        &cfg,
        "send-test",
        "--to",
        "kiemtra@example.gov.vn",
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    let got = server.received();
    assert_eq!(got[0].to, ["kiemtra@example.gov.vn"]);
    assert_eq!(
        got[0].parsed().subject(),
        Some("dondoc: thư thử nghiệm / test message")
    );
    let out = dondoc(&["--config", &cfg, "send-test", "--to", "not-an-address"]);
    assert_eq!(out.code, 2);
    // A server that is not there: a runtime failure, exit 1.
    let dead = reminder_config(&smtp_mail(1));
    let out = dondoc(&[
        "--config",
        &cfg_of(&dead),
        "send-test",
        "--to",
        "kiemtra@example.gov.vn",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.contains("was not sent"), "{}", out.stderr);
}

fn cfg_of(dir: &tempfile::TempDir) -> String {
    cfg(dir)
}

#[test]
fn a_message_in_flight_at_a_crash_is_resent_with_the_same_message_id() {
    let server = SmtpServer::start();
    let mail = smtp_mail(server.port).replace("timeout_seconds = 10", "timeout_seconds = 1");
    let dir = reminder_config(&mail);
    let cfg = cfg(&dir);
    // The server sits on the first DATA for 3 s; the sender is killed meanwhile.
    server.delay_next(1, Duration::from_secs(3));
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_dondoc"))
        .args(["--config", &cfg, "tick", "--at", "24/04/2025 08:00"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed while the first message is on the wire.
    let start = std::time::Instant::now();
    while server.data_started() == 0 {
        assert!(start.elapsed() < Duration::from_secs(10), "no DATA");
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let stored = message_ids(&cfg);
    assert_eq!(
        stored.len(),
        2,
        "both emails were claimed and stored before sending"
    );
    assert!(server.received().is_empty());

    // The claim stands: a new moment does not claim the same steps again; the
    // dead sender's leases are released (its process is gone) and the stored
    // messages go out at once, byte for byte.
    let out = tick(&cfg, "24/04/2025 08:30");
    assert!(out.contains("0 new emails; delivered 2"), "{out}");
    let mut got: Vec<String> = server
        .received()
        .iter()
        .map(|m| format!("<{}>", m.parsed().message_id().unwrap()))
        .collect();
    got.sort();
    assert_eq!(got, stored);
}

/// The Message-IDs stored in the database, sorted.
fn message_ids(cfg: &str) -> Vec<String> {
    let db = rusqlite::Connection::open(format!("{cfg}/state/dondoc.db")).unwrap();
    let mut stmt = db
        .prepare("SELECT message_id FROM messages ORDER BY message_id")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// The 2025 reform: UBND huyện Diên Khánh ends on 30/06/2025, its work taken
/// over by UBND xã Diên Khánh from 01/07. A report due Friday 27/06 is owed
/// by the district only; it is reminded on 27/06 ("due") but not on
/// Wednesday 02/07 (overdue-1, after the district is gone), and `status`
/// keeps it overdue, naming the successor.
#[test]
fn a_dissolved_agency_is_not_chased_and_its_successor_is_named() {
    let dir = reminder_config("[mail]\noutbox = \"state/outbox\"\n");
    let cfg = cfg(&dir);
    std::fs::write(
        dir.path().join("agencies.toml"),
        r#"
[[agency]]
id = "ubnd-huyen-dien-khanh"
name = "UBND huyện Diên Khánh"
email = ["vanthu@dienkhanh.example.gov.vn"]
groups = ["dia-phuong"]
active_until = 2025-06-30
successors = ["ubnd-xa-dien-khanh"]

[[agency]]
id = "ubnd-xa-dien-khanh"
name = "UBND xã Diên Khánh"
email = ["vanthu@xa-dienkhanh.example.gov.vn"]
groups = ["dia-phuong"]
active_from = 2025-07-01
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("plans/kh-2025.toml"),
        "[plan]\nid = \"kh-2025\"\nnumber = \"3212/KH-UBND\"\ntitle = \"Kế hoạch\"\nissued = \"20/03/2025\"\n\n\
         [[obligation]]\nid = \"bao-cao\"\ntitle = \"Báo cáo 6 tháng\"\nagencies = [\"@dia-phuong\"]\n\
         due = \"27/06/2025\"\n",
    )
    .unwrap();
    let items = |at: &str| -> Vec<(String, String)> {
        preview(&cfg, at)
            .iter()
            .flat_map(|e| {
                let agency = e["agency"].as_str().unwrap().to_string();
                e["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(move |i| (agency.clone(), i["step"].as_str().unwrap().to_string()))
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    assert_eq!(
        items("27/06/2025 08:00"),
        [("ubnd-huyen-dien-khanh".to_string(), "due".to_string())]
    );
    assert!(items("02/07/2025 08:00").is_empty(), "dissolved on 30/06");
    let out = dondoc(&["--config", &cfg, "status", "--at", "02/07/2025 08:00"]);
    assert!(
        out.stdout
            .contains("UBND huyện Diên Khánh (nay là: UBND xã Diên Khánh)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("quá hạn chưa nộp"), "{}", out.stdout);
}

/// Ninh Bình, Tháng hành động 2023, a two-tier chain: 30 units report to the
/// office *trước ngày 03/7/2023* (scheduled Sunday 02/07, due Monday 03/07);
/// Công an tỉnh reports upward by Monday 10/07, `after` the units. With 12 of
/// the 30 unit reports received, the upward reminder on 10/07 says so, and
/// its status rows carry the same inputs; a waived unit is not owed.
#[test]
fn an_upward_report_carries_the_progress_of_what_feeds_it() {
    let dir = reminder_config("[mail]\noutbox = \"state/outbox\"\n");
    let cfg = cfg(&dir);
    let mut agencies = String::from(
        "[[agency]]\nid = \"cong-an-tinh\"\nname = \"Công an tỉnh Ninh Bình\"\nemail = [\"vanthu@ca.example.gov.vn\"]\n\n",
    );
    for i in 0..30 {
        agencies.push_str(&format!(
            "[[agency]]\nid = \"don-vi-{i:02}\"\nname = \"Đơn vị {i}\"\nemail = [\"vt{i}@dv.example.gov.vn\"]\ngroups = [\"don-vi\"]\n\n"
        ));
    }
    std::fs::write(dir.path().join("agencies.toml"), agencies).unwrap();
    std::fs::write(
        dir.path().join("plans/kh-2025.toml"),
        r#"[plan]
id = "thang-hanh-dong"
number = "85/KH-UBND"
title = "Kế hoạch Tháng hành động phòng, chống ma túy năm 2023"
issued = "05/06/2023"

[[obligation]]
id = "bao-cao-don-vi"
title = "Báo cáo kết quả Tháng hành động của các đơn vị"
agencies = ["@don-vi"]
before = "03/07/2023"

[[obligation]]
id = "bao-cao-len"
title = "Báo cáo kết quả Tháng hành động của tỉnh"
agencies = ["cong-an-tinh"]
due = "10/07/2023"
after = "bao-cao-don-vi"
submit_to = "Bộ Công an"
"#,
    )
    .unwrap();
    let mut csv = String::from("plan,obligation,period,agency,submitted_on,ref,note\n");
    for i in 0..12 {
        csv.push_str(&format!(
            "thang-hanh-dong,bao-cao-don-vi,02/07/2023,don-vi-{i:02},03/07/2023,{i}/BC,\n"
        ));
    }
    let file = dir.path().join("nop.csv");
    std::fs::write(&file, csv).unwrap();
    let out = dondoc(&["--config", &cfg, "import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", out.stderr);

    let emails = preview(&cfg, "10/07/2023 08:00");
    let up = emails
        .iter()
        .find(|e| e["agency"] == "cong-an-tinh")
        .expect("a reminder to Công an tỉnh");
    assert_eq!(up["items"][0]["step"], "due");
    assert_eq!(up["items"][0]["inputs"]["submitted"], 12);
    assert_eq!(up["items"][0]["inputs"]["owed"], 30);
    let text = up["text"].as_str().unwrap();
    assert!(
        text.contains("đã nhận 12/30 báo cáo của các đơn vị"),
        "{text}"
    );
    assert!(text.contains("Bộ Công an"), "where it goes: {text}");
    // A unit's item has no inputs.
    let unit = emails.iter().find(|e| e["agency"] == "don-vi-20").unwrap();
    assert_eq!(unit["items"][0]["inputs"], Value::Null);

    // Waived units are not owed: 12 of 29.
    let out = dondoc(&[
        "--config",
        &cfg,
        "exempt",
        "--plan",
        "thang-hanh-dong",
        "--obligation",
        "bao-cao-don-vi",
        "--period",
        "02/07/2023",
        "--agency",
        "don-vi-29",
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    let out = dondoc(&[
        "--config",
        &cfg,
        "status",
        "--at",
        "10/07/2023 08:00",
        "--format",
        "json",
    ]);
    let rows: Vec<Value> = serde_json::from_str(&out.stdout).unwrap();
    let row = rows
        .iter()
        .find(|r| r["obligation"] == "bao-cao-len")
        .unwrap();
    assert_eq!(row["inputs"]["submitted"], 12);
    assert_eq!(row["inputs"]["owed"], 29);
    let unit = rows
        .iter()
        .find(|r| r["obligation"] == "bao-cao-don-vi")
        .unwrap();
    assert_eq!(unit["inputs"], Value::Null);
}
