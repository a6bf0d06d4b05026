//! `dondoc import FILE`: many submissions at once, all or none.
//!
//! A `.csv` or `.xlsx` (see [`read`]) with a header row naming the columns in
//! English (`plan,obligation,period,agency,submitted_on,ref,note`) or in
//! Vietnamese (`kế hoạch, nội dung, kỳ, đơn vị, ngày nộp, số ký hiệu, ghi chú`),
//! in any order; `ref` and `note` may be left out. Dates as dd/mm/yyyy, ISO,
//! or RFC 3339. Every row is checked against the config before anything is
//! written, and every bad row is reported with its line and column.

mod read;

use std::collections::HashMap;
use std::path::PathBuf;

use super::CliError;
use crate::calendar::Instance;
use crate::config::Config;
use crate::engine::record::Field;
use crate::lang::{Lang, say};
use crate::ledger::{PairKey, Submission};

/// The columns: English name, Vietnamese name (and other ways offices
/// write it), whether a file must have it.
const COLUMNS: [(&str, &[&str], bool); 7] = [
    ("plan", &["kế hoạch"], true),
    ("obligation", &["nội dung"], true),
    ("period", &["kỳ", "kỳ báo cáo"], true),
    ("agency", &["đơn vị"], true),
    ("submitted_on", &["ngày nộp", "ngày gửi"], true),
    (
        "ref",
        &["số ký hiệu", "số, ký hiệu", "số hiệu", "số văn bản"],
        false,
    ),
    ("note", &["ghi chú"], false),
];

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The file: .csv (comma, semicolon or tab; UTF-8, UTF-16 or
    /// Windows-1258) or .xlsx (its first sheet).
    file: PathBuf,
    /// Replace submissions already recorded with different values.
    #[arg(long)]
    replace: bool,
    /// How to read a CSV's bytes (default: from its byte-order mark, else
    /// UTF-8 when valid, else Windows-1258).
    #[arg(long, value_enum, default_value = "auto")]
    encoding: read::Encoding,
}

/// One row's problem, at a column when it is about one.
struct RowError {
    line: u64,
    column: Option<usize>,
    message: String,
}

pub fn run(config: &Config, args: &Args, lang: Lang) -> Result<(), CliError> {
    let bytes = std::fs::read(&args.file)
        .map_err(|e| CliError::Usage(format!("{}: cannot read it: {e}", args.file.display())))?;
    let sheet = read::read(&args.file, &bytes, args.encoding)?;
    if let Some(notice) = &sheet.notice {
        eprintln!("{}: {notice}", args.file.display());
    }
    let Checked {
        rows,
        instances,
        lines,
    } = check(config, &args.file, &sheet, lang)?;
    let mut ledger = super::open_ledger(config)?;
    let done = crate::engine::record::record_batch(
        config,
        &mut ledger,
        &rows,
        &instances,
        |_| args.replace,
        &super::actor(),
    )
    .map_err(anyhow::Error::from)?
    .map_err(|c| {
        CliError::Usage(say!(
            lang,
            "{}: dòng {}: đơn vị này đã có bản nộp khác ({}); chưa nhập dòng nào; \
                 thêm --replace để thay các bản đã ghi",
            "{}: line {}: a different submission is already recorded for this pair ({}); \
                 nothing was imported; pass --replace to replace recorded submissions",
            args.file.display(),
            lines[c.index],
            crate::engine::record::describe(config, &c.existing, lang)
        ))
    })?;
    let (outcome, file) = (done.outcome, args.file.display());
    if outcome.added + outcome.replaced == 0 {
        println!(
            "{}",
            say!(
                lang,
                "{file}: không có gì mới; cả {} dòng đã được ghi nhận từ trước",
                "{file}: nothing to import; all {} rows are already recorded",
                outcome.unchanged
            )
        );
    } else {
        println!(
            "{}",
            say!(
                lang,
                "{file}: đã nhập {} dòng: {} mới, {} thay thế, {} đã có (không đổi) — \
                 {} đúng hạn, {} nộp muộn",
                "{file}: imported {} rows: {} new, {} replaced, {} already recorded (unchanged) — \
                 {} on time, {} late",
                rows.len(),
                outcome.added,
                outcome.replaced,
                outcome.unchanged,
                done.on_time,
                done.late
            )
        );
    }
    Ok(())
}

