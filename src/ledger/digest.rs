//! The digest log: the office digest of each scheduled moment is claimed
//! once, like a reminder step, and its message queued with the others.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::{Body, Ledger, LedgerError, NewMessage};

impl Ledger {
    /// Claims the office digest of the scheduled moment `due` and stores its
    /// message, in one transaction; `false` when that digest was claimed
    /// before (by this or another sender), and nothing is stored.
    pub fn claim_digest(
        &mut self,
        due: Timestamp,
        message: &NewMessage,
        body: &Body,
    ) -> Result<bool, LedgerError> {
        let (tx, sql) = super::write_tx(&mut self.conn, &self.path)?;
        let claimed = tx
            .execute(
                "INSERT INTO digest_log (due_at, message_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![due.as_second(), message.message_id],
            )
            .map_err(|e| sql.err(e))?
            == 1;
        if claimed {
            tx.execute(
                "INSERT INTO messages (message_id, agency, thread, moment, created_at, sender, recipients, state)
                 VALUES (?1, '', ?2, ?3, ?4, ?5, ?6, 'pending')",
                params![
                    message.message_id,
                    message.thread,
                    message.moment.as_second(),
                    message.created.as_second(),
                    body.sender,
                    body.recipients.join(","),
                ],
            )
            .map_err(|e| sql.err(e))?;
            tx.execute(
                "INSERT INTO message_bodies (message_id, raw) VALUES (?1, ?2)",
                params![message.message_id, body.raw],
            )
            .map_err(|e| sql.err(e))?;
        }
        tx.commit().map_err(|e| sql.err(e))?;
        Ok(claimed)
    }

    /// Whether the digest of the scheduled moment `due` was claimed already.
    pub fn digest_claimed(&self, due: Timestamp) -> Result<bool, LedgerError> {
        self.conn
            .query_row(
                "SELECT 1 FROM digest_log WHERE due_at = ?1",
                [due.as_second()],
                |_| Ok(()),
            )
            .optional()
            .map(|found| found.is_some())
            .map_err(|e| self.sql(e))
    }

    /// Whether a digest of a moment before `due` was ever claimed: the
    /// daemon ran here before (a first start has nothing to catch up).
    pub fn digest_before(&self, due: Timestamp) -> Result<bool, LedgerError> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM digest_log WHERE due_at < ?1)",
                [due.as_second()],
                |r| r.get(0),
            )
            .map_err(|e| self.sql(e))
    }
}
