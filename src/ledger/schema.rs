//! The schema and its forward-only migrations.
//!
//! `schema_version` holds one row. Each migration runs in its own transaction
//! and bumps the version; a version above [`LATEST`] means a newer dondoc wrote
//! the file, and it is refused.

use std::path::Path;

use rusqlite::Connection;

use super::LedgerError;

/// Migration `i` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 0 → 1: submissions, waivers, and the sent-log for reminders.
    "CREATE TABLE submissions (
        plan         TEXT NOT NULL,
        obligation   TEXT NOT NULL,
        period       TEXT NOT NULL,      -- the instance's scheduled date, ISO
        agency       TEXT NOT NULL,
        submitted_at INTEGER NOT NULL,   -- Unix seconds; date-only = 00:00 local
        ref          TEXT,               -- document number (số văn bản)
        note         TEXT,
        recorded_at  INTEGER NOT NULL,
        recorded_by  TEXT NOT NULL,
        PRIMARY KEY (plan, obligation, period, agency)
    ) WITHOUT ROWID;
    CREATE TABLE waivers (
        plan        TEXT NOT NULL,
        obligation  TEXT NOT NULL,
        period      TEXT NOT NULL,
        agency      TEXT NOT NULL,
        note        TEXT,
        recorded_at INTEGER NOT NULL,
        recorded_by TEXT NOT NULL,
        PRIMARY KEY (plan, obligation, period, agency)
    ) WITHOUT ROWID;
    CREATE TABLE sent_log (
        plan        TEXT NOT NULL,
        obligation  TEXT NOT NULL,
        period      TEXT NOT NULL,
        agency      TEXT NOT NULL,
        step        TEXT NOT NULL,       -- before-N, due, overdue-K
        message_id  TEXT NOT NULL,
        state       TEXT NOT NULL,       -- claimed, sent, failed
        claimed_at  INTEGER NOT NULL,
        sent_at     INTEGER,
        attempts    INTEGER NOT NULL DEFAULT 0,
        next_try_at INTEGER,
        error       TEXT,
        PRIMARY KEY (plan, obligation, period, agency, step)
    ) WITHOUT ROWID;",
    // 1 → 2: the messages themselves, kept byte for byte so that a retry after
    // a failure or a crash resends exactly the same email (same Message-ID).
    "CREATE TABLE messages (
        message_id  TEXT PRIMARY KEY,
        agency      TEXT NOT NULL,
        thread      TEXT NOT NULL,       -- reminders of one agency and instance set
        moment      INTEGER NOT NULL,    -- the send moment it was made for
        created_at  INTEGER NOT NULL,    -- when it was claimed (real time)
        sender      TEXT NOT NULL,       -- envelope sender
        recipients  TEXT NOT NULL,       -- envelope recipients, comma-separated
        state       TEXT NOT NULL,       -- pending, sent, retry, failed, cancelled
        attempts    INTEGER NOT NULL DEFAULT 0,
        next_try_at INTEGER,
        lease_until INTEGER,             -- a sender is on it until then
        lease_owner TEXT,                -- which: pid@host
        last_error  TEXT,
        sent_at     INTEGER
    );
    -- The bodies apart, so that updating a message's state rewrites a small row.
    CREATE TABLE message_bodies (
        message_id TEXT PRIMARY KEY REFERENCES messages (message_id),
        raw        BLOB NOT NULL
    );
    CREATE INDEX messages_by_state ON messages (state, next_try_at);
    CREATE INDEX messages_by_thread ON messages (thread, moment);
    CREATE INDEX sent_log_by_message ON sent_log (message_id);",
    // 2 → 3: the office digest goes through the queue like every email, claimed
    // once per scheduled moment; and the health of the transport as a whole.
    "CREATE TABLE digest_log (
        due_at     INTEGER PRIMARY KEY,  -- the scheduled digest moment (Unix seconds)
        message_id TEXT NOT NULL
    );
    CREATE TABLE delivery_health (
        id            INTEGER PRIMARY KEY CHECK (id = 1),
        failing_since INTEGER,           -- NULL while delivery works
        last_error    TEXT,
        refused       INTEGER NOT NULL DEFAULT 0  -- 1: authentication or TLS refused
    );",
    // 3 → 4: extensions (gia hạn): one pair's due date moved later.
    "CREATE TABLE extensions (
        plan        TEXT NOT NULL,
        obligation  TEXT NOT NULL,
        period      TEXT NOT NULL,
        agency      TEXT NOT NULL,
        due         TEXT NOT NULL,       -- the extended due date, ISO
        note        TEXT,
        recorded_at INTEGER NOT NULL,
        recorded_by TEXT NOT NULL,
        PRIMARY KEY (plan, obligation, period, agency)
    ) WITHOUT ROWID;",
    // 4 → 5: keys made once and kept (the web console's feed key).
    "CREATE TABLE secrets (
        name  TEXT PRIMARY KEY,
        value BLOB NOT NULL
    ) WITHOUT ROWID;",
    // 5 → 6: the mailbox. Every message read is recorded by its Message-ID
    // (or a hash of its headers) before anything else, in the transaction
    // that stores what it proposes: a message is never processed twice.
    "CREATE TABLE inbox_messages (
        message_id TEXT PRIMARY KEY,
        read_at    INTEGER NOT NULL,
        outcome    TEXT NOT NULL          -- proposal, bounce, or why it was ignored
    ) WITHOUT ROWID;
    CREATE TABLE proposals (
        id          INTEGER PRIMARY KEY,
        message_id  TEXT NOT NULL REFERENCES inbox_messages (message_id),
        agency      TEXT NOT NULL,
        received    INTEGER,              -- the message's Date (Unix seconds)
        ref         TEXT,                 -- the document number found
        sender      TEXT NOT NULL,
        subject     TEXT NOT NULL,
        certain     INTEGER NOT NULL,     -- 1: a reply to a reminder
        state       TEXT NOT NULL,        -- open, accepted, rejected
        decided_at  INTEGER,
        decided_by  TEXT
    );
    CREATE TABLE proposal_items (
        proposal   INTEGER NOT NULL REFERENCES proposals (id),
        plan       TEXT NOT NULL,
        obligation TEXT NOT NULL,
        period     TEXT NOT NULL,
        PRIMARY KEY (proposal, plan, obligation, period)
    ) WITHOUT ROWID;
    CREATE TABLE proposal_files (
        proposal INTEGER NOT NULL REFERENCES proposals (id),
        name     TEXT NOT NULL,           -- as the message named it
        path     TEXT NOT NULL,           -- under attachments/, beside the database
        size     INTEGER NOT NULL
    );",
    // 6 → 7: the message's own text, for the clerk who decides (the
    // attachments are files; the text was not kept).
    "ALTER TABLE proposals ADD COLUMN text TEXT;",
    // 7 → 8: how the mailbox watcher is doing, for the console and
    // /metrics (one row, written by the daemon's watcher).
    "CREATE TABLE inbox_health (
        id       INTEGER PRIMARY KEY CHECK (id = 1),
        read_at  INTEGER,                 -- the last read that worked (Unix seconds)
        mode     TEXT,                    -- idle (IMAP IDLE) or poll (every 5 minutes)
        error    TEXT,                    -- the last failure; cleared by a read that works
        error_at INTEGER,
        failures INTEGER NOT NULL DEFAULT 0  -- in a row
    );",
    // 8 → 9: why a proposal is not certain (a code: cited, copy-address,
    // old-reminder, auth-fail:…, auth-missing; NULL when it proves itself),
    // and the attachments that were not kept, one "name: why" a line.
    "ALTER TABLE proposals ADD COLUMN doubt TEXT;
    ALTER TABLE proposals ADD COLUMN left_out TEXT;",
    // 9 → 10: the clerk's notes on a pair (*đã gọi, hẹn thứ Sáu*), kept
    // with who and when; and the journal: every write a person made from
    // the console, with the rows it changed before and after, so that it
    // can be undone (and an undone write keeps its trace).
    "CREATE TABLE notes (
        id          INTEGER PRIMARY KEY,
        plan        TEXT NOT NULL,
        obligation  TEXT NOT NULL,
        period      TEXT NOT NULL,
        agency      TEXT NOT NULL,
        text        TEXT NOT NULL,
        at          INTEGER NOT NULL,    -- Unix seconds
        by          TEXT NOT NULL
    );
    CREATE INDEX notes_by_pair ON notes (plan, obligation, period, agency, id);
    CREATE TABLE journal (
        id          INTEGER PRIMARY KEY,
        at          INTEGER NOT NULL,    -- Unix seconds
        by          TEXT NOT NULL,
        what        TEXT NOT NULL,       -- the sentence the person was shown
        undone_at   INTEGER,
        undone_by   TEXT
    );
    CREATE INDEX journal_by_person ON journal (by, id);
    CREATE TABLE journal_rows (
        entry   INTEGER NOT NULL REFERENCES journal (id),
        tbl     TEXT NOT NULL,           -- submissions, waivers, extensions, proposals
        k       TEXT NOT NULL,           -- the row's key, a JSON array
        before  TEXT,                    -- the row before, a JSON object; NULL: none
        after   TEXT,                    -- the row after; NULL: removed
        PRIMARY KEY (entry, tbl, k)
    ) WITHOUT ROWID;",
];

