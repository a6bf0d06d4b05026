//! For the machines around the console: `/healthz` for the load balancer,
//! `/metrics` for Prometheus, the calendar feeds for Outlook and Google
//! Calendar, and the stylesheets and the script.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::{Console, Failure, auth, feed_secret, legacy_feed_secret};
use crate::ledger::MessageState;
use crate::output::ics;
use crate::policy::State as PairStateKind;

/// The static files: compiled in, looked up by exact name (no paths).
const STATIC: [(&str, &str, &str); 3] = [
    (
        "dondoc.css",
        "text/css; charset=utf-8",
        include_str!("static/dondoc.css"),
    ),
    (
        "document.css",
        "text/css; charset=utf-8",
        include_str!("static/document.css"),
    ),
    (
        "dondoc.js",
        "text/javascript; charset=utf-8",
        include_str!("static/dondoc.js"),
    ),
];

/// `GET /static/NAME`.
pub async fn static_file(Path(name): Path<String>) -> Response {
    match STATIC.iter().find(|(n, _, _)| *n == name) {
        Some((_, kind, body)) => {
            let mut r = (*body).into_response();
            let h = r.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            );
            r
        }
        None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

/// `GET /healthz`: `ok` when the database answers and passed
/// `PRAGMA quick_check` at start.
pub async fn healthz(State(console): State<Arc<Console>>) -> Response {
    if let Some(problem) = &console.damage {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("database damaged (PRAGMA quick_check at start): {problem}\n"),
        )
            .into_response();
    }
    match console.with_ledger(|_, ledger| ledger.ping()).await {
        Ok((_, Ok(()))) => (StatusCode::OK, "ok\n").into_response(),
        Ok((_, Err(e))) => {
            tracing::error!(error = %e, "healthz: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response(),
    }
}

/// `GET /metrics` (admins and tokens): Prometheus text format.
pub async fn metrics(
    State(console): State<Arc<Console>>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let Some(who) = auth::who(&console, &headers) else {
        return Ok(auth::refuse(
            StatusCode::UNAUTHORIZED,
            "login or token required",
        ));
    };
    if !(who.is_admin() || who.session.is_none()) {
        return Ok(auth::refuse(
            StatusCode::FORBIDDEN,
            "admins and tokens only",
        ));
    }
    let counted = super::pages::pair_counts(&console).await?;
    let counts = counted.pairs;
    let counted_at = counted.when.as_second().unsigned_abs();
    let (current, text) = console
        .with_ledger(move |current, ledger| -> Result<String, String> {
            let figures = ledger.queue_figures().map_err(|e| e.to_string())?;
            let mut out = String::new();
            let by_state: Vec<(String, u64)> = PairStateKind::ALL
                .iter()
                .map(|st| {
                    (
                        format!("{{state=\"{}\"}}", st.as_str()),
                        counts.of(*st) as u64,
                    )
                })
                .collect();
            family(
                &mut out,
                "dondoc_pairs",
                "gauge",
                "Pairs (instance, agency) by state, every instance generated up to two years ahead (pending ones included), remind = false duties included; as last counted (when: dondoc_pairs_counted_timestamp_seconds): a scrape never waits, one finding the count over 10 s old, a write or a reload since has it counted again for the next scrape.",
                &by_state,
            );
            family(
                &mut out,
                "dondoc_pairs_counted_timestamp_seconds",
                "gauge",
                "When the ledger behind dondoc_pairs was read; alert on its age, allowing two scrape intervals.",
                &[(String::new(), counted_at)],
            );
            let messages: Vec<(String, u64)> = MessageState::ALL
                .into_iter()
                .map(|state| {
                    let n = figures
                        .by_state
                        .iter()
                        .find(|(s, _)| *s == state)
                        .map_or(0, |(_, n)| *n);
                    (format!("{{state=\"{}\"}}", state.code()), n)
                })
                .collect();
            family(
                &mut out,
                "dondoc_messages",
                "gauge",
                "Emails in the queue by state (sent, failed, pending, retry, cancelled).",
                &messages,
            );
            let seconds =
                |t: Option<jiff::Timestamp>| t.map_or(0, |t| t.as_second().unsigned_abs());
            family(
                &mut out,
                "dondoc_last_sent_timestamp_seconds",
                "gauge",
                "When the mail server last accepted an email.",
                &[(String::new(), seconds(figures.last_sent))],
            );
            family(
                &mut out,
                "dondoc_config_generation",
                "gauge",
                "1 at start, +1 at each reload applied.",
                &[(String::new(), current.generation)],
            );
            if let Some(h) = ledger.inbox_health().map_err(|e| e.to_string())? {
                let waiting = ledger.open_proposals().map_err(|e| e.to_string())?;
                family(
                    &mut out,
                    "dondoc_inbox_last_read_timestamp_seconds",
                    "gauge",
                    "When the daemon last read the mailbox ([inbox]) without error.",
                    &[(String::new(), seconds(h.read_at))],
                );
                family(
                    &mut out,
                    "dondoc_inbox_failures",
                    "gauge",
                    "Failed reads of the mailbox in a row (0: the last one worked).",
                    &[(String::new(), u64::from(h.failures))],
                );
                family(
                    &mut out,
                    "dondoc_inbox_proposals_waiting",
                    "gauge",
                    "Proposals from the mailbox waiting for a clerk.",
                    &[(String::new(), waiting)],
                );
            }
            Ok(out)
        })
        .await?;
    let _ = current;
    let text = text.map_err(Failure::Internal)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response())
}

/// One metric family in Prometheus' text format: its HELP and TYPE lines,
/// then a line per (labels, value).
fn family(out: &mut String, name: &str, kind: &str, help: &str, values: &[(String, u64)]) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
    for (labels, value) in values {
        let _ = writeln!(out, "{name}{labels} {value}");
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct FeedQuery {
    key: Option<String>,
}

/// Whether the feed `scope` may be read: its secret key, or a logged-in reader.
fn feed_allowed(console: &Console, headers: &HeaderMap, scope: &str, key: Option<&str>) -> bool {
    let feed_key = console.feed_key.read().expect("not poisoned");
    match key {
        Some(k) => {
            let now = crate::config::users::constant_eq(k, &feed_secret(&feed_key, scope));
            let before =
                crate::config::users::constant_eq(k, &legacy_feed_secret(&feed_key, scope));
            now | before
        }
        None => auth::who(console, headers).is_some(),
    }
}

fn ics_response(text: String, name: &str) -> Response {
    let mut r = text.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// `GET /calendar.ics?key=…`: every instance, as decided.
pub async fn calendar(
    State(console): State<Arc<Console>>,
    headers: HeaderMap,
    Query(q): Query<FeedQuery>,
) -> Result<Response, Failure> {
    if !feed_allowed(&console, &headers, "calendar", q.key.as_deref()) {
        return Ok(auth::refuse(
            StatusCode::NOT_FOUND,
            "no such feed; `dondoc feed-url` prints its address",
        ));
    }
    let text = decided_feed(&console, None).await?;
    Ok(ics_response(text, "dondoc.ics"))
}

/// `GET /agencies/ID.ics?key=…`: what one agency owes, as decided.
pub async fn agency_feed(
    console: Arc<Console>,
    headers: HeaderMap,
    id: String,
    q: FeedQuery,
) -> Result<Response, Failure> {
    let current = console.current();
    let scope = format!("agency:{id}");
    let agency = current.config().agencies.iter().position(|a| a.id == id);
    let Some(agency) =
        agency.filter(|_| feed_allowed(&console, &headers, &scope, q.key.as_deref()))
    else {
        return Ok(auth::refuse(
            StatusCode::NOT_FOUND,
            "no such feed; `dondoc feed-url --agency ID` prints its address",
        ));
    };
    let text = decided_feed(&console, Some(agency)).await?;
    Ok(ics_response(text, &format!("{id}.ics")))
}

/// The feed of every instance (of those `agency` owes, when given), with
/// the ledger's waivers and extensions applied.
async fn decided_feed(console: &Arc<Console>, agency: Option<usize>) -> Result<String, Failure> {
    let c = console.clone();
    let (_, text) = console
        .with_ledger(move |current, ledger| -> Result<String, String> {
            let config = current.config();
            let now = c.now(current);
            let lazy =
                crate::engine::lazy_states_at(config, ledger, &now).map_err(|e| e.to_string())?;
            let mut events = Vec::new();
            let mut states = Vec::new();
            for (n, inst) in lazy.instances.iter().enumerate() {
                if agency.is_some_and(|a| !inst.agencies.contains(&a)) {
                    continue;
                }
                lazy.instance(n, &mut states);
                states.retain(|s| agency.is_none_or(|a| s.agency == a));
                events.extend(ics::decided(inst, &states));
            }
            Ok(ics::calendar(config, &events, &now))
        })
        .await?;
    text.map_err(Failure::Internal)
}
