//! Reminders delivered through a real SMTP server on loopback, read back and
//! parsed: once per step, never to a submitted pair, retried through 4xx,
//! isolated from one agency's 5xx.

mod common;

use std::time::Duration;

use common::smtp::SmtpServer;
use common::{
    dondoc, dondoc_in, many_agencies, preview_json as preview, reminder_config, smtp_mail,
};
use mail_parser::MimeHeaders;

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

#[test]
fn a_reminder_arrives_intact_and_only_once() {
    let server = SmtpServer::start();
    let dir = reminder_config(&smtp_mail(server.port));
    let cfg = cfg(&dir);

    // The default policy (before 5 and 1 working days): 22/04/2025 is 5
    // working days before 29/04, so on 24/04 before-5 is due for both agencies.
    let planned = preview(&cfg, "24/04/2025 08:00");
    assert_eq!(planned.len(), 2);
    assert_eq!(planned[0]["agency"], "so-tu-phap");
    assert_eq!(planned[1]["items"][0]["step"], "before-5");

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
        Some("V/v nhắc thời hạn gửi kiện toàn Ban Chỉ đạo 138 tỉnh")
    );
    assert_eq!(
        m.subject().unwrap(),
        planned[1]["subject"].as_str().unwrap(),
        "preview shows what tick sends"
    );
    let text = m.body_text(0).unwrap();
    assert!(text.contains("Kính gửi: Sở Y tế"), "{text}");
    // The plan's words (trước ngày 30/4/2025), the agency named, no "quý cơ quan".
    assert!(
        text.contains("Thời hạn: trước ngày 30/4/2025.\r\n"),
        "{text}"
    );
    assert!(text.contains("Còn 5 ngày (nhắc lần 1)"), "{text}");
    assert!(
        text.contains("đề nghị Sở Y tế gửi báo cáo, văn bản sau đúng thời hạn"),
        "{text}"
    );
    assert!(!text.contains("quý cơ quan"), "{text}");
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
    // 15/05/2025: overdue-2 (2 × 5 ≥ 10 working days late; 30/4 and 1/5 are
    // holidays) for kien-toan.
    tick(&cfg, "15/05/2025 08:00");
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
    assert!(m.subject().unwrap().starts_with("V/v đôn đốc gửi"));
    let text = m.body_text(0).unwrap();
    assert!(text.contains("Đã quá hạn 16 ngày"), "{text}");
    assert!(
        text.contains("Thư này đồng gửi lãnh đạo Sở Y tế để biết, chỉ đạo."),
        "{text}"
    );
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

