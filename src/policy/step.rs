//! A reminder step: `before-N`, `due` or `overdue-K`, as the sent-log stores it.

use std::fmt;

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

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Before(n) => write!(f, "before-{n}"),
            Step::Due => write!(f, "due"),
            Step::Overdue(k) => write!(f, "overdue-{k}"),
        }
    }
}
