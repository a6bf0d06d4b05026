//! Sheets as offices keep them (issue 24): a sheet an office writes — a
//! title above the header, a *TT* column, the plan as *3212/KH-UBND*, the
//! agency as *Sở Y tế*, the period by its name or its due date — imports,
//! whether rust_xlsxwriter, openpyxl or a text editor wrote it; a name two
//! agencies share is a row error naming both, and nothing is recorded;
//! `dondoc sheet`, filled in (with openpyxl, as a clerk's Excel would) and
//! imported, records exactly the rows given a date; and what dondoc writes
//! for an instance (`status --format csv|xlsx`, the console's downloads)
//! re-imports unchanged.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::dondoc_in;
use common::records::status;
use serde_json::Value;

const AGENCIES: &str = r#"
[[agency]]
id = "so-y-te"
name = "Sở Y tế"
email = ["vanthu@syt.example.gov.vn"]
groups = ["so-nganh"]

[[agency]]
id = "cong-an-tinh"
name = "Công an tỉnh"
email = ["vanthu@ca.example.gov.vn"]
groups = ["so-nganh"]

[[agency]]
id = "so-tu-phap"
name = "Sở Tư pháp"
email = ["vanthu@stp.example.gov.vn"]
groups = ["so-nganh"]

# The former province's department, kept through the merger: the same name.
[[agency]]
id = "so-tu-phap-nt"
name = "Sở Tư pháp"
email = ["vanthu@stp-nt.example.gov.vn"]
groups = ["so-nganh"]
"#;

const PLAN: &str = r#"
[plan]
id = "kh-2025"
number = "3212/KH-UBND"
title = "Kế hoạch thực hiện công tác phòng, chống ma túy năm 2025"
issuer = "UBND tỉnh Khánh Hòa"
issued = "20/03/2025"

[[obligation]]
id = "bao-cao-6-thang"
title = "Báo cáo định kỳ 6 tháng, 01 năm"
agencies = ["@so-nganh"]
yearly = ["14/06", "14/12"]
until = "31/12/2025"
period_label = "'6 tháng đầu năm ' ~ year if month == 6 else 'năm ' ~ year"
"#;

/// A config of four agencies and the half-yearly report (due Monday
/// 16/06/2025 for the period of Saturday 14/06).
fn config() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("plans")).unwrap();
    fs::write(
        dir.path().join("dondoc.toml"),
        "database = \"state/dondoc.db\"\n\n[office]\nname = \"Văn phòng Thường trực BCĐ 138 tỉnh\"\n\
         email = \"vptt138@example.gov.vn\"\n",
    )
    .unwrap();
    fs::write(dir.path().join("agencies.toml"), AGENCIES).unwrap();
    fs::write(dir.path().join("plans/kh-2025.toml"), PLAN).unwrap();
    let cfg = dir.path().to_str().unwrap().to_string();
    (dir, cfg)
}

/// `dondoc ARGS` in Vietnamese, as the office reads it.
fn vi(args: &[&str]) -> common::Output {
    dondoc_in(&["--lang", "vi"], args)
}

fn import(cfg: &str, file: &Path) -> common::Output {
    vi(&["--config", cfg, "import", file.to_str().unwrap()])
}

/// The pairs submitted: (agency, period, submitted_on, ref).
fn submitted(cfg: &str) -> Vec<(String, String, String, String)> {
    let text = |v: &Value| v.as_str().unwrap_or("").to_string();
    let mut out: Vec<_> = status(cfg, "31/12/2025")
        .iter()
        .filter(|r| !r["submitted_on"].is_null())
        .map(|r| {
            (
                text(&r["agency"]),
                text(&r["period"]),
                text(&r["submitted_on"]),
                text(&r["ref"]),
            )
        })
        .collect();
    out.sort();
    out
}

/// Whether python3 has openpyxl; if not, the test says so and skips that
/// part (unless `DONDOC_REQUIRE_OPENPYXL` is set, as CI sets it).
fn openpyxl() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import openpyxl"])
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        assert!(
            std::env::var_os("DONDOC_REQUIRE_OPENPYXL").is_none(),
            "openpyxl is required"
        );
        eprintln!("SKIPPED: python3's openpyxl not available");
    }
    ok
}

