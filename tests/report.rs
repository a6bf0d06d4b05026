//! `dondoc report --year`: the year-end table, on a fixture with every state,
//! against golden files (set `DONDOC_BLESS=1` to rewrite them after a
//! deliberate change, and review the diff), plus the figures worked by hand.

mod common;

use std::fs;

use common::records::{import_ok, two_agency_config};
use common::{dondoc, golden};
use serde_json::{Value, json};

/// Plan p: one report due Tue 29/04/2025. Plan q: monthly, due the last day
/// of each month of 2025 (moved off days off: 31/01 → 03/02, 31/05 → 02/06,
/// 31/08 → 01/09 is 2/9's neighbour → 03/09, 30/11 → 01/12).
const ROWS: [&str; 7] = [
    "p,bao-cao,29/04/2025,so-y-te,29/04/2025,125/BC-SYT,",
    "p,bao-cao,29/04/2025,cong-an-tinh,02/05/2025 09:00,88/BC-CAT,",
    "q,bao-cao-thang,31/01/2025,so-y-te,03/02/2025,,",
    "q,bao-cao-thang,28/02/2025,so-y-te,28/02/2025 16:00,,",
    "q,bao-cao-thang,31/03/2025,so-y-te,02/04/2025,,",
    "q,bao-cao-thang,31/01/2025,cong-an-tinh,10/02/2025,,",
    "q,bao-cao-thang,30/06/2025,cong-an-tinh,30/06/2025,,",
];

fn setup() -> (tempfile::TempDir, String) {
    let (dir, cfg) = two_agency_config();
    import_ok(dir.path(), &cfg, &ROWS);
    let out = dondoc(&[
        "--config",
        &cfg,
        "exempt",
        "--plan",
        "q",
        "--obligation",
        "bao-cao-thang",
        "--period",
        "31/05/2025",
        "--agency",
        "so-y-te",
        "--note",
        "đã báo cáo chung",
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    (dir, cfg)
}

#[test]
fn the_year_report_matches_its_golden_files_and_the_hand_worked_figures() {
    let (_dir, cfg) = setup();
    let report = |format: &str| {
        let out = dondoc(&[
            "--config",
            &cfg,
            "report",
            "--year",
            "2025",
            "--at",
            "31/12/2025 17:00",
            "--format",
            format,
        ]);
        assert!(out.status.success(), "{}", out.stderr);
        out.stdout
    };
    let json_text = report("json");
    golden("report-2025.json", &json_text);
    golden("report-2025.txt", &report("table"));
    golden("report-2025.csv", &report("csv"));

    // By hand, at 31/12/2025 17:00 (December's report is due that day: pending).
    // Sở Y tế: p on time; q Jan, Feb on time, Mar 2 days late (due Mon 31/03,
    // sent Wed 02/04), May exempt, Apr and Jun–Nov overdue (7), Dec pending.
    // 13 owed; 3 on time of 3 + 1 + 7 = 11 fallen due.
    let rows: Vec<Value> = serde_json::from_str(&json_text).unwrap();
    let syt = rows.iter().find(|r| r["agency"] == "so-y-te").unwrap();
    assert_eq!(
        (
            &syt["owed"],
            &syt["on_time"],
            &syt["late"],
            &syt["overdue"],
            &syt["exempt"]
        ),
        (&json!(13), &json!(3), &json!(1), &json!(7), &json!(1))
    );
    let rate = syt["on_time_rate"].as_f64().unwrap();
    assert!((rate - 3.0 / 11.0).abs() < 1e-9, "{rate}");
    // Công an tỉnh: p late (due 29/04; 30/04, 01/05 are holidays, sent Fri
    // 02/05: 3 days), q Jan late (due 03/02, sent 10/02: 7 days), Jun on time,
    // the other 9 months overdue, Dec pending: 1 on time of 12.
    let cat = rows.iter().find(|r| r["agency"] == "cong-an-tinh").unwrap();
    assert_eq!(
        (&cat["on_time"], &cat["late"], &cat["overdue"]),
        (&json!(1), &json!(2), &json!(9))
    );
    // Best rate first.
    assert_eq!(rows[0]["agency"], "so-y-te");
    let keys: Vec<&String> = rows[0].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "agency",
            "exempt",
            "late",
            "mean_days_late",
            "on_time",
            "on_time_rate",
            "overdue",
            "owed"
        ]
    );
}

#[test]
fn the_year_report_as_a_workbook_prints_on_a4() {
    let (dir, cfg) = setup();
    let path = dir.path().join("bao-cao-nam.xlsx");
    let out = dondoc(&[
        "--config",
        &cfg,
        "report",
        "--year",
        "2025",
        "--at",
        "31/12/2025 17:00",
        "--format",
        "xlsx",
        "--output",
        path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    let file = fs::File::open(&path).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut sheet,
    )
    .unwrap();
    // A4 (paperSize 9), landscape, one page wide.
    assert!(sheet.contains("paperSize=\"9\""), "{sheet}");
    assert!(sheet.contains("orientation=\"landscape\""), "{sheet}");
    assert!(
        sheet.contains("fitToWidth=\"1\"") || sheet.contains("fitToPage=\"1\""),
        "{sheet}"
    );
    let mut book = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/workbook.xml").unwrap(), &mut book).unwrap();
    // The header row repeats on every printed page.
    assert!(book.contains("_xlnm.Print_Titles"), "{book}");
}
