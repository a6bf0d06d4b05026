//! What a stranger can put in (issue 21), through the real binary: dates
//! outside 2000–2100 refused with a message where they enter, a note too
//! long for a spreadsheet cell cut visibly, a note that starts like a
//! formula written so a spreadsheet shows it as text — and read back
//! unchanged by `import`.

mod common;

use common::records::{PAIR, setup, status};
use common::{dondoc, dondoc_in};

/// Runs `dondoc` in the default language (Vietnamese) and asserts the
/// refusal: exit 2, the message naming `given` and the range, no panic.
fn refused(args: &[&str], given: &str) {
    let out = dondoc_in(&[], args);
    assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    let want =
        format!("\"{given}\" nằm ngoài khoảng ngày dondoc nhận (từ 01/01/2000 đến 31/12/2100)");
    assert!(out.stderr.contains(&want), "{args:?}: {}", out.stderr);
}

#[test]
fn dates_outside_2000_to_2100_exit_2_with_the_range_not_a_panic() {
    let (_dir, cfg) = setup();
    let c = cfg.as_str();
    refused(
        &["--config", c, "preview", "--at", "31/12/9999"],
        "31/12/9999",
    );
    refused(
        &["--config", c, "preview", "--at", "31/12/9999 23:59"],
        "31/12/9999 23:59",
    );
    refused(
        &["--config", c, "status", "--at", "01/01/9000"],
        "01/01/9000",
    );
    refused(&["--config", c, "tick", "--at", "31/12/1999"], "31/12/1999");
    refused(
        &["--config", c, "calendar", "--from", "01/01/1999"],
        "01/01/1999",
    );
    // RFC 3339 too, by the local date: 20:00 UTC is 2101 in Vietnam.
    refused(
        &["--config", c, "status", "--at", "2100-12-31T20:00:00Z"],
        "2100-12-31T20:00:00Z",
    );
    for on in ["01/01/1999", "01/01/2101"] {
        let args = [
            &["--config", c, "submit"],
            &PAIR[..],
            &["--on", on, "--force"],
        ]
        .concat();
        refused(&args, on);
        refused(
            &[
                "--config",
                c,
                "submit",
                "--plan",
                "p",
                "--obligation",
                "bao-cao",
                "--period",
                on,
                "--agency",
                "so-y-te",
            ],
            on,
        );
    }
    // Nothing was recorded; the edges themselves are taken.
    let rows = status(c, "31/12/2100 23:59");
    assert!(rows.iter().all(|r| r["submitted_on"].is_null()), "{rows:?}");
    let out = dondoc(&["--config", c, "preview", "--at", "01/01/2000"]);
    assert!(out.status.success(), "{}", out.stderr);
    // English with --lang en.
    let out = dondoc(&["--config", c, "status", "--at", "01/01/9000"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "--at: \"01/01/9000\" is outside the dates dondoc accepts (01/01/2000 to 31/12/2100)"
        ),
        "{}",
        out.stderr
    );
}

/// A note over Excel's 32 767 characters made every workbook export fail
/// (a 500 in the console): it is cut, at a character, with a visible mark.
#[test]
fn a_note_too_long_for_a_cell_is_cut_visibly_in_the_workbook() {
    use calamine::{Data, Reader};
    let (dir, cfg) = setup();
    // 'ắ' is three bytes in UTF-8: a cut by bytes would split one.
    let note = "ắ".repeat(40_000);
    let args = [
        &["--config", cfg.as_str(), "submit"],
        &PAIR[..],
        &["--on", "28/04/2025", "--note", &note],
    ]
    .concat();
    let out = dondoc(&args);
    assert!(out.status.success(), "{}", out.stderr);
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
    let mut book = calamine::open_workbook_auto(&xlsx).unwrap();
    let sheet = book.worksheet_range("1-KH-UBND").unwrap();
    let cell = sheet
        .cells()
        .find_map(|(_, _, d)| match d {
            Data::String(s) if s.starts_with('ắ') => Some(s.clone()),
            _ => None,
        })
        .expect("the note's cell");
    assert_eq!(cell.chars().count(), 32_767);
    assert!(
        cell.ends_with("ắ… [cắt bớt]"),
        "{}",
        &cell[cell.len() - 40..]
    );
    // The ledger keeps the whole note; only the cell is cut.
    let rows = status(&cfg, "05/05/2025");
    let row = rows.iter().find(|r| r["agency"] == "so-y-te").unwrap();
    assert_eq!(row["note"].as_str().unwrap().chars().count(), 40_000);
}

