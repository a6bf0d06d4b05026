//! Which reminders a send moment sends: for every pair neither submitted nor
//! exempt, the policy's steps have scheduled days; the candidate is the step
//! whose day is the latest one on or before the moment's date, sent unless the
//! sent-log already has it. Steps missed while nothing ran are skipped, never
//! sent in a burst; nothing is sent more than `stop_after_days` after the due
//! date, no step scheduled before the plan's `issued` date, and nothing to an
//! agency after its `active_until`.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::snapshot::Snapshot;
use crate::calendar::Instance;
use crate::config::{Config, Policy};
use crate::dates::days_between;
use crate::ledger::Step;
use crate::workdays::WorkCalendar;

/// When a pair falls due: the due date lateness is judged by, and the day
/// the reminders aim at (earlier only with `shift = "backward"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub due: Date,
    pub aim: Date,
}

impl Target {
    /// An instance's, or an extended pair's (whose extension is both).
    pub fn of(inst: &Instance, extended: Option<Date>) -> Target {
        match extended {
            Some(due) => Target { due, aim: due },
            None => Target {
                due: inst.due,
                aim: inst.aim,
            },
        }
    }
}

/// The steps of `policy` for a pair, with their scheduled days, in day
/// order: `before-N` count back from the aim and `due` goes on it;
/// `overdue-K` count from the due date.
pub fn steps(policy: &Policy, target: Target, cal: &WorkCalendar) -> Vec<(Step, Date)> {
    let mut out: Vec<(Step, Date)> = policy
        .before
        .iter()
        .map(|&n| (Step::Before(n), cal.add_working_days(target.aim, -n)))
        .collect();
    if policy.on_due {
        out.push((Step::Due, target.aim));
    }
    let due = target.due;
    for k in 1..=policy.overdue_max {
        out.push((
            Step::Overdue(k),
            cal.add_working_days(due, k * policy.overdue_every),
        ));
    }
    out.sort_by_key(|&(step, day)| (day, step));
    out
}

/// Whether a step copies the agency's `escalate_to` addresses.
pub fn escalates(policy: &Policy, step: Step) -> bool {
    matches!(step, Step::Overdue(k) if k * policy.overdue_every >= policy.escalate_after)
}

/// The step a send moment on `today` would send for a pair due on `due`:
/// the latest scheduled on or before `today` — unless the pair is more than
/// `stop_after_days` overdue, or that step came before the plan was issued
/// (the plan exists before it is chased; no earlier step replaces it).
fn candidate(
    policy: &Policy,
    target: Target,
    today: Date,
    issued: Option<Date>,
    cal: &WorkCalendar,
) -> Option<Step> {
    if -days_between(today, target.due) > policy.stop_after_days {
        return None;
    }
    let (step, day) = steps(policy, target, cal)
        .into_iter()
        .rev()
        .find(|&(_, day)| day <= today)?;
    (issued.is_none_or(|issued| day >= issued)).then_some(step)
}

/// One reminder to send at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reminder {
    /// Index into the instances decided over.
    pub instance: usize,
    /// Index into [`Config::agencies`].
    pub agency: usize,
    pub step: Step,
    pub escalate: bool,
    /// Which reminder of this pair this is: 1 for the first (*lần 1*).
    pub ordinal: usize,
    /// Calendar days from the moment's date to the due date (negative: overdue).
    pub days_left: i32,
    /// The pair's due date: the instance's, or the extension's.
    pub due: Date,
    /// The day its reminders aim at (before `due` only with `shift = "backward"`).
    pub aim: Date,
}

/// The reminders a send moment at `at` sends, in instance order and, within
/// an instance, agency order. Pure: the moment, the ledger and the config are
/// all arguments.
pub fn due_reminders(
    config: &Config,
    instances: &[Instance],
    snapshot: &Snapshot,
    at: Timestamp,
    tz: &TimeZone,
) -> Vec<Reminder> {
    let today = at.to_zoned(tz.clone()).date();
    let mut out = Vec::new();
    for (n, inst) in instances.iter().enumerate() {
        let ob = inst.obligation(config);
        // A task the office does itself is tracked, never emailed.
        if !ob.remind {
            continue;
        }
        let policy = &ob.policy;
        let issued = inst.plan(config).issued;
        let standard = candidate(
            policy,
            Target::of(inst, None),
            today,
            issued,
            &config.workdays,
        );
        let ledger = snapshot.instance(inst);
        if standard.is_none() && ledger.extensions.is_empty() {
            continue;
        }
        for &agency in inst.agencies.iter() {
            // A dissolved agency is not chased (its pairs stay overdue),
            // nor one the office does not direct (`remind = false`).
            let ag = &config.agencies[agency];
            if !ag.remind || ag.active_until.is_some_and(|until| until < today) {
                continue;
            }
            // An extended pair's steps count from its own due date.
            let extended = ledger.extended(agency as u32);
            let target = Target::of(inst, extended);
            let step = match extended {
                Some(_) => candidate(policy, target, today, issued, &config.workdays),
                None => standard,
            };
            let Some(step) = step else {
                continue;
            };
            let days_left = days_between(today, target.due);
            let a = agency as u32;
            let (waived, submitted) = ledger.standing(a, at);
            if waived || submitted.is_some() {
                continue;
            }
            let sent: Vec<Step> = ledger.sent_steps(a).collect();
            if sent.contains(&step) {
                continue;
            }
            out.push(Reminder {
                instance: n,
                agency,
                step,
                // A date no document sets is not one to copy leaders over.
                escalate: !ob.provisional && escalates(policy, step),
                ordinal: sent.len() + 1,
                days_left,
                due: target.due,
                aim: target.aim,
            });
        }
    }
    out
}

/// The reminders of one agency at one moment: one email.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    pub agency: usize,
    pub items: Vec<Reminder>,
}

impl Batch {
    /// Whether any item copies the agency's leadership.
    pub fn escalated(&self) -> bool {
        self.items.iter().any(|r| r.escalate)
    }
}

/// Groups reminders into one batch per agency, by agency id; items keep the
/// instance order (due, plan, obligation, period).
pub fn batches(reminders: &[Reminder]) -> Vec<Batch> {
    let mut by_agency: std::collections::BTreeMap<usize, Vec<Reminder>> = Default::default();
    for r in reminders {
        by_agency.entry(r.agency).or_default().push(*r);
    }
    by_agency
        .into_iter()
        .map(|(agency, items)| Batch { agency, items })
        .collect()
}

#[cfg(test)]
mod tests;
