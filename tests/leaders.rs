//! The leaders' pages and the Zalo text (SPEC, "The clerk's day"), through
//! the real binary's console: `/leaders` ranks the agencies exactly as
//! `dondoc report --year Y` does, `/leaders/late` lists every agency that
//! owes what has fallen due under a Nghị định 30/2020 header, and the
//! overview and instance pages carry the text a clerk pastes into Zalo.

mod common;

use std::path::Path;
use std::process::Command;

use common::console::{CLERK, Console, VIEWER, launch_at};
use common::dondoc;
use common::http::{self, form};
use serde_json::Value;

const AT: &str = "05/05/2025 09:00";
const INSTANCE: &str = "/instances/p/bao-cao/2025-04-29";

/// What the console shows on 05/05/2025, when the page's text is pasted.
const ZALO: &str = "Đến 05/05/2025, còn 4/6 đơn vị chưa gửi Báo cáo kết quả (Kế hoạch số \
                    1/KH-UBND, hạn nộp 29/04/2025):\n\
                    1. Sở <script>alert('tên')</script> & \"Ngoại vụ\" (quá hạn 6 ngày)\n\
                    2. Sở Y tế (quá hạn 6 ngày)\n\
                    3. Công an tỉnh (quá hạn 3 ngày)\n\
                    4. Sở Tài chính (gia hạn đến 10/05/2025)\n\
                    Đề nghị các đơn vị khẩn trương gửi báo cáo về Văn phòng Thường trực BCĐ 138 tỉnh.";

/// The web fixture a week after its deadline, with four more agencies and
/// the office's superior and place: overdue *Sở <script>…* and *Sở Y tế*
/// (6 days; Sở Y tế has a contact and phones) and *Công an tỉnh* (extended
/// to 02/05: 3 days), late *Sở Tư pháp*, on time *UBND huyện Diên
/// Khánh*, exempt *Sở Nội vụ*, not yet due *Sở Tài chính* (extended to
/// 10/05).
fn console(extra: &str) -> Console {
    let more = [
        ("so-tu-phap", "Sở Tư pháp"),
        ("so-noi-vu", "Sở Nội vụ"),
        ("ubnd-dien-khanh", "UBND huyện Diên Khánh"),
        ("so-tai-chinh", "Sở Tài chính"),
    ];
    let c = launch_at(
        "web",
        extra,
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
            let main = dir.join("dondoc.toml");
            let text = std::fs::read_to_string(&main).unwrap().replacen(
                "[office]\n",
                "[office]\nparent = \"Ban Chỉ đạo 138 tỉnh Khánh Hòa\"\nplace = \"Khánh Hòa\"\n",
                1,
            );
            std::fs::write(&main, text).unwrap();
        },
        None,
        AT,
    );
    let decide = |command: &str, agency: &str, extra: &[&str]| {
        let mut args = vec![
            "--config",
            c.cfg.as_str(),
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
    };
    decide("submit", "ubnd-dien-khanh", &["--on", "28/04/2025 08:30"]);
    decide("submit", "so-tu-phap", &["--on", "01/05/2025 10:00"]);
    decide("exempt", "so-noi-vu", &[]);
    decide("extend", "cong-an-tinh", &["--to", "02/05/2025"]);
    decide("extend", "so-tai-chinh", &["--to", "10/05/2025"]);
    c
}

