//! The database while the daemon runs, as an admin treats it: the system's
//! `sqlite3` reading the live file (a quick look, a backup the old way),
//! writes through the API and the command line, `kill -9`, and `dondoc
//! backup`. Nothing confirmed may be lost, and the daemon keeps its locks.
//!
//! Needs Debian's `sqlite3` (installed by `.ci/run`; `DONDOC_REQUIRE_SQLITE3=1`
//! makes its absence a failure, else the test says SKIPPED).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{dondoc, fixture_config, free_port, http};
use serde_json::{Value, json};

fn sqlite3_available() -> bool {
    let found = Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("DONDOC_REQUIRE_SQLITE3").is_none(),
            "sqlite3 is required (DONDOC_REQUIRE_SQLITE3 is set)"
        );
        eprintln!("SKIPPED: no sqlite3 on this machine (apt-get install sqlite3)");
    }
    found
}

/// The system `sqlite3` on `db`, as an admin types it: one query, its output.
fn sqlite3(db: &Path, query: &str) -> String {
    let out = Command::new("sqlite3")
        .arg(db)
        .arg(query)
        .output()
        .expect("run sqlite3");
    assert!(
        out.status.success(),
        "sqlite3 {query}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The POSIX locks `/proc/locks` shows for `pid` on the file `path`.
fn locks_of(pid: u32, path: &Path) -> Vec<String> {
    use std::os::unix::fs::MetadataExt as _;
    let inode = std::fs::metadata(path).unwrap().ino();
    std::fs::read_to_string("/proc/locks")
        .unwrap()
        .lines()
        .filter(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            // "1: POSIX  ADVISORY  READ 1234 fd:01:5678 1073741826 1073742335"
            f.len() >= 6
                && f[1] == "POSIX"
                && f[4] == pid.to_string()
                && f[5].rsplit(':').next() == Some(&inode.to_string())
        })
        .map(str::to_string)
        .collect()
}

struct Daemon {
    child: Child,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(cfg: &str, port: u16, log: &Path) -> Daemon {
    let child = Command::new(env!("CARGO_BIN_EXE_dondoc"))
        .args(["--config", cfg, "run", "--clock-start", "28/04/2025 09:00"])
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
        || http::request(port, "GET", "/healthz", &[], b"").status != 200
    {
        assert!(
            Instant::now() < deadline,
            "the daemon did not start: {}",
            std::fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Daemon { child }
}

fn post(port: u16, token: &str, body: &Value) -> http::Response {
    let auth = format!("Bearer {token}");
    http::request(
        port,
        "POST",
        "/api/submissions",
        &[
            ("Authorization", auth.as_str()),
            ("Content-Type", "application/json"),
        ],
        body.to_string().as_bytes(),
    )
}

/// Submitted agencies as the daemon sees them (`/api/status`).
fn submitted_seen_by_daemon(port: u16, token: &str) -> Vec<String> {
    let auth = format!("Bearer {token}");
    let r = http::request(
        port,
        "GET",
        "/api/status",
        &[("Authorization", auth.as_str())],
        b"",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let rows: Vec<Value> = serde_json::from_str(&r.body).unwrap();
    let mut done: Vec<String> = rows
        .iter()
        .filter(|r| r["submitted_on"].is_string())
        .map(|r| r["agency"].as_str().unwrap().to_string())
        .collect();
    done.sort();
    done
}

#[test]
fn sqlite3_beside_the_daemon_loses_nothing_and_backup_copies_it_live() {
    if !sqlite3_available() {
        return;
    }
    let dir = fixture_config(Some(Path::new("tests/fixtures/web")));
    let cfg = dir.path().to_str().unwrap().to_string();
    let port = free_port();
    let main = dir.path().join("dondoc.toml");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(
        &main,
        format!("{text}\n[web]\nlisten = \"127.0.0.1:{port}\"\nusers = \"users.toml\"\n"),
    )
    .unwrap();
    let out = dondoc(&["--config", &cfg, "token", "he-thong", "--role", "clerk"]);
    assert!(out.status.success(), "{}", out.stderr);
    let token = out
        .stdout
        .lines()
        .find(|l| l.starts_with("ddt_"))
        .unwrap()
        .to_string();
    let db: PathBuf = dir.path().join("state/dondoc.db");
    let log = dir.path().join("daemon.log");
    let mut daemon = start(&cfg, port, &log);
    let pid = daemon.child.id();

    // A first request makes the console open connections of its own.
    assert!(submitted_seen_by_daemon(port, &token).is_empty());
    assert!(
        !locks_of(pid, &db).is_empty(),
        "the daemon holds no lock on its database: {:?}",
        std::fs::read_to_string("/proc/locks").unwrap()
    );

    // An admin's look at the live file, then a write from each side.
    assert_eq!(sqlite3(&db, "SELECT count(*) FROM submissions"), "0");
    let r = post(
        port,
        &token,
        &json!({"plan": "p", "obligation": "bao-cao", "period": "29/04/2025",
                "agency": "so-y-te", "submitted_on": "25/04/2025", "ref": "12/BC-SYT"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(sqlite3(&db, "SELECT count(*) FROM submissions"), "1");
    let out = dondoc(&[
        "--config",
        &cfg,
        "submit",
        "--plan",
        "p",
        "--obligation",
        "bao-cao",
        "--period",
        "29/04/2025",
        "--agency",
        "cong-an-tinh",
        "--on",
        "26/04/2025",
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(sqlite3(&db, "SELECT count(*) FROM submissions"), "2");

    // Both sides see both rows, and the daemon still holds its lock.
    assert_eq!(
        submitted_seen_by_daemon(port, &token),
        ["cong-an-tinh", "so-y-te"]
    );
    assert!(!locks_of(pid, &db).is_empty(), "the daemon lost its lock");

    // A backup while it runs: consistent, private, with both rows.
    let copy = dir.path().join("sao-luu.db");
    let out = dondoc(&["--config", &cfg, "backup", copy.to_str().unwrap()]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains("2 submissions") && out.stdout.contains("integrity check: ok"),
        "{}",
        out.stdout
    );
    assert_eq!(sqlite3(&copy, "SELECT count(*) FROM submissions"), "2");
    assert_eq!(sqlite3(&copy, "PRAGMA journal_mode"), "delete");
    use std::os::unix::fs::PermissionsExt as _;
    assert_eq!(
        std::fs::metadata(&copy).unwrap().permissions().mode() & 0o777,
        0o600
    );
    // Not over an existing file unless asked, never over the database.
    let again = dondoc(&["--config", &cfg, "backup", copy.to_str().unwrap()]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    let own = dondoc(&["--config", &cfg, "backup", db.to_str().unwrap(), "--force"]);
    assert_eq!(own.code, 2, "{}", own.stderr);
    assert!(own.stderr.contains("the database itself"), "{}", own.stderr);
    // A folder is refused before anything is written, and nothing is left.
    let folder = dir.path().join("sao-luu");
    std::fs::create_dir(&folder).unwrap();
    let into = dondoc(&[
        "--config",
        &cfg,
        "backup",
        folder.to_str().unwrap(),
        "--force",
    ]);
    assert_eq!(into.code, 2, "{}", into.stderr);
    assert!(into.stderr.contains("that is a folder"), "{}", into.stderr);
    let partial = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| e.file_name().to_string_lossy().ends_with(".partial"));
    assert!(!partial, "a .partial file was left behind");

    // An admin's sqlite3 holding a write lock past the 10 s busy timeout:
    // the API says "try again" (503, Retry-After), writes nothing, and
    // works again once the lock is gone.
    let mut holder = Command::new("sqlite3")
        .arg(&db)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    {
        use std::io::Write as _;
        let stdin = holder.stdin.as_mut().unwrap();
        stdin.write_all(b"BEGIN EXCLUSIVE;\nSELECT 1;\n").unwrap();
        stdin.flush().unwrap();
    }
    std::thread::sleep(Duration::from_millis(300));
    let locked = json!({"plan": "p", "obligation": "bao-cao", "period": "29/04/2025",
                        "agency": "so-y-te", "submitted_on": "25/04/2025", "ref": "13/BC-SYT",
                        "replace": true});
    let r = post(port, &token, &locked);
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.header("retry-after"), Some("5"));
    assert!(r.body.contains("thử lại"), "{}", r.body);
    drop(holder.stdin.take()); // end of input: sqlite3 rolls back and exits
    holder.wait().unwrap();
    let reference = "SELECT ref FROM submissions WHERE agency = 'so-y-te'";
    assert_eq!(sqlite3(&db, reference), "12/BC-SYT");
    let r = post(port, &token, &locked);
    assert!(
        r.status == 200 || r.status == 201,
        "{}: {}",
        r.status,
        r.body
    );
    assert_eq!(sqlite3(&db, reference), "13/BC-SYT");

    // A crash loses nothing that was confirmed.
    daemon.child.kill().unwrap(); // SIGKILL
    daemon.child.wait().unwrap();
    assert_eq!(sqlite3(&db, "PRAGMA integrity_check"), "ok");
    assert_eq!(
        sqlite3(&db, "SELECT agency FROM submissions ORDER BY agency"),
        "cong-an-tinh\nso-y-te"
    );
}
