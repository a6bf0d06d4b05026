//! The message queue and the sent-log behind it (not to be confused with the
//! `outbox` transport, which writes `.eml` files): claim before sending, confirm
//! after the server's 250, retry with backoff, never claim a step twice.
//!
//! A (pair, step) row in `sent_log` is inserted when its message is claimed;
//! the primary key makes a second claim impossible, which is the at-most-once
//! guarantee. The message's raw bytes are stored in the same transaction, so a
//! crash between claim and confirmation leaves a `pending` message that the
//! next sender delivers byte for byte, with the same Message-ID.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::{Ledger, LedgerError, MessageState, PairKey, SentStep, Step, key_from_row, key_params};

/// A message to claim and the (pair, step)s it reminds of.
pub struct Claim<'a> {
    pub message: NewMessage<'a>,
    pub items: Vec<(PairKey, Step)>,
}

/// A new message to claim.
pub struct NewMessage<'a> {
    pub message_id: &'a str,
    pub agency: &'a str,
    pub thread: &'a str,
    pub moment: Timestamp,
    /// Real time of the claim (retries give up counting from it).
    pub created: Timestamp,
}

/// The message built for the items actually claimed: envelope and bytes.
pub struct Body {
    pub sender: String,
    pub recipients: Vec<String>,
    pub raw: Vec<u8>,
}

/// A stored message ready to go.
#[derive(Debug, Clone)]
pub struct Stored {
    pub message_id: String,
    pub agency: String,
    pub sender: String,
    pub recipients: Vec<String>,
    pub attempts: i64,
    pub moment: Timestamp,
    pub created: Timestamp,
}

/// What became of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The server answered 250 (or the file is on disk), at this time.
    Sent(Timestamp),
    /// Refused for good, or given up on.
    Failed(String),
    /// A transient failure; the next attempt is due at this time.
    Retry(String, Timestamp),
    /// Every pair was settled before the message could go.
    Cancelled,
}

impl Ledger {
    /// Every (pair, step) in the sent-log.
    pub fn sent_steps(&self) -> Result<Vec<SentStep>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT plan, obligation, period, agency, step FROM sent_log")
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(SentStep {
                    key: key_from_row(r)?,
                    step: r.get(4)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// The Message-IDs already in a thread, oldest first.
    pub fn thread(&self, thread: &str) -> Result<Vec<String>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT message_id FROM messages WHERE thread = ?1 ORDER BY moment, rowid",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([thread], |r| r.get(0))
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// Claims the (pair, step)s of several messages in one transaction. For
    /// each message, the items not yet in the sent-log are claimed and
    /// `render(message index, claimed item indices)` builds the message for
    /// them, stored `pending`; a message none of whose items could be claimed
    /// (another sender had them) is not stored. Returns the claimed indices
    /// per message.
    pub fn claim_all(
        &mut self,
        claims: &[Claim],
        mut render: impl FnMut(usize, &[usize]) -> Body,
    ) -> Result<Vec<Vec<usize>>, LedgerError> {
        let (tx, sql) = super::write_tx(&mut self.conn, &self.path)?;
        let mut out = Vec::with_capacity(claims.len());
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO sent_log (plan, obligation, period, agency, step, message_id, state, claimed_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'claimed', ?7)
                     ON CONFLICT DO NOTHING",
                )
                .map_err(|e| sql.err(e))?;
            let mut message_row = tx
                .prepare_cached(
                    "INSERT INTO messages (message_id, agency, thread, moment, created_at, sender, recipients, state)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending')",
                )
                .map_err(|e| sql.err(e))?;
            let mut body_row = tx
                .prepare_cached("INSERT INTO message_bodies (message_id, raw) VALUES (?1, ?2)")
                .map_err(|e| sql.err(e))?;
            for (n, claim) in claims.iter().enumerate() {
                let m = &claim.message;
                let mut claimed = Vec::new();
                for (i, (key, step)) in claim.items.iter().enumerate() {
                    let [plan, obligation, period, agency] = key_params(key);
                    let moment = m.moment.as_second();
                    let inserted = insert
                        .execute(params![
                            plan,
                            obligation,
                            period,
                            agency,
                            step,
                            m.message_id,
                            moment
                        ])
                        .map_err(|e| sql.err(e))?;
                    if inserted == 1 {
                        claimed.push(i);
                    }
                }
                if !claimed.is_empty() {
                    let r = render(n, &claimed);
                    message_row
                        .execute(params![
                            m.message_id,
                            m.agency,
                            m.thread,
                            m.moment.as_second(),
                            m.created.as_second(),
                            r.sender,
                            r.recipients.join(","),
                        ])
                        .map_err(|e| sql.err(e))?;
                    body_row
                        .execute(params![m.message_id, r.raw])
                        .map_err(|e| sql.err(e))?;
                }
                out.push(claimed);
            }
        }
        tx.commit().map_err(|e| sql.err(e))?;
        Ok(out)
    }

