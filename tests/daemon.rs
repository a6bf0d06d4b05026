//! `dondoc run` as systemd runs it: the real binary with a `NOTIFY_SOCKET` of
//! the test's own, a real SMTP server on loopback, signals, and `kill -9`.
//!
//! Time is an input: each daemon starts with `--clock-start` a few seconds
//! before the moments a test is about, and every send, digest and retry
//! moment follows that clock. No test sleeps to show that nothing happens:
//! it reads what the daemon says comes next.

mod common;

use std::os::unix::net::UnixDatagram;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::smtp::SmtpServer;
use common::{many_agencies, reminder_config, smtp_mail};

/// The notifications a daemon sends, collected from a datagram socket.
struct Notify {
    path: std::path::PathBuf,
    got: Arc<Mutex<Vec<String>>>,
}

impl Notify {
    fn bind(dir: &std::path::Path) -> Notify {
        let path = dir.join("notify.sock");
        let socket = UnixDatagram::bind(&path).unwrap();
        let got = Arc::new(Mutex::new(Vec::new()));
        let sink = got.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = socket.recv(&mut buf) {
                sink.lock()
                    .unwrap()
                    .push(String::from_utf8_lossy(&buf[..n]).into_owned());
            }
        });
        Notify { path, got }
    }

    fn count(&self, line: &str) -> usize {
        self.got
            .lock()
            .unwrap()
            .iter()
            .filter(|m| m.lines().any(|l| l == line))
            .count()
    }

    fn any(&self, prefix: &str) -> bool {
        self.last(prefix).is_some()
    }

    /// The latest line that starts with `prefix`.
    fn last(&self, prefix: &str) -> Option<String> {
        self.got
            .lock()
            .unwrap()
            .iter()
            .flat_map(|m| m.lines())
            .rfind(|l| l.starts_with(prefix))
            .map(str::to_string)
    }
}

/// The moment the daemon last armed its alarm for (its "next moment" log
/// line), as logged: `2025-04-29T00:00:00+07:00[Asia/Ho_Chi_Minh]`.
fn next_moment(log: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(log).unwrap();
    let line = text.lines().rfind(|l| l.contains("next moment"))?;
    let at = line.split("moment=").nth(1)?;
    Some(at.split_whitespace().next()?.to_string())
}

fn wait_for(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A daemon process that is killed if the test ends without stopping it.
struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

impl std::ops::Deref for Daemon {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for Daemon {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

fn start(cfg: &str, clock: &str, notify: &Notify, log: &std::path::Path) -> Daemon {
    Daemon(
        Command::new(env!("CARGO_BIN_EXE_dondoc"))
            .env("DONDOC_LANG", "en")
            .args(["--config", cfg, "run", "--clock-start", clock])
            .env("NOTIFY_SOCKET", &notify.path)
            .env("WATCHDOG_USEC", "1000000")
            .env("RUST_LOG", "info")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log).unwrap())
            .spawn()
            .unwrap(),
    )
}

fn signal(child: &Child, sig: i32) {
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc::kill(child.id() as i32, sig) }, 0);
}

fn to_count(server: &SmtpServer, addr: &str) -> usize {
    server
        .received()
        .iter()
        .filter(|m| m.to.iter().any(|t| t == addr))
        .count()
}

const SYT: &str = "vanthu@syt.example.gov.vn";
const DIGEST: &str = "lanhdao@example.gov.vn";

