//! What became of delivery: messages that failed for good (the office must
//! phone those agencies), and whether delivery as a whole works: the first failure after a success is
//! worth a warning, and so is the recovery; `status` shows a failing or
//! refused transport so that the office learns of it without reading logs.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::{Ledger, LedgerError, PairKey, Step, key_from_row};

/// A delivery that failed for good, for `status` and `preview`.
#[derive(Debug, Clone)]
pub struct Failure {
    pub agency: String,
    pub message_id: String,
    pub error: String,
    pub moment: Timestamp,
    pub items: Vec<(PairKey, Step)>,
}

/// Delivery has been failing since `since`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Health {
    pub since: Timestamp,
    pub last_error: String,
    /// The server refused the transport itself (authentication, TLS).
    pub refused: bool,
}

impl Ledger {
    /// `Some` while delivery is failing.
    pub fn delivery_failing(&self) -> Result<Option<Health>, LedgerError> {
        self.conn
            .query_row(
                "SELECT failing_since, coalesce(last_error, ''), refused FROM delivery_health
                 WHERE id = 1 AND failing_since IS NOT NULL",
                [],
                |r| {
                    Ok(Health {
                        since: Timestamp::from_second(r.get(0)?).unwrap_or(Timestamp::UNIX_EPOCH),
                        last_error: r.get(1)?,
                        refused: r.get::<_, i64>(2)? != 0,
                    })
                },
            )
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// Records that delivery is failing (keeping the first `since`).
    pub fn set_delivery_failing(&mut self, health: &Health) -> Result<(), LedgerError> {
        self.conn
            .execute(
                "INSERT INTO delivery_health (id, failing_since, last_error, refused) VALUES (1, ?1, ?2, ?3)
                 ON CONFLICT (id) DO UPDATE SET
                   failing_since = coalesce(failing_since, excluded.failing_since),
                   last_error = excluded.last_error, refused = excluded.refused",
                params![health.since.as_second(), health.last_error, health.refused],
            )
            .map(|_| ())
            .map_err(|e| self.sql(e))
    }

    /// Records that delivery works again.
    pub fn set_delivery_ok(&mut self) -> Result<(), LedgerError> {
        self.conn
            .execute(
                "UPDATE delivery_health SET failing_since = NULL, refused = 0 WHERE id = 1",
                [],
            )
            .map(|_| ())
            .map_err(|e| self.sql(e))
    }

    /// Messages that failed for good, newest first, with their pairs and steps.
    pub fn failures(&self) -> Result<Vec<Failure>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT message_id, agency, coalesce(last_error, ''), moment FROM messages
                 WHERE state = 'failed' ORDER BY moment DESC, rowid DESC",
            )
            .map_err(|e| self.sql(e))?;
        let heads: Vec<(String, String, String, i64)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .map_err(|e| self.sql(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sql(e))?;
        let mut items = self
            .conn
            .prepare_cached(
                "SELECT plan, obligation, period, agency, step FROM sent_log WHERE message_id = ?1",
            )
            .map_err(|e| self.sql(e))?;
        let mut out = Vec::new();
        for (message_id, agency, error, moment) in heads {
            let pairs = items
                .query_map([&message_id], |r| {
                    Ok((key_from_row(r)?, r.get::<_, Step>(4)?))
                })
                .map_err(|e| self.sql(e))?
                .collect::<Result<_, _>>()
                .map_err(|e| self.sql(e))?;
            out.push(Failure {
                agency,
                message_id,
                error,
                moment: Timestamp::from_second(moment).unwrap_or(Timestamp::UNIX_EPOCH),
                items: pairs,
            });
        }
        Ok(out)
    }
}
