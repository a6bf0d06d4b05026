//! What the office wrote down about each pair — a submission's document
//! number (*số, ký hiệu*) and note, a waiver's note — for the outputs that
//! show it next to the pair's state. Keyed by indices into the config, so
//! that a national `status` (half a million pairs) looks each pair up
//! without building its key's strings.

use std::collections::HashMap;

use jiff::civil::Date;

use crate::calendar::Instance;
use crate::config::Config;
use crate::ledger::{Entry, Ledger, LedgerError, Note, PairKey};
use crate::policy::{PairState, State};

/// (plan, obligation, period, agency), as indices into the config.
type Key = (usize, usize, Date, usize);

#[derive(Debug, Default)]
pub struct Recorded {
    submissions: HashMap<Key, Entry>,
    waivers: HashMap<Key, Entry>,
    /// The last note of each pair that has one.
    notes: HashMap<Key, Note>,
}

/// What the outputs show beside a pair's state.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shown<'a> {
    /// The submission's document number.
    pub reference: Option<&'a str>,
    /// The submission's or the waiver's note.
    pub note: Option<&'a str>,
    /// Who recorded that submission or waiver.
    pub recorded_by: Option<&'a str>,
    /// The clerk's last note on the pair (*đã gọi, hẹn thứ Sáu*), whatever its state.
    pub last_note: Option<&'a Note>,
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
        let by_key = |entries: Vec<Entry>| -> HashMap<Key, Entry> {
            entries
                .into_iter()
                .filter_map(|e| Some((index(&e.key)?, e)))
                .collect()
        };
        let entries = ledger.entries()?;
        let notes = ledger
            .last_notes()?
            .into_iter()
            .filter_map(|(k, n)| Some((index(&k)?, n)))
            .collect();
        Ok(Recorded {
            submissions: by_key(entries.submissions),
            waivers: by_key(entries.waivers),
            notes,
        })
    }

    /// What to show beside a pair: its submission's number, note and
    /// recorder when the pair counts as submitted at the moment evaluated,
    /// its waiver's note and recorder when exempt, nothing otherwise.
    pub fn of(&self, instances: &[Instance], s: &PairState) -> Shown<'_> {
        let i = &instances[s.instance];
        let key = (i.plan, i.obligation, i.period, s.agency);
        let entry = match s.state {
            State::OnTime | State::Late => self.submissions.get(&key),
            State::Exempt => self.waivers.get(&key),
            State::Pending | State::Overdue => None,
        };
        let last_note = self.notes.get(&key);
        entry.map_or_else(
            || Shown {
                last_note,
                ..Shown::default()
            },
            |e| Shown {
                reference: e.reference.as_deref(),
                note: e.note.as_deref(),
                recorded_by: Some(&e.recorded_by),
                last_note,
            },
        )
    }
}
