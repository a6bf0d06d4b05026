//! The embedded database: submissions, waivers, and the sent-log.
//!
//! This is the only module that speaks SQL. The database is one SQLite file
//! (WAL, `synchronous=FULL`, mode 0600), created and migrated forward on first
//! use; a database written by a newer dondoc is refused rather than guessed at.
//! Pairs are stored by their config ids (`plan`, `obligation`, `period` ISO,
//! `agency`) so that the ledger outlives edits to the config.

mod backup;
pub mod console;
mod digest;
mod extensions;
mod health;
pub mod inbox;
mod message_state;
mod queue;
mod schema;
mod step;

pub use backup::Copied;
pub use extensions::Extension;
pub use health::{Failure, Health};
pub use message_state::MessageState;
pub use queue::{Body, Claim, Delivery, NewMessage, Stored};
pub use step::Step;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension, params};

/// An error from the ledger.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("database {path}: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("database {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "database {path} has schema version {found}, but this dondoc knows up to {supported}; \
         it was written by a newer dondoc — upgrade dondoc rather than use an older one on it"
    )]
    TooNew {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
}

impl LedgerError {
    /// Whether another process held the database locked for longer than
    /// the busy timeout (an admin's `sqlite3` in a transaction, a backup
    /// the old way): worth trying again, not a fault.
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            LedgerError::Sqlite {
                source: rusqlite::Error::SqliteFailure(e, _),
                ..
            } if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    }
}

/// Which submission / waiver / reminder: one instance of an obligation for one agency.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PairKey {
    pub plan: String,
    pub obligation: String,
    pub period: Date,
    pub agency: String,
}

/// A recorded submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub key: PairKey,
    /// When it was submitted; a date-only submission is 00:00 local that day.
    pub submitted_at: Timestamp,
    /// The document number (*số văn bản*).
    pub reference: Option<String>,
    pub note: Option<String>,
}

/// What was written down about a submission or a waiver: [`Ledger::entries`].
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: PairKey,
    /// The document number (*số văn bản*); none for a waiver.
    pub reference: Option<String>,
    pub note: Option<String>,
    pub recorded_by: String,
}

/// Every submission's and waiver's [`Entry`].
#[derive(Debug, Default)]
pub struct Entries {
    pub submissions: Vec<Entry>,
    pub waivers: Vec<Entry>,
}

/// A recorded waiver (*miễn*).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiver {
    pub key: PairKey,
    pub note: Option<String>,
}

/// A reminder step in the sent-log (whatever became of its message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentStep {
    pub key: PairKey,
    pub step: Step,
}

/// What recording a batch of submissions did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordOutcome {
    pub added: usize,
    pub replaced: usize,
    /// Already recorded exactly so: nothing changed.
    pub unchanged: usize,
}

/// A submission that differs from one already recorded, when replacing was
/// not asked for. Nothing of the batch was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// Index into the batch.
    pub index: usize,
    pub existing: Submission,
}

/// The database of one office.
pub struct Ledger {
    conn: Connection,
    /// A second connection, synchronous=NORMAL, for advisory writes (leases).
    lease_conn: Connection,
    path: PathBuf,
    /// Who records: written into every row (`recorded_by`).
    actor: String,
}

