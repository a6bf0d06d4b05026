//! One way to write (issue 22): the five doors a submission comes in by —
//! the command line (`submit`), `import`, the console's form, the API and
//! the mailbox (`inbox accept`) — refuse the same bad date with the same
//! Vietnamese words, and give the same verdict for a good one, because
//! they all go through `engine::record`. The four a person types into read
//! a pair as offices write it — the plan's number, the obligation's title,
//! the period's name or due date, the agency's name — and refuse a name
//! that fits two agencies in the same words, naming both (issue 24). Each door is driven as its user
//! drives it: the real binary, a CSV file, a logged-in browser's form post,
//! a token's JSON, a saved `.eml` file.

mod common;

use common::console::{CLERK, Console, start};
use common::dondoc_in;
use common::records::{PAIR, csv, pair, status};
use serde_json::{Value, json};

/// A day June does not have.
const IMPOSSIBLE: &str =
    "\"31/06/2025\" không phải là ngày có thật: tháng 6 năm 2025 chỉ có 30 ngày";
/// Before the fixture's plan was issued (01/03/2025).
const BEFORE_ISSUED: &str =
    "15/02/2025 là trước ngày ban hành kế hoạch (01/03/2025); kiểm tra lại ngày";
/// A date left blank.
const BLANK: &str = "để trống; ghi ngày nộp (dd/mm/yyyy)";
/// The good date, a day before the deadline (29/04/2025), and its verdict.
const GOOD: &str = "28/04/2025 08:30";
const ON_TIME: &str = "đúng hạn (hạn 29/04/2025)";

/// `dondoc ARGS` in Vietnamese, the office's language.
fn vi(args: &[&str]) -> common::Output {
    dondoc_in(&["--lang", "vi"], args)
}

/// `dondoc COMMAND` (in Vietnamese) on the fixture's pair — so-y-te's
/// report, period 29/04/2025 — with `extra` options.
fn on_pair(c: &Console, command: &str, extra: &[&str]) -> common::Output {
    let mut args = vec!["--config", c.cfg.as_str(), command];
    args.extend(PAIR);
    args.extend(extra);
    vi(&args)
}

/// `submit --on DATE` for the pair.
fn submit(c: &Console, on: &str) -> common::Output {
    on_pair(c, "submit", &["--on", on])
}

