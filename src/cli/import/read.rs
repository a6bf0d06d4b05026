//! Reading a file of submissions as offices save them: `.xlsx`, or `.csv`
//! separated by commas, semicolons (the list separator of Vietnamese regional
//! settings) or tabs, in UTF-8 (with or without BOM), UTF-16 with a BOM, or
//! Windows-1258. Every cell comes out trimmed and in Unicode NFC, so that a
//! note typed with decomposed accents (Unikey's *tổ hợp*) compares equal to
//! the same note typed precomposed. A CSV cell loses the `'` that dondoc
//! puts before a text starting like a formula (`'=…`, see
//! [`crate::output::cells`]); an XLSX cell is text already and keeps it.

use std::path::Path;

use unicode_normalization::UnicodeNormalization;

use crate::cli::CliError;

/// `--encoding`: how to read a CSV's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Encoding {
    /// UTF-8 with a BOM, UTF-16 with a BOM, else UTF-8 if valid, else Windows-1258.
    Auto,
    #[value(name = "utf-8")]
    Utf8,
    #[value(name = "utf-16")]
    Utf16,
    #[value(name = "windows-1258")]
    Windows1258,
}

/// The rows of a file: the header, then every other non-empty row with the
/// line (CSV) or row number (XLSX) a clerk sees in Excel.
#[derive(Debug)]
pub struct Sheet {
    pub header: Vec<String>,
    pub rows: Vec<(u64, Vec<String>)>,
    /// How the file was read, when the clerk should know (a guessed encoding).
    pub notice: Option<String>,
}

pub fn read(file: &Path, bytes: &[u8], encoding: Encoding) -> Result<Sheet, CliError> {
    let is_xlsx = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if is_xlsx || bytes.starts_with(b"PK\x03\x04") {
        return xlsx(file, bytes);
    }
    let (text, notice) = decode(file, bytes, encoding)?;
    csv(file, &text, notice)
}

fn usage(file: &Path, message: impl std::fmt::Display) -> CliError {
    CliError::Usage(format!("{}: {message}", file.display()))
}

fn decode(
    file: &Path,
    bytes: &[u8],
    encoding: Encoding,
) -> Result<(String, Option<String>), CliError> {
    use encoding_rs::{UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1258};
    let bom = encoding_rs::Encoding::for_bom(bytes);
    let chosen = match (encoding, bom) {
        (Encoding::Auto | Encoding::Utf8 | Encoding::Utf16, Some((enc, len))) => {
            if encoding == Encoding::Utf8 && enc != UTF_8
                || encoding == Encoding::Utf16 && enc == UTF_8
            {
                return Err(usage(
                    file,
                    format!(
                        "starts with a {} byte-order mark, not the --encoding given",
                        enc.name()
                    ),
                ));
            }
            return strict(file, enc, &bytes[len..]).map(|t| (t, None));
        }
        (Encoding::Utf16, None) => {
            // No BOM: guess the byte order from where the zero bytes are.
            let le = bytes.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
            let be = bytes.iter().step_by(2).filter(|b| **b == 0).count();
            if le >= be { UTF_16LE } else { UTF_16BE }
        }
        (Encoding::Windows1258, _) => WINDOWS_1258,
        (Encoding::Utf8, None) => UTF_8,
        (Encoding::Auto, None) => match std::str::from_utf8(bytes) {
            Ok(text) => return Ok((text.to_string(), None)),
            Err(_) => {
                let (text, _, _) = WINDOWS_1258.decode(bytes);
                let notice = "not UTF-8: read as Windows-1258 (Excel's \"CSV (Comma delimited)\" \
                              on a Vietnamese Windows); to be sure, save as \"CSV UTF-8 (Comma \
                              delimited)\" or pass --encoding";
                return Ok((text.into_owned(), Some(notice.to_string())));
            }
        },
    };
    strict(file, chosen, bytes).map(|t| (t, None))
}

/// Decodes all of `bytes` as `enc`, or says where it is not.
fn strict(
    file: &Path,
    enc: &'static encoding_rs::Encoding,
    bytes: &[u8],
) -> Result<String, CliError> {
    match enc.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok(text.into_owned()),
        None if enc == encoding_rs::UTF_8 => {
            let e = std::str::from_utf8(bytes).expect_err("invalid");
            let before = &bytes[..e.valid_up_to()];
            let line = 1 + before.iter().filter(|b| **b == b'\n').count();
            Err(usage(
                file,
                format!(
                    "line {line}: byte {} is not UTF-8; in Excel choose \"Save As\" → \"CSV UTF-8 \
                     (Comma delimited)\", or pass --encoding windows-1258 if that is how it was saved",
                    e.valid_up_to()
                ),
            ))
        }
        None => Err(usage(
            file,
            format!("is not valid {}; check --encoding", enc.name()),
        )),
    }
}

/// Cell text as stored: trimmed, NFC.
fn cell(text: &str) -> String {
    text.trim().nfc().collect()
}

