//! The ledger as the pure code sees it: submissions, waivers and sent steps
//! resolved against one config and grouped per instance, each list sorted by
//! agency index so that states and reminders walk it in step with an
//! instance's agencies.

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::Date;

use crate::calendar::Instance;
use crate::config::Config;
use crate::ledger::{Extension, PairKey, SentStep, Step, Submission, Waiver};

/// An instance by config indices: (plan, obligation, period).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct InstanceKey(u32, u32, Date);

/// What the ledger holds for one instance, by agency index (sorted), so that
/// evaluating walks it in step with the instance's sorted agencies.
#[derive(Debug, Default)]
pub(crate) struct InstanceLedger {
    /// (agency, submitted at, local date of submission)
    pub(crate) submissions: Vec<(u32, Timestamp, Date)>,
    pub(crate) waivers: Vec<u32>,
    /// (agency, step) already in the sent-log, whatever became of the message.
    pub(crate) sent: Vec<(u32, Step)>,
    /// (agency, extended due date).
    pub(crate) extensions: Vec<(u32, Date)>,
}

impl InstanceLedger {
    /// Whether `agency` is waived, and its submission if made by `at`.
    /// The extended due date of `agency`, if the office granted one.
    pub(crate) fn extended(&self, agency: u32) -> Option<Date> {
        self.extensions
            .binary_search_by_key(&agency, |e| e.0)
            .ok()
            .map(|i| self.extensions[i].1)
    }

    pub(crate) fn standing(&self, agency: u32, at: Timestamp) -> (bool, Option<(Timestamp, Date)>) {
        let waived = self.waivers.binary_search(&agency).is_ok();
        let submitted = self
            .submissions
            .binary_search_by_key(&agency, |s| s.0)
            .ok()
            .map(|i| self.submissions[i])
            .filter(|s| s.1 <= at)
            .map(|s| (s.1, s.2));
        (waived, submitted)
    }

    /// The steps already in the sent-log for `agency`.
    pub(crate) fn sent_steps(&self, agency: u32) -> impl Iterator<Item = Step> + '_ {
        let start = self.sent.partition_point(|s| s.0 < agency);
        self.sent[start..]
            .iter()
            .take_while(move |s| s.0 == agency)
            .map(|s| s.1)
    }
}

/// The ledger as the pure code sees it, resolved against one config. Rows
/// whose ids the config no longer has are ignored.
#[derive(Debug, Default)]
pub struct Snapshot {
    instances: HashMap<InstanceKey, InstanceLedger>,
}

impl Snapshot {
    /// A snapshot of submissions and waivers (no sent-log: for states).
    pub fn new(config: &Config, submissions: &[Submission], waivers: &[Waiver]) -> Snapshot {
        Snapshot::with_sent(config, submissions, waivers, &[])
    }

    /// A snapshot that also knows which reminder steps were sent (for reminders).
    pub fn with_sent(
        config: &Config,
        submissions: &[Submission],
        waivers: &[Waiver],
        sent: &[SentStep],
    ) -> Snapshot {
        let index = Index::new(config);
        let tz = &config.settings.timezone;
        let mut instances: HashMap<InstanceKey, InstanceLedger> = HashMap::new();
        for s in submissions {
            if let Some((key, agency)) = index.pair(&s.key) {
                let day = tz.to_datetime(s.submitted_at).date();
                instances
                    .entry(key)
                    .or_default()
                    .submissions
                    .push((agency, s.submitted_at, day));
            }
        }
        for w in waivers {
            if let Some((key, agency)) = index.pair(&w.key) {
                instances.entry(key).or_default().waivers.push(agency);
            }
        }
        for s in sent {
            if let Some((key, agency)) = index.pair(&s.key) {
                instances
                    .entry(key)
                    .or_default()
                    .sent
                    .push((agency, s.step));
            }
        }
        for entry in instances.values_mut() {
            entry.submissions.sort_unstable_by_key(|s| s.0);
            entry.waivers.sort_unstable();
            entry.sent.sort_unstable();
        }
        Snapshot { instances }
    }

    /// The same snapshot knowing the office's extensions (*gia hạn*).
    pub fn with_extensions(mut self, config: &Config, extensions: &[Extension]) -> Snapshot {
        let index = Index::new(config);
        for e in extensions {
            if let Some((key, agency)) = index.pair(&e.key) {
                self.instances
                    .entry(key)
                    .or_default()
                    .extensions
                    .push((agency, e.due));
            }
        }
        for entry in self.instances.values_mut() {
            entry.extensions.sort_unstable();
        }
        self
    }

    /// The ledger of one instance (empty when nothing is recorded).
    pub(crate) fn instance(&self, inst: &Instance) -> &InstanceLedger {
        static EMPTY: InstanceLedger = InstanceLedger {
            submissions: Vec::new(),
            waivers: Vec::new(),
            sent: Vec::new(),
            extensions: Vec::new(),
        };
        let key = InstanceKey(inst.plan as u32, inst.obligation as u32, inst.period);
        self.instances.get(&key).unwrap_or(&EMPTY)
    }

    #[cfg(test)]
    pub(crate) fn is_empty(&self) -> bool {
        self.instances.is_empty()
    }
}

/// Config ids → indices.
struct Index<'c> {
    plans: HashMap<&'c str, (u32, HashMap<&'c str, u32>)>,
    agencies: HashMap<&'c str, u32>,
}

impl<'c> Index<'c> {
    fn new(config: &'c Config) -> Self {
        let plans = config
            .plans
            .iter()
            .enumerate()
            .map(|(p, plan)| {
                let obs = plan
                    .obligations
                    .iter()
                    .enumerate()
                    .map(|(o, ob)| (ob.id.as_str(), o as u32))
                    .collect();
                (plan.id.as_str(), (p as u32, obs))
            })
            .collect();
        let agencies = config
            .agencies
            .iter()
            .enumerate()
            .map(|(a, agency)| (agency.id.as_str(), a as u32))
            .collect();
        Index { plans, agencies }
    }

    fn pair(&self, key: &PairKey) -> Option<(InstanceKey, u32)> {
        let (p, obs) = self.plans.get(key.plan.as_str())?;
        let o = obs.get(key.obligation.as_str())?;
        let a = self.agencies.get(key.agency.as_str())?;
        Some((InstanceKey(*p, *o, key.period), *a))
    }
}
