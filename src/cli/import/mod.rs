//! `dondoc import FILE`: many submissions at once, all or none.
//!
//! A `.csv` or `.xlsx` (see [`read`], [`workbook`]) as offices keep them:
//! title rows may stand above the header row, which names the columns in
//! English (`plan,obligation,period,agency,submitted_on,ref,note`) or in
//! Vietnamese (`kế hoạch, nội dung, kỳ, đơn vị, ngày nộp, số ký hiệu, ghi
//! chú`), in any order; `ref` and `note` may be left out, an ordinal (*TT*,
//! *STT*) and what `status` exports beside a pair (due date, state, days
//! late) are left alone ([`columns`]). The pair is read as offices write
//! it (the plan's number, the obligation's title, the period's name or due
//! date, the agency's name: see [`crate::calendar::names`]). Dates as
//! dd/mm/yyyy, ISO, or RFC 3339. A row without a date that records nothing
//! else (no number, no note; or a `status` row of a pair not submitted) is
//! skipped and counted: a fill-in sheet's unfilled rows. Every row is
//! checked against the config before anything is written, and every bad
//! row is reported with its line and column. An `.xlsx` is read sheet by
//! sheet: those without a header row (dondoc's summary sheet) are passed
//! over.

mod columns;
mod read;
mod workbook;

use std::collections::HashMap;
use std::path::PathBuf;

use super::CliError;
use crate::calendar::Instance;
use crate::calendar::names::Names;
use crate::config::Config;
use crate::engine::record::Field;
use crate::lang::{Lang, say};
use crate::ledger::{PairKey, Submission};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The file: .csv (comma, semicolon or tab; UTF-8, UTF-16 or
    /// Windows-1258) or .xlsx (every sheet with a header row).
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
    at: String,
    column: Option<String>,
    message: String,
}

pub fn run(config: &Config, args: &Args, lang: Lang) -> Result<(), CliError> {
    let bytes = std::fs::read(&args.file)
        .map_err(|e| CliError::Usage(format!("{}: cannot read it: {e}", args.file.display())))?;
    let sheets = if read::is_xlsx(&args.file, &bytes) {
        workbook::xlsx(&args.file, &bytes)?
    } else {
        vec![read::read_csv(&args.file, &bytes, args.encoding)?]
    };
    for notice in sheets.iter().filter_map(|s| s.notice.as_ref()) {
        eprintln!("{}: {notice}", args.file.display());
    }
    let Checked {
        rows,
        instances,
        lines,
        skipped,
    } = check(config, &args.file, &sheets, lang)?;
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
            "{}: {}: đơn vị này đã có bản nộp khác ({}); chưa nhập dòng nào; \
                 thêm --replace để thay các bản đã ghi",
            "{}: {}: a different submission is already recorded for this pair ({}); \
                 nothing was imported; pass --replace to replace recorded submissions",
            args.file.display(),
            lines[c.index],
            crate::engine::record::describe(config, &c.existing, lang)
        ))
    })?;
    println!("{}", summary(&args.file, rows.len(), done, skipped, lang));
    Ok(())
}

/// What an import did, in a line.
fn summary(
    file: &std::path::Path,
    rows: usize,
    done: crate::engine::record::Batch,
    skipped: usize,
    lang: Lang,
) -> String {
    let (outcome, file) = (done.outcome, file.display());
    let skipped = match skipped {
        0 => String::new(),
        n => say!(
            lang,
            "; {n} dòng chưa có ngày nộp, bỏ qua",
            "; {n} rows without a date skipped"
        ),
    };
    if rows == 0 {
        say!(
            lang,
            "{file}: không có dòng nào có ngày nộp; chưa nhập gì{skipped}",
            "{file}: no row has a date; nothing was imported{skipped}"
        )
    } else if outcome.added + outcome.replaced == 0 {
        say!(
            lang,
            "{file}: không có gì mới; cả {} dòng đã được ghi nhận từ trước{skipped}",
            "{file}: nothing to import; all {} rows are already recorded{skipped}",
            outcome.unchanged
        )
    } else {
        say!(
            lang,
            "{file}: đã nhập {rows} dòng: {} mới, {} thay thế, {} đã có (không đổi) — \
             {} đúng hạn, {} nộp muộn{skipped}",
            "{file}: imported {rows} rows: {} new, {} replaced, {} already recorded (unchanged) — \
             {} on time, {} late{skipped}",
            outcome.added,
            outcome.replaced,
            outcome.unchanged,
            done.on_time,
            done.late
        )
    }
}

