//! What a spreadsheet program must not misread in a cell dondoc writes.
//!
//! Notes, document numbers and names come from strangers (a form, the API,
//! an agency's email), and offices open dondoc's files in Excel or
//! LibreOffice:
//!
//! - a CSV cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return
//!   is taken for a formula (`=HYPERLINK(…)` runs when clicked). As OWASP
//!   advises ("CSV Injection"), such a cell is written with a `'` in front,
//!   which both programs show as text; [`from_csv`] takes it off again, so
//!   what dondoc writes re-imports unchanged;
//! - an XLSX cell holds at most 32 767 characters (UTF-16 code units, as
//!   Excel counts them); a longer text is cut, visibly, by [`xlsx_text`].

use std::borrow::Cow;

/// The first characters that make a spreadsheet read a CSV cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Excel's limit on a cell's text, in UTF-16 code units.
pub const XLSX_CELL_MAX: usize = 32_767;

/// What ends a text cut to fit a cell.
pub const CUT_MARK: &str = "… [cắt bớt]";

/// Whether `text`, after any leading `'`, starts like a formula.
fn formula_like(text: &str) -> bool {
    text.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// A cell as a CSV must hold it: `'` put in front of one that starts like a
/// formula. A text that already starts with `'` before such a character
/// (`'=x`) gets one more, so that [`from_csv`] gives back exactly the text.
pub fn csv(text: &str) -> Cow<'_, str> {
    if formula_like(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// A CSV cell as it was before [`csv`]: one leading `'` taken off a cell
/// whose text after its quotes starts like a formula. (A clerk who typed
/// `'=x` in a CSV to keep Excel quiet gets `=x`, as Excel shows it.)
pub fn from_csv(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest,
        _ => cell,
    }
}

/// `text` as one XLSX cell can hold it: unchanged when it fits, else cut at
/// a character boundary and ended with [`CUT_MARK`], at most
/// [`XLSX_CELL_MAX`] UTF-16 code units in all.
pub fn xlsx_text(text: &str) -> Cow<'_, str> {
    let units = |s: &str| s.chars().map(char::len_utf16).sum::<usize>();
    if units(text) <= XLSX_CELL_MAX {
        return Cow::Borrowed(text);
    }
    let room = XLSX_CELL_MAX - units(CUT_MARK);
    let mut used = 0;
    let end = text
        .char_indices()
        .find(|(_, c)| {
            used += c.len_utf16();
            used > room
        })
        .map_or(text.len(), |(i, _)| i);
    Cow::Owned(format!("{}{CUT_MARK}", &text[..end]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_quoted_and_come_back_unchanged() {
        let cases = [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+84 912", "'+84 912"),
            ("-x", "'-x"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("''-1", "'''-1"),
            ("đã gọi, hẹn thứ Sáu", "đã gọi, hẹn thứ Sáu"),
            ("125/BC-SYT", "125/BC-SYT"),
            ("'trích dẫn'", "'trích dẫn'"),
            ("'", "'"),
            ("", ""),
        ];
        for (text, written) in cases {
            assert_eq!(csv(text), written, "{text:?}");
            assert_eq!(from_csv(&csv(text)), text, "{text:?}");
        }
        // A quote typed before a formula in a file a clerk made is dropped.
        assert_eq!(from_csv("'=1+1"), "=1+1");
        assert_eq!(from_csv("'abc"), "'abc");
    }

    #[test]
    fn long_texts_are_cut_to_what_excel_holds() {
        assert_eq!(xlsx_text("ngắn"), "ngắn");
        let fits = "ắ".repeat(XLSX_CELL_MAX);
        assert_eq!(xlsx_text(&fits), fits);
        let cut = xlsx_text(&"ắ".repeat(40_000)).into_owned();
        assert_eq!(cut.chars().count(), XLSX_CELL_MAX);
        assert!(cut.ends_with(CUT_MARK) && cut.starts_with("ắắ"));
        // Outside the BMP a character is two UTF-16 units: never split.
        let wide = xlsx_text(&"😀".repeat(20_000)).into_owned();
        let units: usize = wide.chars().map(char::len_utf16).sum();
        assert!(
            (XLSX_CELL_MAX - 1..=XLSX_CELL_MAX).contains(&units),
            "{units}"
        );
        assert!(wide.ends_with(CUT_MARK));
    }
}
