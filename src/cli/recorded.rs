//! What the office wrote down about each pair — a submission's document
//! number (*số, ký hiệu*) and note, a waiver's note — for the outputs that
//! show it next to the pair's state.

use std::collections::HashMap;

use crate::calendar::Instance;
use crate::config::Config;
use crate::ledger::{Ledger, LedgerError, PairKey};
use crate::policy::{PairState, State};

#[derive(Debug, Default)]
pub struct Recorded {
    submissions: HashMap<PairKey, (Option<String>, Option<String>)>,
    waivers: HashMap<PairKey, Option<String>>,
}

impl Recorded {
    pub fn load(ledger: &Ledger) -> Result<Recorded, LedgerError> {
        Ok(Recorded {
            submissions: ledger
                .submissions()?
                .into_iter()
                .map(|s| (s.key, (s.reference, s.note)))
                .collect(),
            waivers: ledger
                .waivers()?
                .into_iter()
                .map(|w| (w.key, w.note))
                .collect(),
        })
    }

    /// `(ref, note)` of a pair: the submission's when the pair counts as
    /// submitted at the moment evaluated, the waiver's note when exempt.
    pub fn of(
        &self,
        config: &Config,
        instances: &[Instance],
        s: &PairState,
    ) -> (Option<&str>, Option<&str>) {
        let i = &instances[s.instance];
        let key = PairKey {
            plan: config.plans[i.plan].id.clone(),
            obligation: i.obligation(config).id.clone(),
            period: i.period,
            agency: config.agencies[s.agency].id.clone(),
        };
        match s.state {
            State::OnTime | State::Late => self
                .submissions
                .get(&key)
                .map_or((None, None), |(r, n)| (r.as_deref(), n.as_deref())),
            State::Exempt => (None, self.waivers.get(&key).and_then(|n| n.as_deref())),
            State::Pending | State::Overdue => (None, None),
        }
    }
}
