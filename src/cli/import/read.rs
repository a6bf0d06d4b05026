//! Reading a file of submissions as offices save them: `.csv` (an `.xlsx`
//! is [`super::workbook`]'s) separated by commas, semicolons (the list separator of Vietnamese regional
//! settings) or tabs, in UTF-8 (with or without BOM), UTF-16 with a BOM, or
//! Windows-1258. Every cell comes out trimmed and in Unicode NFC, so that a
//! note typed with decomposed accents (Unikey's *tổ hợp*) compares equal to
//! the same note typed precomposed. A CSV cell loses the `'` that dondoc
//! puts before a text starting like a formula (`'=…`, see
//! [`crate::output::cells`]); an XLSX cell is text already and keeps it.
//! The rows come out as they are, title rows and header included: which
//! row is the header is [`super::columns`]' question.

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

/// The rows of a file (or of one worksheet): every non-empty row — title
/// rows, the header, the data — with the line (CSV) or row number (XLSX) a
/// clerk sees in Excel.
#[derive(Debug)]
pub struct Sheet {
    /// The worksheet's name (an XLSX's).
    pub name: Option<String>,
    pub rows: Vec<(u64, Vec<String>)>,
    /// How the file was read, when the clerk should know (a guessed encoding).
    pub notice: Option<String>,
}

/// The most columns a sheet of submissions may span (it needs 7, or 8 with
/// an ordinal column).
pub(super) const COLUMNS_AT_MOST: u32 = 256;

/// Whether `file` is an `.xlsx` (by its name, or a zip's first bytes).
pub fn is_xlsx(file: &Path, bytes: &[u8]) -> bool {
    file.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
        || bytes.starts_with(b"PK\x03\x04")
}

/// A CSV file's one sheet.
pub fn read_csv(file: &Path, bytes: &[u8], encoding: Encoding) -> Result<Sheet, CliError> {
    let (text, notice) = decode(file, bytes, encoding)?;
    csv(file, &text, notice)
}

pub(super) fn usage(file: &Path, message: impl std::fmt::Display) -> CliError {
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
pub(super) fn cell(text: &str) -> String {
    text.trim().nfc().collect()
}

fn csv(file: &Path, text: &str, notice: Option<String>) -> Result<Sheet, CliError> {
    // The separator the header uses most: title rows above it may have none
    // (or a comma in a sentence), so the most in any of the first lines.
    let most = |d: u8| {
        text.lines()
            .take(20)
            .map(|l| l.bytes().filter(|b| *b == d).count())
            .max()
            .unwrap_or(0)
    };
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| most(*d))
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut sheet = Sheet {
        name: None,
        rows: Vec::new(),
        notice,
    };
    let mut errors = Vec::new();
    let mut lines = Lines::new(text.as_bytes());
    // One record read into again and again: the csv crate's iterator clones
    // its record, bounds and all, so after one row of a million cells every
    // later row cost a million-cell copy.
    let mut record = csv::StringRecord::new();
    loop {
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
        if cells.iter().any(|c| !c.is_empty()) {
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
    fn cells_are_trimmed_and_composed() {
        // "tổ" typed decomposed: o + U+0302 (circumflex) + U+0309 (hook above).
        assert_eq!(cell(" to\u{302}\u{309} hợp "), "tổ hợp");
    }

    #[test]
    fn csv_cells_lose_the_quote_written_before_a_formula() {
        let p = Path::new("x.csv");
        let s = csv(p, "a,b,c\n'=HYPERLINK(\"x\"),''-1,'ok'\n", None).unwrap();
        assert_eq!(s.rows[1].1, ["=HYPERLINK(\"x\")", "'-1", "'ok'"]);
    }

    #[test]
    fn the_delimiter_comes_from_the_header() {
        let p = Path::new("x.csv");
        let s = csv(p, "a;b;c\n1;2,5;3\n", None).unwrap();
        assert_eq!(s.rows[1].1, ["1", "2,5", "3"]);
        let s = csv(p, "a\tb\n1\t2\n", None).unwrap();
        assert_eq!(s.rows[0].1, ["a", "b"]);
        // A title row above the header, with a comma in its sentence.
        let s = csv(p, "Danh sách, năm 2025\na;b;c\n1;2,5;3\n", None).unwrap();
        assert_eq!(s.rows[2].1, ["1", "2,5", "3"]);
    }
}