/// `text` as the browser reads it out of an HTML page (what minijinja escapes).
fn unescape(text: &str) -> String {
    text.replace("&#x2f;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// The text of every `<td class="CLASS"…>…</td>` of `row`, tags removed.
fn cells(row: &str) -> Vec<String> {
    row.split("<td")
        .skip(1)
        .map(|cell| {
            let inner = &cell[cell.find('>').unwrap() + 1..cell.find("</td>").unwrap()];
            let mut text = String::new();
            let mut in_tag = false;
            for ch in inner.chars() {
                match ch {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            unescape(text.trim())
        })
        .collect()
}

fn page(c: &Console, cookie: &str, path: &str) -> String {
    let r = c.get(path, &[("Cookie", cookie)]);
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r.body
}

#[test]
fn the_ranking_is_report_s_and_the_late_list_names_every_agency_that_owes() {
    let c = console("");
    let cookie = c.login(VIEWER);

    // /leaders?year=2025: the rows of `report --year 2025`, in its order.
    let html = page(&c, &cookie, "/leaders?year=2025");
    let out = dondoc(&[
        "--config", &c.cfg, "report", "--year", "2025", "--at", AT, "--format", "json",
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    let report: Vec<Value> = serde_json::from_str(&out.stdout).unwrap();
    let rows: Vec<&str> = html.split("<tr id=\"rank-").skip(1).collect();
    assert_eq!(rows.len(), report.len(), "{html}");
    assert_eq!(report.len(), 7);
    let percent = |v: &Value| {
        v.as_f64()
            .map_or("—".to_string(), |r| format!("{:.0}%", r * 100.0))
    };
    let days = |v: &Value| {
        v.as_f64()
            .map_or("—".to_string(), |d| format!("{d:.1}").replace('.', ","))
    };
    for (n, (row, r)) in rows.iter().zip(&report).enumerate() {
        let id = r["agency"].as_str().unwrap();
        assert!(
            row.contains(&format!("href=\"&#x2f;agencies&#x2f;{id}\"")),
            "row {n} is {id}: {row}"
        );
        let got = cells(row);
        let want = [
            (n + 1).to_string(),
            got[1].clone(),
            r["owed"].to_string(),
            r["on_time"].to_string(),
            r["late"].to_string(),
            r["overdue"].to_string(),
            r["exempt"].to_string(),
            percent(&r["on_time_rate"]),
            days(&r["mean_days_late"]),
        ];
        assert_eq!(got, want, "{id}");
    }
    assert_eq!(report[0]["agency"], "ubnd-dien-khanh");
    assert!(html.contains("7 đơn vị, 7 lượt phải nộp; đúng hạn 1/5 lượt đã đến hạn (20%)."));
    // The default year is the console clock's; a year out of range is refused in words.
    assert!(page(&c, &cookie, "/leaders").contains("Kết quả thực hiện chế độ báo cáo năm 2025"));
    let r = c.get("/leaders?year=25x", &[("Cookie", cookie.as_str())]);
    assert_eq!(r.status, 400);
    assert!(r.body.contains("ghi năm bằng bốn chữ số"), "{}", r.body);
    // Linked from the navigation and the overview.
    let overview = page(&c, &cookie, "/");
    assert!(overview.contains("<a href=\"/leaders\">Xếp hạng năm</a>"));
    assert!(overview.contains("<a href=\"/leaders/late\">Danh sách đơn vị chưa gửi báo cáo"));

    // /leaders/late: the header block, then every agency that owes, the
    // longest overdue first, the extended one last with its own date.
    let late = page(&c, &cookie, "/leaders/late");
    for words in [
        "<p class=\"parent\">BAN CHỈ ĐẠO 138 TỈNH KHÁNH HÒA</p>",
        "<p class=\"office\">VĂN PHÒNG THƯỜNG TRỰC BCĐ 138 TỈNH</p>",
        "<p class=\"nation\">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p>",
        "<p class=\"motto-line\">Độc lập - Tự do - Hạnh phúc</p>",
        "<p class=\"place-date\">Khánh Hòa, ngày 05 tháng 5 năm 2025</p>",
        "DANH SÁCH ĐƠN VỊ CHƯA GỬI BÁO CÁO",
        "(Tính đến 09 giờ 00 ngày 05&#x2f;05&#x2f;2025)",
        "1. Báo cáo kết quả</h2>",
        "Căn cứ: Kế hoạch số 1&#x2f;KH-UBND ngày 01&#x2f;3&#x2f;2025 về &lt;img",
        "Hạn nộp: 29&#x2f;04&#x2f;2025. Số đơn vị chưa gửi: 4/6.",
        "<th>TT</th><th>Đơn vị</th><th>Hạn nộp</th><th>Số ngày quá hạn</th><th>Người liên hệ / Điện thoại</th>",
        "Chị Lan, văn thư<br><a class=\"tel\" href=\"tel:02583822123\">0258 3822 123</a>, ",
    ] {
        assert!(late.contains(words), "{words}:\n{late}");
    }
    let listed: Vec<Vec<String>> = late
        .split("<tr>")
        .skip(2)
        .map(|row| cells(row.split("</tr>").next().unwrap()))
        .collect();
    let names: Vec<&str> = listed.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        names,
        [
            "Sở <script>alert('tên')</script> & \"Ngoại vụ\"",
            "Sở Y tế",
            "Công an tỉnh",
            "Sở Tài chính"
        ],
        "{late}"
    );
    assert_eq!(listed[0][..4], ["1", names[0], "29/04/2025", "6"]);
    assert_eq!(listed[2][2..4], ["02/05/2025 (gia hạn)", "3"]);
    assert_eq!(listed[3][2..4], ["10/05/2025 (gia hạn)", "chưa đến hạn"]);
    // Every agency `status` says owes the instance, and none other.
    let mut owing: Vec<String> = c
        .status(&c.viewer_token)
        .iter()
        .filter(|p| p["state"] == "overdue" || p["state"] == "pending")
        .map(|p| p["agency"].as_str().unwrap().to_string())
        .collect();
    let mut shown: Vec<String> = late
        .split("<tr>")
        .skip(2)
        .map(|row| {
            let at = row.find("href=\"&#x2f;agencies&#x2f;").unwrap() + 26;
            row[at..].split('"').next().unwrap().to_string()
        })
        .collect();
    owing.sort();
    shown.sort();
    assert_eq!(owing, shown);
    // No script runs inline; the one script comes from /static/.
    assert!(
        !late.contains("<script>") && late.contains("<script src=\"/static/dondoc.js\" defer>")
    );
    let js = c.get("/static/dondoc.js", &[]);
    assert_eq!(js.status, 200);
    assert!(
        js.header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert!(js.body.contains("navigator.clipboard"));
}

#[test]
fn the_zalo_text_names_every_owing_agency_and_links_only_a_public_console() {
    let c = console("");
    let cookie = c.login(CLERK);
    for path in [INSTANCE, "/"] {
        let html = page(&c, &cookie, path);
        let start = html.find("class=\"zalo-text\"").expect("a Zalo text");
        let text = &html[html[start..].find('>').unwrap() + start + 1..];
        let text = unescape(&text[..text.find("</textarea>").unwrap()]);
        assert_eq!(text, ZALO, "{path}");
        assert!(html.contains("data-copy="), "{path}");
    }
    // With base_url, the instance page's address ends the text.
    let c = console("base_url = \"https://dondoc.example.gov.vn\"\n");
    let public = ("Host", "dondoc.example.gov.vn");
    let r = http::request(
        c.port,
        "POST",
        "/login",
        &[
            public,
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", "https://dondoc.example.gov.vn"),
        ],
        form(&[("username", CLERK.0), ("password", CLERK.1), ("next", "/")]).as_bytes(),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let cookie = format!("dondoc_session={}", r.session().unwrap());
    let r = c.get(INSTANCE, &[public, ("Cookie", cookie.as_str())]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        unescape(&r.body).contains(&format!(
            "{ZALO}\nChi tiết: https://dondoc.example.gov.vn{INSTANCE}</textarea>"
        )),
        "{}",
        r.body
    );
}

/// The browser test of these pages (`tests/scripts/browser_leaders.py`):
/// the Zalo button fills the clipboard, and without the clipboard shows
/// the text selected; `/leaders` at 1366 and 390 px; `/leaders/late` on A4.
/// The screenshots and PDFs stay in `target/tmp/leaders-screenshots/`;
/// with `pdftotext`, the PDF's text has the header and every name whole.
#[test]
fn in_a_browser_and_on_paper() {
    if !common::browser::available() {
        return;
    }
    let c = console("");
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("leaders-screenshots");
    common::browser::run(
        "browser_leaders.py",
        &c.origin(),
        &shots,
        &[CLERK.0, CLERK.1, INSTANCE, ZALO],
        || c.log(),
    );
    common::browser::screenshots(
        &shots,
        &[
            "01-zalo-copied",
            "02-zalo-selected",
            "03-leaders-1366",
            "04-leaders-390",
            "05-late-390",
            "06-late-print",
        ],
    );
    let Ok(text) = Command::new("pdftotext")
        .arg("-layout")
        .arg(shots.join("late-a4.pdf"))
        .arg("-")
        .output()
    else {
        eprintln!("pdftotext not found: the PDF's text is not checked");
        return;
    };
    let text = String::from_utf8_lossy(&text.stdout);
    for words in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Khánh Hòa, ngày 05 tháng 5 năm 2025",
        "DANH SÁCH ĐƠN VỊ CHƯA GỬI BÁO CÁO",
        "Sở Y tế",
        "Công an tỉnh",
        "Sở Tài chính",
        "Chị Lan, văn thư",
    ] {
        assert!(
            text.lines().any(|l| l.contains(words)),
            "{words} on one line:\n{text}"
        );
    }
    assert!(
        !text.contains("In danh sách"),
        "no button on paper:\n{text}"
    );
    // The overview on paper: the overdue agencies, each name on one line.
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(shots.join("overview-a4.pdf"))
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for name in ["Sở Y tế", "Công an tỉnh"] {
        assert!(text.lines().any(|l| l.contains(name)), "{name}:\n{text}");
    }
    assert!(!text.contains("Chép tin nhắn Zalo"), "{text}");
}

/// The overview names at most 12 overdue agencies on screen (*… và N đơn
/// vị khác*) and every one of them on paper.
#[test]
fn the_overview_cuts_its_late_list_on_screen_not_on_paper() {
    let c = launch_at(
        "web",
        "",
        |dir| {
            let path = dir.join("agencies.toml");
            let mut text = std::fs::read_to_string(&path).unwrap();
            for n in 1..=13 {
                text.push_str(&format!(
                    "\n[[agency]]\nid = \"phuong-{n}\"\nname = \"UBND phường Số {n:02}\"\n\
                     email = [\"vanthu@p{n}.example.gov.vn\"]\ngroups = [\"so-nganh\"]\n"
                ));
            }
            std::fs::write(&path, text).unwrap();
        },
        None,
        AT,
    );
    let cookie = c.login(VIEWER);
    let html = page(&c, &cookie, "/");
    let screen = &html[html
        .find("<span class=\"screen-only\">")
        .expect("a cut list")..];
    let screen = &screen[..screen.find("</span>").unwrap()];
    let paper = &html[html
        .find("<span class=\"print-inline\">")
        .expect("a full list")..];
    let paper = &paper[..paper.find("</span>").unwrap()];
    // 16 overdue: 12 named on screen, then the other 4 by their number.
    assert_eq!(
        screen.matches("<a href=\"&#x2f;agencies&#x2f;").count(),
        12,
        "{screen}"
    );
    assert!(screen.contains("4 đơn vị khác</a>"), "{screen}");
    for n in 1..=13 {
        assert!(
            paper.contains(&format!("UBND phường Số {n:02}")),
            "{n}: {paper}"
        );
    }
    assert!(
        paper.contains("Công an tỉnh") && paper.contains("Sở Y tế"),
        "{paper}"
    );
    assert_eq!(paper.matches(", ").count(), 15, "{paper}");
}
