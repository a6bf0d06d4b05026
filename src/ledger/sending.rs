//! What the sender takes from the queue: the messages due for an attempt,
//! sorted without their bodies; then a chunk at a time, leased, each body
//! read once and whether it became moot, in the lease's transaction.

use std::ops::Range;

use jiff::Timestamp;
use rusqlite::params;

use super::queue::{SETTLED, lease_owner};
use super::{Ledger, LedgerError, Stored};

/// The messages due for an attempt, without their bodies: sorting the
/// bodies spilled every one of a batch into a temporary file; each is read
/// once, when its chunk is leased ([`Ledger::lease`]).
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

    /// Takes a chunk of messages for a send attempt, each for its number of
    /// `seconds` (longer than the attempts before and including its own can
    /// last), and reads, in the same transaction, the bytes of each message
    /// taken and — when asked — whether it was settled at `settled_at`.
    /// `taken` is filled afresh: per message asked for, nothing when another
    /// sender holds it or it is done.
    ///
    /// One transaction a chunk, not three a message: each transaction costs
    /// SQLite's locks, and, after another connection's commits, reading the
    /// pages they changed again (system calls, all of them). The sender
    /// leases through the connection that records the outcomes, so that
    /// neither throws the other's page cache away.
    ///
    /// Leases are advisory: written without waiting for the disk
    /// (synchronous=NORMAL for this transaction); a lease lost to a power
    /// cut only lets another sender take the message a little early.
    pub fn lease(
        &mut self,
        asks: &[Lease],
        now: Timestamp,
        settled_at: Timestamp,
        taken: &mut Taken,
    ) -> Result<(), LedgerError> {
        taken.bytes.clear();
        taken.messages.clear();
        // The safety level cannot change inside a transaction (a journaled
        // write): the lease is then part of it, and as durable.
        let advisory = self.conn.is_autocommit();
        if advisory {
            self.conn
                .execute_batch("PRAGMA synchronous = NORMAL")
                .map_err(|e| self.sql(e))?;
        }
        let leased = self.lease_in_tx(asks, now, settled_at, taken);
        if advisory {
            self.conn
                .execute_batch("PRAGMA synchronous = FULL")
                .map_err(|e| self.sql(e))?;
        }
        leased
    }

    fn lease_in_tx(
        &mut self,
        asks: &[Lease],
        now: Timestamp,
        settled_at: Timestamp,
        taken: &mut Taken,
    ) -> Result<(), LedgerError> {
        let (tx, sql) = super::write_tx(&mut self.conn, &self.path)?;
        {
            let mut lease = tx
                .prepare_cached(
                    "UPDATE messages SET lease_until = ?2 + ?3, lease_owner = ?4
                     WHERE message_id = ?1 AND state IN ('pending', 'retry')
                       AND (lease_until IS NULL OR lease_until <= ?2)",
                )
                .map_err(|e| sql.err(e))?;
            let mut settled = tx.prepare_cached(SETTLED).map_err(|e| sql.err(e))?;
            let mut row = tx
                .prepare_cached("SELECT rowid FROM message_bodies WHERE message_id = ?1")
                .map_err(|e| sql.err(e))?;
            // A body is read through one blob handle moved from row to row,
            // straight into the chunk's buffer (kept from chunk to chunk):
            // a column read would copy it twice, first into a buffer of
            // SQLite's own, allocated per message.
            let mut blob: Option<rusqlite::blob::Blob> = None;
            for ask in asks {
                let n = lease
                    .execute(params![
                        ask.message_id,
                        now.as_second(),
                        ask.seconds,
                        lease_owner()
                    ])
                    .map_err(|e| sql.err(e))?;
                if n != 1 {
                    taken.messages.push(None);
                    continue;
                }
                let rowid: i64 = row
                    .query_row([ask.message_id], |r| r.get(0))
                    .map_err(|e| sql.err(e))?;
                let body = match &mut blob {
                    Some(b) => {
                        b.reopen(rowid).map_err(|e| sql.err(e))?;
                        b
                    }
                    None => blob.insert(
                        tx.blob_open("main", "message_bodies", "raw", rowid, true)
                            .map_err(|e| sql.err(e))?,
                    ),
                };
                let start = taken.bytes.len();
                taken.bytes.resize(start + body.len(), 0);
                body.read_at_exact(&mut taken.bytes[start..], 0)
                    .map_err(|e| sql.err(e))?;
                let moot = ask.check_settled
                    && settled
                        .query_row(params![ask.message_id, settled_at.as_second()], |r| {
                            r.get(0)
                        })
                        .map_err(|e| sql.err(e))?;
                taken.messages.push(Some(TakenOne {
                    bytes: start..taken.bytes.len(),
                    settled: moot,
                }));
            }
        }
        tx.commit().map_err(|e| sql.err(e))
    }
}

/// A message to lease.
pub struct Lease<'a> {
    pub message_id: &'a str,
    /// How long the lease lasts.
    pub seconds: i64,
    /// Whether to find out if every pair it reminds of was settled.
    pub check_settled: bool,
}

/// What a [`Ledger::lease`] took: the chunk's bodies in one buffer, filled
/// again for a later chunk (the sender keeps two: the chunk it sends and the
/// next one, leased meanwhile), so no allocation per message.
#[derive(Default)]
pub struct Taken {
    bytes: Vec<u8>,
    messages: Vec<Option<TakenOne>>,
}

struct TakenOne {
    bytes: Range<usize>,
    settled: bool,
}

impl Taken {
    /// The `i`-th message asked for, if it was taken: its bytes, exactly
    /// as composed, and whether it was settled (when that was asked).
    pub fn get(&self, i: usize) -> Option<(&[u8], bool)> {
        let one = self.messages.get(i)?.as_ref()?;
        Some((&self.bytes[one.bytes.clone()], one.settled))
    }
}
