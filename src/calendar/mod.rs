//! Config → instances: every occurrence of every obligation, with its
//! scheduled date (the period), its due date after moving off days off, and the
//! agencies that owe it.
//!
//! Pure: it reads neither the clock nor the disk. Open-ended schedules are
//! generated through a horizon the caller passes (see [`horizon`]).

pub mod letter;
pub mod lookup;
pub mod names;

use jiff::ToSpan;
use jiff::civil::Date;

use crate::config::{Config, Cycle, Obligation, Plan, Schedule, Shift};

/// One occurrence of an obligation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Instance {
    /// Index into [`Config::plans`].
    pub plan: usize,
    /// Index into that plan's obligations.
    pub obligation: usize,
    /// The scheduled date, before any shift; identifies the instance.
    pub period: Date,
    /// The last on-time day, after moving off a day off (Civil Code art. 148).
    pub due: Date,
    /// The day the reminders aim at: `due`, except with `shift = "backward"`,
    /// the last working day on or before the letter's last day.
    pub aim: Date,
    /// Indices into [`Config::agencies`] of the agencies that owe it, by id;
    /// shared by the instances of an obligation that the same agencies owe
    /// (a national province's lists took most of a report's memory).
    pub agencies: std::sync::Arc<[usize]>,
    /// A deadline with a time of day, when the obligation has one.
    pub deadline: Option<Deadline>,
    /// For an upward report (`after`): the index, in the same list, of the
    /// instance it is built from — the one with the latest due date not
    /// after its own.
    pub fed_by: Option<usize>,
}

/// An instant on the due date by which a submission counts as on time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub at: jiff::Timestamp,
    /// On time at the instant itself (`due`), or only strictly before (`before`).
    pub inclusive: bool,
}

/// The deadline of an instance of `ob` due on `due`, for the time forms.
pub fn deadline(config: &Config, ob: &Obligation, due: Date) -> Option<Deadline> {
    let Schedule::OnceAt {
        time, inclusive, ..
    } = ob.schedule
    else {
        return None;
    };
    let at = due
        .to_datetime(time)
        .to_zoned(config.settings.timezone.clone())
        .ok()?
        .timestamp();
    Some(Deadline { at, inclusive })
}

impl Instance {
    pub fn plan<'c>(&self, config: &'c Config) -> &'c Plan {
        &config.plans[self.plan]
    }

    pub fn obligation<'c>(&self, config: &'c Config) -> &'c Obligation {
        &config.plans[self.plan].obligations[self.obligation]
    }
}

/// How far ahead open-ended schedules are generated: the later of `to` and
/// two years after `anchor` (the moment asked about).
pub fn horizon(anchor: Date, to: Option<Date>) -> Date {
    let two_years = anchor.checked_add(2.years()).unwrap_or(Date::MAX);
    to.map_or(two_years, |to| to.max(two_years))
}

/// Every instance of every obligation, open-ended schedules through `through`,
/// sorted by (due, plan, obligation, period).
pub fn instances(config: &Config, through: Date) -> Vec<Instance> {
    let mut out = collect(config, Date::MIN, through);
    link_chains(config, &mut out);
    out
}

/// The instances due from `from` to `through` (both included), sorted as
/// [`instances`] sorts them, without computing the owing agencies of any
/// other: for `check` and its warnings, which look a year ahead. `fed_by`
/// is not set (what feeds an instance may fall outside the range).
pub fn instances_due_between(config: &Config, from: Date, through: Date) -> Vec<Instance> {
    // A due date moves off days off by days, never by a month: scheduled
    // dates a month past `through` cover every due date up to it.
    let periods_through = through.checked_add(1.months()).unwrap_or(through);
    collect(config, from, periods_through)
        .into_iter()
        .filter(|i| i.due <= through)
        .collect()
}

fn collect(config: &Config, from: Date, through: Date) -> Vec<Instance> {
    let mut out = Vec::new();
    // Each distinct list of owing agencies once, whichever obligations and
    // periods it is of (a province's plans mostly oblige the same agencies).
    let mut lists: std::collections::HashSet<std::sync::Arc<[usize]>> = Default::default();
    for (p, plan) in config.plans.iter().enumerate() {
        for (o, ob) in plan.obligations.iter().enumerate() {
            let mut owing: std::sync::Arc<[usize]> = std::sync::Arc::new([]);
            for period in scheduled_dates(&ob.schedule, through) {
                let due = due_date(config, ob, period);
                let aim = aim_date(config, ob, period);
                if due < from {
                    continue;
                }
                let agencies = ob
                    .agencies
                    .iter()
                    .copied()
                    .filter(|&a| config.agencies[a].owes(due));
                if agencies.clone().eq(ob.agencies.iter().copied()) {
                    owing = ob.agencies.clone();
                } else if !agencies.clone().eq(owing.iter().copied()) {
                    let list: Vec<usize> = agencies.collect();
                    owing = match lists.get(list.as_slice()) {
                        Some(known) => known.clone(),
                        None => {
                            let new: std::sync::Arc<[usize]> = list.into();
                            lists.insert(new.clone());
                            new
                        }
                    };
                }
                out.push(Instance {
                    plan: p,
                    obligation: o,
                    period,
                    due,
                    aim,
                    agencies: owing.clone(),
                    deadline: deadline(config, ob, due),
                    fed_by: None,
                });
            }
        }
    }
    out.sort_by(|a, b| {
        let key = |i: &Instance| {
            (
                i.due,
                &config.plans[i.plan].id,
                &i.obligation(config).id,
                i.period,
            )
        };
        key(a).cmp(&key(b))
    });
    out
}

