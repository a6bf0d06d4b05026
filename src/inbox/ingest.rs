//! From a raw message to the ledger, exactly once: the message's id is
//! recorded in the transaction that stores what it proposes, so a second
//! fetch of the same message (a restart, a reload, two folders) changes
//! nothing. Then a proposal waits for a clerk (`dondoc inbox accept`), or is
//! accepted at once (`accept = "auto"`); a bounce marks its reminder failed.

use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::matching::{Meaning, meaning};
use super::message::{Attachment, read};
use crate::config::Config;
use crate::dates;
use crate::ledger::inbox::{KeptFile, NewProposal};
use crate::ledger::{Ledger, LedgerError, PairKey, Submission};

/// The most of a message's text kept for the clerk (characters).
pub const TEXT_AT_MOST: usize = 20_000;

/// The largest attachment kept (a mail server's usual limit); a larger one
/// is left in the mailbox and said so.
pub const FILE_AT_MOST: usize = 25 << 20;

/// What reading one message did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Read before: nothing done.
    Seen,
    /// A new proposal (its id), whether it is certain (a reply to a
    /// reminder) and whether it was accepted at once.
    Proposed {
        id: i64,
        certain: bool,
        accepted: bool,
    },
    /// A reminder of ours bounced (its Message-ID).
    Bounced(String),
    /// Nothing to do, and why.
    Ignored(String),
}

/// Reads one message and records what it means. `auto`: accept a certain
/// proposal at once, as `recorded_by = "inbox"` (an uncertain one waits).
pub fn ingest(
    config: &Config,
    ledger: &mut Ledger,
    raw: &[u8],
    auto: bool,
) -> Result<Outcome, LedgerError> {
    let Some(m) = read(raw) else {
        return Ok(Outcome::Ignored("not an email".into()));
    };
    if ledger.message_read(&m.id)? {
        return Ok(Outcome::Seen);
    }
    match meaning(config, ledger, &m)? {
        Meaning::Submitted(p) => {
            let items: Vec<(String, String, jiff::civil::Date)> = p
                .items
                .iter()
                .map(|k| (k.plan.clone(), k.obligation.clone(), k.period))
                .collect();
            let text: String = m.text.chars().take(TEXT_AT_MOST).collect();
            let new = NewProposal {
                agency: &p.agency,
                items: &items,
                received: p.received,
                reference: p.reference.as_deref(),
                sender: &p.from,
                subject: &p.subject,
                text: &text,
                certain: p.certain,
            };
            let Some(Some(id)) = ledger.take_message(&m.id, "proposal", Some(&new))? else {
                return Ok(Outcome::Seen);
            };
            keep_files(config, ledger, id, &m.attachments)?;
            // An uncertain proposal (no reply, only the plan and period
            // named) waits for a clerk even with `accept = "auto"`.
            let accepted = auto && p.certain && accept(config, ledger, id, "inbox")?.is_ok();
            Ok(Outcome::Proposed {
                id,
                certain: p.certain,
                accepted,
            })
        }
        Meaning::Bounced(reminder) => {
            if ledger.take_message(&m.id, "bounce", None)?.is_none() {
                return Ok(Outcome::Seen);
            }
            let reason = format!("bounced: {}", first_line(&m.text));
            ledger.mark_bounced(&reminder, &reason)?;
            Ok(Outcome::Bounced(reminder))
        }
        Meaning::Ignored(why) => {
            ledger.take_message(&m.id, why, None)?;
            Ok(Outcome::Ignored(why.into()))
        }
    }
}

fn first_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .chars()
        .take(200)
        .collect()
}

