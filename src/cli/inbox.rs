//! `dondoc inbox`: the proposals made by agencies' replies, and deciding
//! them. `inbox read FILE…` reads messages saved as `.eml` files, as the
//! mailbox watcher will read them over IMAP.

use std::path::PathBuf;

use serde::Serialize;

use super::CliError;
use crate::config::Config;
use crate::dates;
use crate::engine::{Clock, Loaded};
use crate::inbox::ingest::{self, Outcome};
use crate::lang::say;
use crate::ledger::inbox::Proposal;
use crate::output::proposal;

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

/// A proposal as `inbox --format json` lists it (SPEC's keys, then ours).
#[derive(Serialize)]
struct Row<'a> {
    id: i64,
    agency: &'a str,
    items: Vec<Item<'a>>,
    received: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<&'a str>,
    from: &'a str,
    subject: &'a str,
    certain: bool,
    /// Why it is not certain, in the reader's language.
    doubts: Vec<String>,
    state: &'a str,
    files: Vec<&'a str>,
    /// The attachments not kept, and why.
    left_out: Vec<String>,
}

#[derive(Serialize)]
struct Item<'a> {
    plan: &'a str,
    obligation: &'a str,
    period: String,
}

pub fn run(loaded: &std::sync::Arc<Loaded>, args: &Args) -> Result<(), CliError> {
    let config = &loaded.config;
    let mut ledger = super::open_ledger(config)?;
    match &args.command {
        None => list(config, &ledger, args),
        Some(Command::Fetch) => {
            let Some(inbox) = &config.settings.inbox else {
                return Err(CliError::Usage(say!(
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
                        say!("đã đọc từ trước", "read before")
                    }
                    Outcome::Proposed {
                        id,
                        certain,
                        accepted,
                    } => {
                        proposed += 1;
                        match (accepted, certain) {
                            (true, _) => {
                                say!("đề xuất {id}, đã ghi nhận", "proposal {id}, accepted")
                            }
                            (false, true) => say!("đề xuất {id}", "proposal {id}"),
                            (false, false) => {
                                let why = ledger
                                    .proposal(*id)
                                    .map_err(anyhow::Error::from)?
                                    .map(|p| proposal::doubts(&p).join("; "))
                                    .unwrap_or_default();
                                say!(
                                    "đề xuất {id}, chưa chắc chắn ({why}): cần kiểm tra",
                                    "proposal {id}, uncertain ({why}): check it"
                                )
                            }
                        }
                    }
                    Outcome::Bounced(id) => {
                        bounced += 1;
                        say!("thư nhắc {id} bị trả lại", "reminder {id} bounced")
                    }
                    Outcome::Ignored(why) => {
                        ignored += 1;
                        say!("bỏ qua: {why}", "ignored: {why}")
                    }
                };
                println!("{}: {what}", f.display());
            }
            println!(
                "{}",
                say!(
                    "{} thư: {proposed} đề xuất, {bounced} bị trả lại, {ignored} bỏ qua, {seen} đã đọc từ trước",
                    "{} messages: {proposed} proposals, {bounced} bounced, {ignored} ignored, {seen} read before",
                    files.len()
                )
            );
            Ok(())
        }
        Some(Command::Accept { ids }) => {
            let by = super::actor();
            let now = super::moment(config, None)?;
            decide(ids, |id| ingest::accept(config, &mut ledger, id, &by, &now))
        }
        Some(Command::Show { id }) => show(config, &ledger, *id),
        Some(Command::Reject { ids }) => {
            let by = super::actor();
            decide(ids, |id| ingest::reject(&mut ledger, id, &by))
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

fn show(config: &Config, ledger: &crate::ledger::Ledger, id: i64) -> Result<(), CliError> {
    let Some(p) = ledger.proposal(id).map_err(anyhow::Error::from)? else {
        return Err(CliError::Usage(say!(
            "không có đề xuất số {id}; xem danh sách: dondoc inbox --all",
            "no proposal {id}; see the list: dondoc inbox --all"
        )));
    };
    let state = match p.state.as_str() {
        "open" => say!("đang chờ", "waiting"),
        "accepted" => say!("đã ghi nhận", "accepted"),
        _ => say!("đã bỏ", "rejected"),
    };
    let doubts = proposal::doubts(&p);
    let certainty = match doubts.is_empty() {
        true => say!(
            "trả lời thư nhắc, từ địa chỉ của đơn vị",
            "a reply to a reminder, from the agency's address"
        ),
        false => say!("chưa chắc chắn: {}", "uncertain: {}", doubts.join("; ")),
    };
    let name = config.agency_name(&p.agency);
    println!(
        "{} {id} ({state}; {certainty})",
        say!("Đề xuất", "Proposal")
    );
    println!("{}: {name} ({})", say!("Đơn vị", "Agency"), p.agency);
    println!("{}: {}", say!("Từ", "From"), p.sender);
    if let Some(at) = proposal::received(config, &p) {
        println!("{}: {at}", say!("Ngày thư", "Sent"));
    }
    println!("{}: {}", say!("Tiêu đề", "Subject"), p.subject);
    if let Some(r) = &p.reference {
        println!("{}: {r}", say!("Số, ký hiệu", "Number"));
    }
    println!("{}:", say!("Ghi nhận đã nộp", "Records as submitted"));
    for i in proposal::items(config, &p) {
        println!(
            "  - {}, {} {} ({}/{} {})",
            i.title,
            say!("kỳ", "period"),
            i.period_name,
            i.plan,
            i.obligation,
            i.period
        );
    }
    for f in &p.files {
        println!(
            "{}: {} ({} KB) — {}",
            say!("Tệp", "File"),
            f.path,
            f.size.div_ceil(1024),
            f.name
        );
    }
    for l in proposal::left_out(&p) {
        println!("{}: {l}", say!("Tệp không lưu", "File not kept"));
    }
    if let Some(text) = p.text.as_deref().filter(|t| !t.trim().is_empty()) {
        println!("\n{}", text.trim_end());
    }
    Ok(())
}

fn list(config: &Config, ledger: &crate::ledger::Ledger, args: &Args) -> Result<(), CliError> {
    let proposals: Vec<Proposal> = ledger.proposals(!args.all).map_err(anyhow::Error::from)?;
    let tz = &config.settings.timezone;
    let rows = proposals.iter().map(|p| Row {
        id: p.id,
        agency: &p.agency,
        items: p
            .items
            .iter()
            .map(|(plan, obligation, period)| Item {
                plan,
                obligation,
                period: period.to_string(),
            })
            .collect(),
        received: p.received.map(|t| crate::output::rfc3339(t, tz)),
        reference: p.reference.as_deref(),
        from: &p.sender,
        subject: &p.subject,
        certain: p.certain,
        doubts: proposal::doubts(p),
        state: &p.state,
        files: p.files.iter().map(|f| f.path.as_str()).collect(),
        left_out: proposal::left_out(p),
    });
    if args.format == ListFormat::Json {
        return super::print_json_rows(rows);
    }
    let mut t = super::table(&match crate::lang::get() {
        crate::lang::Lang::Vi => [
            "Số",
            "Đơn vị",
            "Nội dung, kỳ",
            "Thư ngày",
            "Số, ký hiệu",
            "Tiêu đề thư",
            "Tệp",
        ],
        crate::lang::Lang::En => [
            "ID", "Agency", "Items", "Received", "Number", "Subject", "Files",
        ],
    });
    for p in &proposals {
        let name = config.agency_name(&p.agency);
        let items: Vec<String> = p
            .items
            .iter()
            .map(|(plan, ob, period)| format!("{plan}/{ob} {}", dates::vn(*period)))
            .collect();
        let received = proposal::received(config, p).unwrap_or_default();
        let id = match p.certain {
            true => p.id.to_string(),
            false => format!("{}\n{}", p.id, say!("(chưa chắc chắn)", "(uncertain)")),
        };
        t.add_row(vec![
            id,
            name.to_string(),
            items.join("\n"),
            received,
            p.reference.clone().unwrap_or_default(),
            p.subject.clone(),
            p.files
                .iter()
                .map(|f| f.path.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        ]);
    }
    println!("{t}");
    for p in proposals.iter().filter(|p| !p.certain) {
        println!(
            "{}",
            say!(
                "Đề xuất {} chưa chắc chắn ({}); đọc thư trước khi ghi nhận.",
                "Proposal {} is uncertain ({}); read it before accepting.",
                p.id,
                proposal::doubts(p).join("; ")
            )
        );
    }
    if let Some(h) = ledger.inbox_health().map_err(anyhow::Error::from)? {
        let when = |t: jiff::Timestamp| {
            let z = t.to_zoned(config.settings.timezone.clone());
            dates::vn_time(&z)
        };
        if let Some(at) = h.read_at {
            println!(
                "{}",
                match h.mode.as_deref().filter(|_| h.error.is_none()) {
                    None => say!(
                        "Hộp thư đọc được lần cuối lúc {}",
                        "Mailbox last read at {}",
                        when(at)
                    ),
                    Some("idle") => say!(
                        "Hộp thư đọc lần cuối lúc {}; đang chờ thư mới (IMAP IDLE)",
                        "Mailbox read at {}; waiting for new mail (IMAP IDLE)",
                        when(at)
                    ),
                    _ => say!(
                        "Hộp thư đọc lần cuối lúc {} (5 phút một lần)",
                        "Mailbox read at {} (every 5 minutes)",
                        when(at)
                    ),
                }
            );
        }
        if let (Some(error), Some(at)) = (&h.error, h.error_at) {
            println!(
                "{}",
                say!(
                    "Không đọc được hộp thư lúc {} ({} lần liên tiếp): {error}",
                    "Cannot read the mailbox (last try {}, {} in a row): {error}",
                    when(at),
                    h.failures
                )
            );
        }
    }
    println!(
        "{}",
        say!(
            "{} đề xuất{}; đọc thư: dondoc inbox show SỐ, ghi nhận: dondoc inbox accept SỐ…, bỏ: dondoc inbox reject SỐ…",
            "{} proposals{}; read one: dondoc inbox show ID, record: dondoc inbox accept ID…, drop: dondoc inbox reject ID…",
            proposals.len(),
            if args.all {
                String::new()
            } else {
                say!(" đang chờ", " waiting")
            }
        )
    );
    Ok(())
}
