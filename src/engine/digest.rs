//! The office digest: per plan and instance, how many pairs are on time,
//! late, overdue, pending or exempt, and which agencies are overdue.
//!
//! It lists the instances that matter this week: any with an agency overdue,
//! and any due within 30 days either side of the moment.
//!
//! The digest goes through the queue like every other email: claimed once
//! per scheduled moment (`digest_log`), stored, delivered and retried by
//! [`super::deliver`]; only on working days; and a digest missed while the
//! daemon was down is sent once at start-up, if its moment is in the last
//! [`CATCH_UP_DAYS`] days.

use jiff::{Timestamp, ToSpan, Zoned};

use super::plan::office;
use super::summary::EngineError;
use crate::config::Config;
use crate::dates;
use crate::ledger::{Body, Ledger, NewMessage};
use crate::mail::Templates;
use crate::mail::compose::{self, Addressing, Thread};
use crate::mail::templates::{Rendered, context};
use crate::policy::State;

/// How old a missed digest moment may be for the start-up catch-up to send it.
pub const CATCH_UP_DAYS: i64 = 7;

/// The latest scheduled digest moment at or before `now`; `None` without a
/// `[digest]` (or when none of its expressions has a past moment).
pub fn latest_moment(config: &Config, now: Timestamp) -> Option<Timestamp> {
    let digest = config.settings.digest.as_ref()?;
    let at = dates::to_chrono(now, &config.settings.timezone);
    digest
        .send_at
        .iter()
        .filter_map(|s| s.schedule.find_previous_occurrence(&at, true).ok())
        .map(|t| dates::from_chrono(&t))
        .max()
}

/// Queues the digest of the scheduled moment `due`, rendered as of `due`;
/// `Ok(false)` when there is no digest then: no `[digest]`, not a working
/// day, or already claimed (by this or another sender).
pub fn queue(
    config: &Config,
    templates: &Templates,
    ledger: &mut Ledger,
    due: Timestamp,
    now: Timestamp,
) -> Result<bool, EngineError> {
    let Some(digest) = &config.settings.digest else {
        return Ok(false);
    };
    let at = due.to_zoned(config.settings.timezone.clone());
    if !config.workdays.is_working_day(at.date()) || ledger.digest_claimed(due)? {
        return Ok(false);
    }
    let Some(rendered) = render(config, templates, ledger, &at)? else {
        return Ok(false);
    };
    let id = format!(
        "<dondoc.digest.{}@{}>",
        due.as_second(),
        config.settings.office.mail_domain()
    );
    let mail = &config.settings.mail;
    let addressing = Addressing {
        from: &mail.from,
        reply_to: mail.reply_to.as_ref(),
        to_name: &config.settings.office.name,
        to: &digest.to,
        cc: &[],
    };
    let message =
        match compose::compose_reminder(&id, due, &addressing, &Thread::default(), &rendered) {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(error = %e, "cannot compose the digest");
                return Ok(false);
            }
        };
    let new = NewMessage {
        message_id: &id,
        agency: "",
        thread: "digest",
        moment: due,
        created: now,
    };
    let body = Body {
        sender: message.sender,
        recipients: message.recipients,
        raw: message.raw,
    };
    Ok(ledger.claim_digest(due, &new, &body)?)
}

/// The start-up catch-up: queues the latest digest moment at or before `now`
/// if it was missed and is recent. Returns whether one was queued.
pub fn catch_up(
    config: &Config,
    templates: &Templates,
    ledger: &mut Ledger,
    now: Timestamp,
) -> Result<bool, EngineError> {
    match latest_moment(config, now) {
        Some(due) if now.as_second() - due.as_second() <= CATCH_UP_DAYS * 86_400 => {
            queue(config, templates, ledger, due, now)
        }
        _ => Ok(false),
    }
}

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
