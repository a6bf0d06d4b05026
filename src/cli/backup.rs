//! `dondoc backup FILE`: a consistent copy of the database, safe to take
//! while the daemon runs (SQLite's online backup), checked and summed up.

use std::path::PathBuf;

use super::CliError;
use crate::config::Config;
use crate::lang::{Lang, say};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The copy to write (a new file, mode 0600; written whole or not at all).
    #[arg(value_name = "FILE")]
    file: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    force: bool,
}

pub fn run(config: &Config, args: &Args, lang: Lang) -> Result<(), CliError> {
    let ledger = super::open_ledger(config)?;
    let copied = ledger
        .backup(&args.file, args.force)
        .map_err(|e| match &e {
            crate::ledger::LedgerError::Io { source, .. }
                if matches!(
                    source.kind(),
                    std::io::ErrorKind::AlreadyExists | std::io::ErrorKind::InvalidInput
                ) =>
            {
                CliError::Usage(e.to_string())
            }
            _ => CliError::Runtime(e.into()),
        })?;
    let size = format!("{:.1}", copied.bytes as f64 / 1_048_576.0);
    println!(
        "{}",
        say!(
            lang,
            "Đã sao lưu {} vào {} ({} MB, kiểm tra toàn vẹn: ok): {} bản nộp, {} miễn nộp, {} lượt nhắc đã ghi, {} đề xuất từ hộp thư",
            "Backed up {} to {} ({} MB, integrity check: ok): {} submissions, {} waivers, {} reminder steps, {} proposals from the mailbox",
            config.settings.database.display(),
            args.file.display(),
            size.replace('.', if lang == Lang::Vi { "," } else { "." }),
            copied.submissions,
            copied.waivers,
            copied.reminders,
            copied.proposals
        )
    );
    Ok(())
}
