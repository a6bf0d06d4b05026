//! The console's reading pages: the overview (computed at most every 10 s,
//! [`OverviewCache`]), one instance, and the 404 page; the agencies' pages
//! are in [`super::agencies`]. Rendered
//! on the server by [`super::render`]; the record form is in
//! [`super::forms`], the admin's page in [`super::admin`], the downloads in
//! [`super::export`].

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::policy::Tally;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jiff::Zoned;
use jiff::civil::Date;
use minijinja::{Value, context};
use serde::Deserialize;

use super::auth::{self, Who};
use super::filter::{self, Asked};
use super::roles::Reader;
use super::view;
use super::{Console, Current, Failure};
use crate::engine::EngineError;
use crate::ledger::Ledger;

/// `?all=1`: the overview's instances, or the inbox's proposals, all of them.
#[derive(Debug, Deserialize)]
pub struct OverviewQuery {
    pub all: Option<String>,
}

/// `GET /`.
pub async fn overview(
    State(console): State<Arc<Console>>,
    Reader(who): Reader,
    Query(q): Query<OverviewQuery>,
) -> Result<Response, Failure> {
    let (html, at) = overview_html(&console, q.all.is_some()).await?;
    let flash = console.flash(&who);
    Ok(console.pages.render(
        &console.current(),
        &at,
        Some(&who),
        flash,
        "overview.html",
        context! { main => Value::from_safe_string(html.to_string()) },
        StatusCode::OK,
    ))
}

/// A computed overview is served this long; then the next request gets it
/// while a new one is computed in the background. The console's own writes
/// drop it at once; another process's (the command line, the daemon) show
/// within this time. Every pair of a province is evaluated for it: 0.1 s
/// for 3 400 agencies (BENCHMARKS.md), too long for every request.
const OVERVIEW_FRESH: Duration = Duration::from_secs(10);

/// The overview's content, rendered, with and without `?all=1`.
#[derive(Default)]
pub struct OverviewCache {
    slots: Mutex<[Option<Slot>; 2]>,
    /// Every pair by state as last counted: kept when the pages are
    /// dropped (a write, an idle console), for `/metrics`.
    counted: Mutex<Option<Counted>>,
    /// The console's writes so far: a count begun before one is stale
    /// when it ends.
    writes: std::sync::atomic::AtomicU64,
}

/// What `/metrics` serves of the pairs.
#[derive(Clone)]
pub struct Counted {
    generation: u64,
    made: Instant,
    /// When they were counted (real time, for the scraper).
    pub when: jiff::Timestamp,
    pub at: Zoned,
    pub pairs: Tally,
    refreshing: bool,
}

struct Slot {
    generation: u64,
    made: Instant,
    at: Zoned,
    html: Arc<str>,
    refreshing: bool,
}

impl OverviewCache {
    /// Forgets what was computed (after a write).
    pub fn invalidate(&self) {
        self.writes
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        *self.slots.lock().expect("not poisoned") = [None, None];
        // The counts stay served, as over 10 s old: the next scrape has
        // them counted again.
        if let Some(c) = self.counted.lock().expect("not poisoned").as_mut() {
            c.made = Instant::now().checked_sub(OVERVIEW_FRESH).unwrap_or(c.made);
        }
    }

    /// Forgets the pages made more than `age` ago (an idle console keeps
    /// no national overview, megabytes, in its heap); whether any was.
    pub fn forget_older(&self, age: std::time::Duration) -> bool {
        let mut slots = self.slots.lock().expect("not poisoned");
        let mut forgot = false;
        for slot in slots.iter_mut() {
            if slot
                .as_ref()
                .is_some_and(|s| !s.refreshing && s.made.elapsed() > age)
            {
                *slot = None;
                forgot = true;
            }
        }
        forgot
    }
}

async fn overview_html(console: &Arc<Console>, all: bool) -> Result<(Arc<str>, Zoned), Failure> {
    let generation = console.current().generation;
    {
        let mut slots = console.overview.slots.lock().expect("not poisoned");
        if let Some(slot) = slots[usize::from(all)]
            .as_mut()
            .filter(|s| s.generation == generation)
        {
            if slot.made.elapsed() >= OVERVIEW_FRESH && !slot.refreshing {
                slot.refreshing = true;
                refresh_in_background(console, all, |cache, all| {
                    if let Some(s) =
                        &mut cache.slots.lock().expect("not poisoned")[usize::from(all)]
                    {
                        s.refreshing = false;
                    }
                });
            }
            return Ok((slot.html.clone(), slot.at.clone()));
        }
    }
    let (html, at, _) = refresh_overview(console, all).await?;
    Ok((html, at))
}

/// Every pair by state, as the overview last counted them: at once, even
/// when older than [`OVERVIEW_FRESH`], or of the configuration before a
/// reload (then counted again in the background, for the next scrape) —
/// microseconds for `/metrics`, where evaluating every pair of a national
/// province takes a fifth of a second. Counted now only at the first
/// request after a start.
pub async fn pair_counts(console: &Arc<Console>) -> Result<Counted, Failure> {
    let generation = console.current().generation;
    {
        let mut counted = console.overview.counted.lock().expect("not poisoned");
        if let Some(c) = counted.as_mut() {
            let stale = c.made.elapsed() >= OVERVIEW_FRESH || c.generation != generation;
            if stale && !c.refreshing {
                c.refreshing = true;
                refresh_in_background(console, false, |cache, _| {
                    if let Some(c) = cache.counted.lock().expect("not poisoned").as_mut() {
                        c.refreshing = false;
                    }
                });
            }
            return Ok(c.clone());
        }
    }
    refresh_overview(console, false).await?;
    let counted = console.overview.counted.lock().expect("not poisoned");
    Ok(counted.clone().expect("just counted"))
}

