//! `dondoc inbox fetch` against a real IMAP server: Dovecot from Debian's
//! `dovecot-imapd`, started by the test with a throwaway config, a user
//! whose maildir the test fills, and TLS with a CA from trustme.
//!
//! Dovecot must run as root (it drops to its own users). Without it (or
//! without root, or trustme) these tests say so and pass, unless
//! `DONDOC_REQUIRE_DOVECOT=1` (as `.ci/run` sets), where they fail.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{dondoc, free_port, reminder_config, reminder_to};

const PASSWORD: &str = "mat-khau-hop-thu";

struct Dovecot {
    dir: tempfile::TempDir,
    port: u16,
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Dovecot {
    fn start() -> Option<Dovecot> {
        Dovecot::start_with("")
    }

    /// Started with `extra` lines in its config.
    fn start_with(extra: &str) -> Option<Dovecot> {
        // SAFETY: getuid has no preconditions.
        let root = unsafe { libc::getuid() } == 0;
        let have = root
            && Command::new("dovecot").arg("--version").output().is_ok()
            && Command::new("python3")
                .args(["-c", "import trustme"])
                .status()
                .is_ok_and(|s| s.success());
        if !have {
            assert!(
                std::env::var("DONDOC_REQUIRE_DOVECOT").is_err(),
                "dovecot (apt-get install dovecot-imapd), root and trustme are required"
            );
            eprintln!("SKIPPED: dovecot, root or python3's trustme not available");
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
        for sub in [
            "run",
            "state",
            "home/vptt/Maildir/new",
            "home/vptt/Maildir/cur",
            "home/vptt/Maildir/tmp",
        ] {
            fs::create_dir_all(d.join(sub)).unwrap();
        }
        let status = Command::new("python3")
            .arg("-c")
            .arg(
                "import sys, trustme\nca = trustme.CA()\nc = ca.issue_cert('localhost', '127.0.0.1')\n\
                 c.private_key_pem.write_to_path(sys.argv[1] + '/key.pem')\n\
                 c.cert_chain_pems[0].write_to_path(sys.argv[1] + '/cert.pem')\n\
                 ca.cert_pem.write_to_path(sys.argv[1] + '/ca.pem')",
            )
            .arg(d)
            .status()
            .unwrap();
        assert!(status.success());
        let port = free_port();
        let p = d.display();
        fs::write(
            d.join("dovecot.conf"),
            format!(
                "base_dir = {p}/run\nstate_dir = {p}/state\nlog_path = {p}/log\nprotocols = imap\n\
                 listen = 127.0.0.1\nssl = yes\nssl_cert = <{p}/cert.pem\nssl_key = <{p}/key.pem\n\
                 auth_mechanisms = plain\ndisable_plaintext_auth = no\nfirst_valid_uid = 1\n\
                 mail_location = maildir:{p}/home/%u/Maildir\n\
                 passdb {{\n  driver = static\n  args = password={PASSWORD}\n}}\n\
                 userdb {{\n  driver = static\n  args = uid=nobody gid=nogroup home={p}/home/%u\n}}\n\
                 service imap-login {{\n  inet_listener imap {{\n    port = 0\n  }}\n  \
                 inet_listener imaps {{\n    port = {port}\n    ssl = yes\n  }}\n  chroot =\n}}\n\
                 service anvil {{\n  chroot =\n}}\n{extra}"
            ),
        )
        .unwrap();
        let status = Command::new("chown")
            .args(["-R", "nobody:nogroup"])
            .arg(d.join("home"))
            .status()
            .unwrap();
        assert!(status.success());
        let status = Command::new("dovecot")
            .arg("-c")
            .arg(d.join("dovecot.conf"))
            .status()
            .unwrap();
        assert!(status.success(), "dovecot did not start");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "dovecot does not listen: {}",
                fs::read_to_string(d.join("log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(Dovecot { dir, port })
    }

    /// Stops the server (its files stay until it is dropped).
    fn stop(&self) {
        let _ = Command::new("dovecot")
            .arg("-c")
            .arg(self.dir.path().join("dovecot.conf"))
            .arg("stop")
            .stderr(std::process::Stdio::null())
            .status();
    }

    fn maildir(&self) -> PathBuf {
        self.dir.path().join("home/vptt/Maildir")
    }

    /// Delivers `raw` as a new message, as a local delivery agent would.
    fn deliver(&self, n: usize, raw: &str) {
        self.deliver_to("", n, raw);
    }

    /// The same into a folder (maildir++: `.NAME`; "" is INBOX), made as needed.
    fn deliver_to(&self, folder: &str, n: usize, raw: &str) {
        let dir = match folder {
            "" => self.maildir(),
            name => self.maildir().join(format!(".{name}")),
        };
        for sub in ["cur", "new", "tmp"] {
            fs::create_dir_all(dir.join(sub)).unwrap();
        }
        Command::new("chown")
            .args(["-R", "nobody:nogroup"])
            .arg(&dir)
            .status()
            .unwrap();
        let path = dir.join(format!("new/{n}.M{n}P1.test"));
        fs::write(&path, raw).unwrap();
        Command::new("chown")
            .args(["nobody:nogroup"])
            .arg(&path)
            .status()
            .unwrap();
    }

    /// The bytes Dovecot sent in each IMAP session that ended, in order
    /// (its logout line: `Logged out in=… out=…`).
    fn bytes_sent_per_session(&self) -> Vec<u64> {
        fs::read_to_string(self.dir.path().join("log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("Logged out"))
            .filter_map(|l| {
                l.split_whitespace()
                    .find_map(|w| w.strip_prefix("out="))
                    .and_then(|n| n.trim_end_matches(',').parse().ok())
            })
            .collect()
    }

    fn ca(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }
}

fn reply(from: &str, id: &str, reminder: &str, extra: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: vptt138@example.gov.vn\r\nSubject: Re: V/v nhắc thời hạn gửi báo cáo\r\n\
         Date: Fri, 25 Apr 2025 10:15:00 +0700\r\nMessage-ID: <{id}>\r\nIn-Reply-To: <{reminder}>\r\n\
         {extra}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n\
         --b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"bao-cao.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b1--\r\n"
    )
}

/// The flags Dovecot keeps in a message's maildir file name (`:2,S`).
fn flags_of(maildir: &Path, message_id: &str) -> String {
    for sub in ["cur", "new"] {
        for entry in fs::read_dir(maildir.join(sub)).unwrap() {
            let path = entry.unwrap().path();
            let text = fs::read_to_string(&path).unwrap_or_default();
            if text.contains(&format!("Message-ID: <{message_id}>")) {
                let name = path.file_name().unwrap().to_string_lossy().to_string();
                return name.split(":2,").nth(1).unwrap_or("").to_string();
            }
        }
    }
    panic!("no message {message_id}");
}

#[test]
fn fetch_reads_the_mailbox_once_and_flags_only_proposals() {
    let Some(server) = Dovecot::start() else {
        return;
    };
    let inbox = format!(
        "[mail]\noutbox = \"state/outbox\"\n\n[inbox]\nhost = \"127.0.0.1\"\nport = {}\n\
         username = \"vptt\"\npassword_file = \"imap-password\"\nca_file = \"{}\"\n",
        server.port,
        server.ca().display()
    );
    let dir = reminder_config(&inbox);
    fs::write(dir.path().join("imap-password"), format!("{PASSWORD}\n")).unwrap();
    let cfg = dir.path().to_str().unwrap();
    let out = dondoc(&["--config", cfg, "tick", "--at", "24/04/2025 08:00"]);
    assert!(out.status.success(), "{}", out.stderr);
    let outbox = dir.path().join("state/outbox");
    let syt = reminder_to(&outbox, "vanthu@syt.example.gov.vn");
    let stp = reminder_to(&outbox, "vanthu@stp.example.gov.vn");

    let first = reply(
        "vanthu@syt.example.gov.vn",
        "r1@syt.example.gov.vn",
        &syt,
        "",
        "Số: 125/BC-SYT",
    );
    server.deliver(1, &first);
    server.deliver(2, &first); // the same message twice
    server.deliver(
        3,
        &reply("ai-do@gmail.com", "x1@gmail.com", &syt, "", "Số: 1/BC-X"),
    );
    server.deliver(
        4,
        &reply(
            "vanthu@stp.example.gov.vn",
            "a1@stp.example.gov.vn",
            &stp,
            "Auto-Submitted: auto-replied\r\n",
            "Vắng mặt.",
        ),
    );
    server.deliver(
        5,
        &format!(
            "From: MAILER-DAEMON@mail.example.gov.vn\r\nSubject: Undelivered Mail\r\n\
             Message-ID: <dsn1@mail.example.gov.vn>\r\nMIME-Version: 1.0\r\n\
             Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\r\n\
             --r\r\nContent-Type: text/plain\r\n\r\n550 5.1.1 user unknown\r\n\
             --r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mail.example.gov.vn\r\n\r\n\
             Final-Recipient: rfc822; vanthu@stp.example.gov.vn\r\nAction: failed\r\nStatus: 5.1.1\r\n\
             --r\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{stp}>\r\nSubject: V/v\r\n--r--\r\n"
        ),
    );
    // Written fresh, replying to nothing: it names the plan and the period
    // (the 6-month report's scheduled date): an uncertain proposal.
    server.deliver(
        6,
        "From: vanthu@stp.example.gov.vn\r\nTo: vptt138@example.gov.vn\r\n\
         Subject: =?UTF-8?Q?B=C3=A1o_c=C3=A1o_k=E1=BB=B3_14/6/2025?=\r\n\
         Date: Tue, 10 Jun 2025 15:00:00 +0700\r\nMessage-ID: <n1@stp.example.gov.vn>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n\
         Thực hiện Kế hoạch số 3212/KH-UBND, Sở Tư pháp gửi Báo cáo số 31/BC-STP.\r\n",
    );

    // A stranger's message with 2 MB attached: ignored, so left unseen.
    server.deliver(
        7,
        &format!(
            "From: ai-do@gmail.com\r\nTo: vptt138@example.gov.vn\r\nSubject: Ảnh\r\n\
             Message-ID: <big@gmail.com>\r\nMIME-Version: 1.0\r\n\
             Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB\r\n"
                .repeat(28_000)
        ),
    );

    let out = dondoc(&["--config", cfg, "inbox", "fetch"]);
    assert!(
        out.status.success(),
        "{}\n{}",
        out.stderr,
        fs::read_to_string(server.dir.path().join("log")).unwrap_or_default()
    );
    assert!(
        out.stdout
            .contains("7 messages: 2 proposals (0 accepted), 1 bounced, 3 ignored, 1 read before"),
        "{}",
        out.stdout
    );
    // Only what became a proposal is flagged \Seen; the rest stays unread.
    assert!(!flags_of(&server.maildir(), "x1@gmail.com").contains('S'));
    assert!(!flags_of(&server.maildir(), "a1@stp.example.gov.vn").contains('S'));
    assert!(!flags_of(&server.maildir(), "dsn1@mail.example.gov.vn").contains('S'));
    let seen = fs::read_dir(server.maildir().join("cur"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .contains(":2,S")
        })
        .count();
    assert!(flags_of(&server.maildir(), "n1@stp.example.gov.vn").contains('S'));
    assert_eq!(
        seen, 2,
        "exactly the proposals (one of the two copies of the reply) are \\Seen"
    );

    // A second fetch: the five unread ones again, all read before, known by
    // their envelopes: the 2 MB are not downloaded again (Dovecot logs the
    // bytes each session sent).
    let out = dondoc(&["--config", cfg, "inbox", "fetch"]);
    assert!(
        out.stdout
            .contains("5 messages: 0 proposals (0 accepted), 0 bounced, 0 ignored, 5 read before"),
        "{}",
        out.stdout
    );
    // Dovecot logs a session's end after the client has gone.
    wait_until("Dovecot logs both sessions", || {
        server.bytes_sent_per_session().len() >= 2
    });
    let sent = server.bytes_sent_per_session();
    assert_eq!(sent.len(), 2, "two sessions logged: {sent:?}");
    assert!(
        sent[0] > 2_000_000,
        "the first fetch downloaded it: {sent:?}"
    );
    assert!(sent[1] < 50_000, "the second only envelopes: {sent:?}");

    let out = dondoc(&["--config", cfg, "inbox", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["ref"], "125/BC-SYT");
    assert_eq!(list[0]["agency"], "so-y-te");
    assert_eq!(list[0]["certain"], true);
    assert_eq!(list[0]["files"][0], "attachments/1-0-bao-cao.pdf");
    assert_eq!(list[1]["agency"], "so-tu-phap");
    assert_eq!(list[1]["certain"], false);
    assert_eq!(list[1]["ref"], "31/BC-STP");
    assert_eq!(
        list[1]["items"],
        serde_json::json!([{"plan": "kh-2025", "obligation": "bao-cao-6-thang", "period": "2025-06-14"}])
    );
    // The bounce is in status: the office must phone.
    let out = dondoc(&["--config", cfg, "status", "--at", "25/04/2025 12:00"]);
    assert!(
        out.stdout.contains("550 5.1.1 user unknown"),
        "{}",
        out.stdout
    );

    // The clerk accepts both: the reply on its date with its number; the
    // uncertain one (the 6-month report) on its date too.
    let out = dondoc(&["--config", cfg, "inbox", "accept", "1", "2"]);
    assert!(out.status.success(), "{}", out.stderr);
    let rows = common::records::status(cfg, "20/06/2025 12:00");
    let pair = |agency: &str, obligation: &str| {
        rows.iter()
            .find(|r| r["agency"] == agency && r["obligation"] == obligation)
            .unwrap()
            .clone()
    };
    let syt = pair("so-y-te", "kien-toan");
    assert_eq!(syt["state"], "on_time");
    assert_eq!(syt["submitted_on"], "2025-04-25T10:15:00+07:00");
    assert_eq!(syt["ref"], "125/BC-SYT");
    assert_eq!(syt["recorded_by"], "cli:thuky");
    let stp = pair("so-tu-phap", "bao-cao-6-thang");
    assert_eq!(stp["state"], "on_time");
    assert_eq!(stp["ref"], "31/BC-STP");

    // A wrong password: a clear error, exit 1, nothing changed.
    fs::write(dir.path().join("imap-password"), "sai\n").unwrap();
    let out = dondoc(&["--config", cfg, "inbox", "fetch"]);
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("refused the login of vptt"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("sai"), "the password is never printed");
}

#[test]
fn inbox_settings_are_checked_with_the_key_and_the_fix() {
    for (table, key, says) in [
        (
            "[inbox]\nhost = \"mail.example.gov.vn\"\nusername = \"v\"\npassword_file = \"imap-password\"\nsecurity = \"ssl\"\n",
            "inbox.security",
            "use \"tls\", \"starttls\" or \"none\"",
        ),
        (
            "[inbox]\nhost = \"mail.example.gov.vn\"\nusername = \"v\"\npassword_file = \"imap-password\"\nsecurity = \"none\"\n",
            "inbox.security",
            "allowed only for a loopback host",
        ),
        (
            "[inbox]\nhost = \"mail.example.gov.vn\"\nusername = \"v\"\n",
            "inbox.password_file",
            "the mailbox needs a password",
        ),
        (
            "[inbox]\nhost = \"mail.example.gov.vn\"\nusername = \"v\"\npassword_file = \"missing\"\n",
            "inbox.password_file",
            "create it",
        ),
        (
            "[inbox]\nhost = \"mail.example.gov.vn\"\nusername = \"v\"\npassword_file = \"imap-password\"\naccept = \"yes\"\n",
            "inbox.accept",
            "use \"confirm\" (a clerk decides) or \"auto\"",
        ),
    ] {
        let dir = reminder_config(table);
        fs::write(dir.path().join("imap-password"), "x\n").unwrap();
        let out = dondoc(&["--config", dir.path().to_str().unwrap(), "check"]);
        assert_eq!(out.code, 2, "{table}");
        assert!(out.stderr.contains("dondoc.toml"), "{}", out.stderr);
        assert!(
            out.stderr.contains(key) && out.stderr.contains(says),
            "{table}: {}",
            out.stderr
        );
    }
    // A valid one is summarised by check.
    let dir = reminder_config(
        "[inbox]\nhost = \"mail.example.gov.vn\"\nusername = \"vptt\"\npassword_file = \"imap-password\"\n",
    );
    fs::write(dir.path().join("imap-password"), "x\n").unwrap();
    let out = dondoc(&["--config", dir.path().to_str().unwrap(), "check"]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains(
            "Mailbox: mail.example.gov.vn:993 (Tls), folder INBOX, user vptt, a clerk confirms"
        ),
        "{}",
        out.stdout
    );
}

/// `dondoc run` on `cfg` from `clock`, its log in `log`.
fn run_daemon(cfg: &str, clock: &str, log: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_dondoc"))
        .args([
            "--lang",
            "en",
            "--config",
            cfg,
            "run",
            "--clock-start",
            clock,
        ])
        .stderr(fs::File::create(log).unwrap())
        .spawn()
        .unwrap()
}

/// SIGTERM, then how it ended.
fn stop(mut daemon: std::process::Child) -> std::process::ExitStatus {
    // SAFETY: kill(2) on our own child.
    unsafe {
        libc::kill(daemon.id() as i32, libc::SIGTERM);
    }
    daemon.wait().unwrap()
}

/// Waits for `done`, at most 20 s.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < Duration::from_secs(20), "{what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The daemon reads the mailbox at start, then waits with IDLE; with the
/// IMAP server down it says so and the reminders go out all the same.
#[test]
fn the_daemon_reads_the_mailbox_and_sends_while_it_is_down() {
    // Down: nothing listens on the port.
    let closed = free_port();
    let dir = reminder_config(&format!(
        "[mail]\noutbox = \"state/outbox\"\n\n[inbox]\nhost = \"127.0.0.1\"\nport = {closed}\n\
         username = \"vptt\"\npassword_file = \"imap-password\"\n"
    ));
    fs::write(dir.path().join("imap-password"), "x\n").unwrap();
    let cfg = dir.path().to_str().unwrap().to_string();
    let log = dir.path().join("daemon.log");
    let daemon = run_daemon(&cfg, "24/04/2025 08:00", &log);
    let outbox = dir.path().join("state/outbox");
    wait_until("the reminders go out while the mailbox is down", || {
        fs::read_dir(&outbox).map(|d| d.count()).unwrap_or(0) == 2
            && fs::read_to_string(&log)
                .unwrap()
                .contains("cannot read the mailbox; reminders go on")
    });
    assert!(stop(daemon).success());
    // The failure is kept for the console and /metrics; no read yet.
    let db = dir.path().join("state/dondoc.db");
    let health = || {
        dondoc::ledger::Ledger::open(&db, "test")
            .unwrap()
            .inbox_health()
            .unwrap()
            .expect("the watcher recorded how it went")
    };
    let h = health();
    assert!(h.failures >= 1 && h.read_at.is_none(), "{h:?}");
    assert!(
        h.error
            .as_deref()
            .unwrap()
            .contains(&format!("127.0.0.1:{closed}")),
        "{h:?}"
    );

    // Up: a reply waiting in the configured folder (not INBOX) is read at
    // start, and with accept = "auto" recorded at once, by "inbox".
    let Some(server) = Dovecot::start() else {
        return;
    };
    let syt = reminder_to(&outbox, "vanthu@syt.example.gov.vn");
    server.deliver_to(
        "Baocao",
        1,
        &reply(
            "vanthu@syt.example.gov.vn",
            "r7@syt.example.gov.vn",
            &syt,
            "",
            "Số: 125/BC-SYT",
        ),
    );
    let main = dir.path().join("dondoc.toml");
    let text = fs::read_to_string(&main).unwrap().replace(
        &format!("port = {closed}"),
        &format!(
            "port = {}\nca_file = \"{}\"\nfolder = \"Baocao\"\naccept = \"auto\"",
            server.port,
            server.ca().display()
        ),
    );
    fs::write(&main, text).unwrap();
    fs::write(dir.path().join("imap-password"), format!("{PASSWORD}\n")).unwrap();
    let daemon = run_daemon(&cfg, "25/04/2025 12:00", &log);
    wait_until("the daemon records the reply", || {
        let rows = common::records::status(&cfg, "30/04/2025 12:00");
        let s = common::records::pair(&rows, "so-y-te");
        s["ref"] == "125/BC-SYT" && s["recorded_by"] == "inbox"
    });
    let out = dondoc(&["--config", &cfg, "inbox", "--format", "json", "--all"]);
    assert!(
        out.stdout.contains("\"state\":\"accepted\""),
        "{}",
        out.stdout
    );

    // Dovecot offers IDLE: the daemon waits on the open connection, and a
    // reply delivered now is recorded at once, not at the next 5-minute poll.
    wait_until("the daemon waits with IDLE", || {
        fs::read_to_string(&log)
            .unwrap()
            .contains("waiting for new mail (IMAP IDLE)")
    });
    // A read that works clears the failure; the mode is IDLE.
    let h = health();
    assert_eq!(
        (h.mode.as_deref(), h.failures, h.error.as_deref()),
        (Some("idle"), 0, None)
    );
    assert!(h.read_at.is_some());
    let out = dondoc(&["--config", &cfg, "inbox"]);
    assert!(out.stdout.contains("Mailbox read at "), "{}", out.stdout);
    let stp = reminder_to(&outbox, "vanthu@stp.example.gov.vn");
    let delivered = Instant::now();
    server.deliver_to(
        "Baocao",
        2,
        &reply(
            "vanthu@stp.example.gov.vn",
            "r8@stp.example.gov.vn",
            &stp,
            "",
            "Số: 77/BC-STP",
        ),
    );
    wait_until(
        "the daemon records a reply delivered while it waits",
        || {
            let rows = common::records::status(&cfg, "30/04/2025 12:00");
            common::records::pair(&rows, "so-tu-phap")["ref"] == "77/BC-STP"
        },
    );
    eprintln!(
        "a reply delivered during IDLE was recorded after {:.1} s",
        delivered.elapsed().as_secs_f64()
    );

    // The server goes away during IDLE: the daemon says so, and will try
    // again in a minute; it keeps running.
    server.stop();
    wait_until("the daemon notices the lost connection", || {
        fs::read_to_string(&log)
            .unwrap()
            .contains("lost the connection to the mailbox; reminders go on")
    });
    assert!(
        stop(daemon).success(),
        "{}",
        fs::read_to_string(&log).unwrap()
    );
    let log = fs::read_to_string(&log).unwrap();
    assert!(log.contains("inbox read"));
    assert!(log.contains("retry_in_s=60"), "{log}");
    let h = health();
    assert!(h.failures >= 1 && h.read_at.is_some(), "{h:?}");
    // `dondoc inbox` says when it last worked and that it fails now, not
    // that it waits for mail.
    let out = dondoc(&["--config", &cfg, "inbox"]);
    assert!(
        out.stdout.contains("Mailbox last read at ")
            && out.stdout.contains("Cannot read the mailbox (last try ")
            && !out.stdout.contains("waiting for new mail"),
        "{}{}",
        out.stdout,
        out.stderr
    );
}

/// A server that does not offer IDLE: the daemon reads the mailbox at start
/// and says it will poll every 5 minutes.
#[test]
fn without_idle_the_daemon_polls() {
    let Some(server) =
        Dovecot::start_with("imap_capability = IMAP4rev1 SASL-IR LITERAL+ ENABLE UIDPLUS\n")
    else {
        return;
    };
    let dir = reminder_config(&format!(
        "[mail]\noutbox = \"state/outbox\"\n\n[inbox]\nhost = \"127.0.0.1\"\nport = {}\n\
         username = \"vptt\"\npassword_file = \"imap-password\"\nca_file = \"{}\"\n",
        server.port,
        server.ca().display()
    ));
    fs::write(dir.path().join("imap-password"), format!("{PASSWORD}\n")).unwrap();
    let cfg = dir.path().to_str().unwrap().to_string();
    let out = dondoc(&["--config", &cfg, "tick", "--at", "24/04/2025 08:00"]);
    assert!(out.status.success(), "{}", out.stderr);
    let syt = reminder_to(
        &dir.path().join("state/outbox"),
        "vanthu@syt.example.gov.vn",
    );
    server.deliver(
        1,
        &reply(
            "vanthu@syt.example.gov.vn",
            "r9@syt.example.gov.vn",
            &syt,
            "",
            "Số: 125/BC-SYT",
        ),
    );
    let log = dir.path().join("daemon.log");
    let daemon = run_daemon(&cfg, "25/04/2025 12:00", &log);
    wait_until("the daemon reads the mailbox at start", || {
        let out = dondoc(&["--config", &cfg, "inbox", "--format", "json"]);
        out.stdout.contains("125/BC-SYT")
            && fs::read_to_string(&log)
                .unwrap()
                .contains("does not offer IDLE; reading the mailbox every 5 minutes")
    });
    let h = dondoc::ledger::Ledger::open(&dir.path().join("state/dondoc.db"), "test")
        .unwrap()
        .inbox_health()
        .unwrap()
        .unwrap();
    assert_eq!((h.mode.as_deref(), h.failures), (Some("poll"), 0));
    assert!(stop(daemon).success());
}

/// A 15 MB message from an agency's address that names the plan and
/// repeats the period's dates (matching once took 47 s for 10 MB, on the
/// daemon's only thread: `/healthz`, the console, send moments and the
/// watchdog stopped). Read now on the blocking pool, and linearly: the
/// console answers in under a second all the while.
#[test]
fn a_hostile_message_does_not_stall_the_daemon() {
    let Some(server) = Dovecot::start() else {
        return;
    };
    let web = free_port();
    let dir = reminder_config(&format!(
        "[mail]\noutbox = \"state/outbox\"\n\n[inbox]\nhost = \"127.0.0.1\"\nport = {}\n\
         username = \"vptt\"\npassword_file = \"imap-password\"\nca_file = \"{}\"\n\n\
         [web]\nlisten = \"127.0.0.1:{web}\"\nusers = \"users.toml\"\n",
        server.port,
        server.ca().display()
    ));
    fs::write(dir.path().join("imap-password"), format!("{PASSWORD}\n")).unwrap();
    let cfg = dir.path().to_str().unwrap().to_string();
    // The console needs users.toml: a token makes it.
    let out = dondoc(&["--config", &cfg, "token", "giam-sat", "--role", "viewer"]);
    assert!(out.status.success(), "{}", out.stderr);
    let log = dir.path().join("daemon.log");
    let daemon = run_daemon(&cfg, "10/06/2025 09:00", &log);
    wait_until("the daemon waits with IDLE and serves the console", || {
        fs::read_to_string(&log)
            .unwrap()
            .contains("waiting for new mail (IMAP IDLE)")
            && std::net::TcpStream::connect(("127.0.0.1", web)).is_ok()
    });
    let mut body = String::from("Thực hiện Kế hoạch số 3212/KH-UBND, Sở Y tế báo cáo.\r\n");
    while body.len() < 15 << 20 {
        body.push_str("kỳ 14/6/2025, hạn 16/06/2025, năm 2025, 14/06/2025 16/6/2025\r\n");
    }
    let hostile = format!(
        "From: vanthu@syt.example.gov.vn\r\nTo: vptt138@example.gov.vn\r\n\
         Subject: Báo cáo 6 tháng theo Kế hoạch số 3212/KH-UBND\r\n\
         Date: Tue, 10 Jun 2025 08:00:00 +0700\r\nMessage-ID: <hostile@syt.example.gov.vn>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\n{body}"
    );
    let healthz = || {
        let asked = Instant::now();
        let r = common::http::request(web, "GET", "/healthz", &[], b"");
        assert_eq!(r.status, 200, "{}", r.body);
        asked.elapsed()
    };
    healthz();
    let delivered = Instant::now();
    server.deliver(1, &hostile);
    let mut longest = Duration::ZERO;
    let mut asked = 0;
    while !fs::read_to_string(&log).unwrap().contains("inbox read") {
        assert!(
            delivered.elapsed() < Duration::from_secs(60),
            "the message was not read: {}",
            fs::read_to_string(&log).unwrap()
        );
        longest = longest.max(healthz());
        asked += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
    let read_in = delivered.elapsed();
    longest = longest.max(healthz());
    eprintln!(
        "15 MB hostile message read in {:.2} s; /healthz asked {asked} times meanwhile, the longest answer {} ms",
        read_in.as_secs_f64(),
        longest.as_millis()
    );
    assert!(
        longest < Duration::from_secs(1),
        "/healthz took {longest:?} while the message was read"
    );
    // It was read for what it is: an uncertain proposal, its text cut.
    let out = dondoc(&["--config", &cfg, "inbox", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(list[0]["certain"], false, "{}", out.stdout);
    // 12 000 messages each inside the one before: dropping such a tree
    // recursively overflowed the reader's stack and aborted the daemon
    // (which read it again after each restart).
    let deep = common::nested_messages(12_000);
    server.deliver(2, &deep);
    wait_until("the deep message is read and ignored", || {
        fs::read_to_string(&log)
            .unwrap()
            .contains("1 messages: 0 proposals (0 accepted), 0 bounced, 1 ignored")
    });
    healthz();
    assert!(stop(daemon).success());
}