/// HTML's escapes of what the messages hold, undone.
fn unescape(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The pair is recorded, on time, at the good date; then the record is
/// removed, for the next door.
fn recorded_on_time_then_undone(c: &Console, door: &str) {
    let rows = status(&c.cfg, "29/04/2025 10:00");
    let row = pair(&rows, "so-y-te");
    assert_eq!(row["state"], "on_time", "{door}: {row}");
    assert!(
        row["submitted_on"]
            .as_str()
            .is_some_and(|t| t.starts_with("2025-04-28T08:30")),
        "{door}: {row}"
    );
    let out = on_pair(c, "unsubmit", &[]);
    assert!(out.status.success(), "{door}: {}", out.stderr);
}

/// Nothing is recorded for the pair.
fn nothing_recorded(c: &Console, door: &str) {
    let rows = status(&c.cfg, "29/04/2025 10:00");
    assert!(
        pair(&rows, "so-y-te")["submitted_on"].is_null(),
        "{door}: {rows:?}"
    );
}

#[test]
fn every_door_refuses_the_same_bad_date_in_the_same_words_and_gives_the_same_verdict() {
    let c = start();

    // The command line.
    for (bad, words) in [("31/06/2025", IMPOSSIBLE), ("15/02/2025", BEFORE_ISSUED)] {
        let out = submit(&c, bad);
        assert_eq!(out.code, 2, "cli {bad}: {}", out.stdout);
        assert!(out.stderr.contains(words), "cli {bad}: {}", out.stderr);
    }
    // Blank (an emptied field, `--on ''`) is refused, not taken as now.
    let out = submit(&c, "");
    assert_eq!(out.code, 2, "cli blank: {}", out.stdout);
    assert!(out.stderr.contains(BLANK), "cli blank: {}", out.stderr);
    nothing_recorded(&c, "cli");
    let out = submit(&c, GOOD);
    assert!(out.status.success(), "cli: {}", out.stderr);
    assert!(out.stdout.contains(ON_TIME), "cli: {}", out.stdout);
    recorded_on_time_then_undone(&c, "cli");

    // An import.
    let dir = c.dir.path();
    // (A row with a number but no date: the date was forgotten. A row with
    // neither records nothing and is skipped: a fill-in sheet's unfilled row.)
    for (bad, words) in [
        ("31/06/2025", IMPOSSIBLE),
        ("15/02/2025", BEFORE_ISSUED),
        ("", BLANK),
    ] {
        let file = csv(
            dir,
            &[&format!("p,bao-cao,29/04/2025,so-y-te,{bad},125/BC-SYT,")],
        );
        let out = vi(&["--config", &c.cfg, "import", &file]);
        assert_eq!(out.code, 2, "import {bad}: {}", out.stdout);
        assert!(
            out.stderr
                .contains(&format!("dòng 2, cột E (submitted_on): {words}")),
            "import {bad}: {}",
            out.stderr
        );
    }
    let file = csv(dir, &["p,bao-cao,29/04/2025,so-y-te,,,"]);
    let out = vi(&["--config", &c.cfg, "import", &file]);
    assert!(
        out.status.success()
            && out.stdout.contains(
                "không có dòng nào có ngày nộp; chưa nhập gì; 1 dòng chưa có ngày nộp, bỏ qua"
            ),
        "import blank: {}{}",
        out.stdout,
        out.stderr
    );
    nothing_recorded(&c, "import");
    let file = csv(dir, &[&format!("p,bao-cao,29/04/2025,so-y-te,{GOOD},,")]);
    let out = vi(&["--config", &c.cfg, "import", &file]);
    assert!(out.status.success(), "import: {}", out.stderr);
    assert!(
        out.stdout.contains("1 đúng hạn, 0 nộp muộn"),
        "import: {}",
        out.stdout
    );
    recorded_on_time_then_undone(&c, "import");

    // The console's form, as a clerk's browser posts it.
    let cookie = c.login(CLERK);
    let post = |on: &str| {
        c.post_form(
            "/record/submit",
            &[
                ("plan", "p"),
                ("obligation", "bao-cao"),
                ("period", "2025-04-29"),
                ("agency", "so-y-te"),
                ("on", on),
                ("back", "/instances/p/bao-cao/2025-04-29"),
            ],
            Some(&cookie),
        )
    };
    for (bad, words) in [
        ("31/06/2025", IMPOSSIBLE),
        ("15/02/2025", BEFORE_ISSUED),
        ("", BLANK),
    ] {
        let r = post(bad);
        assert_eq!(r.status, 303, "console {bad}: {}", r.body);
        let location = r.header("location").unwrap().to_string();
        assert!(
            location.starts_with("/record?"),
            "console {bad}: {location}"
        );
        let form = c.get(&location, &[("Cookie", cookie.as_str())]);
        let body = unescape(&form.body);
        assert!(body.contains(words), "console {bad}: {}", form.body);
        // The date typed comes back in the field, to be corrected.
        assert!(
            body.contains(&format!("value=\"{bad}\"")),
            "console {bad}: the form keeps the date typed: {}",
            form.body
        );
    }
    // An agency id typed wrong: the page says so with the form's label
    // (not the command line's option), once — not again on the next page.
    let r = c.post_form(
        "/record/submit",
        &[
            ("plan", "p"),
            ("obligation", "bao-cao"),
            ("period", "2025-04-29"),
            ("agency", "so-yte"),
            ("on", GOOD),
        ],
        Some(&cookie),
    );
    let page = c.get(
        r.header("location").unwrap(),
        &[("Cookie", cookie.as_str())],
    );
    let body = unescape(&page.body);
    assert!(
        body.contains("Đơn vị: không có đơn vị \"so-yte\"") && !body.contains("--agency"),
        "console: {}",
        page.body
    );
    let next = c.get("/", &[("Cookie", cookie.as_str())]);
    assert!(!next.body.contains("so-yte"), "console: {}", next.body);
    nothing_recorded(&c, "console");
    let r = post(GOOD);
    assert_eq!(r.status, 303, "console: {}", r.body);
    let page = c.get(
        "/instances/p/bao-cao/2025-04-29",
        &[("Cookie", cookie.as_str())],
    );
    assert!(
        unescape(&page.body).contains(ON_TIME),
        "console: the flash says the verdict: {}",
        page.body
    );
    recorded_on_time_then_undone(&c, "console");

    // The API, as the province's document system calls it.
    let object = |on: &str| {
        json!({"plan": "p", "obligation": "bao-cao", "period": "29/04/2025",
               "agency": "so-y-te", "submitted_on": on})
    };
    for (bad, words) in [
        ("31/06/2025", IMPOSSIBLE),
        ("15/02/2025", BEFORE_ISSUED),
        ("", BLANK),
    ] {
        let r = c.api("POST", &c.clerk_token, &object(bad));
        assert_eq!(r.status, 422, "api {bad}: {}", r.body);
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["errors"][0]["field"], "submitted_on", "{}", r.body);
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains(words)),
            "api {bad}: {}",
            r.body
        );
        // …and the same in English beside it, for the program's makers.
        assert!(
            body["errors"][0]["message_en"]
                .as_str()
                .is_some_and(|m| !m.is_empty() && body["errors"][0]["message"] != m),
            "api {bad}: {}",
            r.body
        );
    }
    let r = c.api("POST", &c.clerk_token, &object("31/06/2025"));
    assert!(
        r.body
            .contains("\"31/06/2025\\\" is not a real date (no day 31 in month 6 of 2025)"),
        "api: {}",
        r.body
    );
    nothing_recorded(&c, "api");
    let r = c.api("POST", &c.clerk_token, &object(GOOD));
    assert_eq!(r.status, 201, "api: {}", r.body);
    let rows: Vec<Value> = serde_json::from_str(&r.body).unwrap();
    assert_eq!(rows[0]["state"], "on_time", "api: {}", r.body);
    recorded_on_time_then_undone(&c, "api");

    // The mailbox: the Sở's văn thư writes, citing the plan and the period;
    // a clerk accepts the proposal. (A message's date cannot be 31/06: it
    // is a date the mail system wrote.)
    let message = |id: &str, date: &str| {
        let path = dir.join(format!("{id}.eml"));
        std::fs::write(
            &path,
            format!(
                "From: vanthu@syt.example.gov.vn\r\nTo: vptt138@example.gov.vn\r\n\
                 Subject: Bao cao\r\nDate: {date}\r\nMessage-ID: <{id}@syt.example.gov.vn>\r\n\
                 Content-Type: text/plain; charset=utf-8\r\n\r\n\
                 Thực hiện Kế hoạch số 1/KH-UBND, Sở Y tế gửi Báo cáo kết quả kỳ 29/04/2025.\r\n"
            ),
        )
        .unwrap();
        let out = vi(&["--config", &c.cfg, "inbox", "read", path.to_str().unwrap()]);
        assert!(out.status.success(), "mailbox {id}: {}", out.stderr);
        out.stdout
            .split("đề xuất ")
            .nth(1)
            .and_then(|s| s.split(|ch: char| !ch.is_ascii_digit()).next())
            .unwrap_or_else(|| panic!("mailbox {id}: no proposal: {}", out.stdout))
            .to_string()
    };
    let early = message("som", "Sat, 15 Feb 2025 15:00:00 +0700");
    let out = vi(&["--config", &c.cfg, "inbox", "accept", &early]);
    assert_eq!(out.code, 2, "mailbox: {}", out.stdout);
    assert!(
        out.stderr.contains(BEFORE_ISSUED),
        "mailbox: {}",
        out.stderr
    );
    nothing_recorded(&c, "mailbox");
    let good = message("dung-han", "Mon, 28 Apr 2025 08:30:00 +0700");
    let out = vi(&["--config", &c.cfg, "inbox", "accept", &good]);
    assert!(out.status.success(), "mailbox: {}", out.stderr);
    assert!(out.stdout.contains(ON_TIME), "mailbox: {}", out.stdout);
    recorded_on_time_then_undone(&c, "mailbox");
}