impl Ledger {
    /// Opens (creating and migrating as needed) the database at `path`.
    pub fn open(path: &Path, actor: &str) -> Result<Ledger, LedgerError> {
        let io = |source| LedgerError::Io {
            path: path.to_path_buf(),
            source,
        };
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            crate::files::create_private_dir(parent).map_err(io)?;
        }
        // The file is opened by SQLite alone. A descriptor of it opened and
        // closed here would release every POSIX lock this process holds on
        // it (closing any descriptor of a file does), and a `sqlite3` run
        // beside the daemon would then checkpoint and delete the WAL under
        // it. A new file is made private by its path, before its first byte.
        let new = !path.exists();
        let sql = Sql(path.to_path_buf());
        let mut conn = Connection::open(path).map_err(|e| sql.err(e))?;
        if new {
            fs::set_permissions(path, fs::Permissions::from_mode(0o600)).map_err(io)?;
        }
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(|e| sql.err(e))?;
        wal_mode(&conn).map_err(|e| sql.err(e))?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(|e| sql.err(e))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| sql.err(e))?;
        schema::migrate(&mut conn, path)?;
        let mut lease_conn = Connection::open(path).map_err(|e| sql.err(e))?;
        // A lease waits for the recorder's commit (an fsync, milliseconds):
        // SQLite's own busy timeout sleeps 1, 2, 5, 10 … ms between tries and
        // overshoots it, which stalls the sender; this one tries every 200 µs.
        lease_conn
            .busy_handler(Some(retry_soon))
            .map_err(|e| sql.err(e))?;
        lease_conn
            .pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| sql.err(e))?;
        Ok(Ledger {
            conn,
            lease_conn,
            path: path.to_path_buf(),
            actor: actor.to_string(),
        })
    }

    /// Frees the page caches of both connections (they fill up to 2 MiB
    /// each during a batch, and keep it while the daemon idles).
    pub fn shrink_memory(&self) -> Result<(), LedgerError> {
        for conn in [&self.conn, &self.lease_conn] {
            conn.execute_batch("PRAGMA shrink_memory")
                .map_err(|e| self.sql(e))?;
        }
        Ok(())
    }

    /// Another connection to the same database, for another thread.
    pub fn reopen(&self) -> Result<Ledger, LedgerError> {
        Ledger::open(&self.path, &self.actor)
    }

    /// The file's permission bits (for tests and `check`).
    pub fn mode(&self) -> std::io::Result<u32> {
        Ok(fs::metadata(&self.path)?.permissions().mode() & 0o777)
    }

    fn sql(&self, source: rusqlite::Error) -> LedgerError {
        LedgerError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

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

    /// The secret `name`, stored as `fresh` if there is none yet.
    pub fn secret(&mut self, name: &str, fresh: &[u8]) -> Result<Vec<u8>, LedgerError> {
        self.conn
            .execute(
                "INSERT INTO secrets (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
                params![name, fresh],
            )
            .map_err(|e| self.sql(e))?;
        self.conn
            .query_row("SELECT value FROM secrets WHERE name = ?1", [name], |r| {
                r.get(0)
            })
            .map_err(|e| self.sql(e))
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
    fn delete_pair(&mut self, table: &'static str, key: &PairKey) -> Result<bool, LedgerError> {
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

/// Turns SQLite errors into [`LedgerError`]s naming the database file.
#[derive(Clone)]
struct Sql(PathBuf);

impl Sql {
    fn err(&self, source: rusqlite::Error) -> LedgerError {
        LedgerError::Sqlite {
            path: self.0.clone(),
            source,
        }
    }
}

/// A write transaction on `conn`, begun IMMEDIATE: a deferred transaction
/// that later writes fails at once ("database is locked") when another writer
/// got in between; an immediate one waits its turn (the busy timeout).
fn write_tx<'c>(
    conn: &'c mut Connection,
    path: &Path,
) -> Result<(rusqlite::Transaction<'c>, Sql), LedgerError> {
    let sql = Sql(path.to_path_buf());
    let tx = conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
        .map_err(|e| sql.err(e))?;
    Ok((tx, sql))
}

/// The submission recorded for `key` (inside a transaction or not).
fn find_submission(conn: &Connection, key: &PairKey) -> rusqlite::Result<Option<Submission>> {
    let mut stmt = conn.prepare_cached(
        "SELECT submitted_at, ref, note FROM submissions
         WHERE plan = ?1 AND obligation = ?2 AND period = ?3 AND agency = ?4",
    )?;
    stmt.query_row(key_params(key), |r| {
        Ok(Submission {
            key: key.clone(),
            submitted_at: timestamp_from(r.get(0)?),
            reference: r.get(1)?,
            note: r.get(2)?,
        })
    })
    .optional()
}

fn key_params(key: &PairKey) -> [String; 4] {
    [
        key.plan.clone(),
        key.obligation.clone(),
        key.period.to_string(),
        key.agency.clone(),
    ]
}

fn key_from_row(r: &rusqlite::Row) -> rusqlite::Result<PairKey> {
    let period: String = r.get(2)?;
    let period = period.parse::<Date>().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(PairKey {
        plan: r.get(0)?,
        obligation: r.get(1)?,
        period,
        agency: r.get(3)?,
    })
}

fn timestamp_from(seconds: i64) -> Timestamp {
    Timestamp::from_second(seconds).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// Switches to WAL. Changing the journal mode of a new database needs an
/// exclusive lock, and SQLite answers `SQLITE_BUSY` there without calling
/// the busy handler when another process is opening the same new file (24
/// `dondoc submit` at once did it): retry for as long as the busy timeout.
fn wal_mode(conn: &Connection) -> rusqlite::Result<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests;

/// A busy handler that tries again after 200 µs, for up to 10 s.
fn retry_soon(tries: i32) -> bool {
    const PAUSE: std::time::Duration = std::time::Duration::from_micros(200);
    if tries >= 50_000 {
        return false;
    }
    std::thread::sleep(PAUSE);
    true
}
