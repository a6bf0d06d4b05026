//! Whether delivery as a whole works: the first failure after a success is
//! worth a warning, and so is the recovery; `status` shows a failing or
//! refused transport so that the office learns of it without reading logs.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::{Ledger, LedgerError};

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
}