/// A reminder that waited for a retry is not sent once its pair is settled
/// meanwhile — by a submission or by a waiver — and the others still go; a
/// submission dated after the retry's moment does not settle it yet.
#[test]
fn a_retried_reminder_whose_pair_was_settled_meanwhile_is_cancelled() {
    let cases: [(&str, &[&str], &str); 3] = [
        (
            "submit",
            &["--on", "24/04/2025"],
            "delivered 1, will retry 0, failed 0, cancelled 1",
        ),
        (
            "exempt",
            &[],
            "delivered 1, will retry 0, failed 0, cancelled 1",
        ),
        (
            "submit",
            &["--on", "25/04/2025"],
            "delivered 2, will retry 0, failed 0, cancelled 0",
        ),
    ];
    for (settle, on, expect) in cases {
        let server = SmtpServer::start();
        let dir = reminder_config(&smtp_mail(server.port));
        let cfg = cfg(&dir);
        server.fail_next(2);
        let out = tick(&cfg, "24/04/2025 08:00");
        assert!(out.contains("delivered 0, will retry 2"), "{out}");
        let pair = [
            "--plan",
            "kh-2025",
            "--obligation",
            "kien-toan",
            "--period",
            "29/04/2025",
            "--agency",
            "so-y-te",
        ];
        let done = dondoc(&[&["--config", &cfg, settle][..], &pair, on].concat());
        assert!(done.status.success(), "{settle}: {}", done.stderr);
        let out = tick(&cfg, "24/04/2025 08:00:01");
        assert!(out.contains(expect), "{settle} {on:?}: {out}");
        let got = server.received();
        let sent = if expect.contains("cancelled 1") { 1 } else { 2 };
        assert_eq!(got.len(), sent, "{settle} {on:?}");
        assert!(
            got.iter().any(|m| m.to[0] == "vanthu@stp.example.gov.vn"),
            "{settle} {on:?}"
        );
    }
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
    // In the office's language (the default): the step as the office says it.
    let out = dondoc_in(
        &[],
        &["--config", &cfg, "preview", "--at", "24/04/2025 09:00"],
    );
    assert!(out.stdout.contains("Thư không gửi được"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("so-tu-phap: kh-2025/kien-toan kỳ 29/04/2025 (nhắc trước 5 ngày làm việc)"),
        "{}",
        out.stdout
    );
    let out = dondoc(&["--config", &cfg, "preview", "--at", "24/04/2025 09:00"]);
    assert!(
        out.stdout.contains(
            "so-tu-phap: kh-2025/kien-toan period 29/04/2025 (reminder 5 working days before)"
        ),
        "{}",
        out.stdout
    );
    let out = dondoc_in(
        &[],
        &["--config", &cfg, "status", "--at", "24/04/2025 09:00"],
    );
    assert!(out.stdout.contains("Thư không gửi được"), "{}", out.stdout);
    // A bad address is the message's fault: not a delivery outage.
    assert!(!out.stdout.contains("Máy chủ thư"), "{}", out.stdout);
    tick(&cfg, "24/04/2025 10:00");
    assert_eq!(server.received().len(), 1);
}

#[test]
fn a_4xx_for_one_address_is_retried_without_an_outage_warning() {
    let server = SmtpServer::start();
    let dir = reminder_config(&smtp_mail(server.port));
    let cfg = cfg(&dir);
    server.defer(Some("vanthu@stp.example.gov.vn"));
    let (out, log) = tick_logged(&cfg, "24/04/2025 08:00");
    assert!(out.contains("delivered 1, will retry 1, failed 0"), "{out}");
    // One agency's full mailbox is not delivery failing.
    assert!(!log.contains("mail delivery is failing"), "{log}");
    let out = dondoc_in(
        &[],
        &["--config", &cfg, "status", "--at", "24/04/2025 08:30"],
    );
    assert!(!out.stdout.contains("Máy chủ thư"), "{}", out.stdout);
    server.defer(None);
    let out = tick(&cfg, "24/04/2025 09:00");
    assert!(out.contains("0 new emails; delivered 1,"), "{out}");
    let mut to: Vec<String> = server.received().iter().map(|m| m.to[0].clone()).collect();
    to.sort();
    assert_eq!(
        to,
        ["vanthu@stp.example.gov.vn", "vanthu@syt.example.gov.vn"]
    );
}

#[test]
fn a_server_refusing_our_address_or_wanting_a_login_keeps_every_email_queued() {
    // 553 at MAIL FROM refuses the office's own address, 530 asks for a
    // login: every message would be refused alike, so none is at fault.
    for (code, said) in [(553, "does not accept mail from our address"), (530, "530")] {
        let server = SmtpServer::start();
        let dir = reminder_config(&smtp_mail(server.port));
        let cfg = cfg(&dir);
        server.refuse_senders(Some(code));
        let (out, log) = tick_logged(&cfg, "24/04/2025 08:00");
        assert!(
            out.contains("delivered 0, will retry 2, failed 0"),
            "{code}: {out}{log}"
        );
        assert!(
            log.contains("refused dondoc") && log.contains(said),
            "{code}: {log}"
        );
        // A login asked for is not said to be our address refused.
        assert_eq!(
            log.contains("does not accept mail from our address"),
            code == 553,
            "{code}: {log}"
        );
        let out = dondoc_in(
            &[],
            &["--config", &cfg, "status", "--at", "24/04/2025 08:30"],
        );
        assert!(
            out.stdout.contains("Máy chủ thư từ chối dondoc"),
            "{}",
            out.stdout
        );
        assert!(!out.stdout.contains("Thư không gửi được"), "{}", out.stdout);
        // Fixed on the server's side: the same two go.
        server.refuse_senders(None);
        let out = tick(&cfg, "24/04/2025 09:00");
        assert!(out.contains("0 new emails; delivered 2,"), "{code}: {out}");
        assert_eq!(server.received().len(), 2);
    }
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
        .env("DONDOC_LANG", "en")
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
            .contains("kiện toàn Ban Chỉ đạo 138 tỉnh")
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
        .env("DONDOC_LANG", "en")
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

#[test]
fn a_moment_cut_short_between_claimed_chunks_is_finished_by_the_next_run() {
    const N: usize = 40;
    let server = SmtpServer::start();
    let dir = reminder_config(&smtp_mail(server.port));
    std::fs::write(dir.path().join("agencies.toml"), many_agencies(N)).unwrap();
    let cfg = cfg(&dir);
    // The claimer is cut short after its first chunk, as by a crash: that
    // chunk is in the queue, the other reminders not yet in the sent-log.
    let loaded = dondoc::engine::load(dir.path()).unwrap();
    let config = &loaded.config;
    let at = jiff::civil::datetime(2025, 4, 24, 8, 0, 0, 0)
        .to_zoned(config.settings.timezone.clone())
        .unwrap();
    let mut ledger = dondoc::ledger::Ledger::open(&config.settings.database, "test").unwrap();
    let mut handed = 0;
    let (stored, _) = dondoc::engine::claim::claim_in_chunks(
        config,
        &loaded.templates,
        &mut ledger,
        &at,
        at.timestamp(),
        |chunk| {
            handed += chunk.len();
            false
        },
    )
    .unwrap();
    drop(ledger);
    assert!(0 < stored && stored < N, "{stored} of {N} claimed");
    assert_eq!(handed, stored, "the sender was handed what was stored");
    assert_eq!(message_ids(&cfg).len(), stored);
    assert!(server.received().is_empty());

    // The next run delivers what was claimed and claims the rest: every
    // agency gets its reminder, once.
    let out = tick(&cfg, "24/04/2025 08:30");
    assert!(
        out.contains(&format!("{} new emails; delivered {N},", N - stored)),
        "{out}"
    );
    let mut to: Vec<String> = server.received().iter().map(|m| m.to[0].clone()).collect();
    to.sort();
    let mut want: Vec<String> = (0..N)
        .map(|i| format!("vanthu{i}@dv{i}.example.gov.vn"))
        .collect();
    want.sort();
    assert_eq!(to, want);
    let out = tick(&cfg, "24/04/2025 09:00");
    assert!(out.contains("0 new emails; delivered 0,"), "{out}");
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