/// Runs a Python script with `args`.
fn python(script: &str, args: &[&str]) {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The two rows an office writes: Sở Y tế by the period's name, Công an
/// tỉnh by its due date; (TT, agency, period, submitted on, number).
const OFFICE_ROWS: [(u32, &str, &str, &str, &str); 2] = [
    (
        1,
        "Sở Y tế",
        "6 tháng đầu năm 2025",
        "13/06/2025",
        "125/BC-SYT",
    ),
    (
        2,
        "Công an tỉnh",
        "16/06/2025",
        "17/06/2025 09:30",
        "88/BC-CAT",
    ),
];

/// What those two rows record.
fn office_ledger() -> Vec<(String, String, String, String)> {
    vec![
        (
            "cong-an-tinh".into(),
            "2025-06-14".into(),
            "2025-06-17T09:30:00+07:00".into(),
            "88/BC-CAT".into(),
        ),
        (
            "so-y-te".into(),
            "2025-06-14".into(),
            "2025-06-13T00:00:00+07:00".into(),
            "125/BC-SYT".into(),
        ),
    ]
}

/// The sheet as an office types it, with rust_xlsxwriter: two title rows,
/// a blank one, then the header with TT; dates as Excel keeps them
/// (numbers with a date format), the period's name as text.
fn office_xlsx(path: &Path) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let moment = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    ws.write_string(0, 0, "DANH SÁCH ĐƠN VỊ ĐÃ GỬI BÁO CÁO 6 THÁNG ĐẦU NĂM 2025")
        .unwrap();
    ws.write_string(1, 0, "(Kèm theo Kế hoạch số 3212/KH-UBND ngày 20/3/2025)")
        .unwrap();
    for (c, name) in [
        "TT",
        "Kế hoạch",
        "Nội dung",
        "Kỳ báo cáo",
        "Đơn vị",
        "Ngày nộp",
        "Số, ký hiệu",
        "Ghi chú",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(3, c as u16, *name).unwrap();
    }
    for (r, (tt, agency, period, on, number)) in OFFICE_ROWS.iter().enumerate() {
        let r = 4 + r as u32;
        ws.write_number(r, 0, f64::from(*tt)).unwrap();
        ws.write_string(r, 1, "3212/KH-UBND").unwrap();
        ws.write_string(r, 2, "Báo cáo định kỳ 6 tháng, 01 năm")
            .unwrap();
        if period.starts_with("16/") {
            let due = ExcelDateTime::from_ymd(2025, 6, 16).unwrap();
            ws.write_datetime_with_format(r, 3, due, &date).unwrap();
        } else {
            ws.write_string(r, 3, *period).unwrap();
        }
        ws.write_string(r, 4, *agency).unwrap();
        let d: Vec<u16> = on
            .split([' ', '/', ':'])
            .map(|p| p.parse().unwrap())
            .collect();
        let mut dt = ExcelDateTime::from_ymd(d[2], d[1] as u8, d[0] as u8).unwrap();
        if d.len() == 5 {
            dt = dt.and_hms(d[3], d[4] as u8, 0).unwrap();
            ws.write_datetime_with_format(r, 5, dt, &moment).unwrap();
        } else {
            ws.write_datetime_with_format(r, 5, dt, &date).unwrap();
        }
        ws.write_string(r, 6, *number).unwrap();
    }
    wb.save(path).unwrap();
}

/// The same sheet with openpyxl, STT instead of TT and datetimes as
/// Python writes them.
const OPENPYXL_OFFICE: &str = r#"
import sys, datetime, openpyxl
wb = openpyxl.Workbook(); ws = wb.active; ws.title = "Báo cáo"
ws.append(["DANH SÁCH ĐƠN VỊ ĐÃ GỬI BÁO CÁO"]); ws.append([])
ws.append(["STT", "Đơn vị", "Kế hoạch", "Nội dung", "Kỳ", "Ngày nộp", "Số, ký hiệu", "Ghi chú"])
ws.append([1, "Sở Y tế", "3212/KH-UBND", "Báo cáo định kỳ 6 tháng, 01 năm", "6 tháng đầu năm 2025",
           datetime.datetime(2025, 6, 13), "125/BC-SYT", None])
ws.append([2, "Công an tỉnh", "3212/KH-UBND", "Báo cáo định kỳ 6 tháng, 01 năm",
           datetime.datetime(2025, 6, 16), datetime.datetime(2025, 6, 17, 9, 30), "88/BC-CAT", None])