#[test]
fn send_moments_follow_the_controlled_clock() {
    let server = SmtpServer::start();
    // Midnight sends, and a digest on Tuesdays at midnight; 29/04/2025 is a Tuesday.
    let moments = format!(
        "\n[calendar]\nsend_at = [\"00:00\"]\n[digest]\nto = [\"{DIGEST}\"]\nsend_at = [\"tue 00:00\"]\n"
    );
    let dir = reminder_config(&format!("{}{moments}", smtp_mail(server.port)));
    let cfg = dir.path().to_str().unwrap().to_string();
    let notify = Notify::bind(dir.path());
    let log = dir.path().join("daemon.log");
    // Three seconds before midnight: before-1 of "kiện toàn" (due 29/04) at
    // the start-up catch-up. The digest of Tuesday 22/04 is not "missed": the
    // daemon never ran here before (a first start sends none).
    let mut child = start(&cfg, "28/04/2025 23:59:57", &notify, &log);
    let reminders = |server: &SmtpServer| server.received().len() - to_count(server, DIGEST);

    wait_for("the catch-up", Duration::from_secs(10), || {
        reminders(&server) == 2
    });
    assert_eq!(to_count(&server, DIGEST), 0, "no digest at a first start");
    wait_for("midnight armed", Duration::from_secs(10), || {
        next_moment(&log).as_deref() == Some("2025-04-29T00:00:00+07:00[Asia/Ho_Chi_Minh]")
    });
    assert_eq!(
        notify.last("STATUS=").unwrap(),
        "STATUS=next send 29/04/2025 00:00; 0 overdue"
    );
    // Midnight on the daemon's clock, seconds from now: the "due" reminders
    // and the digest of 29/04 at the one moment.
    wait_for("the midnight reminders", Duration::from_secs(10), || {
        reminders(&server) == 4 && to_count(&server, DIGEST) == 1
    });
    let due = server.received().iter().filter(|m| m.to[0] == SYT).count();
    assert_eq!(due, 2);
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("send moment moment=2025-04-29T00:00:0"),
        "{logged}"
    );
    // What comes next is the next midnight (30/04, a holiday: it will send
    // nothing), and the next Tuesday's digest after it.
    wait_for("the next midnight armed", Duration::from_secs(10), || {
        next_moment(&log).as_deref() == Some("2025-04-30T00:00:00+07:00[Asia/Ho_Chi_Minh]")
    });
    wait_for("the status after midnight", Duration::from_secs(10), || {
        notify.last("STATUS=").as_deref() == Some("STATUS=next send 30/04/2025 00:00; 0 overdue")
    });

    signal(&child, libc::SIGTERM);
    assert!(child.wait().unwrap().success());
}

#[test]
fn ready_reload_keeps_sending_and_stops_cleanly() {
    let server = SmtpServer::start();
    let every_2s = "\n[calendar]\nsend_at = [\"*/2 * * * * *\"]\n";
    let dir = reminder_config(&format!("{}{every_2s}", smtp_mail(server.port)));
    let cfg = dir.path().to_str().unwrap().to_string();
    let notify = Notify::bind(dir.path());
    let log = dir.path().join("daemon.log");
    // 28/04/2025 23:59:54: before-1 of "kiện toàn" (due 29/04); at midnight, "due".
    let mut child = start(&cfg, "28/04/2025 23:59:54", &notify, &log);

    wait_for("READY=1", Duration::from_secs(10), || {
        notify.count("READY=1") == 1
    });
    wait_for("the catch-up reminders", Duration::from_secs(10), || {
        server.received().len() == 2
    });
    assert!(
        notify.any("STATUS=next send "),
        "{:?}",
        notify.got.lock().unwrap()
    );
    wait_for("WATCHDOG=1", Duration::from_secs(5), || {
        notify.count("WATCHDOG=1") >= 1
    });

    // A broken config: the error is logged, the old one keeps running.
    let plan = dir.path().join("plans/kh-2025.toml");
    let good = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(
        &plan,
        good.replace("before = \"30/04/2025\"", "before = \"31/04/2025\"")
            .replace("[\"@so-nganh\"]", "[\"@so-nganh\", \"so-y-te\\u001b[2J\"]"),
    )
    .unwrap();
    signal(&child, libc::SIGHUP);
    wait_for(
        "READY=1 after the failed reload",
        Duration::from_secs(10),
        || notify.count("READY=1") == 2,
    );
    assert!(notify.count("RELOADING=1") >= 1);
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains(
            "plans/kh-2025.toml:14:10: obligation[0].before: \"31/04/2025\" is not a real date"
        ),
        "{logged}"
    );
    assert!(logged.contains("keeping the running one"), "{logged}");
    // A config value cannot forge log lines or drive the terminal.
    assert!(logged.contains("\"so-y-te\\u{1b}[2J\""), "{logged}");
    assert!(!logged.contains('\u{1b}'), "a raw ESC in the log");
    // Midnight passes: the old config sends the "due" reminders.
    wait_for("the due-day reminders", Duration::from_secs(15), || {
        server.received().len() == 4
    });
    let due = server.received().iter().filter(|m| m.to[0] == SYT).count();
    assert_eq!(due, 2);

    // A good config with a digest every 2 s: it takes effect, nothing is resent.
    let with_digest = format!(
        "{}\n[digest]\nto = [\"{DIGEST}\"]\nsend_at = [\"*/2 * * * * *\"]\n",
        std::fs::read_to_string(dir.path().join("dondoc.toml")).unwrap()
    );
    std::fs::write(dir.path().join("dondoc.toml"), with_digest).unwrap();
    std::fs::write(&plan, &good).unwrap();
    signal(&child, libc::SIGHUP);
    wait_for("READY=1 after the reload", Duration::from_secs(10), || {
        notify.count("READY=1") == 3
    });
    wait_for("a digest", Duration::from_secs(10), || {
        to_count(&server, DIGEST) >= 1
    });
    let digest = server
        .received()
        .into_iter()
        .find(|m| m.to[0] == DIGEST)
        .unwrap();
    let text = digest.parsed().body_text(0).unwrap().into_owned();
    assert!(
        text.contains("Kính gửi: Lãnh đạo Văn phòng Thường trực BCĐ 138 tỉnh"),
        "{text}"
    );
    // Two more digests: the moments keep firing, and no reminder is resent.
    let digests = to_count(&server, DIGEST);
    wait_for("two more digests", Duration::from_secs(10), || {
        to_count(&server, DIGEST) >= digests + 2
    });
    assert_eq!(
        server
            .received()
            .iter()
            .filter(|m| m.to[0] != DIGEST)
            .count(),
        4,
        "no reminder resent"
    );

    // The digest taken out and the reminders moved to 08:00: the daemon's
    // next moment is 08:00, hours away, not one of the removed moments two
    // seconds apart (its alarm holds one moment at a time, and the status
    // line asks the same schedule).
    let moved = std::fs::read_to_string(dir.path().join("dondoc.toml"))
        .unwrap()
        .replace(
            &format!("\n[digest]\nto = [\"{DIGEST}\"]\nsend_at = [\"*/2 * * * * *\"]\n"),
            "",
        )
        .replace(every_2s, "\n[calendar]\nsend_at = [\"0 0 8 * * *\"]\n");
    std::fs::write(dir.path().join("dondoc.toml"), moved).unwrap();
    signal(&child, libc::SIGHUP);
    wait_for(
        "READY=1 after the third reload",
        Duration::from_secs(10),
        || notify.count("READY=1") == 4,
    );
    wait_for("08:00 armed", Duration::from_secs(10), || {
        next_moment(&log).as_deref() == Some("2025-04-29T08:00:00+07:00[Asia/Ho_Chi_Minh]")
    });
    let status = notify.last("STATUS=").unwrap();
    assert!(
        status.starts_with("STATUS=next send 29/04/2025 08:00;"),
        "{status}"
    );

    let stop = Instant::now();
    signal(&child, libc::SIGTERM);
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(
        stop.elapsed() < Duration::from_secs(5),
        "stopped in {:?}",
        stop.elapsed()
    );
    assert_eq!(notify.count("STOPPING=1"), 1);
}

