//! From a raw message to the ledger, exactly once: the message's id is
//! recorded in the transaction that stores what it proposes, so a second
//! fetch of the same message (a restart, a reload, two folders) changes
//! nothing. Then a proposal waits for a clerk (`dondoc inbox accept`), or is
//! accepted at once (`accept = "auto"`); a bounce marks its reminder failed.

use std::io::Write as _;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use jiff::{Timestamp, Zoned};

pub use super::left_out::{LeftOut, Why};
use super::matching::{Doubt, Meaning, meaning};
use super::message::{Attachment, FILE_AT_MOST, read};
pub use super::message::{MESSAGE_AT_MOST, MESSAGE_HEAD};
use crate::config::Config;
use crate::engine::record::{Refused, record_known};
use crate::lang::{Lang, say};
use crate::ledger::inbox::{KeptFile, NewProposal};
use crate::ledger::{Ledger, LedgerError, PairKey, Submission};

/// The most of a message's text kept for the clerk (characters).
pub const TEXT_AT_MOST: usize = 20_000;

/// The most of a subject kept (characters): it becomes the note of what is
/// recorded, and a note goes into spreadsheets.
pub const SUBJECT_AT_MOST: usize = 500;

/// A message as the mailbox gave it: `bytes` is the whole message, or
/// only its beginning when `size` (the whole message's) is larger.
#[derive(Debug, Clone, Copy)]
pub struct Raw<'a> {
    pub bytes: &'a [u8],
    pub size: u64,
}

