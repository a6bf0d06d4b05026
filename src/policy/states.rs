//! The state of each (instance, agency) pair at a moment T.
//!
//! | state     | when |
//! |-----------|------|
//! | `exempt`  | waived (wins over a submission) |
//! | `on_time` | submitted at or before T, on a local date ≤ due |
//! | `late`    | submitted at or before T, on a local date > due |
//! | `pending` | not submitted by T, T's local date ≤ due |
//! | `overdue` | not submitted by T, T's local date > due |

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::snapshot::Snapshot;
use crate::calendar::Instance;
use crate::dates::days_between;
use crate::lang::Lang;

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

    /// Its place in [`State::ALL`].
    pub fn index(self) -> usize {
        match self {
            State::OnTime => 0,
            State::Late => 1,
            State::Overdue => 2,
            State::Pending => 3,
            State::Exempt => 4,
        }
    }

    /// Its one word wherever a person reads it (SPEC "One word per state"):
    /// email, digest, status table, report, console, XLSX.
    pub fn words(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (State::OnTime, Lang::Vi) => "đúng hạn",
            (State::Late, Lang::Vi) => "nộp muộn",
            (State::Overdue, Lang::Vi) => "quá hạn",
            (State::Pending, Lang::Vi) => "chưa đến hạn",
            (State::Exempt, Lang::Vi) => "miễn nộp",
            (State::OnTime, Lang::En) => "on time",
            (State::Late, Lang::En) => "late",
            (State::Overdue, Lang::En) => "overdue",
            (State::Pending, Lang::En) => "not yet due",
            (State::Exempt, Lang::En) => "exempt",
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

/// How many pairs are in each state: the one count behind the console's
/// pages, the digest, `/metrics` and the daemon's log line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub on_time: usize,
    pub late: usize,
    pub pending: usize,
    pub overdue: usize,
    pub exempt: usize,
    /// All of them.
    pub total: usize,
}

impl Tally {
    /// Counts one pair in `state`.
    pub fn add(&mut self, state: State) {
        self.total += 1;
        *self.of_mut(state) += 1;
    }

    /// Adds another tally's counts.
    pub fn merge(&mut self, other: &Tally) {
        self.total += other.total;
        self.on_time += other.on_time;
        self.late += other.late;
        self.pending += other.pending;
        self.overdue += other.overdue;
        self.exempt += other.exempt;
    }

    /// The pairs in `state`.
    pub fn of(&self, state: State) -> usize {
        match state {
            State::OnTime => self.on_time,
            State::Late => self.late,
            State::Pending => self.pending,
            State::Overdue => self.overdue,
            State::Exempt => self.exempt,
        }
    }

    fn of_mut(&mut self, state: State) -> &mut usize {
        match state {
            State::OnTime => &mut self.on_time,
            State::Late => &mut self.late,
            State::Pending => &mut self.pending,
            State::Overdue => &mut self.overdue,
            State::Exempt => &mut self.exempt,
        }
    }
}

impl FromIterator<State> for Tally {
    fn from_iter<I: IntoIterator<Item = State>>(states: I) -> Tally {
        let mut tally = Tally::default();
        states.into_iter().for_each(|s| tally.add(s));
        tally
    }
}

/// For templates: the counts by state's JSON name, `total`, and `all` (the
/// same; the name digest templates were first given).
impl serde::Serialize for Tally {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        let mut s = serializer.serialize_struct("Tally", 7)?;
        s.serialize_field("on_time", &self.on_time)?;
        s.serialize_field("late", &self.late)?;
        s.serialize_field("pending", &self.pending)?;
        s.serialize_field("overdue", &self.overdue)?;
        s.serialize_field("exempt", &self.exempt)?;
        s.serialize_field("total", &self.total)?;
        s.serialize_field("all", &self.total)?;
        s.end()
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
    /// The pair's due date: the instance's, or the extension's.
    pub due: Date,
    /// The instance's own due date when the pair was extended.
    pub extended_from: Option<Date>,
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
        evaluate_instance(n, inst, snapshot, at, today, &mut out);
    }
    out
}

/// Appends the state of every owed pair of instance `n` (`inst`) to `out`,
/// in agency order: for a caller that goes one instance at a time and reuses
/// its buffer (a national `status` streams half a million pairs).
pub fn evaluate_instance(
    n: usize,
    inst: &Instance,
    snapshot: &Snapshot,
    at: Timestamp,
    today: jiff::civil::Date,
    out: &mut Vec<PairState>,
) {
    let ledger = snapshot.instance(inst);
    // Agencies, submissions and waivers are all sorted by agency index: merge.
    let (mut s, mut w) = (0, 0);
    for &agency in inst.agencies.iter() {
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
        let extended = ledger.extended(a);
        out.push(pair_state(
            n, agency, inst, extended, waived, submitted, today,
        ));
    }
}

/// An upward report's progress: of the pairs of the instance it is built
/// from that are not exempt (`owed`), how many have a submission recorded by
/// the moment, on time or late (`submitted`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Inputs {
    pub submitted: usize,
    pub owed: usize,
}

/// The [`Inputs`] of every instance with `fed_by` at `at` (None for others).
pub fn inputs(instances: &[Instance], snapshot: &Snapshot, at: Timestamp) -> Vec<Option<Inputs>> {
    instances
        .iter()
        .map(|inst| {
            let fed = &instances[inst.fed_by?];
            let ledger = snapshot.instance(fed);
            let (mut owed, mut submitted) = (0, 0);
            for &agency in fed.agencies.iter() {
                let (waived, made) = ledger.standing(agency as u32, at);
                if !waived {
                    owed += 1;
                    submitted += usize::from(made.is_some());
                }
            }
            Some(Inputs { submitted, owed })
        })
        .collect()
}

/// Whether a submission made at `at` (local date `day`) is on time for
/// `inst`: by its deadline instant when it has one, else by its due date.
pub fn on_time(inst: &Instance, at: Timestamp, day: Date) -> bool {
    match inst.deadline {
        Some(d) if d.inclusive => at <= d.at,
        Some(d) => at < d.at,
        None => day <= inst.due,
    }
}

/// [`on_time`] for one pair: an extension is to a date, and the pair is on
/// time on or before it.
pub fn on_time_for(inst: &Instance, extended: Option<Date>, at: Timestamp, day: Date) -> bool {
    match extended {
        Some(due) => day <= due,
        None => on_time(inst, at, day),
    }
}

fn pair_state(
    instance: usize,
    agency: usize,
    inst: &Instance,
    extended: Option<Date>,
    waived: bool,
    submitted: Option<(Timestamp, Date)>,
    today: Date,
) -> PairState {
    let due = extended.unwrap_or(inst.due);
    let (state, submitted_at, days_late) = match submitted {
        _ if waived => (State::Exempt, None, None),
        Some((at, day)) if on_time_for(inst, extended, at, day) => (State::OnTime, Some(at), None),
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
        due,
        extended_from: extended.map(|_| inst.due),
    }
}

#[cfg(test)]
mod tests;
