//! The state of each (instance, agency) pair at a moment T.
//!
//! | state     | when |
//! |-----------|------|
//! | `exempt`  | waived (wins over a submission) |
//! | `on_time` | submitted at or before T, on a local date ≤ due |
//! | `late`    | submitted at or before T, on a local date > due |
//! | `pending` | not submitted by T, T's local date ≤ due |
//! | `overdue` | not submitted by T, T's local date > due |

use std::collections::HashMap;

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::reminders::Step;
use crate::calendar::Instance;
use crate::config::Config;
use crate::ledger::{PairKey, SentStep, Submission, Waiver};

/// The state of one pair.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Pending,
    Overdue,
    /// `on_time`, as in the JSON (`on-time` is accepted on the command line too).
    #[value(name = "on_time", alias = "on-time")]
    OnTime,
    Late,
    Exempt,
}

impl State {
    pub const ALL: [State; 5] = [
        State::OnTime,
        State::Late,
        State::Overdue,
        State::Pending,
        State::Exempt,
    ];

    /// The name in the office's language.
    pub fn vi(self) -> &'static str {
        match self {
            State::Pending => "chưa đến hạn",
            State::Overdue => "quá hạn chưa nộp",
            State::OnTime => "nộp đúng hạn",
            State::Late => "nộp quá hạn",
            State::Exempt => "miễn",
        }
    }

    /// The name in JSON and CSV.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Overdue => "overdue",
            State::OnTime => "on_time",
            State::Late => "late",
            State::Exempt => "exempt",
        }
    }
}

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
}

impl InstanceLedger {
    /// Whether `agency` is waived, and its submission if made by `at`.
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
            let step = Step::parse(&s.step);
            if let (Some((key, agency)), Some(step)) = (index.pair(&s.key), step) {
                instances.entry(key).or_default().sent.push((agency, step));
            }
        }
        for entry in instances.values_mut() {
            entry.submissions.sort_unstable_by_key(|s| s.0);
            entry.waivers.sort_unstable();
            entry.sent.sort_unstable();
        }
        Snapshot { instances }
    }

    /// The ledger of one instance (empty when nothing is recorded).
    pub(crate) fn instance(&self, inst: &Instance) -> &InstanceLedger {
        static EMPTY: InstanceLedger = InstanceLedger {
            submissions: Vec::new(),
            waivers: Vec::new(),
            sent: Vec::new(),
        };
        let key = InstanceKey(inst.plan as u32, inst.obligation as u32, inst.period);
        self.instances.get(&key).unwrap_or(&EMPTY)
    }

    #[cfg(test)]
    fn is_empty(&self) -> bool {
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

/// The state of one pair at T.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairState {
    /// Index into the instances evaluated.
    pub instance: usize,
    /// Index into [`Config::agencies`].
    pub agency: usize,
    pub state: State,
    /// When submitted (only for `on_time` and `late`).
    pub submitted_at: Option<Timestamp>,
    /// Whole calendar days past the due date (only for `late` and `overdue`).
    pub days_late: Option<i32>,
}

/// The state of every owed pair of `instances` at moment `at`, in instance
/// order and, within an instance, agency order.
pub fn evaluate(
    instances: &[Instance],
    snapshot: &Snapshot,
    at: Timestamp,
    tz: &TimeZone,
) -> Vec<PairState> {
    let today = at.to_zoned(tz.clone()).date();
    let mut out = Vec::with_capacity(instances.iter().map(|i| i.agencies.len()).sum());
    for (n, inst) in instances.iter().enumerate() {
        let ledger = snapshot.instance(inst);
        // Agencies, submissions and waivers are all sorted by agency index: merge.
        let (mut s, mut w) = (0, 0);
        for &agency in &inst.agencies {
            let a = agency as u32;
            while ledger.submissions.get(s).is_some_and(|x| x.0 < a) {
                s += 1;
            }
            while ledger.waivers.get(w).is_some_and(|x| *x < a) {
                w += 1;
            }
            let waived = ledger.waivers.get(w) == Some(&a);
            let submitted = ledger
                .submissions
                .get(s)
                .filter(|x| x.0 == a && x.1 <= at)
                .map(|x| (x.1, x.2));
            out.push(pair_state(n, agency, inst.due, waived, submitted, today));
        }
    }
    out
}

fn pair_state(
    instance: usize,
    agency: usize,
    due: Date,
    waived: bool,
    submitted: Option<(Timestamp, Date)>,
    today: Date,
) -> PairState {
    let (state, submitted_at, days_late) = match submitted {
        _ if waived => (State::Exempt, None, None),
        Some((at, day)) if day <= due => (State::OnTime, Some(at), None),
        Some((at, day)) => (State::Late, Some(at), Some(days_between(due, day))),
        None if today <= due => (State::Pending, None, None),
        None => (State::Overdue, None, Some(days_between(due, today))),
    };
    PairState {
        instance,
        agency,
        state,
        submitted_at,
        days_late,
    }
}

/// Whole calendar days from `a` to `b`.
pub fn days_between(a: Date, b: Date) -> i32 {
    a.until(b).map_or(0, |span| span.get_days())
}

#[cfg(test)]
mod tests;
