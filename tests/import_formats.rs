//! `import` reads the files an office's Excel produces: the same five rows
//! as comma-separated UTF-8, with a BOM and CRLF, semicolon-separated,
//! tab-separated UTF-16LE, Windows-1258 (decomposed accents, as that code
//! page writes Vietnamese) and a real `.xlsx` — with English or Vietnamese
//! headers in any order — all give the same ledger; a bad row in any of them
//! imports nothing.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::dondoc;
use common::records::{status, two_agency_config};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

const EN: [&str; 7] = [
    "plan",
    "obligation",
    "period",
    "agency",
    "submitted_on",
    "ref",
    "note",
];
/// The Vietnamese names, in another order: (name, index into a row).
const VI: [(&str, usize); 7] = [
    ("đơn vị", 3),
    ("kế hoạch", 0),
    ("nội dung", 1),
    ("kỳ", 2),
    ("ngày nộp", 4),
    ("số ký hiệu", 5),
    ("ghi chú", 6),
];

const ROWS: [[&str; 7]; 5] = [
    [
        "p",
        "bao-cao",
        "29/04/2025",
        "so-y-te",
        "29/04/2025",
        "125/BC-SYT",
        "gửi qua hệ thống, bản giấy sau",
    ],
    [
        "p",
        "bao-cao",
        "29/04/2025",
        "cong-an-tinh",
        "30/04/2025 09:00",
        "88/BC-CAT",
        "trễ; có lý do",
    ],
    [
        "q",
        "bao-cao-thang",
        "31/01/2025",
        "so-y-te",
        "03/02/2025",
        "",
        "Sở Y tế đã nộp",
    ],
    [
        "q",
        "bao-cao-thang",
        "28/02/2025",
        "so-y-te",
        "28/02/2025 16:00",
        "",
        "",
    ],
    [
        "q",
        "bao-cao-thang",
        "31/03/2025",
        "cong-an-tinh",
        "31/03/2025",
        "12/BC-CAT",
        "Unikey tổ hợp",
    ],
];

/// A row naming an agency that does not exist.
const BAD: [&str; 7] = [
    "q",
    "bao-cao-thang",
    "30/04/2025",
    "so-y-tee",
    "30/04/2025",
    "",
    "",
];

fn quote(cell: &str, sep: char) -> String {
    if cell.contains([sep, '"', '\n']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_string()
    }
}

/// The text of a CSV: `vi` chooses the Vietnamese header (and its order).
fn text(rows: &[[&str; 7]], sep: char, vi: bool, eol: &str, trailing: bool) -> String {
    let order: Vec<usize> = if vi {
        VI.iter().map(|v| v.1).collect()
    } else {
        (0..7).collect()
    };
    let header: Vec<String> = if vi {
        VI.iter().map(|v| v.0.to_string()).collect()
    } else {
        EN.iter().map(|s| s.to_string()).collect()
    };
    let end = if trailing {
        sep.to_string()
    } else {
        String::new()
    };
    let mut out = header.join(&sep.to_string()) + &end + eol;
    for r in rows {
        let cells: Vec<String> = order.iter().map(|&i| quote(r[i], sep)).collect();
        out += &(cells.join(&sep.to_string()) + &end + eol);
    }
    out
}

