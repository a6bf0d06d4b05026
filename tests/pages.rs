//! The clerk's day in the console (SPEC, "The clerk's day"), through the
//! real binary: feeds that follow what was decided, who is late first,
//! agencies with their contacts, and what an admin is told about
//! `base_url`.

mod common;

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;
use std::process::{Command, Stdio};

use common::console::{CLERK, Console, launch_at, start, start_with};
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

/// The web fixture a week after its deadline (05/05/2025 09:00), with four
/// more agencies, each pair in another state: overdue *Sở <script>…* and
/// *UBND huyện Diên Khánh* (6 days) and *Công an tỉnh* (extended to
/// 02/05: 3 days), late *Sở Tư pháp*, not yet due *Sở Tài chính*
/// (extended to 10/05), on time *Sở Y tế*, exempt *Sở Nội vụ*.
fn a_week_late() -> Console {
    let more = [
        ("so-tu-phap", "Sở Tư pháp"),
        ("so-noi-vu", "Sở Nội vụ"),
        ("ubnd-dien-khanh", "UBND huyện Diên Khánh"),
        ("so-tai-chinh", "Sở Tài chính"),
    ];
    let c = launch_at(
        "web",
        "",
        |dir| {
            let path = dir.join("agencies.toml");
            let mut text = std::fs::read_to_string(&path).unwrap();
            for (id, name) in more {
                text.push_str(&format!(
                    "\n[[agency]]\nid = \"{id}\"\nname = \"{name}\"\n\
                     email = [\"vanthu@{id}.example.gov.vn\"]\ngroups = [\"so-nganh\"]\n"
                ));
            }
            std::fs::write(&path, text).unwrap();
        },
        None,
        "05/05/2025 09:00",
    );
    decide(
        &c,
        "submit",
        "so-y-te",
        &["--on", "28/04/2025 08:30", "--ref", "125/BC-SYT"],
    );
    decide(
        &c,
        "submit",
        "so-tu-phap",
        &["--on", "01/05/2025 10:00", "--ref", "9/BC-STP"],
    );
    decide(&c, "exempt", "so-noi-vu", &[]);
    decide(&c, "extend", "cong-an-tinh", &["--to", "02/05/2025"]);
    decide(&c, "extend", "so-tai-chinh", &["--to", "10/05/2025"]);
    c
}

const INSTANCE: &str = "/instances/p/bao-cao/2025-04-29";

/// The ids of the rows a page lists (`id="PREFIX-…"`), in order.
fn listed(html: &str, prefix: &str) -> Vec<String> {
    let marker = format!("id=\"{prefix}-");
    html.split(&marker)
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_string())
        .collect()
}

#[test]
fn the_instance_page_lists_who_is_late_first_with_filters_and_search() {
    let c = a_week_late();
    let cookie = c.login(CLERK);
    let page = |path: &str| {
        let r = c.get(path, &[("Cookie", cookie.as_str())]);
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        r.body
    };
    let all = page(INSTANCE);
    assert_eq!(
        listed(&all, "row"),
        [
            "so-xss",
            "ubnd-dien-khanh",
            "cong-an-tinh",
            "so-tu-phap",
            "so-tai-chinh",
            "so-y-te",
            "so-noi-vu"
        ]
    );
    // The links, with their counts.
    for chip in [
        "tất cả <b>7</b>",
        "quá hạn <b>3</b>",
        "nộp muộn <b>1</b>",
        "chưa đến hạn <b>1</b>",
        "đúng hạn <b>1</b>",
        "miễn nộp <b>1</b>",
        "href=\"&#x2f;instances&#x2f;p&#x2f;bao-cao&#x2f;2025-04-29?state=overdue\"",
    ] {
        assert!(all.contains(chip), "{chip}");
    }
    // Whom to call: the person, and the number as a tel: link of digits.
    assert!(all.contains("Chị Lan, văn thư"), "{all}");
    assert!(all.contains("<a class=\"tel\" href=\"tel:02583822123\">0258 3822 123</a>"));
    assert!(all.contains("href=\"tel:+84905123456\""));
    // By state.
    let overdue = page(&format!("{INSTANCE}?state=overdue"));
    assert_eq!(
        listed(&overdue, "row"),
        ["so-xss", "ubnd-dien-khanh", "cong-an-tinh"]
    );
    assert!(overdue.contains("class=\"chip overdue active\""));
    // By name, without tones or capitals; the links then count what it finds.
    let found = page(&format!("{INSTANCE}?q=DIEN%20khanh"));
    assert_eq!(listed(&found, "row"), ["ubnd-dien-khanh"]);
    assert!(found.contains("tất cả <b>1</b>") && found.contains("quá hạn <b>1</b>"));
    assert!(found.contains("value=\"DIEN khanh\""));
    let found = page(&format!("{INSTANCE}?q=s%E1%BB%9F&state=late"));
    assert_eq!(listed(&found, "row"), ["so-tu-phap"]);
    let none = page(&format!("{INSTANCE}?q=kh%C3%B4ng%20c%C3%B3"));
    assert!(listed(&none, "row").is_empty());
    assert!(
        none.contains("Không có đơn vị nào có tên gồm «không có»"),
        "{none}"
    );
}