impl<'a> Raw<'a> {
    /// A message read whole.
    pub fn whole(bytes: &'a [u8]) -> Raw<'a> {
        Raw {
            bytes,
            size: bytes.len() as u64,
        }
    }

    fn cut(&self) -> bool {
        self.size > self.bytes.len() as u64
    }
}

/// What reading one message did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Read before: nothing done.
    Seen,
    /// A new proposal (its id), whether it is certain (it proved itself as
    /// the agency's reply to a reminder) and whether it was accepted at once.
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
/// proposal at once, as `recorded_by = "inbox"` (a doubtful one waits).
/// `now` is the daemon's clock.
pub fn ingest(
    config: &Config,
    ledger: &mut Ledger,
    raw: Raw<'_>,
    auto: bool,
    now: Timestamp,
) -> Result<Outcome, LedgerError> {
    let Some(m) = read(raw.bytes) else {
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
            let subject: String = p.subject.chars().take(SUBJECT_AT_MOST).collect();
            let mut left_out = Vec::new();
            if raw.cut() {
                left_out.push(LeftOut {
                    name: String::new(),
                    size: raw.size,
                    why: Why::MessageTooLarge,
                });
            }
            let doubt = Doubt::codes(&p.doubts);
            let new = NewProposal {
                agency: &p.agency,
                items: &items,
                // Not dated in the future.
                received: p.received.map(|t| t.min(now.as_second())),
                reference: p.reference.as_deref(),
                sender: &p.from,
                subject: &subject,
                text: &text,
                certain: p.certain(),
                doubt: doubt.as_deref(),
            };
            let Some(Some(id)) = ledger.take_message(&m.id, "proposal", Some(&new))? else {
                return Ok(Outcome::Seen);
            };
            if !raw.cut() {
                left_out.extend(keep_files(config, ledger, id, &m.attachments)?);
                let (more, size) = m.more_files;
                if more > 0 {
                    left_out.push(LeftOut {
                        name: String::new(),
                        size,
                        why: Why::TooMany(more),
                    });
                }
            }
            if !left_out.is_empty() {
                let lines: Vec<String> = left_out.iter().map(LeftOut::line).collect();
                ledger.left_out(id, &lines.join("\n"))?;
                tracing::warn!(
                    proposal = id,
                    left_out = lines.len(),
                    "inbox: attachments not kept"
                );
            }
            // A doubtful proposal waits for a clerk even with `accept = "auto"`.
            let accepted = if auto && p.certain() {
                let now = now.to_zoned(config.settings.timezone.clone());
                // The log is read in English, as the rest of it.
                match accept(config, ledger, id, "inbox", &now, Lang::En)? {
                    Ok(_) => true,
                    Err(why) => {
                        tracing::warn!(proposal = id, %why, "inbox: not recorded at once; it waits for a clerk");
                        false
                    }
                }
            } else {
                false
            };
            Ok(Outcome::Proposed {
                id,
                certain: p.certain(),
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
/// message's date (or `now`, if it is dated later), with its document
/// number, as `by` — through [`record_known`]: the checks and the verdict
/// of `submit`. `Err` says why not (the proposal is not open, a date is
/// refused, a different submission is already recorded).
pub fn accept(
    config: &Config,
    ledger: &mut Ledger,
    id: i64,
    by: &str,
    now: &Zoned,
    lang: Lang,
) -> Result<Result<String, String>, LedgerError> {
    let Some(p) = ledger.proposal(id)?.filter(|p| p.state == "open") else {
        return Ok(Err(not_open(id, lang)));
    };
    let at = p
        .received
        .filter(|t| *t <= now.timestamp())
        .unwrap_or(now.timestamp());
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
    let lines = match record_known(config, ledger, &batch, by, now, lang) {
        Ok(lines) => lines,
        Err(Refused::Ledger(e)) => return Err(e),
        Err(Refused::Conflict { existing }) => {
            return Ok(Err(say!(
                lang,
                "đơn vị này đã có bản nộp khác cho kỳ này: {}; bỏ đề xuất, hoặc xóa bản nộp đó trước",
                "a different submission is already recorded: {}; reject the proposal, or remove that submission first",
                existing
            )));
        }
        Err(
            Refused::Field { message, .. }
            | Refused::Unconfirmed { message, .. }
            | Refused::Nothing(message),
        ) => {
            return Ok(Err(say!(
                lang,
                "không ghi nhận đề xuất {id}: {message}; nếu đúng, ghi bằng tay (Ghi nhận, hoặc dondoc submit --force)",
                "proposal {id} not accepted: {message}; if it is right, record it by hand (Record, or dondoc submit --force)"
            )));
        }
    };
    ledger.decide_proposal(id, true, by)?;
    Ok(Ok(say!(
        lang,
        "Đã ghi nhận đề xuất {id}: {}",
        "accepted proposal {id}: {}",
        lines.join("; ")
    )))
}

/// Drops an open proposal (nothing is recorded), as `by`. `Err`: it is not
/// open.
pub fn reject(
    ledger: &mut Ledger,
    id: i64,
    by: &str,
    lang: Lang,
) -> Result<Result<String, String>, LedgerError> {
    Ok(match ledger.decide_proposal(id, false, by)? {
        true => Ok(crate::lang::say!(
            lang,
            "Đã bỏ đề xuất {id}",
            "rejected proposal {id}"
        )),
        false => Err(not_open(id, lang)),
    })
}

/// Puts dropped proposal `id` back among the open ones.
pub fn restore(
    ledger: &mut Ledger,
    id: i64,
    lang: Lang,
) -> Result<Result<String, String>, LedgerError> {
    Ok(match ledger.reopen_proposal(id)? {
        true => Ok(crate::lang::say!(
            lang,
            "Đã khôi phục đề xuất {id}: đề xuất lại chờ ghi nhận",
            "restored proposal {id}: open again"
        )),
        false => Err(crate::lang::say!(
            lang,
            "không có đề xuất đã bỏ nào số {id}",
            "no rejected proposal {id}"
        )),
    })
}

fn not_open(id: i64, lang: Lang) -> String {
    crate::lang::say!(
        lang,
        "không có đề xuất nào đang chờ số {id}",
        "no open proposal {id}"
    )
}

/// Keeps a proposal's attachments under `attachments/` beside the
/// database: mode 0600, names made safe, at most [`FILE_AT_MOST`] each.
/// What was not kept is returned (too large; a file that could not be
/// written does not stop the others).
fn keep_files(
    config: &Config,
    ledger: &mut Ledger,
    proposal: i64,
    files: &[Attachment],
) -> Result<Vec<LeftOut>, LedgerError> {
    let mut left_out = Vec::new();
    if files.is_empty() {
        return Ok(left_out);
    }
    let dir = attachments_dir(&config.settings.database);
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)
        .map_err(|e| LedgerError::Io {
            path: dir.clone(),
            source: e,
        })?;
    for (n, f) in files.iter().enumerate() {
        let size = f.size as u64;
        if f.size > FILE_AT_MOST {
            left_out.push(LeftOut {
                name: f.name.clone(),
                size,
                why: Why::FileTooLarge,
            });
            continue;
        }
        let name = format!("{proposal}-{n}-{}", safe_name(&f.name));
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(dir.join(&name))
            .and_then(|mut out| out.write_all(&f.bytes));
        if let Err(e) = written {
            left_out.push(LeftOut {
                name: f.name.clone(),
                size,
                why: Why::NotWritten(e.to_string()),
            });
            continue;
        }
        ledger.keep_file(
            proposal,
            &KeptFile {
                name: f.name.clone(),
                path: format!("attachments/{name}"),
                size,
            },
        )?;
    }
    Ok(left_out)
}

/// `attachments/` beside the database.
pub fn attachments_dir(database: &Path) -> PathBuf {
    database
        .parent()
        .unwrap_or(Path::new("."))
        .join("attachments")
}

/// How long a safe name may be, in bytes: with the proposal's number in
/// front it stays under the 255 bytes a file name may have.
const NAME_AT_MOST: usize = 200;

/// A file name that names nothing else: no directories, no leading dot, no
/// control characters, at most 100 characters and [`NAME_AT_MOST`] bytes
/// (cut at a character: *ữ* is 3 bytes); letters (Vietnamese ones
/// included), digits, `.`, `-`, `_` kept, anything else `_`.
pub fn safe_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let mut bytes = 0;
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
        .take_while(|c| {
            bytes += c.len_utf8();
            bytes <= NAME_AT_MOST
        })
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
        // 100 × "ữ" is 300 bytes: over a file name's 255.
        let long = safe_name(&format!("{}.pdf", "ữ".repeat(100)));
        assert!(long.len() <= 200 && long.starts_with("ữữ"), "{long}");
    }
}