/// The rows of a file that passed every check: each submission, its
/// instance and where it is ("dòng 5", "trang X, dòng 5"); and how many
/// rows without a date were skipped.
struct Checked {
    rows: Vec<Submission>,
    instances: Vec<Instance>,
    lines: Vec<String>,
    skipped: usize,
}

/// The sheets to read, each with its header's index: those with a header
/// row; if none has one, the first, whose first row is then the header
/// (and [`columns::columns`] says what is wrong with it).
fn with_headers(sheets: &[read::Sheet]) -> Vec<(&read::Sheet, usize)> {
    let found: Vec<(&read::Sheet, usize)> = sheets
        .iter()
        .filter_map(|s| columns::header_row(s).map(|h| (s, h)))
        .collect();
    if found.is_empty() {
        sheets.iter().take(1).map(|s| (s, 0)).collect()
    } else {
        found
    }
}

/// Checks every row; returns the submissions with their instances and
/// places, or every row error at once.
fn check(
    config: &Config,
    file: &std::path::Path,
    sheets: &[read::Sheet],
    lang: Lang,
) -> Result<Checked, CliError> {
    let now = jiff::Zoned::now().with_time_zone(config.settings.timezone.clone());
    let names = Names::new(config);
    let mut checked = Checked {
        rows: Vec::new(),
        instances: Vec::new(),
        lines: Vec::new(),
        skipped: 0,
    };
    let mut errors = Vec::new();
    let mut seen: HashMap<PairKey, String> = HashMap::new();
    let read = with_headers(sheets);
    let several = read.len() > 1;
    for (sheet, h) in read {
        let Some((line, header)) = sheet.rows.get(h) else {
            continue; // an empty file: nothing to import
        };
        let rows = &sheet.rows[h + 1..];
        let cols = columns::columns(file, *line, header, rows)?;
        let place = |line: u64| match (&sheet.name, several) {
            (Some(name), true) => say!(
                lang,
                "trang {name}, dòng {line}",
                "sheet {name}, line {line}"
            ),
            _ => say!(lang, "dòng {line}", "line {line}"),
        };
        let column =
            |i: Option<usize>| i.map(|i| format!("{} ({})", columns::letter(i), cols.names[i]));
        for (line, cells) in rows {
            let error = |column: Option<String>, message: String| RowError {
                at: place(*line),
                column,
                message,
            };
            if cells.iter().skip(header.len()).any(|c| !c.is_empty()) {
                errors.push(error(
                    None,
                    say!(
                        lang,
                        "có {} ô, dòng tiêu đề có {}; giá trị chứa dấu phân cách phải đặt trong \
                         ngoặc kép",
                        "has {} cells, the header {}; a value holding the separator must be \
                         in double quotes",
                        cells.len(),
                        header.len()
                    ),
                ));
                continue;
            }
            let get = |f: Field| cols.get(cells, f);
            if Field::ALL.iter().all(|f| get(*f).is_empty()) {
                continue; // an ordinal alone, a row of borders
            }
            let nothing_else = get(Field::Ref).is_empty() && get(Field::Note).is_empty();
            if get(Field::SubmittedOn).is_empty() && (nothing_else || cols.not_submitted(cells)) {
                checked.skipped += 1;
                continue;
            }
            match crate::engine::record::submission_from(&names, config, &get, &now, lang) {
                Ok((s, instance)) => {
                    if let Some(first) = seen.insert(s.key.clone(), place(*line)) {
                        errors.push(error(
                            column(cols.at[Field::Agency.index()]),
                            say!(
                                lang,
                                "cặp này đã có ở {first}; mỗi cặp chỉ giữ một dòng",
                                "the same pair is already on {first}; keep one row per pair"
                            ),
                        ));
                    }
                    checked.rows.push(s);
                    checked.instances.push(instance);
                    checked.lines.push(place(*line));
                }
                Err((f, message)) => errors.push(error(column(cols.at[f.index()]), message)),
            }
        }
    }
    if errors.is_empty() {
        return Ok(checked);
    }
    let mut text: Vec<String> = errors
        .iter()
        .map(|e| {
            let column = e
                .column
                .as_ref()
                .map_or(String::new(), |c| say!(lang, ", cột {c}", ", column {c}"));
            format!("{}: {}{column}: {}", file.display(), e.at, e.message)
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
