//! `/calls`: whom to phone today — the engine's call list
//! ([`crate::engine::calls`]) with `tel:` links, the last note of each
//! pair, and a note form for the clerk who has just called.

use std::sync::Arc;

use axum::extract::State;
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
}

#[derive(Debug, Serialize)]
struct CallsPage {
    calls: Vec<Call>,
    pairs: usize,
}

fn page(
    config: &Config,
    ledger: &Ledger,
    at: &Zoned,
    rank: &[usize],
) -> Result<CallsPage, EngineError> {
    let list = engine::calls::calls(config, ledger, at, rank)?;
    let calls = list
        .calls
        .iter()
        .map(|c| {
            let agency = &config.agencies[c.agency];
            Call {
                id: agency.id.clone(),
                name: agency.name.clone(),
                url: view::agency_url(&agency.id),
                contact: view::contact(agency),
                longest: c.longest,
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
        calls,
    })
}

/// `GET /calls`.
pub async fn list(
    State(console): State<Arc<Console>>,
    Reader(who): Reader,
) -> Result<Response, Failure> {
    show(&console, &who, "calls.html", move |current, ledger, now| {
        let page = page(current.config(), ledger, now, &current.agency_rank)?;
        Ok(Some(Value::from_serialize(&page)))
    })
    .await
}
