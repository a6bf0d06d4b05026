//! The clerk's notes on a pair (*đã gọi, hẹn thứ Sáu*): kept with who and
//! when, never changed; the call list and the pages show the last one.

use std::collections::HashMap;

use jiff::Timestamp;
use rusqlite::params;

use super::{Ledger, LedgerError, PairKey, key_from_row, key_params, timestamp_from};

/// One note on a pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub text: String,
    pub by: String,
    pub at: Timestamp,
}

impl Ledger {
    /// Adds a note to `key`'s pair, as `by`, at `at`.
    pub fn add_note(
        &mut self,
        key: &PairKey,
        text: &str,
        by: &str,
        at: Timestamp,
    ) -> Result<(), LedgerError> {
        let [plan, obligation, period, agency] = key_params(key);
        self.conn
            .execute(
                "INSERT INTO notes (plan, obligation, period, agency, text, at, by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![plan, obligation, period, agency, text, at.as_second(), by],
            )
            .map(|_| ())
            .map_err(|e| self.sql(e))
    }

    /// The last note of every pair that has one.
    pub fn last_notes(&self) -> Result<HashMap<PairKey, Note>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT plan, obligation, period, agency, text, by, at FROM notes
                 WHERE id IN (SELECT max(id) FROM notes GROUP BY plan, obligation, period, agency)",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    key_from_row(r)?,
                    Note {
                        text: r.get(4)?,
                        by: r.get(5)?,
                        at: timestamp_from(r.get(6)?),
                    },
                ))
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// Every note of `key`'s pair, the latest first.
    pub fn notes(&self, key: &PairKey) -> Result<Vec<Note>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT text, by, at FROM notes
                 WHERE plan = ?1 AND obligation = ?2 AND period = ?3 AND agency = ?4
                 ORDER BY id DESC",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(key_params(key), |r| {
                Ok(Note {
                    text: r.get(0)?,
                    by: r.get(1)?,
                    at: timestamp_from(r.get(2)?),
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }
}