/// The web fixture, plus a half-yearly report whose periods have names and
/// two agencies by one name (a former province's Sở kept in the config
/// through its merger).
fn names_console() -> Console {
    common::console::launch(
        "web",
        "",
        |dir| {
            let add = |file: &str, text: &str| {
                let path = dir.join(file);
                let old = std::fs::read_to_string(&path).unwrap();
                std::fs::write(&path, old + text).unwrap();
            };
            add(
                "agencies.toml",
                "\n[[agency]]\nid = \"so-tu-phap\"\nname = \"Sở Tư pháp\"\nemail = [\"a@stp.vn\"]\n\
                 groups = [\"so-nganh\"]\n\n[[agency]]\nid = \"so-tu-phap-nt\"\nname = \"Sở Tư pháp\"\n\
                 email = [\"b@stp.vn\"]\ngroups = [\"so-nganh\"]\n",
            );
            add(
                "plans/p.toml",
                "\n[[obligation]]\nid = \"bao-cao-6-thang\"\ntitle = \"Báo cáo định kỳ 6 tháng\"\n\
                 agencies = [\"@so-nganh\"]\nyearly = [\"14/06\", \"14/12\"]\nuntil = \"31/12/2025\"\n\
                 period_label = \"'6 tháng đầu năm ' ~ year if month == 6 else 'năm ' ~ year\"\n",
            );
        },
        None,
    )
}

