//! Which column is which: the header row found below any title rows, its
//! names in English or Vietnamese (as dondoc writes them, and as offices
//! do), and the columns read only to be left alone — an ordinal (*TT*,
//! *STT*), the due date, the days late — or to know a row of a `status`
//! export that records nothing (its state).

use std::path::Path;

use super::read::Sheet;
use crate::cli::CliError;
use crate::collate::fold;
use crate::engine::record::Field;
use crate::policy::State;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Field(Field),
    /// A `status` export's state: a row in a state other than on time or
    /// late records nothing (an exempt row's note is the waiver's).
    State,
    /// Read and left alone.
    Ignored,
}

/// The columns that are read: English name, then the ways offices write it
/// (the first is the one messages give), and whether a file must have it.
const FIELDS: [(Field, &[&str], bool); 7] = [
    (
        Field::Plan,
        &["kế hoạch", "số kế hoạch", "kế hoạch số"],
        true,
    ),
    (
        Field::Obligation,
        &["nội dung", "nội dung báo cáo", "tên báo cáo"],
        true,
    ),
    (Field::Period, &["kỳ", "kỳ báo cáo"], true),
    (
        Field::Agency,
        &[
            "đơn vị",
            "tên đơn vị",
            "cơ quan, đơn vị",
            "cơ quan",
            "đơn vị gửi",
        ],
        true,
    ),
    (
        Field::SubmittedOn,
        &["ngày nộp", "ngày gửi", "ngày nhận"],
        true,
    ),
    (
        Field::Ref,
        &[
            "số ký hiệu",
            "số, ký hiệu",
            "số kí hiệu",
            "số, kí hiệu",
            "số hiệu",
            "số văn bản",
            "số, ký hiệu văn bản",
        ],
        false,
    ),
    (Field::Note, &["ghi chú"], false),
];

/// Columns read only to be left alone: an ordinal, and what `status`
/// exports beside a pair.
const IGNORED: [&str; 13] = [
    "tt",
    "stt",
    "số tt",
    "số thứ tự",
    "due",
    "hạn nộp",
    "hạn",
    "days_late",
    "số ngày chậm",
    "số ngày trễ",
    "recorded_by",
    "người ghi nhận",
    "extended_from",
];

const STATE: [&str; 3] = ["state", "trạng thái", "tình trạng"];

/// The column a header cell names, if any.
fn named(cell: &str) -> Option<Column> {
    let key = fold(cell.trim_end_matches([':', '*']));
    if key.is_empty() {
        return None;
    }
    let is = |name: &str| fold(name) == key;
    if let Some((f, _, _)) = FIELDS
        .iter()
        .find(|(f, vi, _)| is(f.name()) || vi.iter().any(|v| is(v)))
    {
        return Some(Column::Field(*f));
    }
    if STATE.iter().any(|s| is(s)) {
        Some(Column::State)
    } else if IGNORED.iter().any(|s| is(s)) {
        Some(Column::Ignored)
    } else {
        None
    }
}

/// How many rows from the top the header may be (title rows above it).
const HEADER_WITHIN: usize = 20;

/// The index in `sheet.rows` of its header: the first row (of the first
/// [`HEADER_WITHIN`]) with at least two cells naming columns. `None`: no
/// such row (the caller reports the first row's names).
pub fn header_row(sheet: &Sheet) -> Option<usize> {
    sheet
        .rows
        .iter()
        .take(HEADER_WITHIN)
        .position(|(_, cells)| {
            cells
                .iter()
                .filter(|c| matches!(named(c), Some(Column::Field(_)) | Some(Column::State)))
                .count()
                >= 2
        })
}

/// Where each column is, read from the header.
#[derive(Debug)]
pub struct Columns {
    /// The index in a row of each field, in [`Field::ALL`]'s order.
    pub at: [Option<usize>; 7],
    pub state: Option<usize>,
    /// The header's cells, for messages.
    pub names: Vec<String>,
}

