//! What each page shows, computed from the engine's states and the ledger
//! and handed to the templates as plain data (which escape every string).

use jiff::civil::Date;
use jiff::{ToSpan, Zoned};
use serde::Serialize;

use super::auth::url_escape;
pub use super::contact::{Contact, contact};
use super::{filter, zalo};
use crate::calendar::{Instance, period_name};
use crate::config::Config;
use crate::dates;
use crate::engine::{self, EngineError};
use crate::ledger::Ledger;
use crate::ledger::console::{Of, Reminder};
use crate::output::Recorded;
use crate::policy::{PairState, State, Tally};

/// How many overdue agencies the overview names per instance on screen
/// (printed, it names them all).
const NAMED: usize = 12;
/// How many owing agencies of an instance the overview carries at most —
/// on paper, and in its Zalo text. A province has tens of agencies; a
/// national one thousands, whose overview would otherwise weigh 130 MB
/// (3 400 agencies × 200 instances): beyond it, the paper names the first
/// ones and points to the list of who has not sent, and the Zalo button
/// leads to the instance page's.
const CARRIED: usize = 100;

#[derive(Debug, Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
}

#[derive(Debug, Serialize)]
pub struct PlanHead {
    pub id: String,
    pub label: String,
    /// *Kế hoạch số 3212/KH-UBND*, else by date and issuer (never the id).
    pub short: String,
    /// *Kế hoạch số 3212/KH-UBND ngày 20/3/2025 của UBND tỉnh Khánh Hòa về …*.
    pub cite: String,
    pub title: String,
    pub issuer: Option<String>,
    pub issued: Option<String>,
}

fn plan_head(config: &Config, plan: usize) -> PlanHead {
    let p = &config.plans[plan];
    PlanHead {
        id: p.id.clone(),
        label: p.label().to_string(),
        short: crate::calendar::letter::short(p, crate::lang::Lang::Vi),
        cite: crate::calendar::letter::cite(p, crate::lang::Lang::Vi),
        title: p.title.clone(),
        issuer: p.issuer.clone(),
        issued: p.issued.map(dates::vn),
    }
}

#[derive(Debug, Serialize)]
pub struct InstanceHead {
    pub url: String,
    pub title: String,
    pub obligation: String,
    pub period: String,
    /// The scheduled date, ISO: what identifies the instance in a form.
    pub period_iso: String,
    pub due: String,
    pub weekday: &'static str,
    /// The deadline in the plan's words, where a date the plan does not
    /// give comes from, and the day the law makes of it.
    pub deadline: String,
    pub submit_to: Option<String>,
}

pub(super) fn instance_head(config: &Config, i: &Instance) -> InstanceHead {
    let ob = i.obligation(config);
    InstanceHead {
        url: instance_url(config, i),
        title: ob.title.clone(),
        obligation: ob.id.clone(),
        period: period_name(config, i),
        period_iso: i.period.to_string(),
        due: dates::vn(i.due),
        weekday: dates::vn_weekday(i.due),
        deadline: {
            let w = crate::calendar::letter::wording(config, i, i.due, crate::lang::Lang::Vi);
            let mut s = w.words;
            if let Some(src) = w.source {
                s.push_str(&format!(" ({src})"));
            }
            if let Some(e) = w.effective {
                s.push_str(&format!("; {e}"));
            }
            s
        },
        submit_to: ob
            .submit_to
            .clone()
            .or_else(|| i.plan(config).submit_to.clone()),
    }
}

pub fn instance_url(config: &Config, i: &Instance) -> String {
    instance_path(&i.plan(config).id, &i.obligation(config).id, i.period)
}

/// The page of the instance (plan, obligation, period).
pub fn instance_path(plan: &str, obligation: &str, period: Date) -> String {
    format!(
        "/instances/{}/{}/{period}",
        url_escape(plan),
        url_escape(obligation)
    )
}

/// The record form of one pair.
pub fn record_url(plan: &str, obligation: &str, period: &str, agency: &str) -> String {
    format!(
        "/record?plan={}&obligation={}&period={}&agency={}",
        url_escape(plan),
        url_escape(obligation),
        url_escape(period),
        url_escape(agency)
    )
}

pub fn agency_url(id: &str) -> String {
    format!("/agencies/{}", url_escape(id))
}

