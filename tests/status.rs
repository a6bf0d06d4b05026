//! `status` through the real binary: filters, formats and the workbook.

mod common;

use std::fs;

use common::records::{import_ok, status, two_agency_config};
use common::{dondoc, dondoc_in};
use serde_json::Value;

#[test]
fn status_filters_and_formats() {
    let (dir, cfg) = two_agency_config();
    import_ok(
        dir.path(),
        &cfg,
        &["q,bao-cao-thang,31/01/2025,so-y-te,03/02/2025,,"],
    );
    let out = dondoc(&[
        "--config",
        &cfg,
        "status",
        "--at",
        "10/02/2025",
        "--plan",
        "q",
        "--agency",
        "so-y-te",
        "--format",
        "json",
    ]);
    let rows: Vec<Value> = serde_json::from_str(&out.stdout).unwrap();
    assert!(
        rows.iter()
            .all(|r| r["plan"] == "q" && r["agency"] == "so-y-te")
    );
    assert_eq!(rows[0]["state"], "on_time");
    assert_eq!(rows[1]["state"], "pending");
    let out = dondoc(&[
        "--config",
        &cfg,
        "status",
        "--at",
        "10/03/2025",
        "--state",
        "overdue",
        "--format",
        "csv",
    ]);
    let mut lines = out.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("plan,obligation,period,due,agency,state,submitted_on,days_late,ref,note")
    );
    let body: Vec<&str> = lines.collect();
    assert!(!body.is_empty());
    assert!(body.iter().all(|l| l.contains(",overdue,,")), "{body:?}");
    assert!(
        body.contains(&"q,bao-cao-thang,2025-01-31,2025-02-03,cong-an-tinh,overdue,,35,,"),
        "{body:?}"
    );
    let out = dondoc_in(
        &[],
        &[
            "--config",
            &cfg,
            "status",
            "--at",
            "10/02/2025",
            "--plan",
            "q",
        ],
    );
    assert!(
        out.stdout
            .contains("kỳ 31/01/2025 · hạn 03/02/2025 (Thứ Hai)"),
        "{}",
        out.stdout
    );
    // One word per state (SPEC third release).
    assert!(out.stdout.contains("┆ đúng hạn "), "{}", out.stdout);
    assert!(
        out.stdout.contains("1 đúng hạn · 0 nộp muộn · 1 quá hạn"),
        "{}",
        out.stdout
    );
    let out = dondoc(&[
        "--config",
        &cfg,
        "status",
        "--at",
        "10/02/2025",
        "--state",
        "on_time",
        "--format",
        "json",
    ]);
    let rows: Vec<Value> = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(rows.len(), 1, "{}", out.stderr);
    assert_eq!(rows[0]["state"], "on_time");
    let out = dondoc(&["--config", &cfg, "status", "--plan", "nope"]);
    assert_eq!(out.code, 2);
}

