//! A reminder step: `before-N`, `due` or `overdue-K`, as the sent-log stores it.

use std::fmt;

use crate::lang::Lang;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

/// One reminder of a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    /// N working days before the due date.
    Before(i32),
    /// On the due date.
    Due,
    /// The K-th overdue reminder: K × `overdue_every` working days after.
    Overdue(i32),
}

impl Step {
    /// Parses the sent-log form: `before-7`, `due`, `overdue-2`.
    pub fn parse(text: &str) -> Option<Step> {
        if text == "due" {
            return Some(Step::Due);
        }
        let (kind, n) = text.split_once('-')?;
        let n: i32 = n.parse().ok().filter(|n| *n >= 1)?;
        match kind {
            "before" => Some(Step::Before(n)),
            "overdue" => Some(Step::Overdue(n)),
            _ => None,
        }
    }
}

impl Step {
    /// As the office says it: *nhắc trước 3 ngày làm việc*, *nhắc đúng
    /// hạn*, *nhắc quá hạn lần 2*.
    pub fn words(self, lang: Lang) -> String {
        match (self, lang) {
            (Step::Before(n), Lang::Vi) => format!("nhắc trước {n} ngày làm việc"),
            (Step::Due, Lang::Vi) => "nhắc đúng hạn".into(),
            (Step::Overdue(k), Lang::Vi) => format!("nhắc quá hạn lần {k}"),
            (Step::Before(n), Lang::En) => format!("reminder {n} working days before"),
            (Step::Due, Lang::En) => "reminder on the due date".into(),
            (Step::Overdue(k), Lang::En) => format!("overdue reminder {k}"),
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Before(n) => write!(f, "before-{n}"),
            Step::Due => write!(f, "due"),
            Step::Overdue(k) => write!(f, "overdue-{k}"),
        }
    }
}

impl ToSql for Step {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.to_string()))
    }
}

impl FromSql for Step {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        Step::parse(text)
            .ok_or_else(|| FromSqlError::Other(format!("\"{text}\" is not a reminder step").into()))
    }
}