fn csv(file: &Path, text: &str, notice: Option<String>) -> Result<Sheet, CliError> {
    let first = text.lines().next().unwrap_or("");
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut sheet = Sheet {
        header: Vec::new(),
        rows: Vec::new(),
        notice,
    };
    let mut errors = Vec::new();
    let mut lines = Lines::new(text.as_bytes());
    // One record read into again and again: the csv crate's iterator clones
    // its record, bounds and all, so after one row of a million cells every
    // later row cost a million-cell copy.
    let mut record = csv::StringRecord::new();
    for n in 0.. {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_of(p.byte()));
                errors.push(format!(
                    "{}: line {line}: not valid CSV: {e}",
                    file.display()
                ));
                continue;
            }
        }
        let line = record.position().map_or(0, |p| lines.line_of(p.byte()));
        let last = record
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.trim().is_empty())
            .last()
            .map_or(0, |(i, _)| i + 1);
        if last > COLUMNS_AT_MOST as usize {
            errors.push(format!(
                "{}: line {line}: a value in column {last}; a sheet of submissions has at most {} columns",
                file.display(),
                COLUMNS_AT_MOST
            ));
            continue;
        }
        // dondoc's own CSVs quote a cell that starts like a formula.
        let cells: Vec<String> = record
            .iter()
            .map(|c| crate::output::cells::from_csv(&cell(c)).to_string())
            .collect();
        if n == 0 {
            sheet.header = cells;
        } else if cells.iter().any(|c| !c.is_empty()) {
            sheet.rows.push((line, cells));
        }
    }
    if errors.is_empty() {
        Ok(sheet)
    } else {
        errors.push("nothing was imported".into());
        Err(CliError::Usage(errors.join("\n")))
    }
}

/// The 1-based line of the record starting at byte `offset`. (The csv
/// crate's own line counter lags by one on CRLF files, as Excel writes them.)
/// Records come in order, so the newlines are counted from the previous
/// offset on: counting from the start each time made a file of 30 000 rows
/// take minutes.
struct Lines<'a> {
    text: &'a [u8],
    /// Where counting stopped, and the newlines before it.
    at: usize,
    newlines: u64,
}

impl<'a> Lines<'a> {
    fn new(text: &'a [u8]) -> Self {
        Lines {
            text,
            at: 0,
            newlines: 0,
        }
    }

    fn line_of(&mut self, offset: u64) -> u64 {
        let offset = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        if offset < self.at {
            (self.at, self.newlines) = (0, 0);
        }
        self.newlines += self.text[self.at..offset]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as u64;
        self.at = offset;
        let mut line = 1 + self.newlines;
        if self.text.get(offset) == Some(&b'\n') {
            line += 1;
        }
        line
    }
}

/// Refuses a workbook whose shared-strings part declares more strings
/// (`<sst uniqueCount="N">`) than it could hold — each takes at least 7
/// bytes, `<si><t/></si>` — before calamine reserves room for N of them: a
/// fuzzed count made it ask for more memory than exists (a capacity
/// overflow panic, or an abort).
fn shared_strings_plausible(bytes: &[u8]) -> Result<(), String> {
    use std::io::Read as _;
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Ok(()); // not a zip: calamine says so
    };
    let Ok(part) = zip.by_name("xl/sharedStrings.xml") else {
        return Ok(());
    };
    let size = part.size();
    let mut head = Vec::new();
    part.take(64 << 10)
        .read_to_end(&mut head)
        .map_err(|e| format!("cannot read it as an Excel workbook (.xlsx): {e}"))?;
    let head = String::from_utf8_lossy(&head);
    let Some(sst) = head.find("<sst").map(|at| &head[at..]) else {
        return Ok(());
    };
    let tag = &sst[..sst.find('>').unwrap_or(sst.len())];
    let Some(value) = tag.split("uniqueCount=").nth(1) else {
        return Ok(());
    };
    let digits: String = value
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let declared: u128 = digits.parse().unwrap_or(0);
    if declared > u128::from(size) / 7 + 1 {
        return Err(format!(
            "cannot read it as an Excel workbook (.xlsx): its shared strings declare {declared} \
             strings in {size} bytes; the file is damaged — open it in Excel and save it again"
        ));
    }
    Ok(())
}

/// The most columns a sheet of submissions may span (it needs 7, or 8 with
/// an ordinal column).
const COLUMNS_AT_MOST: u32 = 256;

