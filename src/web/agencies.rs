//! The agencies' pages: the list of every agency with what it owes now
//! (`/agencies`, those with overdue reports first), and one agency with
//! everything it owes, owed and sent (`/agencies/ID`; `/agencies/ID.ics` is
//! its feed, [`super::ops`]). Each shows whom to call, and the number as a
//! `tel:` link.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use jiff::civil::Date;
use jiff::{ToSpan, Zoned};
use minijinja::{Value, context};
use serde::Serialize;

use super::filter::{self, Asked};
use super::pages::show;
use super::roles::Reader;
use super::view::{self, Contact, PairRow};
use super::{Console, Failure, auth};
use crate::config::Config;
use crate::dates;
use crate::engine::{self, EngineError};
use crate::ledger::Ledger;
use crate::ledger::console::{Of, Reminder};
use crate::output::Recorded;
use crate::policy::{State as PairStateKind, Tally};

#[derive(Debug, Serialize)]
pub struct AgencyPage {
    pub id: String,
    pub name: String,
    pub email: Vec<String>,
    pub contact: Contact,
    pub successors: Vec<String>,
    pub active_until: Option<String>,
    pub counts: Tally,
    pub rows: Vec<PairRow>,
    pub export: String,
}

/// Everything one agency owes, owed and sent, the latest first.
pub fn agency(
    config: &Config,
    ledger: &Ledger,
    at: &Zoned,
    id: &str,
) -> Result<Option<AgencyPage>, EngineError> {
    let Some(a) = config.agencies.iter().position(|x| x.id == id) else {
        return Ok(None);
    };
    let agency = &config.agencies[a];
    let lazy = engine::lazy_states_at(config, ledger, at)?;
    let recorded = Recorded::load(config, ledger)?;
    let reminders = ledger.reminders(Of::Agency(id))?;
    let mut buffer = Vec::new();
    let mut counts = Tally::default();
    let mut rows = Vec::new();
    for n in 0..lazy.instances.len() {
        if !lazy.instances[n].agencies.contains(&a) {
            continue;
        }
        lazy.instance(n, &mut buffer);
        for s in buffer.iter().filter(|s| s.agency == a) {
            counts.add(s.state);
            let i = &lazy.instances[n];
            let mine: Vec<&Reminder> = reminders
                .iter()
                .filter(|r| {
                    r.key.period == i.period
                        && r.key.plan == i.plan(config).id
                        && r.key.obligation == i.obligation(config).id
                })
                .collect();
            rows.push(view::pair_row(
                config,
                &lazy.instances,
                &recorded,
                &mine,
                s,
                true,
            ));
        }
    }
    rows.reverse();
    Ok(Some(AgencyPage {
        id: agency.id.clone(),
        name: agency.name.clone(),
        email: agency.email.clone(),
        contact: view::contact(agency),
        successors: engine::overview::successor_names(config, agency),
        active_until: agency.active_until.map(dates::vn),
        counts,
        rows,
        export: format!("agency={}", auth::url_escape(id)),
    }))
}

/// One agency in the list: what it owes now.
#[derive(Debug, Serialize)]
pub struct Owing {
    pub name: String,
    pub url: String,
    pub id: String,
    pub contact: Contact,
    pub counts: Tally,
    /// The most days any of its reports is overdue.
    pub longest: Option<i32>,
}

#[derive(Debug, Serialize)]
pub struct AgenciesPage {
    pub rows: Vec<Owing>,
    /// How many agencies the search finds have a pair in each state.
    pub counts: Tally,
    pub chips: Vec<filter::Chip>,
    pub query: Option<String>,
    pub state: Option<&'static str>,
    /// The window "now" covers, as the overview's.
    pub from: String,
    pub to: String,
}

