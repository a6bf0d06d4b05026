//! `/calls`: whom to phone today — the engine's call list
//! ([`crate::engine::calls`]) with `tel:` links, the last note of each
//! pair, and a note form for the clerk who has just called.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::Response;
use jiff::Zoned;
use minijinja::Value;
use serde::Serialize;

use super::pages::show;
use super::roles::Reader;
use super::view::{self, Contact, InstanceHead, NoteView};
use super::{Console, Failure};
use crate::config::Config;
use crate::dates;
use crate::engine::{self, EngineError};
use crate::ledger::Ledger;

#[derive(Debug, Serialize)]
struct Owed {
    head: InstanceHead,
    plan_short: String,
    plan: String,
    obligation: String,
    period: String,
    due: String,
    days: i32,
    last_note: Option<NoteView>,
}

#[derive(Debug, Serialize)]
struct Call {
    id: String,
    name: String,
    url: String,
    contact: Contact,
    longest: i32,
    owed: Vec<Owed>,
    /// Its overdue reports beyond those shown.
    more: usize,
}

#[derive(Debug, Serialize)]
struct CallsPage {
    calls: Vec<Call>,
    /// Overdue reports, and agencies owing them, in the whole list.
    pairs: usize,
    agencies: usize,
    /// The place of this page's first agency in the list (1-based), and
    /// the next page's address if there is one.
    first: usize,
    previous: Option<String>,
    next: Option<String>,
}

/// Agencies a page shows, and the overdue reports under each: a national
/// province owes millions of pairs; a call is about the oldest.
const PER_PAGE: usize = 100;
const PER_AGENCY: usize = 10;

#[derive(Debug, serde::Deserialize)]
pub struct CallsQuery {
    /// The page, from 1.
    page: Option<usize>,
}

fn page(
    config: &Config,
    ledger: &Ledger,
    at: &Zoned,
    rank: &[usize],
    page: usize,
) -> Result<CallsPage, EngineError> {
    let list = engine::calls::calls(config, ledger, at, rank, Some(PER_AGENCY))?;
    let skip = (page - 1) * PER_PAGE;
    let link = |p: usize| format!("/calls?page={p}");
    let calls = list
        .calls
        .iter()
        .skip(skip)
        .take(PER_PAGE)
        .map(|c| {
            let agency = &config.agencies[c.agency];
            Call {
                id: agency.id.clone(),
                name: agency.name.clone(),
                url: view::agency_url(&agency.id),
                contact: view::contact(agency),
                longest: c.longest,
                more: c.count - c.owed.len(),
                owed: c
                    .owed
                    .iter()
                    .map(|o| {
                        let i = &list.instances[o.instance];
                        Owed {
                            head: view::instance_head(config, i),
                            plan_short: crate::calendar::letter::short(i.plan(config), super::LANG),
                            plan: o.key.plan.clone(),
                            obligation: o.key.obligation.clone(),
                            period: o.key.period.to_string(),
                            due: dates::vn(o.due),
                            days: o.days,
                            last_note: o.last_note.as_ref().map(|n| NoteView::of(n, config)),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(CallsPage {
        pairs: list.pairs(),
        agencies: list.calls.len(),
        first: skip + 1,
        previous: (page > 1).then(|| link(page - 1)),
        next: (skip + PER_PAGE < list.calls.len()).then(|| link(page + 1)),
        calls,
    })
}

/// `GET /calls` (`?page=N`: the agencies from the 100 × (N − 1) + 1st).
pub async fn list(
    State(console): State<Arc<Console>>,
    Reader(who): Reader,
    Query(q): Query<CallsQuery>,
) -> Result<Response, Failure> {
    let n = q.page.unwrap_or(1).max(1);
    show(&console, &who, "calls.html", move |current, ledger, now| {
        let page = page(current.config(), ledger, now, &current.agency_rank, n)?;
        Ok(Some(Value::from_serialize(&page)))
    })
    .await
}