wb.save(sys.argv[1])
"#;

#[test]
fn a_sheet_as_an_office_writes_it_imports() {
    let mut files = vec![];
    let scratch = tempfile::tempdir().unwrap();
    let xlsx = scratch.path().join("bao-cao.xlsx");
    office_xlsx(&xlsx);
    files.push(xlsx);
    // As a clerk saves it from Excel: semicolons, a BOM, a title line.
    let csv = scratch.path().join("bao-cao.csv");
    let mut text = String::from("\u{feff}DANH SÁCH ĐƠN VỊ ĐÃ GỬI BÁO CÁO;;;;;;;\r\n");
    text += "STT;Kế hoạch;Nội dung;Kỳ;Đơn vị;Ngày nộp;Số, ký hiệu;Ghi chú\r\n";
    for (tt, agency, period, on, number) in OFFICE_ROWS {
        text += &format!(
            "{tt};Kế hoạch số 3212/KH-UBND;Báo cáo định kỳ 6 tháng, 01 năm;{period};{agency};{on};{number};\r\n"
        );
    }
    text += "3;;;;;;;\r\n"; // a numbered row left empty
    fs::write(&csv, text).unwrap();
    files.push(csv);
    if openpyxl() {
        let made = scratch.path().join("openpyxl.xlsx");
        python(OPENPYXL_OFFICE, &[made.to_str().unwrap()]);
        files.push(made);
    }
    for file in files {
        let (_dir, cfg) = config();
        let out = import(&cfg, &file);
        assert!(out.status.success(), "{}: {}", file.display(), out.stderr);
        assert!(
            out.stdout.contains("đã nhập 2 dòng: 2 mới"),
            "{}: {}",
            file.display(),
            out.stdout
        );
        assert_eq!(submitted(&cfg), office_ledger(), "{}", file.display());
        let again = import(&cfg, &file);
        assert!(again.stdout.contains("không có gì mới"), "{}", again.stdout);
    }
}

#[test]
fn a_name_two_agencies_share_is_a_row_error_naming_both_and_nothing_is_recorded() {
    let (dir, cfg) = config();
    let file = dir.path().join("nop.csv");
    fs::write(
        &file,
        "Kế hoạch,Nội dung,Kỳ,Đơn vị,Ngày nộp\n\
         3212/KH-UBND,bao-cao-6-thang,6 tháng đầu năm 2025,Sở Y tế,13/06/2025\n\
         3212/KH-UBND,bao-cao-6-thang,6 tháng đầu năm 2025,Sở Tư pháp,13/06/2025\n",
    )
    .unwrap();
    let out = import(&cfg, &file);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains(
            "dòng 3, cột D (Đơn vị): \"Sở Tư pháp\" ứng với 2 đơn vị: Sở Tư pháp (so-tu-phap); \
             Sở Tư pháp (so-tu-phap-nt)"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("1 dòng lỗi; chưa nhập dòng nào"));
    assert!(submitted(&cfg).is_empty());
    // An unknown name: the closest ones, not the configuration's files.
    fs::write(
        &file,
        "Kế hoạch,Nội dung,Kỳ,Đơn vị,Ngày nộp\n3212/KH-UBND,bao-cao-6-thang,16/06/2025,Sở Y tê,13/06/2025\n",
    )
    .unwrap();
    let out = import(&cfg, &file);
    assert!(
        out.stderr
            .contains("không có đơn vị \"Sở Y tê\"; có phải là \"Sở Y tế\"?")
            && !out.stderr.contains("agencies.toml"),
        "{}",
        out.stderr
    );
}

/// Fills rows of the fill-in sheet at `path` (openpyxl, keeping its title
/// rows and formats): for each `AGENCY=DATE=NUMBER`, the row naming AGENCY.
const OPENPYXL_FILL: &str = r#"
import sys, openpyxl
path = sys.argv[1]
wb = openpyxl.load_workbook(path); ws = wb.active
fills = dict((a, (d, n)) for a, d, n in (x.split("=") for x in sys.argv[2:]))
header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "TT")
cols = {ws.cell(header, c).value: c for c in range(1, ws.max_column + 1)}
for r in range(header + 1, ws.max_row + 1):
    agency = ws.cell(r, cols["Đơn vị"]).value
    if agency in fills:
        ws.cell(r, cols["Ngày nộp"]).value, ws.cell(r, cols["Số, ký hiệu"]).value = fills[agency]