#[test]
fn status_exports_a_workbook_with_one_sheet_per_plan() {
    use std::io::Read;
    let (dir, cfg) = two_agency_config();
    import_ok(
        dir.path(),
        &cfg,
        &["p,bao-cao,29/04/2025,so-y-te,02/05/2025 10:00,15/BC,"],
    );
    let xlsx = dir.path().join("tinh-hinh.xlsx");
    let out = dondoc(&[
        "--config",
        &cfg,
        "status",
        "--at",
        "05/05/2025",
        "--format",
        "xlsx",
        "--output",
        xlsx.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    let mut zip = zip::ZipArchive::new(fs::File::open(&xlsx).unwrap()).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    let workbook = read("xl/workbook.xml");
    // A summary first, then a sheet per plan named by its number ('/' is
    // not allowed in a sheet name), each printing its header on every page.
    assert!(
        workbook.contains("<sheet name=\"Tổng hợp\"")
            && workbook.contains("<sheet name=\"1-KH-UBND\"")
            && workbook.contains("<sheet name=\"2-KH\""),
        "{workbook}"
    );
    assert_eq!(
        workbook.matches("_xlnm.Print_Titles").count(),
        3,
        "{workbook}"
    );
    let sheet = read("xl/worksheets/sheet2.xml");
    assert!(
        sheet.contains("paperSize=\"9\"") && sheet.contains("orientation=\"landscape\""),
        "A4 landscape: {sheet}"
    );
    // Plans' sheets are written in constant-memory mode: their strings are
    // inline, the summary's shared.
    let strings = read("xl/sharedStrings.xml")
        + &read("xl/worksheets/sheet2.xml")
        + &read("xl/worksheets/sheet3.xml");
    for want in [
        "Kế hoạch 1/KH-UBND — Kế hoạch",
        "Số, ký hiệu",
        "15/BC",
        "nộp muộn",
        "quá hạn",
        "Sở Y tế",
    ] {
        assert!(strings.contains(want), "{want} not in {strings}");
    }
    for retired in [
        "nộp quá hạn",
        "Trễ hạn",
        "trễ hạn",
        "sau hạn",
        "Số ngày trễ",
    ] {
        assert!(!strings.contains(retired), "{retired} in {strings}");
    }
    let styles = read("xl/styles.xml");
    assert!(
        styles.contains("FFFFEB9C") && styles.contains("FFFFC7CE"),
        "late and overdue fills"
    );
    let out = dondoc(&["--config", &cfg, "status", "--format", "xlsx"]);
    assert_eq!(out.code, 2, "xlsx needs --output");
}

/// The table without filters shows what is open and what closed in the last
/// 30 days; `--all` shows the rest, `--since` a range; JSON lists everything.
#[test]
fn the_table_focuses_on_what_is_open_and_recent() {
    let (dir, cfg) = two_agency_config();
    // At 20/06/2025: January's reports closed in February (old), May's
    // so-y-te report closed on 02/06 (18 days ago: recent).
    import_ok(
        dir.path(),
        &cfg,
        &[
            "q,bao-cao-thang,31/01/2025,so-y-te,03/02/2025,1/BC,",
            "q,bao-cao-thang,31/01/2025,cong-an-tinh,03/02/2025,2/BC,",
            "q,bao-cao-thang,31/05/2025,so-y-te,02/06/2025,3/BC,",
        ],
    );
    let table = |extra: &[&str]| {
        let out = dondoc_in(
            &[],
            &[&["--config", &cfg, "status", "--at", "20/06/2025"], extra].concat(),
        );
        assert!(out.status.success(), "{}", out.stderr);
        out.stdout
    };
    let focused = table(&[]);
    assert!(
        !focused.contains("1/BC") && !focused.contains("2/BC"),
        "{focused}"
    );
    assert!(focused.contains("3/BC"), "{focused}");
    assert!(
        focused.contains("(2 lượt đã xong từ trước 21/05/2025 không hiện; thêm --all"),
        "{focused}"
    );
    let all = table(&["--all"]);
    assert!(
        all.contains("1/BC") && all.contains("2/BC") && !all.contains("không hiện"),
        "{all}"
    );
    // --since: only instances due from then on, in the table and in JSON.
    let since = table(&["--since", "01/05/2025"]);
    assert!(!since.contains("1/BC") && since.contains("3/BC"), "{since}");
    let json = dondoc(&[
        "--config",
        &cfg,
        "status",
        "--at",
        "20/06/2025",
        "--since",
        "01/05/2025",
        "--format",
        "json",
    ]);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json.stdout).unwrap();
    assert!(
        rows.iter()
            .all(|r| r["due"].as_str().unwrap() >= "2025-05-01"),
        "{rows:?}"
    );
    assert!(rows.iter().any(|r| r["ref"] == "3/BC"));
    // JSON without --since keeps every pair, old ones included.
    let every = status(&cfg, "20/06/2025");
    assert!(every.iter().any(|r| r["ref"] == "1/BC"));
}

/// The workbook written row by row in constant memory opens with openpyxl
/// (as an office's tools read it) and lists every pair `status --format
/// json` lists, each in its plan's sheet.
#[test]
fn the_constant_memory_workbook_opens_with_openpyxl_and_has_every_row() {
    let (dir, cfg) = two_agency_config();
    import_ok(
        dir.path(),
        &cfg,
        // A note with what XML cannot hold (U+FFFF): the workbook stays
        // readable (it used to be cut there).
        &["p,bao-cao,29/04/2025,so-y-te,02/05/2025 10:00,15/BC,ghi chú \u{FFFF}"],
    );
    let xlsx = dir.path().join("all.xlsx");
    let at = ["--at", "05/05/2025"];
    let out = dondoc(
        &[
            &["--config", &cfg, "status"][..],
            &at,
            &["--format", "xlsx", "--output", xlsx.to_str().unwrap()],
        ]
        .concat(),
    );
    assert!(out.status.success(), "{}", out.stderr);
    let read = std::process::Command::new("python3")
        .arg("tests/scripts/xlsx_rows.py")
        .arg(&xlsx)
        .output()
        .expect("python3");
    let text = String::from_utf8_lossy(&read.stdout).to_string();
    if read.status.code() == Some(3) {
        assert!(
            std::env::var("DONDOC_REQUIRE_OPENPYXL").is_err(),
            "openpyxl is required here: {text}"
        );
        eprintln!("SKIPPED: {text}");
        return;
    }
    assert!(
        read.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&read.stderr)
    );
    let sheets: serde_json::Value = serde_json::from_str(&text).unwrap();
    let json = dondoc(
        &[
            &["--config", &cfg, "status"][..],
            &at,
            &["--format", "json"],
        ]
        .concat(),
    );
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json.stdout).unwrap();
    let listed: usize = sheets
        .as_object()
        .unwrap()
        .iter()
        .filter(|(name, _)| *name != "Tổng hợp")
        .map(|(_, rows)| rows.as_array().unwrap().len())
        .sum();
    assert_eq!(listed, rows.len(), "{sheets}");
    let plan_sheet = sheets["1-KH-UBND"].as_array().unwrap();
    assert!(
        plan_sheet.iter().any(|r| r[4] == "Sở Y tế"
            && r[5] == "nộp muộn"
            && r[8] == "15/BC"
            && r[9] == "ghi chú _xFFFF_"),
        "{plan_sheet:?}"
    );
}

