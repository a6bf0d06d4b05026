//! STARTTLS and AUTH against Python's aiosmtpd (installed by `.ci/run`):
//! the password is used, a server without STARTTLS is refused under
//! `security = "starttls"`, and a Vietnamese subject arrives intact.
//!
//! Without `aiosmtpd` and `trustme` importable these tests say so and pass,
//! unless `DONDOC_REQUIRE_AIOSMTPD=1` (as `.ci/run` sets), where they fail.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{dondoc, many_agencies, reminder_config};

struct PyServer {
    child: Child,
    dir: tempfile::TempDir,
    port: u16,
}

impl Drop for PyServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl PyServer {
    /// Starts the server, or `None` when aiosmtpd is not installed (and not required).
    fn start(plain: bool, password: &str) -> Option<PyServer> {
        let have = Command::new("python3")
            .args(["-c", "import aiosmtpd, trustme"])
            .status()
            .is_ok_and(|s| s.success());
        if !have {
            assert!(
                std::env::var("DONDOC_REQUIRE_AIOSMTPD").is_err(),
                "aiosmtpd and trustme are required: pip install aiosmtpd trustme"
            );
            eprintln!(
                "SKIPPED: python3 with aiosmtpd and trustme not found (pip install aiosmtpd trustme)"
            );
            return None;
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("password"), password).unwrap();
        let mut cmd = Command::new("python3");
        cmd.arg("tests/aiosmtpd_server.py")
            .arg(dir.path())
            .stdin(Stdio::piped());
        if plain {
            cmd.arg("--plain");
        }
        let child = cmd.spawn().unwrap();
        let port_file = dir.path().join("port");
        let start = Instant::now();
        while !port_file.exists() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "aiosmtpd did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(100));
        let port = std::fs::read_to_string(&port_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        Some(PyServer { child, dir, port })
    }

    fn ca(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// (metadata, raw message) of each message received, in order.
    fn received(&self) -> Vec<(serde_json::Value, Vec<u8>)> {
        (1..)
            .map(|n| {
                (
                    self.dir.path().join(format!("mail-{n}.json")),
                    self.dir.path().join(format!("mail-{n}.eml")),
                )
            })
            .take_while(|(j, _)| j.exists())
            .map(|(j, e)| {
                (
                    serde_json::from_str(&std::fs::read_to_string(j).unwrap()).unwrap(),
                    std::fs::read(e).unwrap(),
                )
            })
            .collect()
    }
}

/// A file holding `password`, as `[mail.smtp] password_file` reads it.
fn password_file(password: &str) -> tempfile::NamedTempFile {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), password).unwrap();
    file
}

fn smtp(port: u16, ca: &Path, password_file: &Path) -> String {
    format!(
        "[mail]\ntransport = \"smtp\"\nretry_seconds = 1\n\n[mail.smtp]\nhost = \"127.0.0.1\"\nport = {port}\n\
         security = \"starttls\"\nca_file = \"{}\"\nusername = \"vptt138\"\npassword_file = \"{}\"\ntimeout_seconds = 10\n",
        ca.display(),
        password_file.display()
    )
}

