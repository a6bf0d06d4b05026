//! `dondoc import FILE.csv`: many submissions at once, all or none.
//!
//! Columns: `plan,obligation,period,agency,submitted_on,ref,note`, with a
//! header row; UTF-8 with or without a BOM (as Excel saves it); dates as
//! dd/mm/yyyy, ISO, or RFC 3339. Every row is checked against the config
//! before anything is written, and every bad row is reported with its line.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::CliError;
use crate::calendar::lookup::find_pair;
use crate::config::Config;
use crate::dates;
use crate::ledger::{PairKey, Submission};

const COLUMNS: [&str; 7] = [
    "plan",
    "obligation",
    "period",
    "agency",
    "submitted_on",
    "ref",
    "note",
];

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The CSV file.
    file: PathBuf,
    /// Replace submissions already recorded with different values.
    #[arg(long)]
    replace: bool,
}

/// One row's problem.
struct RowError {
    line: u64,
    field: &'static str,
    message: String,
}

pub fn run(config: &Config, args: &Args) -> Result<(), CliError> {
    let bytes = std::fs::read(&args.file)
        .map_err(|e| CliError::Usage(format!("{}: cannot read it: {e}", args.file.display())))?;
    let (rows, lines) = parse(config, &args.file, &bytes)?;
    let mut ledger = super::open_ledger(config)?;
    let outcome = ledger
        .record_submissions(&rows, args.replace)
        .map_err(anyhow::Error::from)?
        .map_err(|c| {
            CliError::Usage(format!(
                "{}: line {}: a different submission is already recorded for this pair ({}); \
                 nothing was imported; pass --replace to replace recorded submissions",
                args.file.display(),
                lines[c.index],
                super::record::describe(config, &c.existing)
            ))
        })?;
    let file = args.file.display();
    if outcome.added + outcome.replaced == 0 {
        println!(
            "{file}: nothing to import; all {} rows are already recorded",
            outcome.unchanged
        );
    } else {
        println!(
            "{file}: imported {} rows: {} new, {} replaced, {} already recorded (unchanged)",
            rows.len(),
            outcome.added,
            outcome.replaced,
            outcome.unchanged
        );
    }
    Ok(())
}

/// Parses and checks every row; returns the submissions and their line numbers,
/// or every row error at once.
fn parse(
    config: &Config,
    file: &Path,
    bytes: &[u8],
) -> Result<(Vec<Submission>, Vec<u64>), CliError> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text);
    let header_error = |m: String| CliError::Usage(format!("{}: line 1: {m}", file.display()));
    let header = reader
        .headers()
        .map_err(|e| header_error(format!("cannot read the header: {e}")))?;
    let names: Vec<String> = header
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    if names != COLUMNS {
        return Err(header_error(format!(
            "the header must be exactly {} (found {})",
            COLUMNS.join(","),
            names.join(",")
        )));
    }
    let mut rows = Vec::new();
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<PairKey, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_of(text, p.byte()));
                errors.push(RowError {
                    line,
                    field: "row",
                    message: format!("not valid CSV: {e}"),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| line_of(text, p.byte()));
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if record.len() != COLUMNS.len() {
            let message = format!(
                "has {} fields; every row needs {} ({})",
                record.len(),
                COLUMNS.len(),
                COLUMNS.join(",")
            );
            errors.push(RowError {
                line,
                field: "row",
                message,
            });
            continue;
        }
        match row(config, &record) {
            Ok(s) => {
                if let Some(first) = seen.insert(s.key.clone(), line) {
                    let message =
                        format!("the same pair is already on line {first}; keep one row per pair");
                    errors.push(RowError {
                        line,
                        field: "agency",
                        message,
                    });
                }
                rows.push(s);
                lines.push(line);
            }
            Err((field, message)) => errors.push(RowError {
                line,
                field,
                message,
            }),
        }
    }
    if errors.is_empty() {
        return Ok((rows, lines));
    }
    let mut text: Vec<String> = errors
        .iter()
        .map(|e| {
            format!(
                "{}: line {}: {}: {}",
                file.display(),
                e.line,
                e.field,
                e.message
            )
        })
        .collect();
    text.push(format!("{} bad rows; nothing was imported", errors.len()));
    Err(CliError::Usage(text.join("\n")))
}

/// The 1-based line of the record starting at byte `offset`. (The csv
/// crate's own line counter lags by one on CRLF files, as Excel writes them.)
fn line_of(text: &[u8], offset: u64) -> u64 {
    let offset = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(text.len());
    let mut line = 1 + text[..offset].iter().filter(|b| **b == b'\n').count() as u64;
    if text.get(offset) == Some(&b'\n') {
        line += 1;
    }
    line
}

fn row(config: &Config, r: &csv::StringRecord) -> Result<Submission, (&'static str, String)> {
    let f = |i: usize| r.get(i).unwrap_or("").trim();
    let period = dates::parse_date(f(2)).map_err(|e| ("period", e.to_string()))?;
    find_pair(config, f(0), f(1), period, f(3)).map_err(|e| (e.field, e.message))?;
    if f(4).is_empty() {
        return Err((
            "submitted_on",
            "is empty; write the date it was submitted (dd/mm/yyyy)".into(),
        ));
    }
    let on = dates::parse_moment(f(4), &config.settings.timezone)
        .map_err(|e| ("submitted_on", e.to_string()))?;
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    Ok(Submission {
        key: PairKey {
            plan: f(0).into(),
            obligation: f(1).into(),
            period,
            agency: f(3).into(),
        },
        submitted_at: on.timestamp(),
        reference: opt(f(5)),
        note: opt(f(6)),
    })
}

#[cfg(test)]
mod tests {
    use super::line_of;

    #[test]
    fn line_numbers_with_lf_and_crlf() {
        let lf = b"h\na\nb\n";
        assert_eq!([line_of(lf, 0), line_of(lf, 2), line_of(lf, 4)], [1, 2, 3]);
        let crlf = b"h\r\na\r\nb\r\n";
        // The csv crate reports a CRLF record as starting at its '\n'.
        assert_eq!(
            [line_of(crlf, 2), line_of(crlf, 3), line_of(crlf, 5)],
            [2, 2, 3]
        );
    }
}
