//! Extensions (*gia hạn*): the office moves one pair's due date later.
//! States and reminders then use the extended date.

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::params;

use super::{Ledger, LedgerError, PairKey, key_from_row, key_params};

/// A recorded extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub key: PairKey,
    /// The new due date.
    pub due: Date,
    pub note: Option<String>,
}

impl Ledger {
    /// Every extension, in key order.
    pub fn extensions(&self) -> Result<Vec<Extension>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT plan, obligation, period, agency, due, note FROM extensions
                 ORDER BY plan, obligation, period, agency",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                let due: String = r.get(4)?;
                let due = due.parse::<Date>().map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        4,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                })?;
                Ok(Extension {
                    key: key_from_row(r)?,
                    due,
                    note: r.get(5)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// Records (or replaces) the extension of a pair.
    pub fn set_extension(&mut self, extension: &Extension, actor: &str) -> Result<(), LedgerError> {
        let [plan, obligation, period, agency] = key_params(&extension.key);
        self.conn
            .execute(
                "INSERT INTO extensions (plan, obligation, period, agency, due, note, recorded_at, recorded_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (plan, obligation, period, agency) DO UPDATE SET
                   due = excluded.due, note = excluded.note,
                   recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by",
                params![
                    plan,
                    obligation,
                    period,
                    agency,
                    extension.due.to_string(),
                    extension.note,
                    Timestamp::now().as_second(),
                    actor
                ],
            )
            .map(|_| ())
            .map_err(|e| self.sql(e))
    }

    /// Lifts an extension; whether there was one.
    pub fn remove_extension(&mut self, key: &PairKey) -> Result<bool, LedgerError> {
        self.delete_pair("extensions", key)
    }
}