/// Where each column is: the index in the file of each of [`COLUMNS`].
fn columns(file: &std::path::Path, sheet: &read::Sheet) -> Result<[Option<usize>; 7], CliError> {
    let mut at = [None; 7];
    let mut problems = Vec::new();
    for (i, name) in sheet.header.iter().enumerate() {
        let lower = name.to_lowercase();
        if lower.is_empty() {
            if sheet
                .rows
                .iter()
                .any(|(_, r)| r.get(i).is_some_and(|c| !c.is_empty()))
            {
                problems.push(format!("column {} has values but no name", letter(i)));
            }
            continue;
        }
        match COLUMNS
            .iter()
            .position(|(en, vi, _)| *en == lower || vi.contains(&lower.as_str()))
        {
            Some(c) if at[c].is_some() => {
                problems.push(format!("column {} repeats \"{name}\"", letter(i)));
            }
            Some(c) => at[c] = Some(i),
            None => problems.push(format!("column {}: unknown name \"{name}\"", letter(i))),
        }
    }
    for (c, (en, vi, required)) in COLUMNS.iter().enumerate() {
        if *required && at[c].is_none() {
            problems.push(format!("no \"{en}\" (or \"{}\") column", vi[0]));
        }
    }
    if problems.is_empty() {
        return Ok(at);
    }
    let names: Vec<String> = COLUMNS
        .iter()
        .map(|(en, vi, _)| format!("{en} / {}", vi[0]))
        .collect();
    Err(CliError::Usage(format!(
        "{}: line 1 (the header): {}; the columns are {} (ref and note optional, any order)",
        file.display(),
        problems.join("; "),
        names.join(", ")
    )))
}

/// Excel's name of a column: A … Z, AA …
fn letter(i: usize) -> String {
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

/// The rows of a file that passed every check: each submission, its
/// instance and its line.
struct Checked {
    rows: Vec<Submission>,
    instances: Vec<Instance>,
    lines: Vec<u64>,
}

/// Checks every row; returns the submissions with their instances and line
/// numbers, or every row error at once.
fn check(
    config: &Config,
    file: &std::path::Path,
    sheet: &read::Sheet,
    lang: Lang,
) -> Result<Checked, CliError> {
    let at = columns(file, sheet)?;
    let now = jiff::Zoned::now().with_time_zone(config.settings.timezone.clone());
    let mut rows = Vec::new();
    let mut instances = Vec::new();
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<PairKey, u64> = HashMap::new();
    for (line, cells) in &sheet.rows {
        if cells.iter().skip(sheet.header.len()).any(|c| !c.is_empty()) {
            errors.push(RowError {
                line: *line,
                column: None,
                message: say!(
                    lang,
                    "có {} ô, dòng tiêu đề có {}; giá trị chứa dấu phân cách phải đặt trong \
                     ngoặc kép",
                    "has {} cells, the header {}; a value holding the separator must be \
                     in double quotes",
                    cells.len(),
                    sheet.header.len()
                ),
            });
            continue;
        }
        let get = |f: Field| {
            at[f.index()]
                .and_then(|i| cells.get(i))
                .map_or("", String::as_str)
        };
        match crate::engine::record::submission_from(config, &get, &now, lang) {
            Ok((s, instance)) => {
                if let Some(first) = seen.insert(s.key.clone(), *line) {
                    errors.push(RowError {
                        line: *line,
                        column: at[Field::Agency.index()],
                        message: say!(
                            lang,
                            "cặp này đã có ở dòng {first}; mỗi cặp chỉ giữ một dòng",
                            "the same pair is already on line {first}; keep one row per pair"
                        ),
                    });
                }
                rows.push(s);
                instances.push(instance);
                lines.push(*line);
            }
            Err((f, message)) => errors.push(RowError {
                line: *line,
                column: at[f.index()],
                message,
            }),
        }
    }
    if errors.is_empty() {
        return Ok(Checked {
            rows,
            instances,
            lines,
        });
    }
    let mut text: Vec<String> = errors
        .iter()
        .map(|e| {
            let column = e.column.map_or(String::new(), |i| {
                say!(
                    lang,
                    ", cột {} ({})",
                    ", column {} ({})",
                    letter(i),
                    sheet.header[i]
                )
            });
            say!(
                lang,
                "{}: dòng {}{column}: {}",
                "{}: line {}{column}: {}",
                file.display(),
                e.line,
                e.message
            )
        })
        .collect();
    text.push(say!(
        lang,
        "{} dòng lỗi; chưa nhập dòng nào",
        "{} bad rows; nothing was imported",
        errors.len()
    ));
    Err(CliError::Usage(text.join("\n")))
}

#[cfg(test)]
mod tests {
    use super::letter;

    #[test]
    fn column_letters_as_excel_writes_them() {
        assert_eq!(
            [letter(0), letter(4), letter(25), letter(26), letter(27)],
            ["A", "E", "Z", "AA", "AB"]
        );
    }
}
