//! The mailbox's side of the ledger: which messages were read, and the
//! proposals they made, until a clerk (or `accept = "auto"`) decides them.

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{OptionalExtension, params};

use super::{Ledger, LedgerError, write_tx};

/// A proposal to store with the message that made it.
#[derive(Debug, Clone)]
pub struct NewProposal<'a> {
    pub agency: &'a str,
    /// (plan, obligation, period) of each item the message answers.
    pub items: &'a [(String, String, Date)],
    pub received: Option<i64>,
    pub reference: Option<&'a str>,
    pub sender: &'a str,
    pub subject: &'a str,
    /// The message's text (plain, or the HTML part's text).
    pub text: &'a str,
    pub certain: bool,
    /// Why it is not certain (`matching::Doubt` codes, space-separated).
    pub doubt: Option<&'a str>,
}

/// An attachment kept for a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptFile {
    pub name: String,
    pub path: String,
    pub size: u64,
}

/// A stored proposal.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub id: i64,
    pub message_id: String,
    pub agency: String,
    pub items: Vec<(String, String, Date)>,
    pub received: Option<Timestamp>,
    pub reference: Option<String>,
    pub sender: String,
    pub subject: String,
    /// The message's text; none for proposals read before it was kept.
    pub text: Option<String>,
    pub certain: bool,
    /// Why it is not certain (`matching::Doubt` codes, space-separated);
    /// none for certain ones and for uncertain ones read before it was kept.
    pub doubt: Option<String>,
    /// The attachments not kept (`ingest::LeftOut` lines).
    pub left_out: Option<String>,
    /// `open`, `accepted` or `rejected`.
    pub state: String,
    pub files: Vec<KeptFile>,
}

/// How reading the mailbox went lately.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxHealth {
    /// The daemon's last read that worked, and how it waits for mail:
    /// `idle` (IMAP IDLE) or `poll` (every 5 minutes).
    pub read_at: Option<Timestamp>,
    pub mode: Option<String>,
    /// The last failure since that read, and how many in a row.
    pub error: Option<String>,
    pub error_at: Option<Timestamp>,
    pub failures: u32,
}

impl Ledger {
    /// Records a read of the mailbox that worked (`mode`: idle or poll).
    pub fn inbox_read(&mut self, mode: &str) -> Result<(), LedgerError> {
        self.conn
            .execute(
                "INSERT INTO inbox_health (id, read_at, mode, error, error_at, failures)
                 VALUES (1, ?1, ?2, NULL, NULL, 0)
                 ON CONFLICT (id) DO UPDATE SET read_at = ?1, mode = ?2,
                     error = NULL, error_at = NULL, failures = 0",
                params![Timestamp::now().as_second(), mode],
            )
            .map(|_| ())
            .map_err(|e| self.sql(e))
    }

    /// Records a failure to read the mailbox.
    pub fn inbox_failed(&mut self, error: &str) -> Result<(), LedgerError> {
        self.conn
            .execute(
                "INSERT INTO inbox_health (id, error, error_at, failures) VALUES (1, ?1, ?2, 1)
                 ON CONFLICT (id) DO UPDATE SET error = ?1, error_at = ?2, failures = failures + 1",
                params![error, Timestamp::now().as_second()],
            )
            .map(|_| ())
            .map_err(|e| self.sql(e))
    }

