//! What the office wrote down about each pair — a submission's document
//! number (*số, ký hiệu*) and note, a waiver's note — for the outputs that
//! show it next to the pair's state. Keyed by indices into the config, so
//! that a national `status` (half a million pairs) looks each pair up
//! without building its key's strings.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::calendar::Instance;
use crate::config::Config;
use crate::ledger::{Ledger, LedgerError, PairKey};
use crate::policy::{PairState, State};

/// (plan, obligation, period, agency), as indices into the config.
type Key = (usize, usize, Date, usize);

#[derive(Debug, Default)]
pub struct Recorded {
    submissions: HashMap<Key, (Option<String>, Option<String>)>,
    waivers: HashMap<Key, Option<String>>,
    /// `recorded_by` of each submission and waiver.
    submitters: HashMap<Key, String>,
    waivers_by: HashMap<Key, String>,
}

impl Recorded {
    pub fn load(config: &Config, ledger: &Ledger) -> Result<Recorded, LedgerError> {
        let index = |k: &PairKey| -> Option<Key> {
            let p = config.plans.iter().position(|p| p.id == k.plan)?;
            let o = config.plans[p]
                .obligations
                .iter()
                .position(|o| o.id == k.obligation)?;
            let a = config
                .agencies
                .binary_search_by(|a| a.id.as_str().cmp(&k.agency))
                .ok()?;
            Some((p, o, k.period, a))
        };
        let recorders = ledger.recorders()?;
        let by = |rows: Vec<(PairKey, String)>| -> HashMap<Key, String> {
            rows.into_iter()
                .filter_map(|(k, who)| Some((index(&k)?, who)))
                .collect()
        };
        Ok(Recorded {
            submitters: by(recorders.submissions),
            waivers_by: by(recorders.waivers),
            submissions: ledger
                .submissions()?
                .into_iter()
                .filter_map(|s| Some((index(&s.key)?, (s.reference, s.note))))
                .collect(),
            waivers: ledger
                .waivers()?
                .into_iter()
                .filter_map(|w| Some((index(&w.key)?, w.note)))
                .collect(),
        })
    }

    /// `(ref, note)` of a pair: the submission's when the pair counts as
    /// submitted at the moment evaluated, the waiver's note when exempt.
    pub fn of(&self, instances: &[Instance], s: &PairState) -> (Option<&str>, Option<&str>) {
        let i = &instances[s.instance];
        let key = (i.plan, i.obligation, i.period, s.agency);
        match s.state {
            State::OnTime | State::Late => self
                .submissions
                .get(&key)
                .map_or((None, None), |(r, n)| (r.as_deref(), n.as_deref())),
            State::Exempt => (None, self.waivers.get(&key).and_then(|n| n.as_deref())),
            State::Pending | State::Overdue => (None, None),
        }
    }

    /// Who recorded what the pair's state rests on: its submission when it
    /// counts as submitted, its waiver when exempt.
    pub fn recorded_by(&self, instances: &[Instance], s: &PairState) -> Option<&str> {
        let i = &instances[s.instance];
        let key = (i.plan, i.obligation, i.period, s.agency);
        match s.state {
            State::OnTime | State::Late => self.submitters.get(&key).map(String::as_str),
            State::Exempt => self.waivers_by.get(&key).map(String::as_str),
            State::Pending | State::Overdue => None,
        }
    }
}