impl Columns {
    /// The text of `field` in `cells`, "" when absent.
    pub fn get<'a>(&self, cells: &'a [String], field: Field) -> &'a str {
        self.at[field.index()]
            .and_then(|i| cells.get(i))
            .map_or("", String::as_str)
    }

    /// Whether a row's state cell says the pair is not submitted (pending,
    /// overdue, exempt): a row of a `status` export that records nothing.
    pub fn not_submitted(&self, cells: &[String]) -> bool {
        let Some(text) = self.state.and_then(|i| cells.get(i)) else {
            return false;
        };
        // A state as the workbook words an extended pair's: *quá hạn (gia
        // hạn đến 30/06/2025)*.
        let key = fold(text.split(" (").next().unwrap_or(text));
        let named = |s: State| {
            [
                s.as_str(),
                s.words(crate::lang::Lang::Vi),
                s.words(crate::lang::Lang::En),
            ]
            .iter()
            .any(|w| fold(w) == key)
        };
        !key.is_empty() && !named(State::OnTime) && !named(State::Late)
    }
}

/// The columns of the header at `line`, or what is wrong with them.
pub fn columns(
    file: &Path,
    line: u64,
    header: &[String],
    rows: &[(u64, Vec<String>)],
) -> Result<Columns, CliError> {
    let mut at = [None; 7];
    let mut state = None;
    let mut problems = Vec::new();
    for (i, name) in header.iter().enumerate() {
        if name.is_empty() {
            if rows
                .iter()
                .any(|(_, r)| r.get(i).is_some_and(|c| !c.is_empty()))
            {
                problems.push(format!("column {} has values but no name", letter(i)));
            }
            continue;
        }
        match named(name) {
            Some(Column::Field(f)) if at[f.index()].is_some() => {
                problems.push(format!("column {} repeats \"{name}\"", letter(i)));
            }
            Some(Column::Field(f)) => at[f.index()] = Some(i),
            Some(Column::State) => state = Some(i),
            Some(Column::Ignored) => {}
            None => problems.push(format!("column {}: unknown name \"{name}\"", letter(i))),
        }
    }
    for (f, vi, required) in FIELDS {
        if required && at[f.index()].is_none() {
            problems.push(format!("no \"{}\" (or \"{}\") column", f.name(), vi[0]));
        }
    }
    if problems.is_empty() {
        return Ok(Columns {
            at,
            state,
            names: header.to_vec(),
        });
    }
    let names: Vec<String> = FIELDS
        .iter()
        .map(|(f, vi, _)| format!("{} / {}", f.name(), vi[0]))
        .collect();
    Err(CliError::Usage(format!(
        "{}: line {line} (the header): {}; the columns are {} (ref and note optional, any \
         order; an ordinal TT/STT, due, state and days_late are left alone)",
        file.display(),
        problems.join("; "),
        names.join(", ")
    )))
}

/// Excel's name of a column: A … Z, AA …
pub fn letter(i: usize) -> String {
    let mut n = i + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + u8::try_from(r).expect("< 26"));
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_as_excel_writes_them() {
        assert_eq!(
            [letter(0), letter(4), letter(25), letter(26), letter(27)],
            ["A", "E", "Z", "AA", "AB"]
        );
    }

    #[test]
    fn header_names_as_offices_write_them() {
        assert_eq!(named("Số, ký hiệu"), Some(Column::Field(Field::Ref)));
        assert_eq!(named("NGÀY NỘP:"), Some(Column::Field(Field::SubmittedOn)));
        assert_eq!(named("Kỳ"), Some(Column::Field(Field::Period)));
        assert_eq!(named("STT"), Some(Column::Ignored));
        assert_eq!(named("Trạng thái"), Some(Column::State));
        assert_eq!(named("ngày"), None);
        let sheet = Sheet {
            name: None,
            rows: vec![
                (1, vec!["DANH SÁCH ĐƠN VỊ GỬI BÁO CÁO".into()]),
                (2, vec!["Kế hoạch".into()]),
                (4, vec!["TT".into(), "Kế hoạch".into(), "Đơn vị".into()]),
            ],
            notice: None,
        };
        assert_eq!(header_row(&sheet), Some(2));
    }
}