#[test]
fn every_door_reads_names_as_offices_write_them_and_refuses_an_ambiguous_one() {
    let c = names_console();
    let cookie = c.login(CLERK);
    // (plan, obligation, period, agency) as an office writes them, and the
    // period they name: the report's scheduled date (a Saturday), its due
    // date, its name; the plan by number, the agency by name.
    let forms = [
        (
            "1/KH-UBND",
            "Báo cáo kết quả",
            "29/04/2025",
            "Sở Y tế",
            "2025-04-29",
        ),
        (
            "1/KH-UBND",
            "Báo cáo định kỳ 6 tháng",
            "6 tháng đầu năm 2025",
            "SỞ Y TẾ",
            "2025-06-14",
        ),
        (
            "Kế hoạch số 1/KH-UBND",
            "bao-cao-6-thang",
            "16/06/2025",
            "Sở Y tế",
            "2025-06-14",
        ),
    ];
    let recorded = |door: &str, period: &str| {
        let rows = status(&c.cfg, "29/04/2025 10:00");
        let row = rows
            .iter()
            .find(|r| r["agency"] == "so-y-te" && r["period"] == period)
            .unwrap_or_else(|| panic!("{door}: no row"));
        assert!(row["submitted_on"].is_string(), "{door}: {row}");
    };
    for (plan, ob, period, agency, iso) in forms {
        let pair = [
            "--plan",
            plan,
            "--obligation",
            ob,
            "--period",
            period,
            "--agency",
            agency,
        ];
        let cli = |command: &str, extra: &[&str]| {
            let mut args = vec!["--config", c.cfg.as_str(), command];
            args.extend(pair);
            args.extend(extra);
            vi(&args)
        };
        let undo = |door: &str| {
            recorded(door, iso);
            let out = cli("unsubmit", &[]);
            assert!(out.status.success(), "{door} {period}: {}", out.stderr);
        };
        let out = cli("submit", &["--on", GOOD]);
        assert!(out.status.success(), "cli {period}: {}", out.stderr);
        undo("cli");
        let file = csv(
            c.dir.path(),
            &[&format!("\"{plan}\",{ob},{period},{agency},{GOOD},,")],
        );
        let out = vi(&["--config", &c.cfg, "import", &file]);
        assert!(out.status.success(), "import {period}: {}", out.stderr);
        undo("import");
        let r = c.post_form(
            "/record/submit",
            &[
                ("plan", plan),
                ("obligation", ob),
                ("period", period),
                ("agency", agency),
                ("on", GOOD),
            ],
            Some(&cookie),
        );
        assert_eq!(r.status, 303, "console {period}: {}", r.body);
        undo("console");
        let object = json!({"plan": plan, "obligation": ob, "period": period, "agency": agency,
                            "submitted_on": GOOD});
        let r = c.api("POST", &c.clerk_token, &object);
        assert_eq!(r.status, 201, "api {period}: {}", r.body);
        undo("api");
    }

    // Two agencies by one name: each door refuses it in the same words,
    // naming both, and records nothing.
    const BOTH: &str = "\"Sở Tư pháp\" ứng với 2 đơn vị: Sở Tư pháp (so-tu-phap); Sở Tư pháp \
                        (so-tu-phap-nt)";
    let written = [
        "--plan",
        "1/KH-UBND",
        "--obligation",
        "bao-cao",
        "--period",
        "29/04/2025",
    ];
    let mut args = vec!["--config", c.cfg.as_str(), "submit"];
    args.extend(written);
    args.extend(["--agency", "Sở Tư pháp", "--on", GOOD]);
    let out = vi(&args);
    assert!(
        out.code == 2 && out.stderr.contains(BOTH),
        "cli: {}",
        out.stderr
    );
    let file = csv(
        c.dir.path(),
        &[
            &format!("1/KH-UBND,bao-cao,29/04/2025,Sở Y tế,{GOOD},,"),
            &format!("1/KH-UBND,bao-cao,29/04/2025,Sở Tư pháp,{GOOD},,"),
        ],
    );
    let out = vi(&["--config", &c.cfg, "import", &file]);
    assert!(
        out.code == 2
            && out
                .stderr
                .contains(&format!("dòng 3, cột D (agency): {BOTH}")),
        "import: {}",
        out.stderr
    );
    let r = c.post_form(
        "/record/submit",
        &[
            ("plan", "p"),
            ("obligation", "bao-cao"),
            ("period", "2025-04-29"),
            ("agency", "Sở Tư pháp"),
            ("on", GOOD),
        ],
        Some(&cookie),
    );
    let page = c.get(
        r.header("location").unwrap(),
        &[("Cookie", cookie.as_str())],
    );
    assert!(
        unescape(&page.body).contains(&format!("Đơn vị: {BOTH}")),
        "console: {}",
        page.body
    );
    let object = json!({"plan": "p", "obligation": "bao-cao", "period": "29/04/2025",
                        "agency": "Sở Tư pháp", "submitted_on": GOOD});
    let r = c.api("POST", &c.clerk_token, &object);
    let body: Value = serde_json::from_str(&r.body).unwrap();
    assert!(
        r.status == 422
            && body["errors"][0]["field"] == "agency"
            && body["errors"][0]["message"]
                .as_str()
                .is_some_and(|m| m.contains(BOTH)),
        "api: {}",
        r.body
    );
    let rows = status(&c.cfg, "29/04/2025 10:00");
    assert!(rows.iter().all(|r| r["submitted_on"].is_null()), "{rows:?}");
    // With its id in brackets, as the message says, it is one agency.
    args.truncate(9);
    args.extend(["--agency", "Sở Tư pháp (so-tu-phap-nt)", "--on", GOOD]);
    let out = vi(&args);
    assert!(out.status.success(), "cli: {}", out.stderr);
    assert!(pair(&status(&c.cfg, "29/04/2025 10:00"), "so-tu-phap-nt")["submitted_on"].is_string());
}
