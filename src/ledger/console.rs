//! What the web console reads besides states: the reminders behind a pair
//! and the queue's figures for `/metrics`.

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::params;

use super::{Ledger, LedgerError, MessageState, PairKey, Step, key_from_row};

/// A reminder step and what became of its message.
#[derive(Debug, Clone)]
pub struct Reminder {
    pub key: PairKey,
    pub step: Step,
    /// The message's state.
    pub state: MessageState,
    /// When the server accepted it (or, unsent, when it was made for).
    pub at: Timestamp,
    pub error: Option<String>,
}

/// Which reminders to list: one instance's, or one agency's.
#[derive(Debug, Clone, Copy)]
pub enum Of<'a> {
    Instance {
        plan: &'a str,
        obligation: &'a str,
        period: Date,
    },
    Agency(&'a str),
}

/// The queue's figures.
#[derive(Debug, Clone, Default)]
pub struct QueueFigures {
    /// Messages by state.
    pub by_state: Vec<(MessageState, u64)>,
    /// When the server last accepted a message.
    pub last_sent: Option<Timestamp>,
}

impl Ledger {
    /// The reminders sent (or queued) for an instance or an agency, oldest first.
    pub fn reminders(&self, of: Of<'_>) -> Result<Vec<Reminder>, LedgerError> {
        let (plan, obligation, period, agency) = match of {
            Of::Instance {
                plan,
                obligation,
                period,
            } => (Some(plan), Some(obligation), Some(period.to_string()), None),
            Of::Agency(a) => (None, None, None, Some(a)),
        };
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT s.plan, s.obligation, s.period, s.agency, s.step, m.state,
                        coalesce(m.sent_at, m.moment), m.last_error
                 FROM sent_log s JOIN messages m ON m.message_id = s.message_id
                 WHERE (?1 IS NULL OR s.plan = ?1) AND (?2 IS NULL OR s.obligation = ?2)
                   AND (?3 IS NULL OR s.period = ?3) AND (?4 IS NULL OR s.agency = ?4)
                 ORDER BY coalesce(m.sent_at, m.moment), s.step",
            )
            .map_err(|e| self.sql(e))?;
        let rows = stmt
            .query_map(params![plan, obligation, period, agency], |r| {
                Ok(Reminder {
                    key: key_from_row(r)?,
                    step: r.get(4)?,
                    state: MessageState::parse(&r.get::<_, String>(5)?),
                    at: Timestamp::from_second(r.get(6)?).unwrap_or(Timestamp::UNIX_EPOCH),
                    error: r.get(7)?,
                })
            })
            .map_err(|e| self.sql(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.sql(e))
    }

    /// Messages by state, and the last one the server accepted.
    pub fn queue_figures(&self) -> Result<QueueFigures, LedgerError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT state, count(*) FROM messages GROUP BY state ORDER BY state")
            .map_err(|e| self.sql(e))?;
        let by_state = stmt
            .query_map([], |r| {
                Ok((
                    MessageState::parse(&r.get::<_, String>(0)?),
                    r.get::<_, i64>(1)?.unsigned_abs(),
                ))
            })
            .map_err(|e| self.sql(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.sql(e))?;
        let last: Option<i64> = self
            .conn
            .query_row("SELECT max(sent_at) FROM messages", [], |r| r.get(0))
            .map_err(|e| self.sql(e))?;
        Ok(QueueFigures {
            by_state,
            last_sent: last.and_then(|t| Timestamp::from_second(t).ok()),
        })
    }

    /// Whether the database answers (`/healthz`).
    pub fn ping(&self) -> Result<(), LedgerError> {
        self.conn
            .query_row("SELECT count(*) FROM schema_version", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|_| ())
            .map_err(|e| self.sql(e))
    }

    /// `PRAGMA quick_check`: `None` when SQLite finds the file sound, else
    /// what it found (its first 5 lines).
    pub fn quick_check(&self) -> Result<Option<String>, LedgerError> {
        let mut stmt = self
            .conn
            .prepare("PRAGMA quick_check(5)")
            .map_err(|e| self.sql(e))?;
        let lines: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.sql(e))?;
        Ok((lines != ["ok"]).then(|| lines.join("; ")))
    }
}
