//! The embedded database: submissions, waivers, and the sent-log.
//!
//! This is the only module that speaks SQL. The database is one SQLite file
//! (WAL, `synchronous=FULL`, mode 0600), created and migrated forward on first
//! use; a database written by a newer dondoc is refused rather than guessed at.
//! Pairs are stored by their config ids (`plan`, `obligation`, `period` ISO,
//! `agency`) so that the ledger outlives edits to the config.
//!
//! This file opens it and holds the shared types; `submissions` records and
//! removes submissions and waivers, `extensions` extensions, `queue` the
//! sent-log and the messages, `inbox` the mailbox's proposals, `console` and
//! `health` what the console and `/healthz` read, `backup` the online copy,
//! `schema` the migrations.

mod backup;
pub mod console;
mod digest;
mod extensions;
mod health;
pub mod inbox;
pub mod journal;
mod message_state;
mod notes;
mod queue;
mod schema;
mod sending;
mod step;
mod submissions;

pub use backup::Copied;
pub use extensions::Extension;
pub use health::{Failure, Health};
pub use message_state::MessageState;
pub use notes::Note;
pub use queue::{Body, Claim, Delivery, NewMessage, Stored};
pub use sending::{Lease, Taken};
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
        // Pages read through a memory map, not one pread(2) each: the send
        // path read ~10 pages a mail (its body's overflow pages among them).
        conn.pragma_update(None, "mmap_size", MMAP_SIZE)
            .map_err(|e| sql.err(e))?;
        schema::migrate(&mut conn, path)?;
        Ok(Ledger {
            conn,
            path: path.to_path_buf(),
            actor: actor.to_string(),
        })
    }

    /// Frees the connection's page cache (it fills up to 2 MiB during a
    /// batch, and keeps it while the daemon idles).
    pub fn shrink_memory(&self) -> Result<(), LedgerError> {
        self.conn
            .execute_batch("PRAGMA shrink_memory")
            .map_err(|e| self.sql(e))
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
fn write_tx<'c>(conn: &'c mut Connection, path: &Path) -> Result<(Tx<'c>, Sql), LedgerError> {
    let sql = Sql(path.to_path_buf());
    let tx = if conn.is_autocommit() {
        Tx::Own(
            conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(|e| sql.err(e))?,
        )
    } else {
        // Inside a person's journaled write ([`journal`]): a part of it.
        Tx::Part(conn.savepoint().map_err(|e| sql.err(e))?)
    };
    Ok((tx, sql))
}

/// A write transaction of its own, or a savepoint inside one already open.
enum Tx<'c> {
    Own(rusqlite::Transaction<'c>),
    Part(rusqlite::Savepoint<'c>),
}

impl Tx<'_> {
    fn commit(self) -> rusqlite::Result<()> {
        match self {
            Tx::Own(tx) => tx.commit(),
            Tx::Part(sp) => sp.commit(),
        }
    }
}

impl std::ops::Deref for Tx<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        match self {
            Tx::Own(tx) => tx,
            Tx::Part(sp) => sp,
        }
    }
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

/// How much of the database file SQLite reads through a memory map
/// (file-backed pages: shared, given back under memory pressure).
const MMAP_SIZE: i64 = 256 << 20;