wb.save(path)
"#;

#[test]
fn the_fill_in_sheet_filled_and_imported_records_exactly_its_filled_rows() {
    let (dir, cfg) = config();
    // Sở Tư pháp (the former province's) is exempt: not on the sheet.
    let out = vi(&[
        "--config",
        &cfg,
        "exempt",
        "--plan",
        "3212/KH-UBND",
        "--obligation",
        "bao-cao-6-thang",
        "--period",
        "6 tháng đầu năm 2025",
        "--agency",
        "so-tu-phap-nt",
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    let sheet = |output: &str| {
        vi(&[
            "--config",
            &cfg,
            "sheet",
            "--plan",
            "3212/KH-UBND",
            "--obligation",
            "Báo cáo định kỳ 6 tháng, 01 năm",
            "--period",
            "16/06/2025",
            "--at",
            "20/06/2025",
            "--output",
            output,
        ])
    };
    // The CSV: the header and one row per agency that has not submitted.
    let csv = dir.path().join("mau.csv");
    let out = sheet(csv.to_str().unwrap());
    assert!(
        out.stdout.contains("3 đơn vị chưa nộp"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    let text = fs::read_to_string(&csv).unwrap();
    assert_eq!(
        text,
        "\u{feff}TT,Kế hoạch,Nội dung,Kỳ,Đơn vị,Ngày nộp,\"Số, ký hiệu\",Ghi chú\n\
         1,3212/KH-UBND,\"Báo cáo định kỳ 6 tháng, 01 năm\",6 tháng đầu năm 2025,Công an tỉnh,,,\n\
         2,3212/KH-UBND,\"Báo cáo định kỳ 6 tháng, 01 năm\",6 tháng đầu năm 2025,Sở Tư pháp (so-tu-phap),,,\n\
         3,3212/KH-UBND,\"Báo cáo định kỳ 6 tháng, 01 năm\",6 tháng đầu năm 2025,Sở Y tế,,,\n"
    );
    // Imported as it is, it records nothing.
    let out = import(&cfg, &csv);
    assert!(
        out.stdout.contains(
            "không có dòng nào có ngày nộp; chưa nhập gì; 3 dòng chưa có ngày nộp, bỏ qua"
        ),
        "{}{}",
        out.stdout,
        out.stderr
    );
    // Filled in by a text editor: two rows of three.
    let filled = text
        .replace(
            "Công an tỉnh,,,",
            "Công an tỉnh,17/06/2025 09:30,88/BC-CAT,",
        )
        .replace("Sở Y tế,,,", "Sở Y tế,13/06/2025,125/BC-SYT,");
    fs::write(&csv, filled).unwrap();
    let out = import(&cfg, &csv);
    assert!(
        out.stdout.contains("đã nhập 2 dòng: 2 mới"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    assert!(
        out.stdout.contains("1 dòng chưa có ngày nộp, bỏ qua"),
        "{}",
        out.stdout
    );
    assert_eq!(submitted(&cfg), office_ledger());

    // The workbook, filled in by openpyxl as Excel would save it.
    let (dir, cfg) = config();
    let xlsx = dir.path().join("mau.xlsx");
    let out = vi(&[
        "--config",
        &cfg,
        "sheet",
        "--plan",
        "kh-2025",
        "--obligation",
        "bao-cao-6-thang",
        "--period",
        "14/06/2025",
        "--at",
        "20/06/2025",
        "--output",
        xlsx.to_str().unwrap(),
    ]);
    assert!(
        out.status.success() && out.stdout.contains("4 đơn vị chưa nộp"),
        "{}",
        out.stdout
    );
    let out = import(&cfg, &xlsx);
    assert!(
        out.stdout.contains("4 dòng chưa có ngày nộp, bỏ qua"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    if openpyxl() {
        python(
            OPENPYXL_FILL,
            &[
                xlsx.to_str().unwrap(),
                "Sở Y tế=13/06/2025=125/BC-SYT",
                "Công an tỉnh=17/06/2025 09:30=88/BC-CAT",
            ],
        );
        let out = import(&cfg, &xlsx);
        assert!(
            out.stdout.contains("đã nhập 2 dòng: 2 mới"),
            "{}{}",
            out.stdout,
            out.stderr
        );
        assert_eq!(submitted(&cfg), office_ledger());
    }
    // Without --output: the CSV on standard output.
    let out = vi(&[
        "--config",
        &cfg,
        "sheet",
        "--plan",
        "kh-2025",
        "--obligation",
        "bao-cao-6-thang",
        "--period",
        "6 tháng đầu năm 2025",
        "--at",
        "20/06/2025",
    ]);
    assert!(out.stdout.starts_with("TT,Kế hoạch,"), "{}", out.stdout);
    // A period the obligation does not have: what to write instead.
    let out = vi(&[
        "--config",
        &cfg,
        "sheet",
        "--plan",
        "3212/KH-UBND",
        "--obligation",
        "bao-cao-6-thang",
        "--period",
        "quý II/2025",
    ]);
    assert!(
        out.code == 2
            && out
                .stderr
                .contains("--period: \"quý II/2025\" không phải là ngày hay tên một kỳ"),
        "{}",
        out.stderr
    );
}

#[test]
fn what_dondoc_writes_for_an_instance_reimports_unchanged() {
    let (dir, cfg) = config();
    let file = dir.path().join("nop.csv");
    // A time with seconds (as `submit` without --on records now), a note
    // that looks like a formula, a number and a note that read like Excel's
    // escapes or hold what XML cannot (\x0b), an exempt pair with a note.
    fs::write(
        &file,
        "plan,obligation,period,agency,submitted_on,ref,note\n\
         kh-2025,bao-cao-6-thang,2025-06-14,so-y-te,2025-06-13T08:15:42+07:00,125/BC-SYT,=gửi qua hệ thống\n\
         kh-2025,bao-cao-6-thang,2025-06-14,cong-an-tinh,20/06/2025,_x0041_,trễ_x000D_ \u{b}x\n",
    )
    .unwrap();
    assert!(import(&cfg, &file).status.success());
    // An extended pair: the workbook's state says so (*đúng hạn (gia hạn
    // đến 30/06/2025)*), and still reads as submitted.
    // `COMMAND` on the instance's pair of `agency`, then `more`.
    let on_pair = |command: &str, agency: &str, more: &[&str]| {
        let pair = [
            "--config",
            &cfg,
            command,
            "--plan",
            "kh-2025",
            "--obligation",
            "bao-cao-6-thang",
            "--period",
            "2025-06-14",
            "--agency",
            agency,
        ];
        vi(&[&pair[..], more].concat())
    };
    let out = on_pair("extend", "so-y-te", &["--to", "30/06/2025"]);
    assert!(out.status.success(), "{}", out.stderr);
    let out = on_pair("exempt", "so-tu-phap", &["--note", "sáp nhập"]);
    assert!(out.status.success(), "{}", out.stderr);
    let before = submitted(&cfg);
    for format in ["csv", "xlsx"] {
        let path = dir.path().join(format!("status.{format}"));
        let mut args = vec![
            "--config",
            cfg.as_str(),
            "status",
            "--at",
            "30/06/2025",
            "--plan",
            "3212/KH-UBND",
            "--format",
            format,
        ];
        let out = if format == "csv" {
            let out = vi(&args);
            fs::write(&path, &out.stdout).unwrap();
            out
        } else {
            args.extend(["--output", path.to_str().unwrap()]);
            vi(&args)
        };
        assert!(out.status.success(), "{format}: {}", out.stderr);
        let out = import(&cfg, &path);
        assert!(
            out.status.success()
                && out
                    .stdout
                    .contains("không có gì mới; cả 2 dòng đã được ghi nhận từ trước"),
            "{format}: {}{}",
            out.stdout,
            out.stderr
        );
        assert_eq!(submitted(&cfg), before, "{format}");
    }

    // The console's downloads of an instance page, the fill-in sheet among them.
    let c = common::console::start();
    let cookie = c.login(common::console::CLERK);
    let out = vi(&[
        "--config",
        &c.cfg,
        "submit",
        "--plan",
        "1/KH-UBND",
        "--obligation",
        "Báo cáo kết quả",
        "--period",
        "29/04/2025",
        "--agency",
        "Sở Y tế",
        "--on",
        "28/04/2025 08:30:15",
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    let query = "plan=p&obligation=bao-cao&period=2025-04-29";
    for (download, want) in [
        ("status.csv", "không có gì mới; cả 1 dòng"),
        ("status.xlsx", "không có gì mới; cả 1 dòng"),
        (
            "sheet.xlsx",
            "không có dòng nào có ngày nộp; chưa nhập gì; 2 dòng chưa có ngày nộp",
        ),
    ] {
        let r = c.get(
            &format!("/export/{download}?{query}"),
            &[("Cookie", cookie.as_str())],
        );
        assert_eq!(r.status, 200, "{download}: {}", r.body);
        let path = c.dir.path().join(download);
        fs::write(&path, &r.bytes).unwrap();
        let out = import(&c.cfg, &path);
        assert!(
            out.stdout.contains(want),
            "{download}: {}{}",
            out.stdout,
            out.stderr
        );
    }
    // The instance page offers the sheet to a clerk.
    let page = c.get(
        "/instances/p/bao-cao/2025-04-29",
        &[("Cookie", cookie.as_str())],
    );
    assert!(
        page.body.contains(&format!(
            "/export/sheet.xlsx?{}",
            query.replace('&', "&amp;")
        )),
        "{}",
        page.body
    );
}

/// Whether LibreOffice is installed (Debian's `libreoffice-calc-nogui`);
/// if not, the test says so and skips (unless `DONDOC_REQUIRE_LIBREOFFICE`).
fn soffice() -> bool {
    let ok = Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var_os("DONDOC_REQUIRE_LIBREOFFICE").is_none(),
            "LibreOffice is required"
        );
        eprintln!("SKIPPED: LibreOffice (soffice) not available");
    }
    ok
}

/// `soffice --headless --convert-to xlsx FILE` into `out`, as a clerk's
/// LibreOffice saves it (a CSV read as UTF-8, separated by `separator`).
fn libreoffice_xlsx(file: &Path, out: &Path, separator: char) -> std::path::PathBuf {
    fs::create_dir_all(out).unwrap();
    let profile = format!("-env:UserInstallation=file://{}/profile", out.display());
    let mut soffice = Command::new("soffice");
    soffice.args([profile.as_str(), "--headless"]);
    if file.extension().is_some_and(|e| e == "csv") {
        soffice.arg(format!("--infilter=CSV:{},34,76,1", separator as u32));
    }
    let run = soffice
        .args(["--convert-to", "xlsx", "--outdir", out.to_str().unwrap()])
        .arg(file)
        .output()
        .unwrap();
    let made = out.join(file.with_extension("xlsx").file_name().unwrap());
    assert!(
        made.exists(),
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    made
}

#[test]
fn sheets_libreoffice_saved_import_as_dondoc_wrote_them() {
    if !soffice() {
        return;
    }
    let (dir, cfg) = config();
    // The fill-in sheet as a CSV, filled in, saved by LibreOffice as .xlsx.
    let csv = dir.path().join("mau.csv");
    let out = vi(&[
        "--config",
        &cfg,
        "sheet",
        "--plan",
        "3212/KH-UBND",
        "--obligation",
        "bao-cao-6-thang",
        "--period",
        "16/06/2025",
        "--at",
        "20/06/2025",
        "--output",
        csv.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    let filled = fs::read_to_string(&csv)
        .unwrap()
        .replace(
            "Công an tỉnh,,,",
            "Công an tỉnh,17/06/2025 09:30,88/BC-CAT,",
        )
        .replace("Sở Y tế,,,", "Sở Y tế,13/06/2025,125/BC-SYT,");
    fs::write(&csv, filled).unwrap();
    let xlsx = libreoffice_xlsx(&csv, &dir.path().join("lo"), ',');
    let out = import(&cfg, &xlsx);
    assert!(
        out.stdout.contains("đã nhập 2 dòng: 2 mới"),
        "{}{}",
        out.stdout,
        out.stderr
    );
    assert_eq!(submitted(&cfg), office_ledger());
    // The status workbook, opened and saved again by LibreOffice.
    let status = dir.path().join("status.xlsx");
    let out = vi(&[
        "--config",
        &cfg,
        "status",
        "--at",
        "30/06/2025",
        "--format",
        "xlsx",
        "--output",
        status.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    let again = libreoffice_xlsx(&status, &dir.path().join("lo2"), ',');
    let out = import(&cfg, &again);
    assert!(
        out.stdout.contains("không có gì mới; cả 2 dòng"),
        "{}{}",
        out.stdout,
        out.stderr
    );
}
