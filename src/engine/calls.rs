//! The call list (`/calls`, `dondoc calls`): today's overdue pairs grouped
//! by agency, the agency overdue longest first, with whom to call, their
//! number, and the last note the office kept on each pair. What the office
//! does not chase (`remind = false`) is left out, as from the reminders.

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
    /// How many of its reports are overdue.
    pub count: usize,
    /// Its overdue pairs, the longest overdue first: at most the `shown`
    /// that [`calls`] was asked for.
    pub owed: Vec<Owed>,
}

/// The call list at a moment.
#[derive(Debug)]
pub struct Calls {
    pub instances: Vec<Instance>,
    pub calls: Vec<Call>,
}

impl Calls {
    /// How many overdue pairs the list counts.
    pub fn pairs(&self) -> usize {
        self.calls.iter().map(|c| c.count).sum()
    }
}

/// An overdue pair while the list is made: (days, instance, due).
type Kept = (i32, usize, Date);

/// Every agency with a report overdue at `at`: the longest overdue first,
/// then the most reports overdue, then by name (`rank`: each agency's
/// place in name order). Each keeps its `shown` longest overdue reports
/// (all with `None`) and counts the rest: a national province owes
/// millions of pairs, and a call is about the oldest.
pub fn calls(
    config: &Config,
    ledger: &Ledger,
    at: &Zoned,
    rank: &[usize],
    shown: Option<usize>,
) -> Result<Calls, EngineError> {
    let lazy = lazy_states_at(config, ledger, at)?;
    let mut notes: HashMap<PairKey, Note> = ledger.last_notes()?;
    let mut count = vec![0usize; config.agencies.len()];
    let mut kept: Vec<Vec<Kept>> = vec![Vec::new(); config.agencies.len()];
    let mut buffer = Vec::new();
    for n in 0..lazy.instances.len() {
        // A duty the office does not chase (`remind = false`: its own task,
        // its parent's) is tracked, never a call.
        if !lazy.instances[n].obligation(config).remind {
            continue;
        }
        lazy.instance(n, &mut buffer);
        let chased = |s: &&crate::policy::PairState| config.agencies[s.agency].remind;
        for s in buffer
            .iter()
            .filter(|s| s.state == State::Overdue)
            .filter(chased)
        {
            count[s.agency] += 1;
            keep(
                &mut kept[s.agency],
                (s.days_late.unwrap_or(0), n, s.due),
                shown,
            );
        }
    }
    let mut calls: Vec<Call> = kept
        .into_iter()
        .enumerate()
        .filter(|(a, _)| count[*a] > 0)
        .map(|(agency, mut pairs)| {
            pairs.sort_by_key(|&(days, n, _)| (Reverse(days), n));
            let owed: Vec<Owed> = pairs
                .into_iter()
                .map(|(days, n, due)| {
                    let key = super::record::key_of(config, &lazy.instances[n], agency);
                    Owed {
                        instance: n,
                        last_note: notes.remove(&key),
                        key,
                        due,
                        days,
                    }
                })
                .collect();
            Call {
                agency,
                longest: owed.first().map_or(0, |o| o.days),
                count: count[agency],
                owed,
            }
        })
        .collect();
    calls.sort_by_key(|c| (Reverse(c.longest), Reverse(c.count), rank[c.agency]));
    Ok(Calls {
        instances: lazy.instances,
        calls,
    })
}

/// Keeps `pair` among an agency's `shown` longest overdue (all: `None`).
fn keep(pairs: &mut Vec<Kept>, pair: Kept, shown: Option<usize>) {
    let Some(most) = shown else {
        return pairs.push(pair);
    };
    if pairs.len() < most {
        return pairs.push(pair);
    }
    // The least overdue kept (the latest instance among equals) gives way.
    let weakest = (0..pairs.len()).min_by_key(|&i| (pairs[i].0, Reverse(pairs[i].1)));
    if let Some(w) = weakest {
        if (pair.0, Reverse(pair.1)) > (pairs[w].0, Reverse(pairs[w].1)) {
            pairs[w] = pair;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cmp::Reverse;

    use super::{Kept, keep};
    use jiff::civil::date;

    #[test]
    fn an_agency_keeps_its_longest_overdue_reports() {
        let d = date(2025, 6, 16);
        let mut kept: Vec<Kept> = Vec::new();
        for (days, n) in [(3, 0), (9, 1), (1, 2), (9, 3), (5, 4), (7, 5)] {
            keep(&mut kept, (days, n, d), Some(3));
        }
        kept.sort_by_key(|&(days, n, _)| (Reverse(days), n));
        let got: Vec<(i32, usize)> = kept.iter().map(|&(days, n, _)| (days, n)).collect();
        assert_eq!(got, [(9, 1), (9, 3), (7, 5)]);
        let mut all: Vec<Kept> = Vec::new();
        for n in 0..5 {
            keep(&mut all, (1, n, d), None);
        }
        assert_eq!(all.len(), 5);
    }
}
