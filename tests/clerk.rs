//! The clerk's writes in the console, through the real binary and its
//! database (SPEC, "The clerk's day"): a bulk record, all or nothing,
//! that keeps what was typed when refused; the undo of one's last write;
//! notes on a pair and the call list (`/calls`, `dondoc calls`, status
//! JSON's `last_note`); an inbox proposal dropped after a confirmation and
//! restored.

mod common;

use common::console::{CLERK, Console, VIEWER, launch_at};
use common::dondoc;
use serde_json::Value;

const INSTANCE: &str = "/instances/p/bao-cao/2025-04-29";

/// The console on the web fixture (three agencies owe "Báo cáo kết quả",
/// due 29/04/2025), its clock at 06/05/2025 09:00: seven days overdue.
fn overdue_console() -> Console {
    let c = launch_at("web", "", |_| {}, None, "06/05/2025 09:00");
    assert_eq!(c.get("/healthz", &[]).status, 200, "{}", c.log());
    c
}

fn bulk(c: &Console, cookie: &str, agencies: &[&str], on: &str, reference: &str) -> String {
    let mut fields = vec![
        ("plan", "p"),
        ("obligation", "bao-cao"),
        ("period", "2025-04-29"),
        ("back", INSTANCE),
        ("on", on),
        ("ref", reference),
        ("note", "Gửi qua hệ thống văn bản"),
    ];
    fields.extend(agencies.iter().map(|a| ("agency", *a)));
    let r = c.post_form("/record/bulk", &fields, Some(cookie));
    assert_eq!(r.status, 303, "{}", r.body);
    r.header("location").unwrap().to_string()
}

