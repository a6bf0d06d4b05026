//! The office digest: per plan and instance, how many pairs are on time,
//! late, overdue, pending or exempt, and which agencies are overdue.
//!
//! It lists the instances that matter this week: any with an agency overdue,
//! and any due within 30 days either side of the moment.

use jiff::{ToSpan, Zoned};

use super::plan::office;
use super::summary::EngineError;
use crate::config::Config;
use crate::dates;
use crate::ledger::Ledger;
use crate::mail::Templates;
use crate::mail::templates::{Rendered, context};
use crate::policy::State;

/// Renders the digest for a moment; `None` when there is no `[digest]`.
pub fn render(
    config: &Config,
    templates: &Templates,
    ledger: &Ledger,
    at: &Zoned,
) -> Result<Option<Rendered>, EngineError> {
    if config.settings.digest.is_none() {
        return Ok(None);
    }
    let ctx = summary(config, ledger, at)?;
    Ok(templates
        .render("digest", &ctx)
        .map(Some)
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "cannot render the digest");
            None
        }))
}

/// The digest's figures at `at`.
pub fn summary(
    config: &Config,
    ledger: &Ledger,
    at: &Zoned,
) -> Result<context::Digest, EngineError> {
    let today = at.date();
    let (instances, states) = super::states::states_at(config, ledger, at)?;
    let window = (
        today.checked_sub(30.days()).unwrap_or(today),
        today.checked_add(30.days()).unwrap_or(today),
    );
    let mut totals = context::Totals::default();
    let mut plans: Vec<context::DigestPlan> = Vec::new();
    let mut start = 0;
    for (n, inst) in instances.iter().enumerate() {
        let end = start
            + states[start..]
                .iter()
                .take_while(|s| s.instance == n)
                .count();
        let pairs = &states[start..end];
        start = end;
        let count = |st: State| pairs.iter().filter(|s| s.state == st).count();
        let overdue = count(State::Overdue);
        if overdue == 0 && !(window.0 <= inst.due && inst.due <= window.1) || pairs.is_empty() {
            continue;
        }
        let plan = inst.plan(config);
        let row = context::DigestInstance {
            obligation_id: inst.obligation(config).id.clone(),
            obligation_title: inst.obligation(config).title.clone(),
            period: dates::vn(inst.period),
            due: dates::vn(inst.due),
            on_time: count(State::OnTime),
            late: count(State::Late),
            overdue,
            pending: count(State::Pending),
            exempt: count(State::Exempt),
            overdue_agencies: pairs
                .iter()
                .filter(|s| s.state == State::Overdue)
                .map(|s| context::OverdueAgency {
                    id: config.agencies[s.agency].id.clone(),
                    name: config.agencies[s.agency].name.clone(),
                    days: s.days_late.unwrap_or(0),
                })
                .collect(),
        };
        totals.all += pairs.len();
        totals.on_time += row.on_time;
        totals.late += row.late;
        totals.overdue += row.overdue;
        totals.pending += row.pending;
        totals.exempt += row.exempt;
        match plans.iter_mut().find(|p| p.id == plan.id) {
            Some(p) => p.instances.push(row),
            None => plans.push(context::DigestPlan {
                id: plan.id.clone(),
                number: plan.number.clone(),
                title: plan.title.clone(),
                instances: vec![row],
            }),
        }
    }
    plans.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(context::Digest {
        office: office(config),
        today: dates::vn(today),
        totals,
        plans,
    })
}
