//! The digest's figures: one screen for the leadership — totals, the
//! agencies ranked by what they owe overdue, and what falls due in the next
//! two weeks (an upward report right after what feeds it).
//!
//! Overdue pairs older than their obligation's `stop_after_days` (no longer
//! chased) are counted per agency in one line, not listed; pairs never
//! reminded (`remind = false`) are counted, never said to be chased.

use jiff::{ToSpan, Zoned};

use super::plan::{long_date, office};
use super::summary::EngineError;
use crate::calendar::{Instance, period_label};
use crate::config::Config;
use crate::dates;
use crate::ledger::Ledger;
use crate::mail::templates::context;
use crate::policy::{State, Tally};

/// How far ahead the digest looks.
const AHEAD_DAYS: i64 = 14;

pub fn overview(
    config: &Config,
    ledger: &Ledger,
    at: &Zoned,
) -> Result<context::Digest, EngineError> {
    let today = at.date();
    let horizon = today.checked_add(AHEAD_DAYS.days()).unwrap_or(today);
    let super::states::States {
        instances,
        pairs,
        inputs,
    } = super::states::states_at(config, ledger, at)?;
    let mut totals = context::Totals::default();
    let mut agencies: Vec<Option<context::DigestAgency>> =
        (0..config.agencies.len()).map(|_| None).collect();
    let mut counts: Vec<Tally> = vec![Tally::default(); instances.len()];
    // Per instance: overdue pairs still chased, and the most days.
    let mut chased: Vec<(usize, i32)> = vec![(0, 0); instances.len()];
    for s in &pairs {
        let inst = &instances[s.instance];
        if inst.due > horizon {
            continue;
        }
        totals.add(s.state);
        counts[s.instance].add(s.state);
        match s.state {
            State::OnTime | State::Late | State::Pending | State::Exempt => {}
            State::Overdue => {
                let agency = &config.agencies[s.agency];
                let row = agencies[s.agency].get_or_insert_with(|| context::DigestAgency {
                    id: agency.id.clone(),
                    name: agency.name.clone(),
                    overdue: 0,
                    max_days: 0,
                    items: Vec::new(),
                    old: 0,
                    old_max_days: 0,
                    successors: successor_names(config, agency),
                });
                let days = s.days_late.unwrap_or(0);
                row.overdue += 1;
                row.max_days = row.max_days.max(days);
                let ob = inst.obligation(config);
                if !ob.remind || !agency.remind {
                    // Tracked and counted, never chased (the office's own
                    // parent, a task it does itself): neither "đang đôn đốc"
                    // nor "đã thôi nhắc".
                } else if days > ob.policy.stop_after_days {
                    row.old += 1;
                    row.old_max_days = row.old_max_days.max(days);
                } else {
                    let c = &mut chased[s.instance];
                    *c = (c.0 + 1, c.1.max(days));
                    row.items.push(context::DigestOverdue {
                        title: inst.obligation(config).title.clone(),
                        period: period_label(config, inst),
                        due: dates::vn(s.due),
                        days,
                    });
                }
            }
        }
    }
    let mut agencies: Vec<context::DigestAgency> = agencies.into_iter().flatten().collect();
    for a in &mut agencies {
        a.items.sort_by_key(|x| std::cmp::Reverse(x.days));
    }
    agencies.sort_by(|a, b| {
        (b.overdue, b.max_days)
            .cmp(&(a.overdue, a.max_days))
            .then_with(|| crate::collate::cmp(&a.name, &b.name))
    });
    let mut late: Vec<context::DigestLate> = instances
        .iter()
        .zip(&chased)
        .filter(|(_, c)| c.0 > 0)
        .map(|(i, &(overdue, days))| context::DigestLate {
            plan_number: i.plan(config).number.clone(),
            plan_title: i.plan(config).title.clone(),
            plan_short: crate::calendar::letter::short(i.plan(config), config.settings.mail.lang),
            title: i.obligation(config).title.clone(),
            period: period_label(config, i),
            due: dates::vn(i.due),
            overdue,
            days,
        })
        .collect();
    late.reverse();
    let upcoming: Vec<(usize, context::DigestInstance)> = instances
        .iter()
        .enumerate()
        .filter(|(n, i)| today <= i.due && i.due <= horizon && counts[*n].total > 0)
        .map(|(n, i)| (n, row(config, i, counts[n], inputs[n])))
        .collect();
    Ok(context::Digest {
        office: office(config, today),
        console: config
            .settings
            .web
            .as_ref()
            .and_then(|w| w.base_url.clone()),
        today: dates::vn(today),
        today_long: long_date(config, today),
        ahead_days: AHEAD_DAYS,
        totals,
        agency_groups: groups(&agencies),
        agencies,
        late,
        upcoming: chains_together(&instances, upcoming)
            .into_iter()
            .map(|(_, r)| r)
            .collect(),
    })
}