    /// Postpones every queued message due by `until` to `until`, counting the
    /// attempt (so that the backoff grows): the mail server refused the
    /// transport and nothing can go before the admin acts. Messages another
    /// live sender holds are left to it. Returns how many were postponed.
    pub fn postpone_all(&mut self, until: Timestamp, error: &str) -> Result<usize, LedgerError> {
        self.conn
            .execute(
                "UPDATE messages SET state = 'retry', next_try_at = ?2, last_error = ?3, lease_until = NULL,
                   attempts = attempts + 1
                 WHERE state IN ('pending', 'retry') AND coalesce(next_try_at, 0) <= ?2
                   AND (lease_until IS NULL OR lease_until <= ?1 OR lease_owner = ?4)",
                params![Timestamp::now().as_second(), until.as_second(), error, lease_owner()],
            )
            .map_err(|e| self.sql(e))
    }

    /// How many messages wait to be delivered (new, or retrying).
    pub fn queued(&self) -> Result<usize, LedgerError> {
        self.conn
            .query_row(
                "SELECT count(*) FROM messages WHERE state IN ('pending', 'retry')",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n as usize)
            .map_err(|e| self.sql(e))
    }

    /// Releases the leases held by processes of this host that no longer run
    /// (a sender that crashed), and this process's own, left by an earlier
    /// delivery run that stopped on an error (a process runs one delivery at
    /// a time: none of its leases is in use when the next run starts). Their
    /// messages can go at once, instead of when the leases run out. Returns
    /// how many were released.
    pub fn release_dead_leases(&mut self) -> Result<usize, LedgerError> {
        let owners: Vec<String> = {
            let mut stmt = self
                .conn
                .prepare("SELECT DISTINCT lease_owner FROM messages WHERE lease_until IS NOT NULL AND lease_owner IS NOT NULL")
                .map_err(|e| self.sql(e))?;
            let rows = stmt.query_map([], |r| r.get(0)).map_err(|e| self.sql(e))?;
            rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))?
        };
        let mut released = 0;
        for owner in owners
            .iter()
            .filter(|o| owner_is_dead(o) || o.as_str() == lease_owner())
        {
            released += self
                .conn
                .execute(
                    "UPDATE messages SET lease_until = NULL, lease_owner = NULL WHERE lease_owner = ?1",
                    [owner],
                )
                .map_err(|e| self.sql(e))?;
        }
        Ok(released)
    }

    /// When stored messages become deliverable, for the daemon to wake then:
    /// the next retry (on the engine's clock) and the next lease of another
    /// sender to run out (real time).
    pub fn next_delivery(&self) -> Result<(Option<Timestamp>, Option<Timestamp>), LedgerError> {
        let (retry, lease): (Option<i64>, Option<i64>) = self
            .conn
            .query_row(
                "SELECT min(CASE WHEN lease_until IS NULL THEN coalesce(next_try_at, 0) END), min(lease_until)
                 FROM messages WHERE state IN ('pending', 'retry')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| self.sql(e))?;
        let at = |s: Option<i64>| s.and_then(|s| Timestamp::from_second(s).ok());
        Ok((at(retry), at(lease)))
    }

    /// The agency a stored message was sent to (`None` for the digest, or a
    /// Message-ID that is not ours). `message_id` with its angle brackets.
    pub fn message_agency(&self, message_id: &str) -> Result<Option<String>, LedgerError> {
        self.conn
            .prepare_cached("SELECT agency FROM messages WHERE message_id = ?1 AND agency != ''")
            .and_then(|mut stmt| stmt.query_row([message_id], |r| r.get(0)).optional())
            .map_err(|e| self.sql(e))
    }

    /// The envelope recipients of a stored message sent to an agency
    /// (`message_id` with its angle brackets), lower-cased; `None` when it
    /// is not ours.
    pub fn message_recipients(&self, message_id: &str) -> Result<Option<Vec<String>>, LedgerError> {
        let list: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT recipients FROM messages WHERE message_id = ?1 AND agency != ''",
            )
            .and_then(|mut stmt| stmt.query_row([message_id], |r| r.get(0)).optional())
            .map_err(|e| self.sql(e))?;
        Ok(list.map(|l| {
            l.split(',')
                .map(|a| a.trim().to_lowercase())
                .filter(|a| !a.is_empty())
                .collect()
        }))
    }

    /// The send moment a stored message sent to an agency was made for (it
    /// left no earlier), as Unix seconds; `None` when it is not ours.
    pub fn message_sent_at(&self, message_id: &str) -> Result<Option<i64>, LedgerError> {
        self.conn
            .prepare_cached("SELECT moment FROM messages WHERE message_id = ?1 AND agency != ''")
            .and_then(|mut stmt| stmt.query_row([message_id], |r| r.get(0)).optional())
            .map_err(|e| self.sql(e))
    }

    /// The pairs a message reminded of (`message_id` with its brackets).
    pub fn message_pairs(&self, message_id: &str) -> Result<Vec<PairKey>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT plan, obligation, period, agency FROM sent_log WHERE message_id = ?1
                 ORDER BY plan, obligation, period",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([message_id], key_from_row)
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// Whether every pair a message reminds of is submitted (at any time up
    /// to `at`) or waived, so that sending it late would be moot; false for
    /// a message with no pairs (the digest). One statement, one read.
    pub fn message_settled(&self, message_id: &str, at: Timestamp) -> Result<bool, LedgerError> {
        self.conn
            .prepare_cached(SETTLED)
            .and_then(|mut stmt| stmt.query_row(params![message_id, at.as_second()], |r| r.get(0)))
            .map_err(|e| self.sql(e))
    }

    /// Records what became of several delivery attempts, in one transaction.
    /// A message already sent, failed or cancelled keeps that outcome: a
    /// sender that was paused past its lease (Ctrl-Z, a suspended VM) while
    /// another delivered the message must not turn it back into a retry.
    pub fn record(&mut self, outcomes: &[(String, Delivery)]) -> Result<(), LedgerError> {
        let (tx, sql) = super::write_tx(&mut self.conn, &self.path)?;
        {
            let mut finish = tx
                .prepare_cached(
                    "UPDATE messages SET state = ?2, attempts = attempts + 1, lease_until = NULL, next_try_at = NULL,
                       last_error = coalesce(?3, last_error), sent_at = ?4
                     WHERE message_id = ?1 AND state IN ('pending', 'retry')",
                )
                .map_err(|e| sql.err(e))?;
            // OR FAIL: a statement that may change several rows and abort
            // halfway keeps a statement journal (a 64 KiB buffer, and a copy
            // of each page it changes, per message); this one fails only on
            // a NULL state, which is never given, and a failure rolls the
            // whole transaction back anyway.
            let mut log = tx
                .prepare_cached(
                    "UPDATE OR FAIL sent_log SET state = ?2, sent_at = ?3, error = ?4 WHERE message_id = ?1",
                )
                .map_err(|e| sql.err(e))?;
            let mut retry = tx
                .prepare_cached(
                    "UPDATE messages SET state = 'retry', attempts = attempts + 1, next_try_at = ?2,
                       lease_until = NULL, last_error = ?3
                     WHERE message_id = ?1 AND state IN ('pending', 'retry')",
                )
                .map_err(|e| sql.err(e))?;
            for (id, outcome) in outcomes {
                let (state, error, sent_at) = match outcome {
                    Delivery::Retry(error, next) => {
                        retry
                            .execute(params![id, next.as_second(), error])
                            .map_err(|e| sql.err(e))?;
                        continue;
                    }
                    Delivery::Sent(at) => (MessageState::Sent.code(), None, Some(at.as_second())),
                    Delivery::Failed(error) => {
                        (MessageState::Failed.code(), Some(error.as_str()), None)
                    }
                    Delivery::Cancelled => (MessageState::Cancelled.code(), None, None),
                };
                let changed = finish
                    .execute(params![id, state, error, sent_at])
                    .map_err(|e| sql.err(e))?;
                if changed == 1 {
                    log.execute(params![id, state, sent_at, error])
                        .map_err(|e| sql.err(e))?;
                }
            }
        }
        tx.commit().map_err(|e| sql.err(e))
    }
}

