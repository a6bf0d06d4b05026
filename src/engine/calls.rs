//! The call list (`/calls`, `dondoc calls`): today's overdue pairs grouped
//! by agency, the agency overdue longest first, with whom to call, their
//! number, and the last note the office kept on each pair.

use std::cmp::Reverse;
use std::collections::HashMap;

use jiff::Zoned;
use jiff::civil::Date;

use super::{EngineError, lazy_states_at};
use crate::calendar::Instance;
use crate::config::Config;
use crate::ledger::{Ledger, Note, PairKey};
use crate::policy::State;

/// One overdue pair of an agency.
#[derive(Debug, Clone)]
pub struct Owed {
    /// Index into [`Calls::instances`].
    pub instance: usize,
    pub key: PairKey,
    /// The pair's due date (an extension's, if the office granted one).
    pub due: Date,
    /// Whole days past it.
    pub days: i32,
    pub last_note: Option<Note>,
}

/// One agency to call.
#[derive(Debug, Clone)]
pub struct Call {
    /// Index into [`Config::agencies`].
    pub agency: usize,
    /// The most days any of its reports is overdue.
    pub longest: i32,
    /// Its overdue pairs, the longest overdue first.
    pub owed: Vec<Owed>,
}

/// The call list at a moment.
#[derive(Debug)]
pub struct Calls {
    pub instances: Vec<Instance>,
    pub calls: Vec<Call>,
}

impl Calls {
    /// How many overdue pairs the list holds.
    pub fn pairs(&self) -> usize {
        self.calls.iter().map(|c| c.owed.len()).sum()
    }
}

/// Every agency with a report overdue at `at`: the longest overdue first,
/// then the most reports overdue, then by name (`rank`: each agency's
/// place in name order).
pub fn calls(
    config: &Config,
    ledger: &Ledger,
    at: &Zoned,
    rank: &[usize],
) -> Result<Calls, EngineError> {
    let lazy = lazy_states_at(config, ledger, at)?;
    let mut notes: HashMap<PairKey, Note> = ledger.last_notes()?;
    let mut by_agency: HashMap<usize, Vec<Owed>> = HashMap::new();
    let mut buffer = Vec::new();
    for n in 0..lazy.instances.len() {
        lazy.instance(n, &mut buffer);
        for s in buffer.iter().filter(|s| s.state == State::Overdue) {
            let key = super::record::key_of(config, &lazy.instances[n], s.agency);
            by_agency.entry(s.agency).or_default().push(Owed {
                instance: n,
                last_note: notes.remove(&key),
                key,
                due: s.due,
                days: s.days_late.unwrap_or(0),
            });
        }
    }
    let mut calls: Vec<Call> = by_agency
        .into_iter()
        .map(|(agency, mut owed)| {
            owed.sort_by_key(|o| (Reverse(o.days), o.instance));
            Call {
                agency,
                longest: owed.first().map_or(0, |o| o.days),
                owed,
            }
        })
        .collect();
    calls.sort_by_key(|c| (Reverse(c.longest), Reverse(c.owed.len()), rank[c.agency]));
    Ok(Calls {
        instances: lazy.instances,
        calls,
    })
}
