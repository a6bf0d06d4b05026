//! Submissions and waivers: read, recorded in one transaction (all or
//! none), removed.

use jiff::Timestamp;
use rusqlite::params;

use super::{
    Conflict, Entries, Entry, Ledger, LedgerError, PairKey, RecordOutcome, Submission, Waiver,
    find_submission, key_from_row, key_params, timestamp_from, write_tx,
};

impl Ledger {
    /// Every submission, in key order.
    pub fn submissions(&self) -> Result<Vec<Submission>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT plan, obligation, period, agency, submitted_at, ref, note
                 FROM submissions ORDER BY plan, obligation, period, agency",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Submission {
                    key: key_from_row(r)?,
                    submitted_at: timestamp_from(r.get(4)?),
                    reference: r.get(5)?,
                    note: r.get(6)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// What was written down for each submission and each waiver: its
    /// document number (submissions only), note and `recorded_by` — the
    /// command line's `cli:USER`, later the web user or token.
    pub fn entries(&self) -> Result<Entries, LedgerError> {
        let read = |sql: &str| -> Result<Vec<Entry>, LedgerError> {
            let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.sql(e))?;
            let rows = stmt
                .query_map([], |r| {
                    Ok(Entry {
                        key: key_from_row(r)?,
                        reference: r.get(4)?,
                        note: r.get(5)?,
                        recorded_by: r.get(6)?,
                    })
                })
                .map_err(|e| self.sql(e))?;
            rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
        };
        Ok(Entries {
            submissions: read(
                "SELECT plan, obligation, period, agency, ref, note, recorded_by FROM submissions",
            )?,
            waivers: read(
                "SELECT plan, obligation, period, agency, NULL, note, recorded_by FROM waivers",
            )?,
        })
    }

    /// Every waiver, in key order.
    pub fn waivers(&self) -> Result<Vec<Waiver>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT plan, obligation, period, agency, note FROM waivers
                 ORDER BY plan, obligation, period, agency",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Waiver {
                    key: key_from_row(r)?,
                    note: r.get(4)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// The submission recorded for `key`, if any.
    pub fn submission(&self, key: &PairKey) -> Result<Option<Submission>, LedgerError> {
        find_submission(&self.conn, key).map_err(|e| self.sql(e))
    }

    /// Records a batch of submissions in one transaction, as the one who
    /// opened the ledger (its `actor`): see [`Ledger::record_submissions_as`].
    pub fn record_submissions(
        &mut self,
        batch: &[Submission],
        replace: bool,
    ) -> Result<Result<RecordOutcome, Conflict>, LedgerError> {
        let actor = self.actor.clone();
        self.record_submissions_as(batch, |_| replace, &actor)
    }

    /// Records a batch of submissions in one transaction, all or none, as
    /// `actor` (`recorded_by`).
    ///
    /// A submission identical to the recorded one changes nothing. One that
    /// differs replaces it only when `replace(its index)` (the API's
    /// `"replace": true` on one object of a batch); otherwise the whole batch
    /// is refused with the first conflict.
    pub fn record_submissions_as(
        &mut self,
        batch: &[Submission],
        replace: impl Fn(usize) -> bool,
        actor: &str,
    ) -> Result<Result<RecordOutcome, Conflict>, LedgerError> {
        let now = Timestamp::now().as_second();
        let (tx, sql) = write_tx(&mut self.conn, &self.path)?;
        let mut outcome = RecordOutcome::default();
        {
            let mut upsert = tx
                .prepare_cached(
                    "INSERT INTO submissions
                       (plan, obligation, period, agency, submitted_at, ref, note, recorded_at, recorded_by)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                     ON CONFLICT (plan, obligation, period, agency) DO UPDATE SET
                       submitted_at = excluded.submitted_at, ref = excluded.ref, note = excluded.note,
                       recorded_at = excluded.recorded_at, recorded_by = excluded.recorded_by",
                )
                .map_err(|e| sql.err(e))?;
            for (index, s) in batch.iter().enumerate() {
                // Texts kept composed (NFC), as `import` reads them: a note
                // typed with combining accents re-imports unchanged.
                let nfc = |t: &Option<String>| {
                    use unicode_normalization::UnicodeNormalization as _;
                    t.as_ref().map(|t| t.nfc().collect::<String>())
                };
                let normalized = Submission {
                    reference: nfc(&s.reference),
                    note: nfc(&s.note),
                    ..s.clone()
                };
                let s = &normalized;
                match find_submission(&tx, &s.key).map_err(|e| sql.err(e))? {
                    Some(e) if e == *s => {
                        outcome.unchanged += 1;
                        continue;
                    }
                    Some(e) if !replace(index) => return Ok(Err(Conflict { index, existing: e })),
                    Some(_) => outcome.replaced += 1,
                    None => outcome.added += 1,
                }
                let [plan, obligation, period, agency] = key_params(&s.key);
                upsert
                    .execute(params![
                        plan,
                        obligation,
                        period,
                        agency,
                        s.submitted_at.as_second(),
                        s.reference,
                        s.note,
                        now,
                        actor,
                    ])
                    .map_err(|e| sql.err(e))?;
            }
        }
        tx.commit().map_err(|e| sql.err(e))?;
        Ok(Ok(outcome))
    }

    /// Deletes the submissions of `keys` in one transaction, all or none.
    /// `Err` lists the indices of keys with no submission; nothing is
    /// deleted then.
    pub fn delete_submissions(
        &mut self,
        keys: &[PairKey],
    ) -> Result<Result<usize, Vec<usize>>, LedgerError> {
        let (tx, sql) = write_tx(&mut self.conn, &self.path)?;
        let mut missing = Vec::new();
        {
            let mut delete = tx
                .prepare_cached(
                    "DELETE FROM submissions
                     WHERE plan = ?1 AND obligation = ?2 AND period = ?3 AND agency = ?4",
                )
                .map_err(|e| sql.err(e))?;
            for (index, key) in keys.iter().enumerate() {
                if delete.execute(key_params(key)).map_err(|e| sql.err(e))? == 0 {
                    missing.push(index);
                }
            }
        }
        if !missing.is_empty() {
            return Ok(Err(missing)); // the transaction rolls back when dropped
        }
        tx.commit().map_err(|e| sql.err(e))?;
        Ok(Ok(keys.len()))
    }

    /// Deletes the submission for `key`; whether there was one.
    pub fn delete_submission(&mut self, key: &PairKey) -> Result<bool, LedgerError> {
        self.delete_pair("submissions", key)
    }

    /// Deletes `key`'s row from `table`; whether there was one.
    pub(super) fn delete_pair(
        &mut self,
        table: &'static str,
        key: &PairKey,
    ) -> Result<bool, LedgerError> {
        let n = self
            .conn
            .execute(
                &format!("DELETE FROM {table} WHERE plan = ?1 AND obligation = ?2 AND period = ?3 AND agency = ?4"),
                key_params(key),
            )
            .map_err(|e| self.sql(e))?;
        Ok(n > 0)
    }

    /// Records a waiver, as `actor`; `false` when the pair was already
    /// waived (unchanged).
    pub fn add_waiver(
        &mut self,
        key: &PairKey,
        note: Option<&str>,
        actor: &str,
    ) -> Result<bool, LedgerError> {
        let [plan, obligation, period, agency] = key_params(key);
        let n = self
            .conn
            .execute(
                "INSERT INTO waivers (plan, obligation, period, agency, note, recorded_at, recorded_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (plan, obligation, period, agency) DO NOTHING",
                params![plan, obligation, period, agency, note, Timestamp::now().as_second(), actor],
            )
            .map_err(|e| self.sql(e))?;
        Ok(n > 0)
    }

    /// Lifts a waiver; whether there was one.
    pub fn remove_waiver(&mut self, key: &PairKey) -> Result<bool, LedgerError> {
        self.delete_pair("waivers", key)
    }
}