    /// How reading the mailbox went lately; none before the first attempt.
    pub fn inbox_health(&self) -> Result<Option<InboxHealth>, LedgerError> {
        let at = |t: Option<i64>| t.and_then(|t| Timestamp::from_second(t).ok());
        self.conn
            .query_row(
                "SELECT read_at, mode, error, error_at, failures FROM inbox_health WHERE id = 1",
                [],
                |r| {
                    Ok(InboxHealth {
                        read_at: at(r.get(0)?),
                        mode: r.get(1)?,
                        error: r.get(2)?,
                        error_at: at(r.get(3)?),
                        failures: r.get(4)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// How many proposals wait for a clerk.
    pub fn open_proposals(&self) -> Result<u64, LedgerError> {
        self.conn
            .query_row(
                "SELECT count(*) FROM proposals WHERE state = 'open'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(i64::unsigned_abs)
            .map_err(|e| self.sql(e))
    }

    /// Whether message `id` was read before.
    pub fn message_read(&self, id: &str) -> Result<bool, LedgerError> {
        self.conn
            .query_row(
                "SELECT 1 FROM inbox_messages WHERE message_id = ?1",
                [id],
                |_| Ok(()),
            )
            .optional()
            .map(|r| r.is_some())
            .map_err(|e| self.sql(e))
    }

    /// Records that message `id` was read and what it meant, with the
    /// proposal it makes, in one transaction. `None` when it was read before
    /// (nothing is written); else the new proposal's id, if any.
    pub fn take_message(
        &mut self,
        id: &str,
        outcome: &str,
        proposal: Option<&NewProposal<'_>>,
    ) -> Result<Option<Option<i64>>, LedgerError> {
        let (tx, sql) = write_tx(&mut self.conn, &self.path)?;
        let n = tx
            .execute(
                "INSERT INTO inbox_messages (message_id, read_at, outcome) VALUES (?1, ?2, ?3)
                 ON CONFLICT (message_id) DO NOTHING",
                params![id, Timestamp::now().as_second(), outcome],
            )
            .map_err(|e| sql.err(e))?;
        if n == 0 {
            return Ok(None);
        }
        let mut made = None;
        if let Some(p) = proposal {
            tx.execute(
                "INSERT INTO proposals (message_id, agency, received, ref, sender, subject, text, certain, doubt, state)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'open')",
                params![id, p.agency, p.received, p.reference, p.sender, p.subject, p.text, p.certain, p.doubt],
            )
            .map_err(|e| sql.err(e))?;
            let pid = tx.last_insert_rowid();
            for (plan, obligation, period) in p.items {
                tx.execute(
                    "INSERT INTO proposal_items (proposal, plan, obligation, period)
                     VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                    params![pid, plan, obligation, period.to_string()],
                )
                .map_err(|e| sql.err(e))?;
            }
            made = Some(pid);
        }
        tx.commit().map_err(|e| sql.err(e))?;
        Ok(Some(made))
    }

    /// Links a file kept under `attachments/` to a proposal.
    pub fn keep_file(&mut self, proposal: i64, file: &KeptFile) -> Result<(), LedgerError> {
        self.conn
            .execute(
                "INSERT INTO proposal_files (proposal, name, path, size) VALUES (?1, ?2, ?3, ?4)",
                params![
                    proposal,
                    file.name,
                    file.path,
                    i64::try_from(file.size).unwrap_or(i64::MAX)
                ],
            )
            .map(|_| ())
            .map_err(|e| self.sql(e))
    }

    /// Notes which of a proposal's attachments were not kept, and why.
    pub fn left_out(&mut self, proposal: i64, lines: &str) -> Result<(), LedgerError> {
        self.conn
            .execute(
                "UPDATE proposals SET left_out = ?2 WHERE id = ?1",
                params![proposal, lines],
            )
            .map(|_| ())
            .map_err(|e| self.sql(e))
    }

    /// The proposals, oldest first; only the open ones with `open_only`.
    pub fn proposals(&self, open_only: bool) -> Result<Vec<Proposal>, LedgerError> {
        self.proposals_where(open_only, None)
    }

    /// Proposal `id`, whatever its state.
    pub fn proposal(&self, id: i64) -> Result<Option<Proposal>, LedgerError> {
        Ok(self.proposals_where(false, Some(id))?.pop())
    }

    fn proposals_where(
        &self,
        open_only: bool,
        id: Option<i64>,
    ) -> Result<Vec<Proposal>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, message_id, agency, received, ref, sender, subject, certain, state, text,
                        doubt, left_out
                 FROM proposals WHERE (?1 = 0 OR state = 'open') AND (?2 IS NULL OR id = ?2)
                 ORDER BY id",
            )
            .map_err(|e| self.sql(e))?;
        let heads: Vec<Proposal> = stmt
            .query_map(params![i64::from(open_only), id], |r| {
                Ok(Proposal {
                    id: r.get(0)?,
                    message_id: r.get(1)?,
                    agency: r.get(2)?,
                    items: Vec::new(),
                    received: r
                        .get::<_, Option<i64>>(3)?
                        .and_then(|t| Timestamp::from_second(t).ok()),
                    reference: r.get(4)?,
                    sender: r.get(5)?,
                    subject: r.get(6)?,
                    certain: r.get(7)?,
                    state: r.get(8)?,
                    text: r.get(9)?,
                    doubt: r.get(10)?,
                    left_out: r.get(11)?,
                    files: Vec::new(),
                })
            })
            .map_err(|e| self.sql(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sql(e))?;
        let mut items = self
            .conn
            .prepare_cached(
                "SELECT plan, obligation, period FROM proposal_items WHERE proposal = ?1
                 ORDER BY plan, obligation, period",
            )
            .map_err(|e| self.sql(e))?;
        let mut files = self
            .conn
            .prepare_cached(
                "SELECT name, path, size FROM proposal_files WHERE proposal = ?1 ORDER BY rowid",
            )
            .map_err(|e| self.sql(e))?;
        let mut out = Vec::with_capacity(heads.len());
        for mut p in heads {
            p.items = items
                .query_map([p.id], |r| {
                    let period: String = r.get(2)?;
                    let period = period.parse::<Date>().map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            2,
                            rusqlite::types::Type::Text,
                            Box::new(e),
                        )
                    })?;
                    Ok((r.get(0)?, r.get(1)?, period))
                })
                .map_err(|e| self.sql(e))?
                .collect::<Result<_, _>>()
                .map_err(|e| self.sql(e))?;
            p.files = files
                .query_map([p.id], |r| {
                    Ok(KeptFile {
                        name: r.get(0)?,
                        path: r.get(1)?,
                        size: r.get::<_, i64>(2)?.unsigned_abs(),
                    })
                })
                .map_err(|e| self.sql(e))?
                .collect::<Result<_, _>>()
                .map_err(|e| self.sql(e))?;
            out.push(p);
        }
        Ok(out)
    }

    /// Marks an open proposal accepted or rejected by `by`; whether it was open.
    pub fn decide_proposal(
        &mut self,
        id: i64,
        accepted: bool,
        by: &str,
    ) -> Result<bool, LedgerError> {
        let n = self
            .conn
            .execute(
                "UPDATE proposals SET state = ?2, decided_at = ?3, decided_by = ?4
                 WHERE id = ?1 AND state = 'open'",
                params![
                    id,
                    if accepted { "accepted" } else { "rejected" },
                    Timestamp::now().as_second(),
                    by
                ],
            )
            .map_err(|e| self.sql(e))?;
        Ok(n > 0)
    }

    /// Puts a dropped proposal back among the open ones; whether it was dropped.
    pub fn reopen_proposal(&mut self, id: i64) -> Result<bool, LedgerError> {
        let n = self
            .conn
            .execute(
                "UPDATE proposals SET state = 'open', decided_at = NULL, decided_by = NULL
                 WHERE id = ?1 AND state = 'rejected'",
                [id],
            )
            .map_err(|e| self.sql(e))?;
        Ok(n > 0)
    }

    /// A reminder that bounced: its message is failed, with the bounce's
    /// reason, for `status` to show (the office must phone). Whether it was ours.
    pub fn mark_bounced(&mut self, message_id: &str, reason: &str) -> Result<bool, LedgerError> {
        let n = self
            .conn
            .execute(
                "UPDATE messages SET state = 'failed', last_error = ?2 WHERE message_id = ?1",
                params![message_id, reason],
            )
            .map_err(|e| self.sql(e))?;
        Ok(n > 0)
    }
}