#[derive(Debug, Serialize)]
pub struct OverviewInstance {
    pub head: InstanceHead,
    pub counts: Tally,
    /// The overdue agencies, alphabetically: the first [`CARRIED`] (the
    /// screen names [`NAMED`]).
    pub overdue: Vec<Link>,
    /// Overdue beyond those the screen names, and beyond those carried.
    pub overdue_more: usize,
    pub printed_more: usize,
    pub named: usize,
    /// The text to paste into Zalo, when the instance owes at most
    /// [`CARRIED`] agencies (else the instance page gives it).
    pub zalo: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct OverviewPlan {
    pub head: PlanHead,
    pub instances: Vec<OverviewInstance>,
}

#[derive(Debug, Serialize)]
pub struct Overview {
    pub plans: Vec<OverviewPlan>,
    pub totals: Tally,
    /// Instances left out (closed, or far ahead): `?all=1` shows them.
    pub hidden: usize,
    /// Every pair of every generated instance by state, shown or not: what
    /// `/metrics` serves from the cache.
    #[serde(skip)]
    pub pairs: Tally,
}

/// Per plan and instance: counts by state and the overdue agencies. By
/// default the instances due from 60 days ago to 60 days ahead, and older
/// ones still owed.
pub fn overview(
    config: &Config,
    ledger: &Ledger,
    at: &Zoned,
    all: bool,
    rank: &[usize],
) -> Result<Overview, EngineError> {
    let today = at.date();
    let (from, to) = (
        today.checked_sub(60.days()).unwrap_or(today),
        today.checked_add(60.days()).unwrap_or(today),
    );
    let lazy = engine::lazy_states_at(config, ledger, at)?;
    let mut plans: Vec<OverviewPlan> = config
        .plans
        .iter()
        .enumerate()
        .map(|(n, _)| OverviewPlan {
            head: plan_head(config, n),
            instances: Vec::new(),
        })
        .collect();
    let mut totals = Tally::default();
    let mut every = Tally::default();
    let mut hidden = 0;
    let mut buffer = Vec::new();
    for (n, inst) in lazy.instances.iter().enumerate() {
        lazy.instance(n, &mut buffer);
        let mut counts = Tally::default();
        let mut overdue = Vec::new();
        for s in &buffer {
            counts.add(s.state);
            if s.state == State::Overdue {
                overdue.push(s.agency);
            }
        }
        every.merge(&counts);
        let shown = all || (from <= inst.due && inst.due <= to) || counts.overdue > 0;
        if !shown || counts.total == 0 {
            hidden += usize::from(counts.total > 0);
            continue;
        }
        if inst.due <= today {
            totals.on_time += counts.on_time;
            totals.late += counts.late;
            totals.overdue += counts.overdue;
            totals.exempt += counts.exempt;
            totals.total += counts.total - counts.pending;
        }
        overdue.sort_by_key(|a| rank[*a]);
        let more = counts.overdue.saturating_sub(NAMED);
        let owing = counts.overdue + counts.pending;
        plans[inst.plan].instances.push(OverviewInstance {
            head: instance_head(config, inst),
            counts,
            overdue_more: more,
            printed_more: counts.overdue.saturating_sub(CARRIED),
            named: NAMED,
            zalo: (owing <= CARRIED)
                .then(|| {
                    zalo::of_instance(
                        config,
                        inst,
                        &buffer,
                        today,
                        rank,
                        &instance_url(config, inst),
                    )
                })
                .flatten(),
            overdue: overdue
                .iter()
                .take(CARRIED)
                .map(|&a| Link {
                    name: config.agencies[a].name.clone(),
                    url: agency_url(&config.agencies[a].id),
                })
                .collect(),
        });
    }
    for p in &mut plans {
        // The latest first: what the office works on is at the top.
        p.instances.reverse();
    }
    plans.retain(|p| !p.instances.is_empty());
    Ok(Overview {
        plans,
        totals,
        hidden,
        pairs: every,
    })
}

/// One row of the instance and agency pages.
#[derive(Debug, Serialize)]
pub struct PairRow {
    pub agency: Link,
    pub agency_id: String,
    /// Who to call and their numbers (`agencies.toml`).
    pub contact: Contact,
    pub instance: Option<InstanceHead>,
    pub plan: String,
    /// *Kế hoạch số 3212/KH-UBND* (never the id).
    pub plan_short: String,
    pub obligation: String,
    pub period: String,
    pub state: &'static str,
    pub state_label: &'static str,
    pub due: String,
    pub extended_from: Option<String>,
    pub submitted: Option<String>,
    pub days_late: Option<i32>,
    pub reference: Option<String>,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
    pub reminders: Vec<ReminderView>,
    /// The clerk's last note on the pair.
    pub last_note: Option<NoteView>,
    /// The URL of the record form for this pair.
    pub record_url: String,
}

/// A clerk's note, as the pages show it.
#[derive(Debug, Serialize)]
pub struct NoteView {
    pub text: String,
    pub by: String,
    /// dd/mm/yyyy HH:MM.
    pub at: String,
}

impl NoteView {
    pub fn of(note: &crate::ledger::Note, config: &Config) -> NoteView {
        NoteView {
            text: note.text.clone(),
            by: note.by.clone(),
            at: dates::vn_time(&note.at.to_zoned(config.settings.timezone.clone())),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ReminderView {
    pub step: String,
    pub state: String,
    pub state_label: &'static str,
    pub at: String,
    pub error: Option<String>,
}

fn reminder_view(r: &Reminder, config: &Config) -> ReminderView {
    let at = r.at.to_zoned(config.settings.timezone.clone());
    ReminderView {
        step: r.step.words(crate::lang::Lang::Vi),
        state: r.state.code().to_string(),
        state_label: r.state.words(crate::lang::Lang::Vi),
        at: dates::vn_time(&at),
        error: r.error.clone(),
    }
}

pub(super) fn pair_row(
    config: &Config,
    instances: &[Instance],
    recorded: &Recorded,
    reminders: &[&Reminder],
    s: &PairState,
    with_instance: bool,
) -> PairRow {
    let i = &instances[s.instance];
    let agency = &config.agencies[s.agency];
    let shown = recorded.of(instances, s);
    let tz = &config.settings.timezone;
    let plan = &i.plan(config).id;
    let obligation = &i.obligation(config).id;
    PairRow {
        agency: Link {
            name: agency.name.clone(),
            url: agency_url(&agency.id),
        },
        agency_id: agency.id.clone(),
        contact: contact(agency),
        instance: with_instance.then(|| instance_head(config, i)),
        plan: plan.clone(),
        plan_short: crate::calendar::letter::short(i.plan(config), crate::lang::Lang::Vi),
        obligation: obligation.clone(),
        period: i.period.to_string(),
        state: s.state.as_str(),
        state_label: s.state.words(crate::lang::Lang::Vi),
        due: dates::vn(s.due),
        extended_from: s.extended_from.map(dates::vn),
        submitted: s.submitted_at.map(|t| {
            let z = t.to_zoned(tz.clone());
            dates::vn_time(&z)
        }),
        days_late: s.days_late,
        reference: shown.reference.map(String::from),
        note: shown.note.map(String::from),
        recorded_by: shown.recorded_by.map(String::from),
        reminders: reminders.iter().map(|r| reminder_view(r, config)).collect(),
        last_note: shown.last_note.map(|n| NoteView::of(n, config)),
        record_url: record_url(plan, obligation, &i.period.to_string(), &agency.id),
    }
}

#[derive(Debug, Serialize)]
pub struct InstancePage {
    pub plan: PlanHead,
    pub head: InstanceHead,
    pub counts: Tally,
    pub rows: Vec<PairRow>,
    pub inputs: Option<crate::policy::Inputs>,
    pub export: String,
    pub zalo: Option<String>,
}

/// Every agency that owes one instance, with its reminders.
pub fn instance(
    config: &Config,
    ledger: &Ledger,
    at: &Zoned,
    (plan, obligation, period): (&str, &str, Date),
    rank: &[usize],
) -> Result<Option<InstancePage>, EngineError> {
    let lazy = engine::lazy_states_at(config, ledger, at)?;
    let Some(n) = lazy.instances.iter().position(|i| {
        i.period == period && i.plan(config).id == plan && i.obligation(config).id == obligation
    }) else {
        return Ok(None);
    };
    let mut states = Vec::new();
    lazy.instance(n, &mut states);
    states.sort_by_key(|s| (filter::urgency(s.state, s.days_late), rank[s.agency]));
    let recorded = Recorded::load(config, ledger)?;
    let reminders = ledger.reminders(Of::Instance {
        plan,
        obligation,
        period,
    })?;
    let inst = &lazy.instances[n];
    let zalo = zalo::of_instance(
        config,
        inst,
        &states,
        at.date(),
        rank,
        &instance_url(config, inst),
    );
    let mut counts = Tally::default();
    let rows: Vec<PairRow> = states
        .iter()
        .map(|s| {
            counts.add(s.state);
            let id = &config.agencies[s.agency].id;
            let mine: Vec<&Reminder> = reminders.iter().filter(|r| &r.key.agency == id).collect();
            pair_row(config, &lazy.instances, &recorded, &mine, s, false)
        })
        .collect();
    Ok(Some(InstancePage {
        plan: plan_head(config, inst.plan),
        head: instance_head(config, inst),
        counts,
        rows,
        inputs: lazy.inputs[n],
        export: format!(
            "plan={}&obligation={}&period={}",
            url_escape(plan),
            url_escape(obligation),
            period
        ),
        zalo,
    }))
}
