//! The clerk's day in the console (SPEC, "The clerk's day"), through the
//! real binary: feeds that follow what was decided, who is late first,
//! agencies with their contacts, and what an admin is told about
//! `base_url`.

mod common;

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Command, Stdio};

use common::console::{CLERK, Console, start, start_with};
use common::http::{self, form};
use common::{dondoc, dondoc_in, dondoc_with_stdin, fixture_config};
use serde_json::Value;

/// The fixture's one instance, and `dondoc ARGS --plan … --agency AGENCY`.
fn decide(c: &Console, command: &str, agency: &str, extra: &[&str]) {
    let mut args = vec![
        "--config",
        &c.cfg,
        command,
        "--plan",
        "p",
        "--obligation",
        "bao-cao",
        "--period",
        "29/04/2025",
        "--agency",
        agency,
    ];
    args.extend_from_slice(extra);
    let out = dondoc(&args);
    assert!(out.status.success(), "{}", out.stderr);
}

/// A feed's text, by its secret address from `dondoc feed-url`.
fn feed(c: &Console, agency: Option<&str>) -> String {
    let mut args = vec!["--config", c.cfg.as_str(), "feed-url"];
    if let Some(a) = agency {
        args.extend(["--agency", a]);
    }
    let out = dondoc(&args);
    assert!(out.status.success(), "{}", out.stderr);
    let path = out
        .stdout
        .trim()
        .strip_prefix(&c.origin())
        .unwrap()
        .to_string();
    let r = c.get(&path, &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

/// The events of an iCalendar text as Python's `icalendar` reads them:
/// `[{uid, start, summary, description}]`, or `None` when it is not
/// installed (unless `DONDOC_REQUIRE_ICALENDAR=1`, as `.ci/run` sets).
fn icalendar_events(text: &str) -> Option<Vec<Value>> {
    const READ: &str = r#"
import json, sys, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
print(json.dumps([{"uid": str(e["UID"]), "start": e.decoded("DTSTART").isoformat(),
                   "summary": str(e["SUMMARY"]), "description": str(e["DESCRIPTION"])}
                  for e in cal.walk("VEVENT")]))
"#;
    let have = Command::new("python3")
        .args(["-c", "import icalendar"])
        .status()
        .is_ok_and(|s| s.success());
    if !have {
        assert!(
            std::env::var("DONDOC_REQUIRE_ICALENDAR").is_err(),
            "python3's icalendar is required: pip install icalendar"
        );
        eprintln!("SKIPPED: python3's icalendar not found; the feed is checked as text only");
        return None;
    }
    let mut child = Command::new("python3")
        .args(["-c", READ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

#[test]
fn feeds_follow_extensions_and_waivers() {
    let c = start();
    decide(&c, "extend", "so-y-te", &["--to", "06/05/2025"]);
    decide(&c, "exempt", "cong-an-tinh", &["--note", "Không phát sinh"]);

    // The agency granted an extension: its one event moved, same UID.
    let text = feed(&c, Some("so-y-te"));
    let unfolded = text.replace("\r\n ", "");
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 1, "{text}");
    assert!(
        unfolded.contains("DTSTART;VALUE=DATE:20250506\r\n"),
        "{unfolded}"
    );
    assert!(
        !unfolded.contains("DTSTART;VALUE=DATE:20250429"),
        "{unfolded}"
    );
    assert!(unfolded.contains("UID:p.bao-cao.2025-04-29@dondoc\r\n"));
    if let Some(events) = icalendar_events(&text) {
        assert_eq!(events.len(), 1, "{events:?}");
        assert_eq!(events[0]["start"], "2025-05-06");
        assert_eq!(events[0]["uid"], "p.bao-cao.2025-04-29@dondoc");
        let d = events[0]["description"].as_str().unwrap();
        assert!(
            d.contains("06/05/2025 (gia hạn; hạn của kỳ: 29/04/2025)"),
            "{d}"
        );
    }
    // The exempt agency owes nothing: no event.
    let text = feed(&c, Some("cong-an-tinh"));
    assert!(!text.contains("BEGIN:VEVENT"), "{text}");
    if let Some(events) = icalendar_events(&text) {
        assert!(events.is_empty(), "{events:?}");
    }

    // The office's calendar: the due date with the one agency left on it,
    // the extended date with the one moved there, the exempt one nowhere.
    let text = feed(&c, None);
    let unfolded = text.replace("\r\n ", "");
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 2, "{text}");
    assert!(!unfolded.contains("Công an tỉnh"), "{unfolded}");
    if let Some(events) = icalendar_events(&text) {
        let starts: Vec<&str> = events
            .iter()
            .map(|e| e["start"].as_str().unwrap())
            .collect();
        assert_eq!(starts, ["2025-04-29", "2025-05-06"]);
        assert_eq!(events[0]["uid"], "p.bao-cao.2025-04-29@dondoc");
        assert_eq!(events[1]["uid"], "p.bao-cao.2025-04-29.2025-05-06@dondoc");
        let first = events[0]["description"].as_str().unwrap();
        assert!(
            first.contains("Đơn vị phải nộp (1): Sở <script>"),
            "{first}"
        );
        let second = events[1]["description"].as_str().unwrap();
        assert!(second.ends_with("Đơn vị phải nộp (1): Sở Y tế"), "{second}");
        assert!(
            events[1]["summary"]
                .as_str()
                .unwrap()
                .starts_with("Hạn nộp (gia hạn): ")
        );
    }

    // Lifting both puts the feed back as planned.
    decide(&c, "extend", "so-y-te", &["--undo"]);
    decide(&c, "exempt", "cong-an-tinh", &["--undo"]);
    let text = feed(&c, None).replace("\r\n ", "");
    assert_eq!(text.matches("BEGIN:VEVENT").count(), 1, "{text}");
    assert!(text.contains("Đơn vị phải nộp (3)"), "{text}");
}

#[test]
fn a_fresh_checkout_gets_its_accounts_directory_and_check_explains_an_https_base_url() {
    let dir = fixture_config(Some(Path::new("tests/fixtures/web")));
    let cfg = dir.path().to_str().unwrap();
    let main = dir.path().join("dondoc.toml");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(
        &main,
        format!(
            "{text}\n[web]\nlisten = \"127.0.0.1:8138\"\nusers = \"var/users.toml\"\n\
             base_url = \"https://dondoc.example.gov.vn\"\n"
        ),
    )
    .unwrap();
    // `var/` does not exist: `check` says how to make the first account…
    let out = dondoc(&["--config", cfg, "check"]);
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("dondoc passwd NAME --role admin"),
        "{}",
        out.stderr
    );
    // … and `passwd` makes the directory, for this user only.
    let out = dondoc_with_stdin(
        &["--config", cfg, "passwd", "admin", "--role", "admin"],
        "mật khẩu quản trị 2025\n",
    );
    assert!(out.status.success(), "{}", out.stderr);
    assert!(!out.stderr.contains("No such file"), "{}", out.stderr);
    assert!(
        out.stderr.contains("Created the directory"),
        "{}",
        out.stderr
    );
    let var = std::fs::metadata(dir.path().join("var")).unwrap();
    assert_eq!(var.permissions().mode() & 0o777, 0o700);
    assert!(dir.path().join("var/users.toml").exists());
    // `check` warns that an https base_url needs a TLS proxy, and names one.
    let out = dondoc(&["--config", cfg, "check"]);
    assert!(out.status.success(), "{}", out.stderr);
    let warning = out
        .stdout
        .lines()
        .find(|l| l.contains("base_url"))
        .unwrap_or_else(|| panic!("{}", out.stdout));
    for words in [
        "https://dondoc.example.gov.vn",
        "plain HTTP",
        "nginx",
        "caddy",
    ] {
        assert!(warning.contains(words), "{words}: {warning}");
    }
    let out = dondoc_in(&["--lang", "vi"], &["--config", cfg, "check"]);
    assert!(
        out.stdout.contains("proxy ngược có TLS (nginx, caddy)"),
        "{}",
        out.stdout
    );
    // Without base_url, no such warning.
    std::fs::write(
        &main,
        format!("{text}\n[web]\nlisten = \"127.0.0.1:8138\"\nusers = \"var/users.toml\"\n"),
    )
    .unwrap();
    let out = dondoc(&["--config", cfg, "check"]);
    assert!(!out.stdout.contains("base_url"), "{}", out.stdout);
}

#[test]
fn a_refused_name_or_origin_gets_a_vietnamese_page_naming_base_url() {
    let c = start_with("web", "base_url = \"https://dondoc.example.gov.vn\"\n");
    let html = ("Accept", "text/html,application/xhtml+xml");
    // The console opened at its listening address, as the README's block
    // would have a newcomer do.
    let r = c.get("/login", &[html]);
    assert_eq!(r.status, 421);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    for words in [
        "<html lang=\"vi\">",
        "không phục vụ tên",
        "href=\"https:&#x2f;&#x2f;dondoc.example.gov.vn\"",
        "nginx, caddy",
    ] {
        assert!(r.body.contains(words), "{words}: {}", r.body);
    }
    // Its stylesheet answers under any name.
    assert_eq!(c.get("/static/dondoc.css", &[]).status, 200);
    // A login posted from the listening address to the public name.
    let origin = c.origin();
    let public = ("Host", "dondoc.example.gov.vn");
    let post = |accept: Option<(&str, &str)>| {
        let mut headers = vec![
            public,
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", origin.as_str()),
        ];
        headers.extend(accept);
        http::request(
            c.port,
            "POST",
            "/login",
            &headers,
            form(&[("username", CLERK.0), ("password", CLERK.1)]).as_bytes(),
        )
    };
    let r = post(Some(html));
    assert_eq!(r.status, 403);
    assert!(r.header("content-type").unwrap().starts_with("text/html"));
    for words in [
        "Yêu cầu bị từ chối",
        "Origin không khớp",
        "theo [web] base_url",
        "Mở https:&#x2f;&#x2f;dondoc.example.gov.vn",
        "nginx, caddy",
    ] {
        assert!(r.body.contains(words), "{words}: {}", r.body);
    }
    // A program gets the same words as text.
    let r = post(None);
    assert_eq!(r.status, 403);
    assert!(r.header("content-type").unwrap().starts_with("text/plain"));
    assert!(
        r.body.contains("https://dondoc.example.gov.vn"),
        "{}",
        r.body
    );
}
