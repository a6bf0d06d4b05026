//! `dondoc inbox`: the proposals made by agencies' replies, and deciding
//! them. `inbox read FILE…` reads messages saved as `.eml` files, as the
//! mailbox watcher will read them over IMAP.

use std::path::PathBuf;

use super::CliError;
use crate::engine::{Clock, Loaded};
use crate::inbox::ingest::{self, Outcome};
use crate::lang::{Lang, say};
use crate::output::proposal;

mod show;

use show::{list, show};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// The list as a table or JSON.
    #[arg(long, value_enum, default_value_t = ListFormat::Table)]
    format: ListFormat,
    /// List the proposals already accepted or rejected too.
    #[arg(long)]
    all: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ListFormat {
    Table,
    Json,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Record proposals' items as submitted (on the message's date, with its
    /// document number; recorded_by = cli:USER).
    Accept {
        #[arg(required = true, value_name = "ID")]
        ids: Vec<i64>,
    },
    /// Show one proposal in full: who wrote, what it proposes, the files
    /// kept, and the message's text.
    Show {
        #[arg(value_name = "ID")]
        id: i64,
    },
    /// Drop proposals (nothing is recorded).
    Reject {
        #[arg(required = true, value_name = "ID")]
        ids: Vec<i64>,
    },
    /// Read the [inbox] mailbox's unseen messages once, over IMAP (the daemon
    /// will watch it): proposals are flagged \Seen, the rest stays unread.
    Fetch,
    /// Read messages saved as .eml files: a reply to a reminder from the
    /// agency becomes a proposal, a bounce marks its reminder failed; a
    /// message read before changes nothing.
    Read {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Accept what is certain at once (as [inbox] accept = "auto").
        #[arg(long)]
        auto: bool,
    },
}

pub fn run(loaded: &std::sync::Arc<Loaded>, args: &Args, lang: Lang) -> Result<(), CliError> {
    let config = &loaded.config;
    let mut ledger = super::open_ledger(config)?;
    match &args.command {
        None => list(config, &ledger, args, lang),
        Some(Command::Fetch) => {
            let Some(inbox) = &config.settings.inbox else {
                return Err(CliError::Usage(say!(
                    lang,
                    "chưa có mục [inbox] trong dondoc.toml (máy chủ IMAP, tài khoản); thêm vào rồi chạy lại",
                    "dondoc.toml has no [inbox] table (the IMAP server and account); add one and run again"
                )));
            };
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| CliError::Runtime(e.into()))?;
            let started = std::time::Instant::now();
            let reader = crate::inbox::imap::Reader::new(loaded.clone(), ledger, Clock::new(None));
            let done = rt
                .block_on(crate::inbox::imap::fetch(&reader))
                .map_err(CliError::Runtime)?;
            println!(
                "{}:{} {} — {done} ({:.2} s)",
                inbox.host,
                inbox.port,
                inbox.folder,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Some(Command::Read { files, auto }) => {
            let (mut proposed, mut bounced, mut ignored, mut seen) = (0, 0, 0, 0);
            for f in files {
                let (raw, size) = read_message(f)?;
                let outcome = ingest::ingest(
                    config,
                    &mut ledger,
                    ingest::Raw { bytes: &raw, size },
                    *auto,
                    jiff::Timestamp::now(),
                )
                .map_err(anyhow::Error::from)?;
                let what = match &outcome {
                    Outcome::Seen => {
                        seen += 1;
                        say!(lang, "đã đọc từ trước", "read before")
                    }
                    Outcome::Proposed {
                        id,
                        certain,
                        accepted,
                    } => {
                        proposed += 1;
                        match (accepted, certain) {
                            (true, _) => {
                                say!(lang, "đề xuất {id}, đã ghi nhận", "proposal {id}, accepted")
                            }
                            (false, true) => say!(lang, "đề xuất {id}", "proposal {id}"),
                            (false, false) => {
                                let why = ledger
                                    .proposal(*id)
                                    .map_err(anyhow::Error::from)?
                                    .map(|p| proposal::doubts(&p, lang).join("; "))
                                    .unwrap_or_default();
                                say!(
                                    lang,
                                    "đề xuất {id}, chưa chắc chắn ({why}): cần kiểm tra",
                                    "proposal {id}, uncertain ({why}): check it"
                                )
                            }
                        }
                    }
                    Outcome::Bounced(id) => {
                        bounced += 1;
                        say!(lang, "thư nhắc {id} bị trả lại", "reminder {id} bounced")
                    }
                    Outcome::Ignored(why) => {
                        ignored += 1;
                        let why = crate::inbox::ignored::words(why, lang);
                        say!(lang, "bỏ qua: {why}", "ignored: {why}")
                    }
                };
                println!("{}: {what}", f.display());
            }
            println!(
                "{}",
                say!(
                    lang,
                    "{} thư: {proposed} đề xuất, {bounced} bị trả lại, {ignored} bỏ qua, {seen} đã đọc từ trước",
                    "{} messages: {proposed} proposals, {bounced} bounced, {ignored} ignored, {seen} read before",
                    files.len()
                )
            );
            Ok(())
        }
        Some(Command::Accept { ids }) => {
            let by = super::actor();
            let now = super::moment(config, None, lang)?;
            decide(ids, |id| {
                ingest::accept(config, &mut ledger, id, &by, &now, lang)
            })
        }
        Some(Command::Show { id }) => show(config, &ledger, *id, lang),
        Some(Command::Reject { ids }) => {
            let by = super::actor();
            decide(ids, |id| ingest::reject(&mut ledger, id, &by, lang))
        }
    }
}

/// A saved message, as the mailbox watcher reads one: whole up to
/// [`ingest::MESSAGE_AT_MOST`], else its first [`ingest::MESSAGE_HEAD`]
/// bytes. Gives the bytes read and the whole file's size.
fn read_message(path: &std::path::Path) -> Result<(Vec<u8>, u64), CliError> {
    use std::io::Read as _;
    let bad = |e: std::io::Error| CliError::Usage(format!("{}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(bad)?;
    let size = file.metadata().map_err(bad)?.len();
    let limit = if size > ingest::MESSAGE_AT_MOST {
        ingest::MESSAGE_HEAD
    } else {
        size
    };
    let mut raw = Vec::with_capacity(usize::try_from(limit).unwrap_or(0));
    file.take(limit).read_to_end(&mut raw).map_err(bad)?;
    Ok((raw, size))
}

/// Accepts or rejects each of `ids`, saying what it did; the refusals
/// together, as a usage error, at the end.
fn decide(
    ids: &[i64],
    mut one: impl FnMut(i64) -> Result<Result<String, String>, crate::ledger::LedgerError>,
) -> Result<(), CliError> {
    let mut failed = Vec::new();
    for &id in ids {
        match one(id).map_err(anyhow::Error::from)? {
            Ok(text) => println!("{text}"),
            Err(why) => failed.push(format!("{id}: {why}")),
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(CliError::Usage(failed.join("\n")))
    }
}