fn utf16le_bom(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

/// Vietnamese as Windows-1258 writes it: the vowels with a circumflex, breve
/// or horn are letters of the code page, the tone marks combining characters.
fn windows_1258(text: &str) -> Vec<u8> {
    let decomposed: Vec<char> = text.nfd().collect();
    let mut composed = String::new();
    let mut i = 0;
    while i < decomposed.len() {
        let base = decomposed[i];
        let mut marks: Vec<char> = Vec::new();
        i += 1;
        while i < decomposed.len() && ('\u{300}'..='\u{36F}').contains(&decomposed[i]) {
            marks.push(decomposed[i]);
            i += 1;
        }
        // The shape mark (NFD puts a dot below before it) joins the letter.
        let shaped = marks
            .iter()
            .position(|m| ['\u{302}', '\u{306}', '\u{31B}'].contains(m));
        let letter = shaped.map(|k| {
            [base, marks.remove(k)]
                .iter()
                .collect::<String>()
                .nfc()
                .collect::<String>()
        });
        composed.push_str(&letter.unwrap_or_else(|| base.to_string()));
        composed.extend(marks);
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1258.encode(&composed);
    assert!(!unmappable, "{composed}");
    bytes.into_owned()
}

fn xlsx(path: &Path, rows: &[[&str; 7]]) {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let moment = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    for (c, (name, _)) in VI.iter().enumerate() {
        ws.write_string(0, c as u16, *name).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, (_, i)) in VI.iter().enumerate() {
            let (r, c, cell) = (r as u32 + 1, c as u16, row[*i]);
            // Dates as Excel stores them: numbers with a date format.
            let parts: Vec<u16> = cell
                .split([' ', '/', ':'])
                .filter_map(|p| p.parse().ok())
                .collect();
            let is_date = (*i == 2 || *i == 4) && parts.len() >= 3;
            if is_date {
                let mut dt =
                    ExcelDateTime::from_ymd(parts[2], parts[1] as u8, parts[0] as u8).unwrap();
                if parts.len() == 5 {
                    dt = dt.and_hms(parts[3], parts[4] as u8, 0).unwrap();
                    ws.write_datetime_with_format(r, c, dt, &moment).unwrap();
                } else {
                    ws.write_datetime_with_format(r, c, dt, &date).unwrap();
                }
            } else if !cell.is_empty() {
                ws.write_string(r, c, cell).unwrap();
            }
        }
    }
    wb.save(path).unwrap();
}

/// (file name, bytes) of every format, for `rows`.
fn files(dir: &Path, rows: &[[&str; 7]]) -> Vec<(String, Vec<u8>)> {
    let bom = |t: String| [b"\xEF\xBB\xBF".to_vec(), t.into_bytes()].concat();
    let xlsx_path = dir.join("book.xlsx");
    xlsx(&xlsx_path, rows);
    vec![
        (
            "comma.csv".into(),
            text(rows, ',', false, "\n", false).into_bytes(),
        ),
        (
            "comma-bom-crlf.csv".into(),
            bom(text(rows, ',', true, "\r\n", false)),
        ),
        (
            "semicolon-bom.csv".into(),
            bom(text(rows, ';', false, "\r\n", true)),
        ),
        (
            "tab-utf16.csv".into(),
            utf16le_bom(&text(rows, '\t', true, "\r\n", false)),
        ),
        (
            "windows-1258.csv".into(),
            windows_1258(&text(rows, ';', true, "\r\n", false)),
        ),
        ("book.xlsx".into(), fs::read(&xlsx_path).unwrap()),
    ]
}

/// What the ledger holds, as status shows it: pair → (state, submitted_on, ref, note).
fn ledger(cfg: &str) -> BTreeMap<String, (Value, Value, Value, Value)> {
    status(cfg, "30/06/2025")
        .into_iter()
        .filter(|r| !r["submitted_on"].is_null())
        .map(|r| {
            let key = format!(
                "{} {} {} {}",
                r["plan"], r["obligation"], r["period"], r["agency"]
            );
            (
                key,
                (
                    r["state"].clone(),
                    r["submitted_on"].clone(),
                    r["ref"].clone(),
                    r["note"].clone(),
                ),
            )
        })
        .collect()
}

#[test]
fn every_format_gives_the_same_ledger_and_a_reimport_changes_nothing() {
    let mut reference = None;
    let scratch = tempfile::tempdir().unwrap();
    for (name, bytes) in files(scratch.path(), &ROWS) {
        let (dir, cfg) = two_agency_config();
        let path = dir.path().join(&name);
        fs::write(&path, &bytes).unwrap();
        let file = path.to_str().unwrap();
        let out = dondoc(&["--config", &cfg, "import", file]);
        assert!(out.status.success(), "{name}: {}", out.stderr);
        assert!(
            out.stdout.contains("imported 5 rows: 5 new"),
            "{name}: {}",
            out.stdout
        );
        let got = ledger(&cfg);
        assert_eq!(got.len(), 5, "{name}: {got:?}");
        match &reference {
            None => reference = Some(got),
            Some(want) => assert_eq!(&got, want, "{name}"),
        }
        let again = dondoc(&["--config", &cfg, "import", file]);
        assert!(
            again
                .stdout
                .contains("nothing to import; all 5 rows are already recorded"),
            "{name}: {}{}",
            again.stdout,
            again.stderr
        );
        if name == "windows-1258.csv" {
            assert!(
                out.stderr.contains("read as Windows-1258"),
                "{}",
                out.stderr
            );
            // Decomposed in the file, composed in the ledger: the UTF-8 file's
            // rows are the same submissions.
            let utf8 = dir.path().join("utf8.csv");
            fs::write(&utf8, text(&ROWS, ',', false, "\n", false)).unwrap();
            let out = dondoc(&["--config", &cfg, "import", utf8.to_str().unwrap()]);
            assert!(
                out.stdout.contains("all 5 rows are already recorded"),
                "{}{}",
                out.stdout,
                out.stderr
            );
        }
    }
    let want = reference.unwrap();
    let note = &want.values().find(|v| v.2 == "125/BC-SYT").unwrap().3;
    assert_eq!(note, "gửi qua hệ thống, bản giấy sau");
}

#[test]
fn a_bad_row_in_any_format_imports_nothing_and_names_line_and_column() {
    let scratch = tempfile::tempdir().unwrap();
    let mut rows = ROWS.to_vec();
    rows.insert(2, BAD);
    for (name, bytes) in files(scratch.path(), &rows) {
        let (dir, cfg) = two_agency_config();
        let path = dir.path().join(&name);
        fs::write(&path, &bytes).unwrap();
        let out = dondoc(&["--config", &cfg, "import", path.to_str().unwrap()]);
        assert_eq!(out.code, 2, "{name}: {}", out.stdout);
        // The bad row is the fourth line (row 4 in Excel); the agency is
        // column D in the English header, A in the Vietnamese one.
        let column = if name == "comma.csv" || name == "semicolon-bom.csv" {
            "column D (agency)"
        } else {
            "column A (đơn vị)"
        };
        let want = format!("line 4, {column}: unknown agency \"so-y-tee\"");
        assert!(
            out.stderr.contains(&want),
            "{name}: want {want:?} in\n{}",
            out.stderr
        );
        assert!(
            out.stderr.contains("1 bad rows; nothing was imported"),
            "{name}"
        );
        assert!(ledger(&cfg).is_empty(), "{name}: something was recorded");
    }
}

#[test]
fn headers_and_dates_a_clerk_gets_wrong_are_explained() {
    let (dir, cfg) = two_agency_config();
    let write = |text: &str| {
        let path = dir.path().join("x.csv");
        fs::write(&path, text).unwrap();
        dondoc(&["--config", &cfg, "import", path.to_str().unwrap()])
    };
    let out = write("kế hoạch,nội dung,kỳ,đơn vị,ngày\n");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("line 1 (the header): column E: unknown name \"ngày\""),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("no \"submitted_on\" (or \"ngày nộp\") column"),
        "{}",
        out.stderr
    );
    // A year typed wrong, a date in the future.
    let out = write(
        "plan,obligation,period,agency,submitted_on\np,bao-cao,29/04/2025,so-y-te,29/04/0025\np,bao-cao,29/04/2025,cong-an-tinh,31/12/9999\n",
    );
    assert_eq!(out.code, 2);
    // Both outside the years dondoc accepts: refused by the date parser,
    // before any other check.
    for (line, date) in [(2, "29/04/0025"), (3, "31/12/9999")] {
        let want = format!(
            "line {line}, column E (submitted_on): \"{date}\" is outside the dates dondoc \
             accepts (01/01/2000 to 31/12/2100)"
        );
        assert!(out.stderr.contains(&want), "{want}\n{}", out.stderr);
    }
    // A date ahead of today, within them.
    let ahead = jiff::Zoned::now()
        .date()
        .checked_add(jiff::Span::new().days(30))
        .unwrap();
    let out = write(&format!(
        "plan,obligation,period,agency,submitted_on\np,bao-cao,29/04/2025,so-y-te,{ahead}\n"
    ));
    assert!(
        out.stderr.contains("line 2, column E (submitted_on): ")
            && out.stderr.contains("is in the future"),
        "{}",
        out.stderr
    );
    // Before the plan was issued (plan q of the fixture has no date: only p).
    let plan = dir.path().join("plans/p.toml");
    let text = fs::read_to_string(&plan).unwrap();
    fs::write(
        &plan,
        text.replace(
            "title = \"Kế hoạch\"\n",
            "title = \"Kế hoạch\"\nissued = \"20/03/2025\"\n",
        ),
    )
    .unwrap();
    let out = write(
        "plan,obligation,period,agency,submitted_on\np,bao-cao,29/04/2025,so-y-te,10/03/2025\n",
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "line 2, column E (submitted_on): 10/03/2025 is before the plan was issued (20/03/2025)"
        ),
        "{}",
        out.stderr
    );
    // Bytes that are not UTF-8 with --encoding utf-8: where, and what to do.
    let path = dir.path().join("y.csv");
    fs::write(&path, b"plan,obligation,period,agency,submitted_on\np,bao-cao,29/04/2025,so-y-te,29/04/2025,S\xf5 Y t\xea\n").unwrap();
    let out = dondoc(&[
        "--config",
        &cfg,
        "import",
        path.to_str().unwrap(),
        "--encoding",
        "utf-8",
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("line 2: byte"), "{}", out.stderr);
    assert!(out.stderr.contains("CSV UTF-8"), "{}", out.stderr);
}
