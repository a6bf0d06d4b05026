//! `calendar` and `holidays` on the shipped example config, through the binary.

mod common;

use common::dondoc;
use serde_json::{Value, json};

fn json(args: &[&str]) -> Vec<Value> {
    let out = dondoc(args);
    assert!(out.status.success(), "{args:?}: {}", out.stderr);
    serde_json::from_str::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn find<'a>(rows: &'a [Value], plan: &str, obligation: &str, period: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["plan"] == plan && r["obligation"] == obligation && r["period"] == period)
        .unwrap_or_else(|| panic!("no {plan}/{obligation}/{period}"))
}

fn calendar(config: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["--config", config, "calendar", "--format", "json"];
    args.extend_from_slice(extra);
    json(&args)
}

const HD: &str = "config/examples/hai-duong-2024";
const NB: &str = "config/examples/ninh-binh-2023";

#[test]
fn calendar_json_has_the_seed_deadlines() {
    let all = ["--from", "01/01/2023", "--to", "31/12/2025"];
    // Hải Dương: "trước ngày 20/3/2024" — the last day allowed, a Tuesday.
    let hd = calendar(HD, &all);
    let r = find(&hd, "hai-duong-2024", "ke-hoach-trien-khai", "2024-03-19");
    assert_eq!(r["due"], "2024-03-19");
    assert_eq!(r["scheduled"], "2024-03-19");
    // Sở Y tế "trước tháng 5/2024": 30/4 is in the 27/4–1/5 holiday, so by
    // Civil Code art. 148 the deadline ends with Thursday 2/5, the next
    // working day; shift = "backward" aims the reminders at Friday 26/4.
    let r = find(
        &hd,
        "hai-duong-2024",
        "quy-che-xac-dinh-nghien",
        "2024-04-30",
    );
    assert_eq!(
        (&r["due"], &r["aim"]),
        (&json!("2024-05-02"), &json!("2024-04-26"))
    );
    // The year's report: 14/12/2024 is a Saturday → Monday 16/12 (forward).
    let r = find(&hd, "hai-duong-2024", "bao-cao-nam", "2024-12-14");
    assert_eq!(r["due"], "2024-12-16");
    // Ninh Bình: "trước ngày 03/7/2023" — the last day by the letter, 2/7, is
    // a Sunday: by art. 148 the deadline ends with Monday 3/7.
    let nb = calendar(NB, &all);
    let r = find(
        &nb,
        "ninh-binh-thang-hanh-dong-2023",
        "bao-cao-ket-qua",
        "2023-07-02",
    );
    assert_eq!(r["due"], "2023-07-03");
    assert_eq!(r["agencies"].as_array().unwrap().len(), 26);
    // …and Công an tỉnh's upward report, "trước ngày 10/7/2023" → Monday 10/7.
    let r = find(
        &nb,
        "ninh-binh-thang-hanh-dong-2023",
        "bao-cao-tong-hop",
        "2023-07-09",
    );
    assert_eq!(r["due"], "2023-07-10");
    assert_eq!(r["agencies"], serde_json::json!(["cong-an-tinh"]));
    // Khánh Hòa task II.1.h: "trước ngày 30/4/2025".
    let kh = calendar("config", &all);
    let r = find(&kh, "khanh-hoa-2025", "kien-toan-bcd", "2025-04-29");
    assert_eq!(r["due"], "2025-04-29");
}