/// Computes the overview (`all`) again in a task of its own; `unmark` runs
/// when that fails, so that a later request tries again.
fn refresh_in_background(console: &Arc<Console>, all: bool, unmark: fn(&OverviewCache, bool)) {
    let c = console.clone();
    tokio::spawn(async move {
        if refresh_overview(&c, all).await.is_err() {
            unmark(&c.overview, all);
        }
    });
}

async fn refresh_overview(
    console: &Arc<Console>,
    all: bool,
) -> Result<(Arc<str>, Zoned, Tally), Failure> {
    let c = console.clone();
    let writes = || {
        console
            .overview
            .writes
            .load(std::sync::atomic::Ordering::SeqCst)
    };
    let (begun, started) = (writes(), jiff::Timestamp::now());
    let (current, out) = console
        .with_ledger(
            move |current, ledger| -> Result<(String, Zoned, Tally), String> {
                let now = c.now(current);
                let page =
                    view::overview(current.config(), ledger, &now, all, &current.agency_rank)
                        .map_err(|e| e.to_string())?;
                let html = c
                    .pages
                    .fragment("overview_main.html", Value::from_serialize(&page))?;
                Ok((html, now, page.pairs))
            },
        )
        .await?;
    let (html, at, pairs) = out.map_err(Failure::Internal)?;
    let html: Arc<str> = html.into();
    // Evaluating every pair of a large province allocates tens of MB for a
    // moment; give it back, as the daemon does after a batch.
    crate::engine::memory::trim_heap();
    // A write during the count may be missing from it: then it is served
    // as over 10 s old, so that the next scrape counts again.
    let made = if writes() == begun {
        Instant::now()
    } else {
        Instant::now()
            .checked_sub(OVERVIEW_FRESH)
            .unwrap_or_else(Instant::now)
    };
    *console.overview.counted.lock().expect("not poisoned") = Some(Counted {
        generation: current.generation,
        made,
        // When the ledger was read, not when the count ended.
        when: started,
        at: at.clone(),
        pairs,
        refreshing: false,
    });
    // Nor is such a page kept.
    if writes() == begun {
        console.overview.slots.lock().expect("not poisoned")[usize::from(all)] = Some(Slot {
            generation: current.generation,
            made: Instant::now(),
            at: at.clone(),
            html: html.clone(),
            refreshing: false,
        });
    }
    Ok((html, at, pairs))
}

/// Computes a page from the ledger at the console's clock and renders it
/// for `who`: 404 when `view` finds nothing to show.
pub(super) async fn show(
    console: &Arc<Console>,
    who: &Who,
    template: &'static str,
    view: impl FnOnce(&Current, &Ledger, &Zoned) -> Result<Option<Value>, EngineError> + Send + 'static,
) -> Result<Response, Failure> {
    let c = console.clone();
    let (current, page) = console
        .with_ledger(move |current, ledger| view(current, ledger, &c.now(current)))
        .await?;
    let Some(page) = page.map_err(|e| Failure::Internal(e.to_string()))? else {
        return Ok(not_found_for(console, &current, Some(who)));
    };
    let flash = console.flash(who);
    Ok(console.pages.render(
        &current,
        &console.now(&current),
        Some(who),
        flash,
        template,
        page,
        StatusCode::OK,
    ))
}

/// `GET /instances/PLAN/OBLIGATION/PERIOD` (`?state=…&q=…`: the filters).
pub async fn instance(
    State(console): State<Arc<Console>>,
    Reader(who): Reader,
    Path((plan, obligation, period)): Path<(String, String, String)>,
    Query(asked): Query<Asked>,
) -> Result<Response, Failure> {
    let Ok(period) = period.parse::<Date>() else {
        return Ok(not_found_for(&console, &console.current(), Some(&who)));
    };
    show(
        &console,
        &who,
        "instance.html",
        move |current, ledger, now| {
            let pair = (plan.as_str(), obligation.as_str(), period);
            let page = view::instance(current.config(), ledger, now, pair, &current.agency_rank)?;
            Ok(page.map(|mut page| {
                let found = filter::tally(
                    page.rows
                        .iter()
                        .filter(|r| asked.finds(&r.agency.name, &r.agency_id))
                        .map(|r| r.state),
                );
                let chips = filter::chips(&page.head.url, &found, &asked);
                page.rows
                    .retain(|r| asked.keeps(r.state, &r.agency.name, &r.agency_id));
                context! {
                    chips,
                    query => asked.query(),
                    state => asked.state().map(|s| s.as_str()),
                    ..Value::from_serialize(&page)
                }
            }))
        },
    )
    .await
}

/// Anything else: 404 for a reader, the login page for anyone else.
pub async fn not_found(State(console): State<Arc<Console>>, headers: HeaderMap) -> Response {
    match auth::reader(&console, &headers, "/") {
        Ok(who) => not_found_for(&console, &console.current(), Some(&who)),
        Err(r) => r,
    }
}

pub(super) fn not_found_for(console: &Console, current: &Current, who: Option<&Who>) -> Response {
    console.pages.error(
        current,
        who,
        StatusCode::NOT_FOUND,
        "Trang này không có (kế hoạch, kỳ hoặc đơn vị không có trong cấu hình).",
    )
}