/// The first worksheet of an `.xlsx`. Date cells become `dd/mm/yyyy` (with
/// `HH:MM` when they have a time), numbers their plain digits. Its cells are
/// read one by one, as they are in the file: a dense grid from the first to
/// the last cell (calamine's `Range`) asked for 512 GB when one cell sat at
/// XFD1048576, and the process died.
fn xlsx(file: &Path, bytes: &[u8]) -> Result<Sheet, CliError> {
    use calamine::{Data, Reader, Xlsx};
    shared_strings_plausible(bytes).map_err(|e| usage(file, e))?;
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|e| {
            usage(
                file,
                format!("cannot read it as an Excel workbook (.xlsx): {e}"),
            )
        })?;
    let first = book
        .sheet_names()
        .into_iter()
        .next()
        .ok_or_else(|| usage(file, "the workbook has no worksheet"))?;
    let unreadable =
        |e: calamine::XlsxError| usage(file, format!("cannot read its first worksheet: {e}"));
    let text = |d: Data| -> String {
        match d {
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => cell(&s),
            Data::Int(i) => i.to_string(),
            Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
            Data::Float(f) => f.to_string(),
            Data::Bool(b) => b.to_string(),
            Data::DateTime(dt) => excel_date(dt.as_f64()),
            Data::Error(e) => format!("#{e:?}"),
            Data::Empty => String::new(),
        }
    };
    // (row, column, text) of every cell with a value, in the file's order.
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    let mut reader = book.worksheet_cells_reader(&first).map_err(unreadable)?;
    while let Some(c) = reader.next_cell().map_err(unreadable)? {
        let (row, column) = c.get_position();
        let value = text(Data::from(c.get_value().clone()));
        if !value.is_empty() {
            cells.push((row, column, value));
        }
    }
    grid(file, cells)
}

/// Cells into rows, as the sheet shows them from its first used column: the
/// first used row is the header.
fn grid(file: &Path, mut cells: Vec<(u32, u32, String)>) -> Result<Sheet, CliError> {
    cells.sort_by_key(|(r, c, _)| (*r, *c));
    let left = cells.iter().map(|(_, c, _)| *c).min().unwrap_or(0);
    let mut sheet = Sheet {
        header: Vec::new(),
        rows: Vec::new(),
        notice: None,
    };
    let mut rows: Vec<(u32, Vec<String>)> = Vec::new();
    for (row, column, value) in cells {
        let at = column - left;
        if at >= COLUMNS_AT_MOST {
            return Err(usage(
                file,
                format!(
                    "row {}: a value in column {}; a sheet of submissions has at most {} columns",
                    u64::from(row) + 1,
                    u64::from(column) + 1,
                    COLUMNS_AT_MOST
                ),
            ));
        }
        if rows.last().is_none_or(|(r, _)| *r != row) {
            rows.push((row, Vec::new()));
        }
        let (_, line) = rows.last_mut().expect("pushed");
        let at = at as usize;
        if line.len() <= at {
            line.resize(at + 1, String::new());
        }
        line[at] = value;
    }
    let mut rows = rows.into_iter();
    if let Some((_, header)) = rows.next() {
        sheet.header = header;
    }
    sheet.rows = rows.map(|(r, line)| (u64::from(r) + 1, line)).collect();
    Ok(sheet)
}

/// An Excel serial date (1900 date system: day 1 = 1900-01-01, with Excel's
/// phantom 29/02/1900, so serial 61 is 01/03/1900) as dondoc writes moments.
fn excel_date(serial: f64) -> String {
    let epoch = jiff::civil::date(1899, 12, 30);
    let days = serial.floor() as i64;
    let seconds = ((serial - serial.floor()) * 86_400.0).round() as i64;
    let Ok(date) = epoch.checked_add(jiff::Span::new().days(days)) else {
        return serial.to_string();
    };
    let day = crate::dates::vn(date);
    if seconds == 0 {
        day
    } else {
        format!("{day} {:02}:{:02}", seconds / 3600, seconds % 3600 / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_with_lf_and_crlf() {
        let lf = b"h\na\nb\n";
        let mut l = Lines::new(lf);
        assert_eq!([l.line_of(0), l.line_of(2), l.line_of(4)], [1, 2, 3]);
        let crlf = b"h\r\na\r\nb\r\n";
        let mut l = Lines::new(crlf);
        // The csv crate reports a CRLF record as starting at its '\n'.
        assert_eq!([l.line_of(2), l.line_of(3), l.line_of(5)], [2, 2, 3]);
        // Asked again from an earlier offset, it counts from the start.
        assert_eq!(l.line_of(2), 2);
    }

    #[test]
    fn excel_serials_are_vietnamese_dates() {
        // 45412 is 30/04/2024 in Excel; .375 of a day is 09:00.
        assert_eq!(excel_date(45412.0), "30/04/2024");
        assert_eq!(excel_date(45412.375), "30/04/2024 09:00");
    }

    #[test]
    fn cells_are_trimmed_and_composed() {
        // "tổ" typed decomposed: o + U+0302 (circumflex) + U+0309 (hook above).
        assert_eq!(cell(" to\u{302}\u{309} hợp "), "tổ hợp");
    }

    #[test]
    fn csv_cells_lose_the_quote_written_before_a_formula() {
        let p = Path::new("x.csv");
        let s = csv(p, "a,b,c\n'=HYPERLINK(\"x\"),''-1,'ok'\n", None).unwrap();
        assert_eq!(s.rows[0].1, ["=HYPERLINK(\"x\")", "'-1", "'ok'"]);
    }

    #[test]
    fn the_delimiter_comes_from_the_header() {
        let p = Path::new("x.csv");
        let s = csv(p, "a;b;c\n1;2,5;3\n", None).unwrap();
        assert_eq!(s.rows[0].1, ["1", "2,5", "3"]);
        let s = csv(p, "a\tb\n1\t2\n", None).unwrap();
        assert_eq!(s.header, ["a", "b"]);
    }
}
