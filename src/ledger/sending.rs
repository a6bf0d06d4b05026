//! What the sender takes from the queue: the messages due for an attempt,
//! sorted without their bodies, and each body read once, when it is sent.

use jiff::Timestamp;

use super::{Ledger, LedgerError, Stored};

/// The messages due for an attempt, without their bodies: sorting the
/// bodies spilled every one of a batch into a temporary file; each is read
/// once, when it is sent ([`Ledger::body`]).
pub(crate) const DELIVERABLE: &str =
    "SELECT message_id, agency, sender, recipients, attempts, moment, created_at
     FROM messages m
     WHERE state IN ('pending', 'retry')
       AND (next_try_at IS NULL OR next_try_at <= ?1)
       AND (lease_until IS NULL OR lease_until <= ?2)
     ORDER BY moment, m.rowid";

impl Ledger {
    /// The messages due for (another) attempt at `now` (the engine's clock:
    /// `tick --at` moves it): new ones, retries whose time has come, and
    /// claims whose sender died (lease run out — leases are in real time).
    /// Take each with [`Ledger::lease`] before sending it.
    pub fn deliverable(&self, now: Timestamp) -> Result<Vec<Stored>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare_cached(DELIVERABLE)
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([now.as_second(), Timestamp::now().as_second()], |r| {
                let recipients: String = r.get(3)?;
                Ok(Stored {
                    message_id: r.get(0)?,
                    agency: r.get(1)?,
                    sender: r.get(2)?,
                    recipients: recipients
                        .split(',')
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect(),
                    attempts: r.get(4)?,
                    moment: Timestamp::from_second(r.get(5)?).unwrap_or(Timestamp::UNIX_EPOCH),
                    created: Timestamp::from_second(r.get(6)?).unwrap_or(Timestamp::UNIX_EPOCH),
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// A message's bytes, exactly as composed: read once, just before the
    /// attempt that sends them.
    pub fn body(&self, message_id: &str) -> Result<Vec<u8>, LedgerError> {
        self.conn
            .prepare_cached("SELECT raw FROM message_bodies WHERE message_id = ?1")
            .and_then(|mut s| s.query_row([message_id], |r| r.get(0)))
            .map_err(|e| self.sql(e))
    }
}