/// OWASP "CSV injection": a cell starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return is written after a `'`; `import` takes it off again, so
/// the note comes back exactly as it was.
#[test]
fn a_formula_note_is_text_in_the_csv_and_reimports_unchanged() {
    let (dir, cfg) = setup();
    let note = "=HYPERLINK(\"http://x\",\"y\")";
    let args = [
        &["--config", cfg.as_str(), "submit"],
        &PAIR[..],
        &["--on", "28/04/2025", "--ref=-12/BC", "--note", note],
    ]
    .concat();
    let out = dondoc(&args);
    assert!(out.status.success(), "{}", out.stderr);
    let out = dondoc(&[
        "--config",
        &cfg,
        "status",
        "--at",
        "05/05/2025",
        "--agency",
        "so-y-te",
        "--format",
        "csv",
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout
            .contains(",'-12/BC,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
        "{}",
        out.stdout
    );
    let mut reader = csv::Reader::from_reader(out.stdout.as_bytes());
    let header = reader.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        &rows[0][header.iter().position(|h| h == "note").unwrap()],
        "'=HYPERLINK(\"http://x\",\"y\")"
    );

    // Back in: the status CSV's own cells under import's columns (status
    // adds due, state and days_late, which import does not take).
    let columns = [
        "plan",
        "obligation",
        "period",
        "agency",
        "submitted_on",
        "ref",
        "note",
    ];
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(columns).unwrap();
    w.write_record(columns.map(|c| &rows[0][header.iter().position(|h| h == c).unwrap()]))
        .unwrap();
    let file = dir.path().join("lai.csv");
    std::fs::write(&file, w.into_inner().unwrap()).unwrap();
    let out = dondoc(&[&["--config", cfg.as_str(), "unsubmit"], &PAIR[..]].concat());
    assert!(out.status.success(), "{}", out.stderr);
    let out = dondoc(&["--config", &cfg, "import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", out.stderr);
    let rows = status(&cfg, "05/05/2025");
    let row = rows.iter().find(|r| r["agency"] == "so-y-te").unwrap();
    assert_eq!(row["note"], note);
    assert_eq!(row["ref"], "-12/BC");
    assert_eq!(row["submitted_on"], "2025-04-28T00:00:00+07:00");
}

/// A workbook of one submission (header in row 1, the row in row 2), and
/// the two rows.
fn one_submission() -> (
    rust_xlsxwriter::Workbook,
    [&'static str; 5],
    [&'static str; 5],
) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let header = ["plan", "obligation", "period", "agency", "submitted_on"];
    let row = ["p", "bao-cao", "29/04/2025", "so-y-te", "28/04/2025"];
    for (c, (h, v)) in header.iter().zip(row).enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
        ws.write_string(1, c as u16, v).unwrap();
    }
    (wb, header, row)
}

/// One cell at Excel's last row and column (XFD1048576) made `import` ask
/// for a dense grid of 512 GB, and the process died (SIGABRT); the cells are
/// now read one by one and a sheet wider than 256 columns is refused.
#[test]
fn a_cell_at_the_far_corner_of_a_sheet_is_refused_not_a_crash() {
    let (dir, cfg) = setup();
    let path = dir.path().join("xa.xlsx");
    let (mut wb, header, row) = one_submission();
    wb.worksheet_from_index(0)
        .unwrap()
        .write_string(1_048_575, 16_383, "x")
        .unwrap();
    wb.save(&path).unwrap();
    let out = dondoc(&["--config", &cfg, "import", path.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "row 1048576: a value in column 16384; a sheet of submissions has at most 256 columns"
        ),
        "{}",
        out.stderr
    );
    // Without it, the same sheet imports.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, (h, v)) in header.iter().zip(row).enumerate() {
        ws.write_string(3, 2 + c as u16, *h).unwrap();
        ws.write_string(5, 2 + c as u16, v).unwrap();
    }
    wb.save(&path).unwrap();
    let out = dondoc(&["--config", &cfg, "import", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", out.stderr);
    let rows = status(&cfg, "05/05/2025");
    let row = rows.iter().find(|r| r["agency"] == "so-y-te").unwrap();
    assert_eq!(row["state"], "on_time");
}

/// A CSV row of a million cells (a fuzzed file) made every later row cost a
/// million-cell copy inside the csv crate's iterator: 20 000 rows took 4 s.
/// The row is refused, as a sheet wider than 256 columns is, and the rest
/// is read at its usual pace (nothing imported: one bad row is enough).
#[test]
fn a_csv_row_a_million_cells_wide_is_refused_and_costs_nothing_after() {
    let (dir, cfg) = setup();
    let path = dir.path().join("rong.csv");
    let mut text = String::from("plan,obligation,period,agency,submitted_on\n");
    text.push_str("p,bao-cao,29/04/2025,so-y-te,28/04/2025\n");
    text.push_str(&",".repeat(1_000_000));
    text.push_str("x\n");
    for _ in 0..5_000 {
        text.push_str("p,bao-cao,29/04/2025,so-y-te,28/04/2025\n");
    }
    std::fs::write(&path, text).unwrap();
    let out = dondoc(&["--config", &cfg, "import", path.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "line 3: a value in column 1000001; a sheet of submissions has at most 256 columns"
        ),
        "{}",
        out.stderr
    );
}

/// A workbook whose shared strings claim 2^63 − 1 entries (a fuzzed
/// `uniqueCount`) made calamine reserve room for them: a capacity-overflow
/// panic, or for a smaller lie an abort. It is refused as damaged first.
#[test]
fn a_workbook_that_lies_about_its_strings_is_refused_not_a_crash() {
    use std::io::{Read as _, Write as _};
    let (dir, cfg) = setup();
    let good = dir.path().join("good.xlsx");
    one_submission().0.save(&good).unwrap();
    let bytes = std::fs::read(&good).unwrap();
    let mut from = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let bad = dir.path().join("bad.xlsx");
    let mut to = zip::ZipWriter::new(std::fs::File::create(&bad).unwrap());
    for i in 0..from.len() {
        let mut part = from.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut body = Vec::new();
        part.read_to_end(&mut body).unwrap();
        if name == "xl/sharedStrings.xml" {
            let text = String::from_utf8(body).unwrap();
            let at = text.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
            let end = at + text[at..].find('"').unwrap();
            body = format!("{}9223372036854775807{}", &text[..at], &text[end..]).into_bytes();
        }
        to.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        to.write_all(&body).unwrap();
    }
    to.finish().unwrap();
    let out = dondoc(&["--config", &cfg, "import", bad.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("its shared strings declare 9223372036854775807 strings"),
        "{}",
        out.stderr
    );
    let out = dondoc(&["--config", &cfg, "import", good.to_str().unwrap()]);
    assert!(out.status.success(), "{}", out.stderr);
}