#[test]
fn kill_9_mid_batch_loses_nothing_and_duplicates_only_in_flight() {
    const N: usize = 300;
    let server = SmtpServer::start();
    let mail = smtp_mail(server.port).replace(
        "timeout_seconds = 10",
        "timeout_seconds = 2\nmax_per_minute = 100000",
    );
    let dir = reminder_config(&mail);
    std::fs::write(dir.path().join("agencies.toml"), many_agencies(N)).unwrap();
    let cfg = dir.path().to_str().unwrap().to_string();
    let notify = Notify::bind(dir.path());
    // Each DATA waits 10 ms: the batch takes a few seconds.
    server.delay_next(N, Duration::from_millis(10));
    let log = dir.path().join("first.log");
    let mut first = start(&cfg, "24/04/2025 08:00", &notify, &log);
    wait_for("part of the batch", Duration::from_secs(20), || {
        server.received().len() >= 60
    });
    first.kill().unwrap();
    first.wait().unwrap();
    let before_restart = server.received().len();
    assert!(before_restart < N, "killed mid-batch");

    std::fs::create_dir(dir.path().join("second")).unwrap();
    let second_notify = Notify::bind(&dir.path().join("second"));
    let log = dir.path().join("second.log");
    let mut second = start(&cfg, "24/04/2025 08:01", &second_notify, &log);
    wait_for("every reminder", Duration::from_secs(30), || {
        let mut ids: Vec<String> = server
            .received()
            .iter()
            .map(|m| m.parsed().message_id().unwrap().to_string())
            .collect();
        ids.sort();
        ids.dedup();
        ids.len() == N
    });
    signal(&second, libc::SIGTERM);
    assert!(second.wait().unwrap().success());

    let received = server.received();
    let mut per_agency: std::collections::HashMap<String, usize> = Default::default();
    for m in &received {
        *per_agency.entry(m.to[0].clone()).or_default() += 1;
    }
    assert_eq!(per_agency.len(), N, "every agency got its reminder");
    let duplicates = received.len() - N;
    eprintln!(
        "kill -9 after {before_restart} of {N} delivered: {duplicates} duplicates after the restart"
    );
    // At most the delivered messages whose outcomes were not yet committed,
    // the one on the wire included (README, "the guarantee").
    let in_flight = dondoc::engine::deliver::UNRECORDED_AT_MOST;
    assert!(
        duplicates <= in_flight,
        "{duplicates} duplicates: more than the {in_flight} messages in flight"
    );
}