#[test]
fn the_agencies_page_lists_every_agency_with_what_it_owes_overdue_first() {
    let c = a_week_late();
    let cookie = c.login(CLERK);
    let page = |path: &str| {
        let r = c.get(path, &[("Cookie", cookie.as_str())]);
        assert_eq!(r.status, 200, "{path}: {}", r.body);
        r.body
    };
    // The agency page's breadcrumb leads there, and names the plan by number.
    let one = page("/agencies/so-y-te");
    assert!(one.contains("› <a href=\"/agencies\">Đơn vị</a>"), "{one}");
    assert!(one.contains("Kế hoạch số 1&#x2f;KH-UBND"), "{one}");
    assert!(one.contains("Liên hệ: Chị Lan, văn thư"));
    assert!(one.contains("href=\"tel:02583822123\""));
    let list = page("/agencies");
    assert_eq!(
        listed(&list, "agency"),
        [
            "so-xss",
            "ubnd-dien-khanh",
            "cong-an-tinh",
            "so-noi-vu",
            "so-tai-chinh",
            "so-tu-phap",
            "so-y-te",
        ]
    );
    assert!(
        list.contains("1 <span class=\"small\">(6 ngày)</span>"),
        "{list}"
    );
    assert!(list.contains("href=\"tel:02583822123\""));
    // The links count agencies.
    assert!(list.contains("tất cả <b>7</b>") && list.contains("quá hạn <b>3</b>"));
    let late = page("/agencies?state=late");
    assert_eq!(listed(&late, "agency"), ["so-tu-phap"]);
    let found = page("/agencies?q=cong%20an");
    assert_eq!(listed(&found, "agency"), ["cong-an-tinh"]);
    // Every page names it in the navigation.
    assert!(page("/").contains("<a href=\"/agencies\">Đơn vị</a>"));
}

/// The browser test of these pages (`tests/scripts/browser_pages.py`): late
/// first, the filters, the breadcrumb, cards at 390 px with every record
/// button on screen, and the page on A4. The screenshots and the PDF stay
/// in `target/tmp/pages-screenshots/`; with `pdftotext`, the PDF's text
/// has every agency's name whole.
#[test]
fn on_a_phone_and_on_paper() {
    if !common::browser::available() {
        return;
    }
    let c = a_week_late();
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pages-screenshots");
    common::browser::run(
        "browser_pages.py",
        &c.origin(),
        &shots,
        &[CLERK.0, CLERK.1],
        || c.log(),
    );
    common::browser::screenshots(
        &shots,
        &[
            "01-instance",
            "02-filtered",
            "03-phone-instance",
            "04-phone-agency",
            "05-phone-agencies",
            "06-print",
        ],
    );
    let pdf = shots.join("instance-a4.pdf");
    let Ok(text) = Command::new("pdftotext").arg(&pdf).arg("-").output() else {
        eprintln!("pdftotext not found: the PDF's text is not checked");
        return;
    };
    let text = String::from_utf8_lossy(&text.stdout);
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for name in [
        "Công an tỉnh",
        "Sở Tư pháp",
        "Sở Nội vụ",
        "UBND huyện Diên Khánh",
        "Sở Tài chính",
        "Sở Y tế",
    ] {
        assert!(words.contains(name), "{name} whole on paper:\n{text}");
    }
    assert!(!words.contains("Tìm đơn vị"), "no search form on paper");
}
