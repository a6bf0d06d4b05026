//! The journal: every write a person makes from the console — a record, a
//! bulk record, a waiver, an extension, an inbox decision — with the rows
//! it changed, before and after, so that its author can undo it for a
//! while ([`UNDO_WINDOW`]); an undone write stays in the journal, marked
//! with who undid it and when.
//!
//! What changed is caught by temporary triggers on this connection alone
//! (an admin's `sqlite3` or another process never fires them), armed only
//! for the span of [`Ledger::journaled`]: the write itself runs unchanged,
//! inside one transaction with its journal entry.

use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};

use super::{Ledger, LedgerError};

/// How long the author of a write may undo it (SPEC: 10 minutes).
pub const UNDO_WINDOW: i64 = 10 * 60;

/// A table whose rows a person's write changes.
struct Watched {
    table: &'static str,
    key: &'static [&'static str],
    /// What is kept of a row, and put back by an undo.
    columns: &'static [&'static str],
}

const PAIR: &[&str] = &["plan", "obligation", "period", "agency"];

const WATCHED: [Watched; 4] = [
    Watched {
        table: "submissions",
        key: PAIR,
        columns: &[
            "plan",
            "obligation",
            "period",
            "agency",
            "submitted_at",
            "ref",
            "note",
            "recorded_at",
            "recorded_by",
        ],
    },
    Watched {
        table: "waivers",
        key: PAIR,
        columns: &[
            "plan",
            "obligation",
            "period",
            "agency",
            "note",
            "recorded_at",
            "recorded_by",
        ],
    },
    Watched {
        table: "extensions",
        key: PAIR,
        columns: &[
            "plan",
            "obligation",
            "period",
            "agency",
            "due",
            "note",
            "recorded_at",
            "recorded_by",
        ],
    },
    // A proposal is never removed: an undo puts its decision back.
    Watched {
        table: "proposals",
        key: &["id"],
        columns: &["id", "state", "decided_at", "decided_by"],
    },
];

impl Watched {
    /// The row `of` (`OLD`, `NEW`, or a table's name) as a JSON object.
    fn image(&self, of: &str) -> String {
        let fields: Vec<String> = self
            .columns
            .iter()
            .map(|c| format!("'{c}', {of}.{c}"))
            .collect();
        format!("json_object({})", fields.join(", "))
    }

    fn key_of(&self, of: &str) -> String {
        let fields: Vec<String> = self.key.iter().map(|c| format!("{of}.{c}")).collect();
        format!("json_array({})", fields.join(", "))
    }

    /// `WHERE` the row's key is the JSON array `?{n}`.
    fn matches(&self, n: usize) -> String {
        let parts: Vec<String> = self
            .key
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = json_extract(?{n}, '$[{i}]')"))
            .collect();
        parts.join(" AND ")
    }

    /// The row's image now, for the key `?1`.
    fn current(&self) -> String {
        format!(
            "SELECT {} FROM main.{t} AS {t} WHERE {}",
            self.image(self.table),
            self.matches(1),
            t = self.table
        )
    }

    /// Puts back the image `?2` of the row keyed `?1` (none: removes it).
    fn restore(&self) -> String {
        let t = self.table;
        if t == "proposals" {
            let sets: Vec<String> = self.columns[1..]
                .iter()
                .map(|c| format!("{c} = json_extract(?2, '$.{c}')"))
                .collect();
            return format!(
                "UPDATE main.{t} SET {} WHERE {}",
                sets.join(", "),
                self.matches(1)
            );
        }
        let values: Vec<String> = self
            .columns
            .iter()
            .map(|c| format!("json_extract(?2, '$.{c}')"))
            .collect();
        format!(
            "DELETE FROM main.{t} WHERE {m};
             INSERT INTO main.{t} ({}) SELECT {} WHERE ?2 IS NOT NULL;",
            self.columns.join(", "),
            values.join(", "),
            m = self.matches(1)
        )
    }

