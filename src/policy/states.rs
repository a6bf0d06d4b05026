//! The state of each (instance, agency) pair at a moment T.
//!
//! | state     | when |
//! |-----------|------|
//! | `exempt`  | waived (wins over a submission) |
//! | `on_time` | submitted at or before T, on a local date ≤ due |
//! | `late`    | submitted at or before T, on a local date > due |
//! | `pending` | not submitted by T, T's local date ≤ due |
//! | `overdue` | not submitted by T, T's local date > due |

use std::collections::{HashMap, HashSet};

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::calendar::Instance;
use crate::config::Config;
use crate::ledger::{PairKey, Submission, Waiver};

/// The state of one pair.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Pending,
    Overdue,
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

/// A pair by config indices: (plan, obligation, period, agency).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Pair(u32, u32, Date, u32);

/// The ledger as the pure code sees it, resolved against one config. Rows
/// whose ids the config no longer has are ignored.
#[derive(Debug, Default)]
pub struct Snapshot {
    submissions: HashMap<Pair, Timestamp>,
    waivers: HashSet<Pair>,
}

impl Snapshot {
    pub fn new(config: &Config, submissions: &[Submission], waivers: &[Waiver]) -> Snapshot {
        let index = Index::new(config);
        Snapshot {
            submissions: submissions
                .iter()
                .filter_map(|s| Some((index.pair(&s.key)?, s.submitted_at)))
                .collect(),
            waivers: waivers.iter().filter_map(|w| index.pair(&w.key)).collect(),
        }
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

    fn pair(&self, key: &PairKey) -> Option<Pair> {
        let (p, obs) = self.plans.get(key.plan.as_str())?;
        let o = obs.get(key.obligation.as_str())?;
        let a = self.agencies.get(key.agency.as_str())?;
        Some(Pair(*p, *o, key.period, *a))
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
        for &agency in &inst.agencies {
            let pair = Pair(
                inst.plan as u32,
                inst.obligation as u32,
                inst.period,
                agency as u32,
            );
            out.push(pair_state(
                n, agency, inst.due, pair, snapshot, at, today, tz,
            ));
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn pair_state(
    instance: usize,
    agency: usize,
    due: Date,
    pair: Pair,
    snapshot: &Snapshot,
    at: Timestamp,
    today: Date,
    tz: &TimeZone,
) -> PairState {
    let mut s = PairState {
        instance,
        agency,
        state: State::Pending,
        submitted_at: None,
        days_late: None,
    };
    if snapshot.waivers.contains(&pair) {
        s.state = State::Exempt;
        return s;
    }
    match snapshot.submissions.get(&pair).filter(|t| **t <= at) {
        Some(&submitted) => {
            let day = tz.to_datetime(submitted).date();
            s.submitted_at = Some(submitted);
            if day <= due {
                s.state = State::OnTime;
            } else {
                s.state = State::Late;
                s.days_late = Some(days_between(due, day));
            }
        }
        None if today <= due => s.state = State::Pending,
        None => {
            s.state = State::Overdue;
            s.days_late = Some(days_between(due, today));
        }
    }
    s
}

/// Whole calendar days from `a` to `b`.
pub fn days_between(a: Date, b: Date) -> i32 {
    a.until(b).map_or(0, |span| span.get_days())
}

#[cfg(test)]
mod tests;