/// Records an open proposal's items as submitted by its agency, on the
/// message's date, with its document number, as `by`. `Err` says why not
/// (a different submission is already recorded; the proposal is not open).
pub fn accept(
    config: &Config,
    ledger: &mut Ledger,
    id: i64,
    by: &str,
) -> Result<Result<String, String>, LedgerError> {
    let Some(p) = ledger.proposal(id)?.filter(|p| p.state == "open") else {
        return Ok(Err(not_open(id)));
    };
    let now = Timestamp::now();
    let at = p.received.filter(|t| *t <= now).unwrap_or(now);
    let batch: Vec<Submission> = p
        .items
        .iter()
        .map(|(plan, obligation, period)| Submission {
            key: PairKey {
                plan: plan.clone(),
                obligation: obligation.clone(),
                period: *period,
                agency: p.agency.clone(),
            },
            submitted_at: at,
            reference: p.reference.clone(),
            note: Some(format!("Thư: {}", p.subject)),
        })
        .collect();
    ledger.set_actor(by);
    let recorded = ledger.record_submissions(&batch, false);
    ledger.set_actor("inbox");
    if let Err(conflict) = recorded? {
        return Ok(Err(crate::lang::say!(
            "đơn vị này đã có bản nộp khác cho kỳ này: {}; bỏ đề xuất, hoặc xóa bản nộp đó trước",
            "a different submission is already recorded: {}; reject the proposal, or remove that submission first",
            crate::engine::record::describe(config, &conflict.existing)
        )));
    }
    ledger.decide_proposal(id, true, by)?;
    let local = at.to_zoned(config.settings.timezone.clone());
    let name = config.agency_name(&p.agency);
    Ok(Ok(crate::lang::say!(
        "Đã ghi nhận đề xuất {id}: {name} đã nộp {} nội dung ngày {}",
        "accepted proposal {id}: {name} submitted {} item(s) on {}",
        batch.len(),
        dates::vn(local.date())
    )))
}

/// Drops an open proposal (nothing is recorded), as `by`. `Err`: it is not
/// open.
pub fn reject(
    ledger: &mut Ledger,
    id: i64,
    by: &str,
) -> Result<Result<String, String>, LedgerError> {
    Ok(match ledger.decide_proposal(id, false, by)? {
        true => Ok(crate::lang::say!(
            "Đã bỏ đề xuất {id}",
            "rejected proposal {id}"
        )),
        false => Err(not_open(id)),
    })
}

fn not_open(id: i64) -> String {
    crate::lang::say!(
        "không có đề xuất nào đang chờ số {id}",
        "no open proposal {id}"
    )
}

/// Keeps a proposal's attachments under `attachments/` beside the
/// database: mode 0600, names made safe, at most [`FILE_AT_MOST`] each.
fn keep_files(
    config: &Config,
    ledger: &mut Ledger,
    proposal: i64,
    files: &[Attachment],
) -> Result<(), LedgerError> {
    if files.is_empty() {
        return Ok(());
    }
    let dir = attachments_dir(&config.settings.database);
    let io = |e: std::io::Error| LedgerError::Io {
        path: dir.clone(),
        source: e,
    };
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)
        .map_err(io)?;
    for (n, f) in files.iter().enumerate() {
        if f.bytes.len() > FILE_AT_MOST {
            tracing::warn!(proposal, name = %f.name, size = f.bytes.len(), "attachment too large; left in the mailbox");
            continue;
        }
        let name = format!("{proposal}-{n}-{}", safe_name(&f.name));
        let path = dir.join(&name);
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(io)?;
        out.write_all(&f.bytes).map_err(io)?;
        ledger.keep_file(
            proposal,
            &KeptFile {
                name: f.name.clone(),
                path: format!("attachments/{name}"),
                size: f.bytes.len() as u64,
            },
        )?;
    }
    Ok(())
}

/// `attachments/` beside the database.
pub fn attachments_dir(database: &Path) -> PathBuf {
    database
        .parent()
        .unwrap_or(Path::new("."))
        .join("attachments")
}

/// A file name that names nothing else: no directories, no leading dot, no
/// control characters, at most 100 characters; letters (Vietnamese ones
/// included), digits, `.`, `-`, `_` kept, anything else `_`.
pub fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    let cleaned = cleaned.trim_start_matches('.');
    if cleaned.is_empty() {
        "tep".into()
    } else {
        cleaned.into()
    }
}

#[cfg(test)]
mod tests {
    use super::safe_name;

    #[test]
    fn names_are_made_safe() {
        assert_eq!(safe_name("Báo cáo 6 tháng.pdf"), "Báo_cáo_6_tháng.pdf");
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("..\\..\\boot.ini"), "boot.ini");
        assert_eq!(safe_name(".bashrc"), "bashrc");
        assert_eq!(safe_name("a\u{0}b\nc.pdf"), "a_b_c.pdf");
        assert_eq!(safe_name(""), "tep");
        assert_eq!(safe_name(&"x".repeat(300)).len(), 100);
    }
}