/// A full disk: the workbook that was at the path stays (it is written
/// beside it and renamed once complete), no partial file is left, and
/// the table written to a full device fails with exit 1, saying why.
#[test]
fn a_failed_export_keeps_the_file_that_was_there_and_says_so() {
    let (dir, cfg) = two_agency_config();
    // Two notes of 30 000 letters that do not compress much: a workbook
    // over 40 KiB.
    let mut seed = 7u64;
    let mut note = || -> String {
        (0..30_000)
            .map(|_| {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                char::from(b'a' + (seed >> 59) as u8 % 26)
            })
            .collect()
    };
    let rows = [
        format!(
            "p,bao-cao,29/04/2025,so-y-te,02/05/2025 10:00,15/BC,{}",
            note()
        ),
        format!(
            "p,bao-cao,29/04/2025,cong-an-tinh,02/05/2025 10:00,16/BC,{}",
            note()
        ),
    ];
    import_ok(dir.path(), &cfg, &[rows[0].as_str(), rows[1].as_str()]);
    let out_dir = dir.path().join("exports");
    fs::create_dir(&out_dir).unwrap();
    let xlsx = out_dir.join("status.xlsx");
    fs::write(&xlsx, b"the workbook of last week").unwrap();
    // Nothing is written past 40 KiB (bash's `ulimit -f` counts KiB; the
    // database's shared memory takes 32); SIGXFSZ ignored: EFBIG.
    let run = std::process::Command::new("bash")
        .arg("-c")
        .arg(r#"trap '' XFSZ; ulimit -f 40; exec "$0" --lang en --config "$1" status --at 05/05/2025 --format xlsx --output "$2""#)
        .arg(env!("CARGO_BIN_EXE_dondoc"))
        .arg(&cfg)
        .arg(&xlsx)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("File too large"), "{stderr}");
    assert!(!stderr.contains("ZipWriter"), "{stderr}");
    assert_eq!(fs::read(&xlsx).unwrap(), b"the workbook of last week");
    let left: Vec<_> = fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("status.xlsx")]);
    for args in [
        &["status", "--at", "05/05/2025", "--all"][..],
        &["report", "--year", "2025", "--at", "05/05/2025"][..],
    ] {
        let full = fs::File::create("/dev/full").unwrap();
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_dondoc"))
            .args(["--lang", "en", "--config", &cfg])
            .args(args)
            .stdout(full)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("No space left on device"),
            "{args:?}: {stderr}"
        );
    }
}

/// A filtered workbook says which pairs it lists, under each sheet's
/// title: its summary of overdue pairs alone must not read as the whole.
#[test]
fn a_filtered_workbook_says_what_it_lists() {
    let (dir, cfg) = two_agency_config();
    // The workbook's shared strings, exported with `filters`.
    let strings = |name: &str, filters: &[&str]| -> String {
        let xlsx = dir.path().join(name);
        let at = ["--config", cfg.as_str(), "status", "--at", "05/05/2025"];
        let output = ["--format", "xlsx", "--output", xlsx.to_str().unwrap()];
        let out = dondoc(&[&at[..], filters, &output].concat());
        assert!(out.status.success(), "{}", out.stderr);
        let mut zip = zip::ZipArchive::new(fs::File::open(&xlsx).unwrap()).unwrap();
        let mut strings = String::new();
        let mut part = zip.by_name("xl/sharedStrings.xml").unwrap();
        std::io::Read::read_to_string(&mut part, &mut strings).unwrap();
        strings
    };
    let filtered = strings(
        "overdue.xlsx",
        &["--state", "overdue", "--agency", "so-y-te"],
    );
    assert!(
        filtered.contains("<t>Chỉ gồm các lượt: đơn vị Sở Y tế; trạng thái quá hạn</t>"),
        "{filtered}"
    );
    let all = strings("all.xlsx", &[]);
    assert!(!all.contains("Chỉ gồm"), "{all}");
}
