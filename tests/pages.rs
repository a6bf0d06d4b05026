//! The clerk's day in the console (SPEC, "The clerk's day"), through the
//! real binary: feeds that follow what was decided, who is late first,
//! agencies with their contacts, and what an admin is told about
//! `base_url`.

mod common;

use std::process::{Command, Stdio};

use common::console::{Console, start};
use common::dondoc;
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