#[test]
fn starttls_and_auth_deliver_with_the_password() {
    let Some(server) = PyServer::start(false, "mật-khẩu-đúng") else {
        return;
    };
    let secret = password_file("mật-khẩu-đúng\n");
    let dir = reminder_config(&smtp(server.port, &server.ca(), secret.path()));
    let cfg = dir.path().to_str().unwrap();
    let out = dondoc(&["--config", cfg, "tick", "--at", "24/04/2025 08:00"]);
    assert!(
        out.stdout.contains("delivered 2"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    let got = server.received();
    assert_eq!(got.len(), 2);
    for (meta, raw) in &got {
        assert_eq!(meta["login"], "vptt138");
        assert_eq!(meta["tls"], true);
        assert_eq!(meta["mail_from"], "vptt138@example.gov.vn");
        let m = mail_parser::MessageParser::default().parse(raw).unwrap();
        assert_eq!(
            m.subject(),
            Some("V/v nhắc thời hạn gửi kiện toàn Ban Chỉ đạo 138 tỉnh")
        );
    }
    let out = dondoc(&[
        "--config",
        cfg,
        "send-test",
        "--to",
        "kiemtra@example.gov.vn",
    ]);
    assert!(out.status.success(), "{}", out.stderr);
}

#[test]
fn a_wrong_password_keeps_every_email_queued_until_it_is_fixed() {
    const AGENCIES: usize = 100;
    let Some(server) = PyServer::start(false, "mật-khẩu-đúng") else {
        return;
    };
    let secret = password_file("sai");
    let dir = reminder_config(&smtp(server.port, &server.ca(), secret.path()));
    // Enough agencies for the moment to be claimed in several chunks, the
    // later ones after the refusal: they are postponed with the first.
    std::fs::write(dir.path().join("agencies.toml"), many_agencies(AGENCIES)).unwrap();
    let cfg = dir.path().to_str().unwrap();
    let out = dondoc(&["--config", cfg, "tick", "--at", "24/04/2025 08:00"]);
    assert!(
        out.stdout
            .contains(&format!("delivered 0, will retry {AGENCIES}, failed 0")),
        "the messages are not at fault: {}{}",
        out.stdout,
        out.stderr
    );
    assert!(out.stderr.contains("ERROR"), "{}", out.stderr);
    assert!(out.stderr.contains("535"), "{}", out.stderr);
    assert!(server.received().is_empty());
    let out = dondoc(&["--config", cfg, "status", "--at", "24/04/2025 09:00"]);
    assert!(
        out.stdout.contains("Máy chủ thư từ chối dondoc") && out.stdout.contains("535"),
        "the refusal is shown: {}",
        out.stdout
    );
    assert!(
        out.stdout.contains(&format!("{AGENCIES} thư đang chờ gửi")),
        "{}",
        out.stdout
    );
    let db = rusqlite::Connection::open(dir.path().join("state/dondoc.db")).unwrap();
    let unscheduled: i64 = db
        .query_row(
            "SELECT count(*) FROM messages WHERE state != 'retry' OR next_try_at IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unscheduled, 0, "every email waits for the same retry");

    // The admin fixes the password: the same emails go, and the
    // recovery is logged.
    std::fs::write(secret.path(), "mật-khẩu-đúng").unwrap();
    let out = dondoc(&["--config", cfg, "tick", "--at", "24/04/2025 10:00"]);
    assert!(
        out.stdout
            .contains(&format!("0 new emails; delivered {AGENCIES},")),
        "{}{}",
        out.stdout,
        out.stderr
    );
    assert!(
        out.stderr.contains("mail delivery works again"),
        "{}",
        out.stderr
    );
    assert_eq!(server.received().len(), AGENCIES);
    let out = dondoc(&["--config", cfg, "status", "--at", "24/04/2025 10:00"]);
    assert!(!out.stdout.contains("Máy chủ thư"), "{}", out.stdout);
}

#[test]
fn a_server_without_starttls_is_refused() {
    let Some(server) = PyServer::start(true, "x") else {
        return;
    };
    let secret = password_file("x");
    let ca = tempfile::NamedTempFile::new().unwrap();
    // Any CA will do: the TLS handshake must never start.
    let tls = PyServer::start(false, "x").unwrap();
    std::fs::copy(tls.ca(), ca.path()).unwrap();
    let dir = reminder_config(&smtp(server.port, ca.path(), secret.path()));
    let cfg = dir.path().to_str().unwrap();
    let out = dondoc(&[
        "--config",
        cfg,
        "send-test",
        "--to",
        "kiemtra@example.gov.vn",
    ]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert!(out.stderr.to_lowercase().contains("tls"), "{}", out.stderr);
    let out = dondoc(&["--config", cfg, "tick", "--at", "24/04/2025 08:00"]);
    assert!(
        out.stdout.contains("delivered 0, will retry 2"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    assert!(
        server.received().is_empty(),
        "nothing went out in clear text"
    );
    let out = dondoc(&["--config", cfg, "status", "--at", "24/04/2025 09:00"]);
    assert!(
        out.stdout.contains("Máy chủ thư từ chối dondoc"),
        "{}",
        out.stdout
    );
}