/// Whether every pair of message ?1 is submitted by ?2 or waived; false
/// for a message with no pairs (the digest).
pub(super) const SETTLED: &str = "SELECT count(*) > 0 AND count(*) = sum(
         EXISTS (SELECT 1 FROM submissions s WHERE s.plan = l.plan AND s.obligation = l.obligation
                   AND s.period = l.period AND s.agency = l.agency AND s.submitted_at <= ?2)
         OR EXISTS (SELECT 1 FROM waivers w WHERE w.plan = l.plan AND w.obligation = l.obligation
                   AND w.period = l.period AND w.agency = l.agency))
     FROM sent_log l WHERE l.message_id = ?1";

/// This process, as a lease owner: `pid@host`, found once (a lease is
/// written per chunk of messages; reading the host name each time cost
/// five system calls).
pub(super) fn lease_owner() -> &'static str {
    static OWNER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    OWNER.get_or_init(|| format!("{}@{}", std::process::id(), host()))
}

fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map_or_else(|_| "localhost".into(), |h| h.trim().to_string())
}

/// Whether `owner` names a process of this host that no longer exists.
fn owner_is_dead(owner: &str) -> bool {
    let Some((pid, host_name)) = owner.split_once('@') else {
        return false;
    };
    let Ok(pid) = pid.parse::<i32>() else {
        return false;
    };
    if host_name != host() || pid == std::process::id() as i32 {
        return false;
    }
    // Signal 0 checks that the process exists; EPERM means it does (another user).
    // SAFETY: kill(2) with signal 0 sends nothing.
    let alive = unsafe { libc::kill(pid, 0) } == 0
        || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
    !alive
}