/// Every agency with what it owes now, as the overview counts it: the
/// instances due from 60 days ago to 60 days ahead, and any older report
/// still overdue. Those with overdue reports first (the most, then the
/// longest overdue), then by name.
pub fn agencies(
    config: &Config,
    ledger: &Ledger,
    at: &Zoned,
    rank: &[usize],
    asked: &Asked,
) -> Result<AgenciesPage, EngineError> {
    let today = at.date();
    let window = |days: i64| today.checked_add(days.days()).unwrap_or(today);
    let (from, to): (Date, Date) = (window(-60), window(60));
    let lazy = engine::lazy_states_at(config, ledger, at)?;
    let mut counts = vec![Tally::default(); config.agencies.len()];
    let mut longest: Vec<Option<i32>> = vec![None; config.agencies.len()];
    let mut buffer = Vec::new();
    for (n, inst) in lazy.instances.iter().enumerate() {
        let near = from <= inst.due && inst.due <= to;
        lazy.instance(n, &mut buffer);
        for s in &buffer {
            let overdue = s.state == PairStateKind::Overdue;
            if near || overdue {
                counts[s.agency].add(s.state);
            }
            if overdue {
                longest[s.agency] = longest[s.agency].max(s.days_late);
            }
        }
    }
    let mut order: Vec<usize> = (0..config.agencies.len()).collect();
    order.sort_by_key(|&a| {
        (
            std::cmp::Reverse(counts[a].overdue),
            std::cmp::Reverse(longest[a].unwrap_or(0)),
            rank[a],
        )
    });
    // The links count the agencies the search finds: those with a pair in
    // each state.
    let mut all = Tally::default();
    for (a, c) in counts.iter().enumerate() {
        let agency = &config.agencies[a];
        if !asked.finds(&agency.name, &agency.id) {
            continue;
        }
        all.total += 1;
        all.on_time += usize::from(c.on_time > 0);
        all.late += usize::from(c.late > 0);
        all.overdue += usize::from(c.overdue > 0);
        all.pending += usize::from(c.pending > 0);
        all.exempt += usize::from(c.exempt > 0);
    }
    let rows = order
        .into_iter()
        .filter(|&a| {
            let agency = &config.agencies[a];
            asked.state().is_none_or(|s| counts[a].of(s) > 0)
                && asked.finds(&agency.name, &agency.id)
        })
        .map(|a| {
            let agency = &config.agencies[a];
            Owing {
                name: agency.name.clone(),
                url: view::agency_url(&agency.id),
                id: agency.id.clone(),
                contact: view::contact(agency),
                counts: counts[a],
                longest: longest[a],
            }
        })
        .collect();
    Ok(AgenciesPage {
        rows,
        chips: filter::chips("/agencies", &all, asked),
        counts: all,
        query: asked.query(),
        state: asked.state().map(|s| s.as_str()),
        from: dates::vn(from),
        to: dates::vn(to),
    })
}

/// `GET /agencies`.
pub async fn list(
    State(console): State<Arc<Console>>,
    Reader(who): Reader,
    Query(asked): Query<Asked>,
) -> Result<Response, Failure> {
    show(
        &console,
        &who,
        "agencies.html",
        move |current, ledger, now| {
            let page = agencies(current.config(), ledger, now, &current.agency_rank, &asked)?;
            Ok(Some(Value::from_serialize(&page)))
        },
    )
    .await
}

/// `GET /agencies/ID` (and `/agencies/ID.ics`, the agency's feed).
pub async fn one(
    State(console): State<Arc<Console>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(feed): Query<super::ops::FeedQuery>,
) -> Result<Response, Failure> {
    if let Some(agency) = id.strip_suffix(".ics") {
        return super::ops::agency_feed(console, headers, agency.to_string(), feed).await;
    }
    let who = match auth::reader(&console, &headers, &view::agency_url(&id)) {
        Ok(w) => w,
        Err(r) => return Ok(r),
    };
    show(
        &console,
        &who,
        "agency.html",
        move |current, ledger, now| {
            let page = agency(current.config(), ledger, now, &id)?;
            Ok(page.map(|p| context! { ..Value::from_serialize(&p) }))
        },
    )
    .await
}