#[test]
fn calendar_json_is_sorted_and_agencies_follow_their_active_range() {
    let rows = calendar("config", &["--from", "01/01/2025", "--to", "31/12/2025"]);
    let keys: Vec<(String, String, String, String)> = rows
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_string();
            (s("due"), s("plan"), s("obligation"), s("period"))
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    for r in &rows {
        let ids: Vec<&str> = r["agencies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        let mut s = ids.clone();
        s.sort();
        assert_eq!(ids, s);
    }
    // Districts end on 30/06/2025 and the communes start on 01/07/2025: the
    // June report is the districts', the year's report the communes'.
    let june = find(&rows, "khanh-hoa-2025", "bao-cao-6-thang", "2025-06-14");
    let dec = find(&rows, "khanh-hoa-2025", "bao-cao-nam", "2025-12-14");
    let has = |r: &Value, id: &str| r["agencies"].as_array().unwrap().iter().any(|a| a == id);
    assert!(has(june, "ubnd-tp-nha-trang") && !has(dec, "ubnd-tp-nha-trang"));
    assert!(!has(june, "ubnd-p-nha-trang") && has(dec, "ubnd-p-nha-trang"));
    assert!(has(june, "bchqs-tinh") && has(dec, "bchqs-tinh"));
}

#[test]
fn calendar_filters_by_due_date_and_extends_the_horizon() {
    // (The draft resolution "tháng 6" falls due on Monday 1/7: 30/6 is a Sunday.)
    let rows = calendar(HD, &["--from", "2024-04-01", "--to", "30/06/2024"]);
    assert_eq!(rows.len(), 2, "{rows:?}");
    for r in &rows {
        let due = r["due"].as_str().unwrap();
        assert!(("2024-04-01"..="2024-06-30").contains(&due), "{due}");
    }
    // Open-ended cycles reach two years past --at, or --to when later.
    let dir = common::fixture_config(None);
    std::fs::write(
        dir.path().join("plans/p.toml"),
        "[plan]\nid = \"p\"\nnumber = \"1/KH-UBND\"\ntitle = \"Kế hoạch\"\n\n\
         [[obligation]]\nid = \"bao-cao\"\ntitle = \"Báo cáo\"\nagencies = [\"@so-nganh\"]\n\
         every = \"6 months\"\nfirst_due = \"14/06/2025\"\n",
    )
    .unwrap();
    let cfg = dir.path().to_str().unwrap();
    let last = |rows: &[Value]| -> String {
        rows.iter()
            .map(|r| r["period"].as_str().unwrap().to_string())
            .max()
            .unwrap()
    };
    assert_eq!(last(&calendar(cfg, &["--at", "01/01/2025"])), "2026-12-14");
    let far = calendar(cfg, &["--at", "01/01/2025", "--to", "31/12/2030"]);
    assert_eq!(last(&far), "2030-12-14");
}

#[test]
fn calendar_ics_is_one_all_day_event_per_instance() {
    let args = [
        "--config",
        "config",
        "calendar",
        "--at",
        "01/01/2025",
        "--from",
        "29/04/2025",
        "--to",
        "29/04/2025",
    ];
    let out = dondoc(&[&args[..], &["--format", "ics"]].concat());
    assert!(out.status.success(), "{}", out.stderr);
    let ics = out.stdout;
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1);
    let unfolded = ics.replace("\r\n ", "");
    assert!(unfolded.contains("UID:khanh-hoa-2025.kien-toan-bcd.2025-04-29@dondoc\r\n"));
    assert!(unfolded.contains("DTSTART;VALUE=DATE:20250429\r\nDTEND;VALUE=DATE:20250430\r\n"));
    assert!(unfolded.contains("DESCRIPTION:Kế hoạch 3212/KH-UBND"));
    assert!(unfolded.contains("Công an tỉnh"));
    assert!(
        ics.lines().all(|l| l.len() <= 76),
        "lines are folded at 75 octets"
    );
}

#[test]
fn calendar_table_writes_vietnamese_dates() {
    let out = dondoc(&[
        "--config",
        "config",
        "calendar",
        "--at",
        "01/01/2025",
        "--from",
        "29/04/2025",
        "--to",
        "29/04/2025",
    ]);
    assert!(out.status.success());
    assert!(out.stdout.contains("29/04/2025"), "{}", out.stdout);
    assert!(out.stdout.contains("Thứ Ba"));
    assert!(
        out.stdout.contains("1 instance, 1 submission owed"),
        "{}",
        out.stdout
    );
}

#[test]
fn holidays_come_from_the_file_or_the_builtin_rules() {
    let y2025 = json(&[
        "--config", "config", "holidays", "--year", "2025", "--format", "json",
    ]);
    assert!(
        y2025
            .iter()
            .all(|d| d["source"] == "file" && d["name"] == "")
    );
    let dates: Vec<&str> = y2025.iter().map(|d| d["date"].as_str().unwrap()).collect();
    assert!(dates.contains(&"2025-01-25") && dates.contains(&"2025-05-02"));
    assert!(
        !dates.contains(&"2025-04-26"),
        "a make-up working day is not listed"
    );

    let y2027 = json(&[
        "--config", "config", "holidays", "--year", "2027", "--format", "json",
    ]);
    assert!(y2027.iter().all(|d| d["source"] == "builtin"));
    let find = |date: &str| {
        y2027
            .iter()
            .find(|d| d["date"] == date)
            .map(|d| d["name"].as_str().unwrap().to_string())
    };
    assert_eq!(
        find("2027-02-06").as_deref(),
        Some("Tết Nguyên đán (mùng 1)")
    );
    assert_eq!(
        find("2027-04-16").as_deref(),
        Some("Giỗ Tổ Hùng Vương (10/3 âm lịch)")
    );
    assert_eq!(
        find("2027-11-24").as_deref(),
        Some("Ngày Văn hóa Việt Nam (24/11)")
    );
    // 1/5/2027 is a Saturday: make-up day Monday 3/5.
    assert!(find("2027-05-03").unwrap().starts_with("Nghỉ bù"));
    let mut sorted: Vec<&str> = y2027.iter().map(|d| d["date"].as_str().unwrap()).collect();
    let copy = sorted.clone();
    sorted.sort();
    assert_eq!(sorted, copy);

    let table = dondoc(&["--config", "config", "holidays", "--year", "2027"]);
    assert!(table.stdout.contains("06/02/2027"));
    assert!(table.stdout.contains("built-in rules"));
}