/// The days a cyclic report covers (`data_period`): from the day after the
/// same date one cycle earlier, to its scheduled date.
pub fn covered(ob: &Obligation, period: Date) -> Option<(Date, Date)> {
    let start = match ob.data_period? {
        Cycle::Months(n) => period.checked_sub(n.months()).ok()?,
        Cycle::Weeks(n) => period.checked_sub((7 * n).days()).ok()?,
    };
    Some((start.tomorrow().ok()?, period))
}

/// How the office names an instance's reporting period: its `period_label`,
/// else its scheduled date (dd/mm/yyyy).
pub fn period_name(config: &Config, inst: &Instance) -> String {
    period_label(config, inst).unwrap_or_else(|| crate::dates::vn(inst.period))
}

/// The period's name when the obligation names its periods (`period_label`),
/// else none: a one-off report has no period to name. A label that fails to
/// evaluate at run time (checked against a sample at load) falls back to the
/// scheduled date.
pub fn period_label(config: &Config, inst: &Instance) -> Option<String> {
    label_of(inst.obligation(config), inst.period, inst.due)
}

/// The `period_label` of `ob`'s period scheduled on `period`, due on `due`.
pub fn label_of(ob: &Obligation, period: Date, due: Date) -> Option<String> {
    let expr = ob.period_label.as_ref()?;
    let date = crate::dates::vn(period);
    let span = covered(ob, period);
    let vars = crate::config::labels::LabelVars {
        period: date.clone(),
        due: crate::dates::vn(due),
        day: period.day(),
        month: period.month(),
        year: period.year(),
        from: span.map(|s| crate::dates::vn(s.0)),
        to: span.map(|s| crate::dates::vn(s.1)),
    };
    Some(crate::config::labels::label(expr, &vars).unwrap_or(date))
}

/// Sets `fed_by` on every instance of an obligation with `after`. `list` is
/// sorted by due date, so each obligation's instances are too.
fn link_chains(config: &Config, list: &mut [Instance]) {
    let mut by_obligation: std::collections::BTreeMap<(usize, usize), Vec<usize>> =
        Default::default();
    for (i, inst) in list.iter().enumerate() {
        by_obligation
            .entry((inst.plan, inst.obligation))
            .or_default()
            .push(i);
    }
    for i in 0..list.len() {
        let Some(from) = list[i].obligation(config).after else {
            continue;
        };
        let due = list[i].due;
        let fed = by_obligation
            .get(&(list[i].plan, from))
            .and_then(|feeders| {
                let n = feeders.partition_point(|&j| list[j].due <= due);
                n.checked_sub(1).map(|k| feeders[k])
            });
        list[i].fed_by = fed;
    }
}

/// The due date of an instance of `ob` scheduled on `period` (the letter's
/// last day): a last day that is a day off ends at the end of the next
/// working day (Civil Code art. 148), unless `shift = "none"` keeps it.
/// `shift = "backward"` moves only the reminders' aim ([`aim_date`]).
pub fn due_date(config: &Config, ob: &Obligation, period: Date) -> Date {
    match ob.shift {
        Shift::Forward | Shift::Backward => config.workdays.next_working_day(period),
        Shift::None => period,
    }
}

/// The day the reminders of an instance of `ob` scheduled on `period` aim
/// at: with `shift = "backward"`, the last working day on or before the
/// letter's last day; else the due date.
pub fn aim_date(config: &Config, ob: &Obligation, period: Date) -> Date {
    match ob.shift {
        Shift::Backward => config.workdays.previous_working_day(period),
        Shift::Forward | Shift::None => due_date(config, ob, period),
    }
}

/// The scheduled dates of a schedule, in order; open-ended ones through `through`.
pub fn scheduled_dates(schedule: &Schedule, through: Date) -> Vec<Date> {
    match *schedule {
        Schedule::Once(date) | Schedule::OnceAt { date, .. } => vec![date],
        Schedule::Yearly {
            ref days,
            from,
            until,
        } => {
            let end = until.unwrap_or(through);
            (from.year()..=end.year())
                .flat_map(|y| days.iter().map(move |&dm| crate::dates::day_in_year(y, dm)))
                .filter(|d| from <= *d && *d <= end)
                .collect()
        }
        Schedule::Every {
            cycle,
            first_due,
            until,
        } => {
            let end = until.unwrap_or(through);
            // Always from the anchor, so a clamped 28/02 does not drift the day.
            (0..)
                .map_while(|k: i32| match cycle {
                    Cycle::Months(n) => first_due.checked_add((k * n).months()).ok(),
                    Cycle::Weeks(n) => first_due.checked_add((k * n * 7).days()).ok(),
                })
                .take_while(|d| *d <= end)
                .collect()
        }
    }
}

#[cfg(test)]
mod tests;