/// `agencies` (ranked) with equal figures merged, keeping the rank order.
fn groups(agencies: &[context::DigestAgency]) -> Vec<context::DigestAgencyGroup> {
    let mut out: Vec<context::DigestAgencyGroup> = Vec::new();
    for a in agencies {
        let name = context::GroupedAgency {
            name: a.name.clone(),
            successors: a.successors.clone(),
        };
        match out
            .iter_mut()
            .find(|g| (g.overdue, g.max_days, g.old) == (a.overdue, a.max_days, a.old))
        {
            Some(g) => g.agencies.push(name),
            None => out.push(context::DigestAgencyGroup {
                overdue: a.overdue,
                max_days: a.max_days,
                old: a.old,
                agencies: vec![name],
            }),
        }
    }
    out
}

/// An instance's line, with its counts.
fn row(
    config: &Config,
    inst: &Instance,
    counts: Tally,
    inputs: Option<crate::policy::Inputs>,
) -> context::DigestInstance {
    let plan = inst.plan(config);
    context::DigestInstance {
        plan_number: plan.number.clone(),
        plan_title: plan.title.clone(),
        plan_short: crate::calendar::letter::short(plan, config.settings.mail.lang),
        obligation_id: inst.obligation(config).id.clone(),
        obligation_title: inst.obligation(config).title.clone(),
        period: period_label(config, inst),
        due: dates::vn(inst.due),
        inputs,
        chained: false,
        on_time: counts.on_time,
        late: counts.late,
        overdue: counts.overdue,
        pending: counts.pending,
        exempt: counts.exempt,
    }
}

/// `rows` (in due-date order) with each upward report moved right after the
/// row of the instance that feeds it, when that row is listed, and marked
/// `chained`: the leadership reads the units' reports and the report built
/// from them together.
fn chains_together(
    instances: &[Instance],
    rows: Vec<(usize, context::DigestInstance)>,
) -> Vec<(usize, context::DigestInstance)> {
    let listed: std::collections::HashSet<usize> = rows.iter().map(|(n, _)| *n).collect();
    let feeder = |n: usize| instances[n].fed_by.filter(|f| listed.contains(f));
    let (mut followers, heads): (Vec<_>, Vec<_>) =
        rows.into_iter().partition(|(n, _)| feeder(*n).is_some());
    let mut out = Vec::with_capacity(heads.len() + followers.len());
    for head in heads {
        // Depth first, so that a three-tier chain reads top to bottom.
        let mut stack = vec![head];
        while let Some((n, row)) = stack.pop() {
            out.push((n, row));
            let mut fed: Vec<_> = Vec::new();
            followers.retain_mut(|(m, r)| {
                if feeder(*m) != Some(n) {
                    return true;
                }
                r.chained = true;
                fed.push((*m, r.clone()));
                false
            });
            stack.extend(fed.into_iter().rev());
        }
    }
    out
}

/// The names of the agencies that took over `agency`'s work, in order.
pub fn successor_names(config: &Config, agency: &crate::config::Agency) -> Vec<String> {
    agency
        .successors
        .iter()
        .filter_map(|id| config.agency(id).map(|a| a.name.clone()))
        .collect()
}