    fn triggers(&self) -> String {
        let t = self.table;
        let armed = "WHEN EXISTS (SELECT 1 FROM temp.journal_armed)";
        let keep = |row: &str, image: &str| {
            format!(
                "INSERT OR IGNORE INTO temp.journal_changed (tbl, k, before) VALUES ('{t}', {}, {image});",
                self.key_of(row)
            )
        };
        format!(
            "CREATE TEMP TRIGGER IF NOT EXISTS journal_{t}_insert AFTER INSERT ON main.{t} {armed}
             BEGIN {} END;
             CREATE TEMP TRIGGER IF NOT EXISTS journal_{t}_update BEFORE UPDATE ON main.{t} {armed}
             BEGIN {} END;
             CREATE TEMP TRIGGER IF NOT EXISTS journal_{t}_delete BEFORE DELETE ON main.{t} {armed}
             BEGIN {} END;",
            keep("NEW", "NULL"),
            keep("OLD", &self.image("OLD")),
            keep("OLD", &self.image("OLD")),
        )
    }
}

/// One write in the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub at: Timestamp,
    pub by: String,
    /// The sentence its author was shown.
    pub what: String,
    /// Who undid it, and when.
    pub undone: Option<(String, Timestamp)>,
}

/// Why a write cannot be undone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undo {
    Done(Entry),
    /// No such write of this person's, or not their last one.
    NotLast,
    /// Undone already.
    Undone,
    /// Older than [`UNDO_WINDOW`].
    TooOld,
    /// A row it wrote has changed since (by someone else, or the mailbox).
    ChangedSince,
}

impl Ledger {
    /// Runs `write` as `by`'s one write, in one transaction with its entry
    /// in the journal (worded by `what` from the write's outcome). A write
    /// that fails, or changes nothing, leaves no entry: then `None`.
    pub fn journaled<T, E: From<LedgerError>>(
        &mut self,
        by: &str,
        at: Timestamp,
        write: impl FnOnce(&mut Ledger) -> Result<T, E>,
        what: impl FnOnce(&T) -> Option<String>,
    ) -> Result<(T, Option<i64>), E> {
        self.arm().map_err(|e| E::from(self.sql(e)))?;
        let outcome = write(self);
        let entry = match &outcome {
            Ok(value) => self.settle(by, at, what(value)),
            Err(_) => Ok(None),
        };
        let disarm = self.conn.execute_batch("DELETE FROM temp.journal_armed");
        let end = match (&outcome, &entry) {
            (Ok(_), Ok(_)) => "COMMIT",
            _ => "ROLLBACK",
        };
        let ended = self.conn.execute_batch(end);
        let entry = entry?;
        disarm.and(ended).map_err(|e| E::from(self.sql(e)))?;
        outcome.map(|value| (value, entry))
    }

    /// Begins the transaction and arms the triggers.
    fn arm(&mut self) -> rusqlite::Result<()> {
        let mut sql = String::from(
            "CREATE TEMP TABLE IF NOT EXISTS journal_armed (one INTEGER);
             CREATE TEMP TABLE IF NOT EXISTS journal_changed (
                 tbl TEXT NOT NULL, k TEXT NOT NULL, before TEXT, PRIMARY KEY (tbl, k));",
        );
        for w in &WATCHED {
            sql.push_str(&w.triggers());
        }
        self.conn.execute_batch(&sql)?;
        self.conn.execute_batch(
            "BEGIN IMMEDIATE;
             DELETE FROM temp.journal_changed;
             DELETE FROM temp.journal_armed;
             INSERT INTO temp.journal_armed VALUES (1);",
        )
    }