fn submitted(c: &Console) -> Vec<String> {
    let mut ids: Vec<String> = c
        .status(&c.viewer_token)
        .iter()
        .filter(|r| r["submitted_on"].is_string())
        .map(|r| r["agency"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

/// The `action` of the undo button on a page, if it shows one.
fn undo_button(page: &str) -> Option<String> {
    let at = page.find("action=\"/undo/")?;
    let rest = &page[at + "action=\"".len()..];
    Some(rest[..rest.find('"')?].to_string())
}

#[test]
fn a_refused_bulk_record_keeps_every_value_and_records_nothing() {
    let c = overdue_console();
    let cookie = c.login(CLERK);
    let back = bulk(
        &c,
        &cookie,
        &["so-y-te", "cong-an-tinh"],
        "31/06/2025 09:00",
        "999/BC",
    );
    assert_eq!(back, format!("{INSTANCE}#bulk"));
    let page = c
        .get(INSTANCE, &[("Cookie", &cookie)])
        .body
        .replace("&#x2f;", "/");
    assert!(
        page.contains("tháng 6 năm 2025 chỉ có 30 ngày"),
        "the reason, in Vietnamese: {page}\n{}",
        c.log()
    );
    for kept in [
        "value=\"31/06/2025 09:00\"",
        "value=\"999/BC\"",
        "value=\"Gửi qua hệ thống văn bản\"",
    ] {
        assert!(page.contains(kept), "{kept} kept: {page}");
    }
    assert!(
        page.contains("class=\"refused\" aria-invalid=\"true\""),
        "the date marked"
    );
    for agency in ["so-y-te", "cong-an-tinh"] {
        assert!(
            page.contains(&format!(
                "value=\"{agency}\" form=\"bulk\" aria-label=\"Chọn"
            )),
            "{agency} still ticked"
        );
    }
    assert_eq!(
        page.matches("form=\"bulk\"").count(),
        3,
        "three rows can be ticked"
    );
    assert_eq!(
        page.matches(" checked>").count(),
        2,
        "the two ticked stay ticked"
    );
    assert!(submitted(&c).is_empty(), "nothing recorded");

    // Nothing ticked: refused, nothing recorded.
    bulk(&c, &cookie, &[], "05/05/2025 09:00", "");
    let page = c
        .get(INSTANCE, &[("Cookie", &cookie)])
        .body
        .replace("&#x2f;", "/");
    assert!(page.contains("chưa chọn đơn vị nào"), "{page}");
    assert!(submitted(&c).is_empty());
}

#[test]
fn a_bulk_record_is_all_or_nothing_and_undone_by_its_author_only() {
    let c = overdue_console();
    let cookie = c.login(CLERK);
    // One of the ticked agencies has a different submission already:
    // the whole batch is refused.
    let out = dondoc(&[
        "--config",
        &c.cfg,
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
        "28/04/2025",
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    bulk(
        &c,
        &cookie,
        &["so-y-te", "cong-an-tinh"],
        "05/05/2025 14:00",
        "12/BC",
    );
    let page = c
        .get(INSTANCE, &[("Cookie", &cookie)])
        .body
        .replace("&#x2f;", "/");
    assert!(
        page.contains("Không ghi nhận đơn vị nào: đã có bản nộp Công an tỉnh"),
        "{page}"
    );
    assert_eq!(submitted(&c), ["cong-an-tinh"], "nothing of the batch");

    let back = bulk(
        &c,
        &cookie,
        &["so-y-te", "so-xss"],
        "05/05/2025 14:00",
        "12/BC",
    );
    assert_eq!(back, INSTANCE);
    let page = c
        .get(INSTANCE, &[("Cookie", &cookie)])
        .body
        .replace("&#x2f;", "/");
    assert!(
        page.contains("Đã ghi nhận 2 đơn vị: Sở Y tế, Sở &lt;script&gt;"),
        "{page}"
    );
    assert!(page.contains("nộp muộn 6 ngày (hạn 29/04/2025)"), "{page}");
    assert_eq!(submitted(&c), ["cong-an-tinh", "so-xss", "so-y-te"]);
    let rows = c.status(&c.viewer_token);
    let syt = rows.iter().find(|r| r["agency"] == "so-y-te").unwrap();
    assert_eq!(syt["ref"], "12/BC");
    assert_eq!(syt["recorded_by"], "thuky");
    let undo = undo_button(&page).expect("an undo button on the confirmation");

    // Another clerk (the admin) cannot undo it; a viewer may not post.
    let admin = c.login(common::console::ADMIN);
    c.post_form(&undo, &[], Some(&admin));
    assert_eq!(submitted(&c).len(), 3);
    let viewer = c.login(VIEWER);
    assert_eq!(c.post_form(&undo, &[], Some(&viewer)).status, 403);

    // An address that names no write: the console's own page, not axum's English.
    let r = c.post_form("/undo/abc", &[], Some(&cookie));
    assert_eq!(r.status, 404);
    assert!(
        r.body.contains("<html lang=\"vi\">") && !r.body.contains("Invalid URL"),
        "{}",
        r.body
    );

    // Its author can: both rows go, in one step; the journal keeps it.
    let r = c.post_form(&undo, &[], Some(&cookie));
    assert_eq!(r.status, 303);
    let page = c
        .get(INSTANCE, &[("Cookie", &cookie)])
        .body
        .replace("&#x2f;", "/");
    assert!(page.contains("Đã hoàn tác: Đã ghi nhận 2 đơn vị"), "{page}");
    assert_eq!(submitted(&c), ["cong-an-tinh"]);
    c.post_form(&undo, &[], Some(&cookie));
    let page = c
        .get(INSTANCE, &[("Cookie", &cookie)])
        .body
        .replace("&#x2f;", "/");
    assert!(page.contains("đã được hoàn tác rồi"), "{page}");
    // The journal keeps the undone write, with who undid it.
    let db = rusqlite::Connection::open(c.dir.path().join("state/dondoc.db")).unwrap();
    let journal: Vec<(String, String, Option<String>)> = db
        .prepare("SELECT by, what, undone_by FROM journal ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(journal.len(), 1, "{journal:?}");
    assert_eq!(journal[0].0, "thuky");
    assert!(journal[0].1.starts_with("Đã ghi nhận 2 đơn vị"));
    assert_eq!(journal[0].2.as_deref(), Some("thuky"));
}

#[test]
fn notes_reach_the_call_list_the_pages_and_status_json() {
    let c = overdue_console();
    let cookie = c.login(CLERK);
    let r = c.post_form(
        "/notes",
        &[
            ("plan", "p"),
            ("obligation", "bao-cao"),
            ("period", "2025-04-29"),
            ("agency", "so-y-te"),
            ("back", "/calls"),
            ("note", "  "),
        ],
        Some(&cookie),
    );
    assert_eq!(r.status, 303);
    let page = c
        .get("/calls", &[("Cookie", &cookie)])
        .body
        .replace("&#x2f;", "/");
    assert!(page.contains("Ghi chú: ghi chú trống"), "{page}");
    let r = c.post_form(
        "/notes",
        &[
            ("plan", "1/KH-UBND"),
            ("obligation", "Báo cáo kết quả"),
            ("period", "29/04/2025"),
            ("agency", "Sở Y tế"),
            ("back", "/calls"),
            ("note", "Đã gọi chị Lan, hẹn thứ Sáu gửi"),
        ],
        Some(&cookie),
    );
    assert_eq!(
        r.header("location"),
        Some("/calls#row-so-y-te"),
        "back at the agency, by its id"
    );
    let page = c
        .get("/calls", &[("Cookie", &cookie)])
        .body
        .replace("&#x2f;", "/");
    assert!(page.contains("3 đơn vị, 3 báo cáo quá hạn"), "{page}");
    assert!(page.contains("«Đã gọi chị Lan, hẹn thứ Sáu gửi»"), "{page}");
    assert!(page.contains("href=\"tel:02583822123\""), "{page}");
    let instance = c
        .get(INSTANCE, &[("Cookie", &cookie)])
        .body
        .replace("&#x2f;", "/");
    assert!(
        instance.contains("«Đã gọi chị Lan, hẹn thứ Sáu gửi»"),
        "{instance}"
    );

    let rows = c.status(&c.viewer_token);
    let note = &rows.iter().find(|r| r["agency"] == "so-y-te").unwrap()["last_note"];
    assert_eq!(note["text"], "Đã gọi chị Lan, hẹn thứ Sáu gửi");
    assert_eq!(note["by"], "thuky");
    assert!(note["at"].as_str().unwrap().ends_with("+07:00"), "{note}");
    assert_eq!(
        rows.iter().find(|r| r["agency"] == "cong-an-tinh").unwrap()["last_note"],
        Value::Null
    );

    // The command line's list is the same, in the same order.
    let out = dondoc(&[
        "--config",
        &c.cfg,
        "calls",
        "--at",
        "06/05/2025 09:00",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    let list: Value = serde_json::from_str(&out.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 3);
    let syt = list.iter().find(|a| a["agency"] == "so-y-te").unwrap();
    assert_eq!(syt["longest_days"], 7);
    assert_eq!(syt["phone"], "0258 3822 123, +84 905 123 456");
    assert_eq!(
        syt["pairs"][0]["last_note"]["text"],
        "Đã gọi chị Lan, hẹn thứ Sáu gửi"
    );
    let out = common::dondoc_in(
        &[],
        &["--config", &c.cfg, "calls", "--at", "06/05/2025 09:00"],
    );
    assert!(
        out.stdout.contains("3 đơn vị có 3 báo cáo quá hạn"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    assert!(
        out.stdout
            .contains("Sở Y tế — quá hạn 7 ngày — Chị Lan, văn thư · 0258 3822 123"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("Ghi chú gần nhất: «Đã gọi chị Lan, hẹn thứ Sáu gửi» (thuky, "),
        "{}",
        out.stdout
    );
}

/// The browser test of these writes (`tests/scripts/browser_clerk.py`), on a
/// phone: a refused bulk record that keeps everything typed and ticked, the
/// corrected one, its undo, a note from the call list; the call list on A4.
/// The screenshots and the PDF stay in `target/tmp/clerk-screenshots/`.
#[test]
fn a_clerk_s_writes_on_a_phone() {
    if !common::browser::available() {
        return;
    }
    let c = overdue_console();
    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("clerk-screenshots");
    common::browser::run(
        "browser_clerk.py",
        &c.origin(),
        &shots,
        &[CLERK.0, CLERK.1],
        || c.log(),
    );
    common::browser::screenshots(
        &shots,
        &[
            "02-phone-bulk-refused",
            "03-phone-bulk-recorded",
            "04-phone-undone",
            "05-phone-calls",
            "06-instance-note",
        ],
    );
    // What the browser did is in the database: nothing recorded (undone),
    // the note kept.
    let rows = c.status(&c.viewer_token);
    assert!(rows.iter().all(|r| r["state"] == "overdue"), "{rows:?}");
    let syt = rows.iter().find(|r| r["agency"] == "so-y-te").unwrap();
    assert_eq!(syt["last_note"]["text"], "Đã gọi chị Lan, hẹn thứ Sáu gửi");
    let Ok(text) = std::process::Command::new("pdftotext")
        .arg(shots.join("calls-a4.pdf"))
        .arg("-")
        .output()
    else {
        eprintln!("pdftotext not found: the PDF's text is not checked");
        return;
    };
    let text = String::from_utf8_lossy(&text.stdout);
    for whole in [
        "Công an tỉnh",
        "Sở Y tế",
        "Chị Lan, văn thư",
        "hẹn thứ Sáu gửi",
    ] {
        assert!(text.contains(whole), "{whole} whole on paper:\n{text}");
    }
}

/// A national province's overview stays light: an instance owed by more
/// than 100 agencies names the first 100 on paper and leads to the
/// instance page for its Zalo text (at 3 400 agencies × 200 instances,
/// carrying every name made the overview 130 MB).
#[test]
fn an_overview_of_many_agencies_carries_at_most_a_hundred_names() {
    let c = launch_at(
        "web",
        "",
        |dir| {
            let path = dir.join("agencies.toml");
            let mut text = std::fs::read_to_string(&path).unwrap();
            for i in 0..120 {
                text.push_str(&format!(
                    "\n[[agency]]\nid = \"xa-{i:03}\"\nname = \"UBND xã số {i:03}\"\n\
                     email = [\"vanthu@xa-{i:03}.example.gov.vn\"]\ngroups = [\"so-nganh\"]\n"
                ));
            }
            std::fs::write(&path, text).unwrap();
        },
        None,
        "06/05/2025 09:00",
    );
    let cookie = c.login(VIEWER);
    let page = c
        .get("/", &[("Cookie", &cookie)])
        .body
        .replace("&#x2f;", "/");
    let printed = &page[page
        .find("<span class=\"print-inline\">")
        .expect("the paper's list")..];
    let printed = &printed[..printed.find("</span>").unwrap()];
    assert_eq!(printed.matches(", ").count(), 99, "{printed}");
    assert!(
        printed.contains(" và 23 đơn vị khác (xem Danh sách đơn vị chưa gửi báo cáo)"),
        "{printed}"
    );
    assert!(
        !page.contains("class=\"zalo-text\""),
        "no Zalo text carried"
    );
    assert!(
        page.contains(&format!("href=\"{INSTANCE}#zalo-box\">Tin nhắn Zalo</a>")),
        "{page}"
    );
    let instance = c.get(INSTANCE, &[("Cookie", &cookie)]).body;
    assert!(
        instance.contains("id=\"zalo-box\""),
        "the instance page's own"
    );
    let text = &instance[instance.find("class=\"zalo-text\"").unwrap()..];
    assert!(
        text.contains("UBND xã số 119"),
        "every agency in the instance page's text"
    );
}

/// The console asks why a pair is waived (a waiver takes it out of the
/// year's ranking): without a reason nothing is recorded; with one it is.
#[test]
fn a_waiver_in_the_console_needs_its_reason() {
    let c = overdue_console();
    let cookie = c.login(CLERK);
    let waive = |note: &str| {
        let r = c.post_form(
            "/record/exempt",
            &[
                ("plan", "p"),
                ("obligation", "bao-cao"),
                ("period", "2025-04-29"),
                ("agency", "so-y-te"),
                ("back", INSTANCE),
                ("note", note),
            ],
            Some(&cookie),
        );
        assert_eq!(r.status, 303);
        r.header("location").unwrap().to_string()
    };
    let state = || {
        c.status(&c.viewer_token)
            .iter()
            .find(|r| r["agency"] == "so-y-te")
            .unwrap()["state"]
            .clone()
    };
    let back = waive("  ");
    assert!(back.starts_with("/record?"), "back to the form: {back}");
    let page = c.get(&back, &[("Cookie", &cookie)]).body;
    assert!(page.contains("Ghi chú: ghi lý do miễn nộp"), "{page}");
    assert_eq!(state(), "overdue", "nothing recorded");
    waive("Công văn số 12/SYT ngày 02/05/2025");
    assert_eq!(state(), "exempt");
}