/// The schema version this dondoc writes.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

/// Brings the database at `path` up to [`LATEST`].
pub fn migrate(conn: &mut Connection, path: &Path) -> Result<(), LedgerError> {
    let sql = |source| LedgerError::Sqlite {
        path: path.to_path_buf(),
        source,
    };
    conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        .map_err(sql)?;
    let current: Option<i64> = conn
        .query_row("SELECT max(version) FROM schema_version", [], |r| r.get(0))
        .map_err(sql)?;
    let current = current.unwrap_or(0);
    if current > LATEST {
        return Err(LedgerError::TooNew {
            path: path.to_path_buf(),
            found: current,
            supported: LATEST,
        });
    }
    for (from, migration) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        // Immediate: two processes opening a new database wait for each other
        // here instead of failing, and the second sees the first's work.
        let tx = conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(sql)?;
        let done: Option<i64> = tx
            .query_row("SELECT max(version) FROM schema_version", [], |r| r.get(0))
            .map_err(sql)?;
        if done.unwrap_or(0) > from as i64 {
            continue;
        }
        tx.execute_batch(migration).map_err(sql)?;
        tx.execute("DELETE FROM schema_version", []).map_err(sql)?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES (?1)",
            [from as i64 + 1],
        )
        .map_err(sql)?;
        tx.commit().map_err(sql)?;
    }
    Ok(())
}