    /// Writes the journal entry of what the armed triggers caught.
    fn settle(
        &mut self,
        by: &str,
        at: Timestamp,
        what: Option<String>,
    ) -> Result<Option<i64>, LedgerError> {
        let sql = |e| self.sql(e);
        let mut rows = Vec::new();
        {
            let mut changed = self
                .conn
                .prepare("SELECT tbl, k, before FROM temp.journal_changed ORDER BY rowid")
                .map_err(sql)?;
            let caught = changed
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                    ))
                })
                .map_err(sql)?;
            for row in caught {
                let (table, key, before) = row.map_err(sql)?;
                let after = self.image(&table, &key).map_err(sql)?;
                if before != after {
                    rows.push((table, key, before, after));
                }
            }
        }
        let Some(what) = what.filter(|_| !rows.is_empty()) else {
            return Ok(None);
        };
        self.conn
            .execute(
                "INSERT INTO journal (at, by, what) VALUES (?1, ?2, ?3)",
                params![at.as_second(), by, what],
            )
            .map_err(sql)?;
        let id = self.conn.last_insert_rowid();
        for (table, key, before, after) in rows {
            self.conn
                .execute(
                    "INSERT INTO journal_rows (entry, tbl, k, before, after) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![id, table, key, before, after],
                )
                .map_err(sql)?;
        }
        Ok(Some(id))
    }

    /// The image of the row `key` of `table` now (`None`: there is none).
    fn image(&self, table: &str, key: &str) -> rusqlite::Result<Option<String>> {
        let w = watched(table)?;
        self.conn
            .query_row(&w.current(), [key], |r| r.get(0))
            .optional()
    }

    /// Undoes write `id` as `by` at `now`: only `by`'s own last write,
    /// within [`UNDO_WINDOW`], and only while every row it wrote is as it
    /// left it. The entry stays, marked undone.
    pub fn undo(&mut self, id: i64, by: &str, now: Timestamp) -> Result<Undo, LedgerError> {
        let path = self.path.clone();
        let sql = move |source| LedgerError::Sqlite {
            path: path.clone(),
            source,
        };
        let (tx, _) = super::write_tx(&mut self.conn, &self.path)?;
        let last: Option<i64> = tx
            .query_row(
                "SELECT max(id) FROM journal WHERE by = ?1 AND undone_at IS NULL",
                [by],
                |r| r.get(0),
            )
            .map_err(&sql)?;
        let Some(entry) = entry(&tx, id).map_err(&sql)? else {
            return Ok(Undo::NotLast);
        };
        if entry.by != by {
            return Ok(Undo::NotLast);
        }
        if entry.undone.is_some() {
            return Ok(Undo::Undone);
        }
        if last != Some(id) {
            return Ok(Undo::NotLast);
        }
        if now.as_second() - entry.at.as_second() > UNDO_WINDOW {
            return Ok(Undo::TooOld);
        }
        let rows: Vec<(String, String, Option<String>, Option<String>)> = {
            let mut stmt = tx
                .prepare("SELECT tbl, k, before, after FROM journal_rows WHERE entry = ?1")
                .map_err(&sql)?;
            let rows = stmt
                .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .map_err(&sql)?;
            rows.collect::<Result<_, _>>().map_err(&sql)?
        };
        for (table, key, _, after) in &rows {
            let w = watched(table).map_err(&sql)?;
            let now: Option<String> = tx
                .query_row(&w.current(), [key], |r| r.get(0))
                .optional()
                .map_err(&sql)?;
            if now != *after {
                return Ok(Undo::ChangedSince);
            }
        }
        for (table, key, before, _) in &rows {
            let w = watched(table).map_err(&sql)?;
            for statement in w.restore().split(';').filter(|s| !s.trim().is_empty()) {
                let mut stmt = tx.prepare(statement).map_err(&sql)?;
                let done = match stmt.parameter_count() {
                    1 => stmt.execute([key]),
                    _ => stmt.execute(params![key, before]),
                };
                done.map_err(&sql)?;
            }
        }
        tx.execute(
            "UPDATE journal SET undone_at = ?2, undone_by = ?3 WHERE id = ?1",
            params![id, now.as_second(), by],
        )
        .map_err(&sql)?;
        tx.commit().map_err(&sql)?;
        Ok(Undo::Done(entry))
    }

    /// The journal's last `limit` entries, the latest first.
    pub fn journal(&self, limit: usize) -> Result<Vec<Entry>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, at, by, what, undone_by, undone_at FROM journal ORDER BY id DESC LIMIT ?1",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map([limit as i64], entry_from_row)
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }
}

fn watched(table: &str) -> rusqlite::Result<&'static Watched> {
    WATCHED
        .iter()
        .find(|w| w.table == table)
        .ok_or_else(|| rusqlite::Error::InvalidParameterName(table.to_string()))
}

fn entry(conn: &rusqlite::Connection, id: i64) -> rusqlite::Result<Option<Entry>> {
    conn.query_row(
        "SELECT id, at, by, what, undone_by, undone_at FROM journal WHERE id = ?1",
        [id],
        entry_from_row,
    )
    .optional()
}

fn entry_from_row(r: &rusqlite::Row) -> rusqlite::Result<Entry> {
    let undone_by: Option<String> = r.get(4)?;
    let undone_at: Option<i64> = r.get(5)?;
    Ok(Entry {
        id: r.get(0)?,
        at: super::timestamp_from(r.get(1)?),
        by: r.get(2)?,
        what: r.get(3)?,
        undone: undone_by.zip(undone_at.map(super::timestamp_from)),
    })
}

#[cfg(test)]
mod tests;
