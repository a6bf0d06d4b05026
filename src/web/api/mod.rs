//! The JSON API, for the province's document-management software: the
//! `status` rows, and submissions recorded or removed in batches, all or
//! nothing, with the checks `import` makes.
//!
//! - `GET /api/status?at=&plan=&agency=&state=` → 200, the status JSON; 400
//!   with one message per wrong parameter (an `at` outside 2000–2100 too);
//! - `POST /api/submissions` (one object or an array; fields as `import`'s
//!   columns, plus `"replace": true`; the pair by ids or as offices write it:
//!   names, the plan's number, the period's name or due date) → 201 with the
//!   recorded rows, 409 on a conflicting submission, 422 with one message per
//!   bad row;
//! - `DELETE /api/submissions` (the same objects) → 200 `{"deleted": N}`,
//!   422 when one of them has no submission.

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::roles::Clerk;
use super::{Console, Current, Failure, auth};
use crate::calendar::names::Names;
use crate::dates;
use crate::engine::filter::{self, Filter};
use crate::engine::record::{self, Field};
use crate::lang::{Lang, say};
use crate::ledger::{Ledger, PairKey, Submission};
use crate::output::Recorded;

mod body;

use body::{Body, bad_query, error, json_response, objects, unprocessable};

#[derive(Debug, Deserialize)]
pub struct StatusQuery {
    at: Option<String>,
    plan: Option<String>,
    agency: Option<String>,
    state: Option<String>,
}

/// `GET /api/status`.
pub async fn status(
    State(console): State<Arc<Console>>,
    headers: HeaderMap,
    Query(q): Query<StatusQuery>,
) -> Result<Response, Failure> {
    if auth::who(&console, &headers).is_none() {
        return Ok(json_response(
            StatusCode::UNAUTHORIZED,
            &json!({"error": "a session or an Authorization: Bearer token is required"}),
        ));
    }
    let c = console.clone();
    let (_, out) = console
        .with_ledger(move |current, ledger| status_rows(&c, current, ledger, &q))
        .await?;
    Ok(match out {
        Ok(body) => (
            StatusCode::OK,
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response(),
        Err(refused) => refused,
    })
}

fn status_rows(
    console: &Console,
    current: &Current,
    ledger: &Ledger,
    q: &StatusQuery,
) -> Result<Vec<u8>, Response> {
    let config = current.config();
    let mut errors = Vec::new();
    let now = match q.at.as_deref() {
        Some(text) => dates::parse_moment(text, &config.settings.timezone)
            .map_err(|e| errors.push(error(json!({"field": "at"}), |l| e.message(l))))
            .ok(),
        None => Some(console.now(current)),
    };
    let asked = filter::Asked {
        plan: q.plan.as_deref(),
        agency: q.agency.as_deref(),
        state: q.state.as_deref(),
        ..Default::default()
    };
    let filter = Filter::new(config, &asked, super::LANG)
        .map_err(|unknown| {
            let english = Filter::new(config, &asked, Lang::En)
                .err()
                .unwrap_or_default();
            for (i, u) in unknown.into_iter().enumerate() {
                let en = english
                    .get(i)
                    .map_or(u.message.clone(), |e| e.message.clone());
                errors.push(json!({"field": u.key, "message": u.message, "message_en": en}));
            }
        })
        .ok();
    let (Some(now), Some(filter)) = (now, filter) else {
        return Err(bad_query(errors));
    };
    let failed =
        |e: String| json_response(StatusCode::INTERNAL_SERVER_ERROR, &json!({ "error": e }));
    let lazy =
        crate::engine::lazy_states_at(config, ledger, &now).map_err(|e| failed(e.to_string()))?;
    let recorded = Recorded::load(config, ledger).map_err(|e| failed(e.to_string()))?;
    let mut out = Vec::with_capacity(1 << 16);
    out.push(b'[');
    let mut buffer = Vec::new();
    let mut first = true;
    for n in 0..lazy.instances.len() {
        if !filter.keeps_instance(config, &lazy.instances[n]) {
            continue;
        }
        lazy.instance(n, &mut buffer);
        for s in &buffer {
            if !filter.keeps(config, &lazy.instances, s) {
                continue;
            }
            if !first {
                out.push(b',');
            }
            first = false;
            let row = crate::output::row(config, &lazy.instances, &lazy.inputs, &recorded, s);
            serde_json::to_writer(&mut out, &row).map_err(|e| failed(e.to_string()))?;
        }
    }
    out.push(b']');
    Ok(out)
}

/// `POST /api/submissions`.
pub async fn submit(
    State(console): State<Arc<Console>>,
    Clerk(who): Clerk,
    body: Bytes,
) -> Result<Response, Failure> {
    let objects = match objects(&body) {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let c = console.clone();
    let (_, out) = console
        .with_ledger(move |current, ledger| -> Result<Response, Failure> {
            let config = current.config();
            let now = c.now(current);
            let mut errors = Vec::new();
            let mut batch: Vec<Submission> = Vec::new();
            let mut instances = Vec::new();
            let mut replace = Vec::new();
            let mut seen = HashSet::new();
            let names = Names::new(config);
            for (index, object) in objects.iter().enumerate() {
                let body = Body::read(index, object, &mut errors);
                match record::submission_from(&names, config, &|f| body.get(f), &now, super::LANG) {
                    Ok((s, instance)) => {
                        if !seen.insert(s.key.clone()) {
                            errors.push(error(json!({"index": index, "field": "agency"}), |l| {
                                say!(
                                    l,
                                    "cặp này đã có trong lần gửi này; mỗi cặp gửi một đối tượng",
                                    "the same pair is already in this batch; send one object per pair"
                                )
                            }));
                        }
                        batch.push(s);
                        instances.push(instance);
                        replace.push(body.replace);
                    }
                    Err((field, message)) => {
                        let en = record::submission_from(&names, config, &|f| body.get(f), &now, Lang::En)
                            .err()
                            .map_or(message.clone(), |(_, m)| m);
                        errors.push(json!({
                            "index": index, "field": field.name(), "message": message,
                            "message_en": en
                        }))
                    }
                }
            }
            if !errors.is_empty() {
                return Ok(unprocessable(errors));
            }
            let done = record::record_batch(
                config,
                ledger,
                &batch,
                &instances,
                |i| replace[i],
                &who.name,
            );
            match done.map_err(Failure::from)? {
                Err(conflict) => Ok(json_response(
                    StatusCode::CONFLICT,
                    &json!({
                        "index": conflict.index,
                        "error": say!(
                            super::LANG,
                            "đơn vị này đã có bản nộp khác cho kỳ này: {}; gửi \"replace\": true để thay",
                            "a different submission is recorded for this pair: {}; send \"replace\": true to replace it",
                            record::describe(config, &conflict.existing, super::LANG)
                        ),
                        "error_en": format!(
                            "a different submission is recorded for this pair: {}; send \"replace\": true to replace it",
                            record::describe(config, &conflict.existing, Lang::En)
                        ),
                        "existing": {
                            "submitted_on": crate::output::rfc3339(conflict.existing.submitted_at, &config.settings.timezone),
                            "ref": conflict.existing.reference,
                            "note": conflict.existing.note,
                        },
                    }),
                )),
                Ok(done) => {
                    c.overview.invalidate();
                    let outcome = done.outcome;
                    tracing::info!(
                        by = %who.name, added = outcome.added, replaced = outcome.replaced,
                        unchanged = outcome.unchanged, on_time = done.on_time, late = done.late,
                        "api: submissions recorded"
                    );
                    let keys: Vec<PairKey> = batch.into_iter().map(|s| s.key).collect();
                    let rows = rows_of(current, ledger, &now, &keys)?;
                    Ok(json_response(StatusCode::CREATED, &Value::Array(rows)))
                }
            }
        })
        .await?;
    out
}

/// `DELETE /api/submissions`.
pub async fn unsubmit(
    State(console): State<Arc<Console>>,
    Clerk(who): Clerk,
    body: Bytes,
) -> Result<Response, Failure> {
    let objects = match objects(&body) {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let c = console.clone();
    let (_, out) = console
        .with_ledger(move |current, ledger| -> Result<Response, Failure> {
            let config = current.config();
            let mut errors = Vec::new();
            let mut keys = Vec::new();
            let names = Names::new(config);
            for (index, object) in objects.iter().enumerate() {
                let body = Body::read(index, object, &mut errors);
                let pair = record::Pair {
                    plan: body.get(Field::Plan),
                    obligation: body.get(Field::Obligation),
                    period: body.get(Field::Period),
                    agency: body.get(Field::Agency),
                };
                match record::resolve_with(&names, config, pair, super::LANG) {
                    Ok((key, _)) => keys.push((index, key)),
                    Err(record::Refused::Field { field, message }) => {
                        let en = match record::resolve_with(&names, config, pair, Lang::En) {
                            Err(record::Refused::Field { message, .. }) => message,
                            _ => message.clone(),
                        };
                        errors.push(json!({"index": index, "field": field, "message": message,
                            "message_en": en}));
                    }
                    Err(other) => {
                        errors.push(json!({"index": index, "message": other.to_string()}))
                    }
                }
            }
            if !errors.is_empty() {
                return Ok(unprocessable(errors));
            }
            let just_keys: Vec<PairKey> = keys.iter().map(|(_, k)| k.clone()).collect();
            match ledger
                .delete_submissions(&just_keys)
                .map_err(Failure::from)?
            {
                Ok(n) => {
                    c.overview.invalidate();
                    tracing::info!(by = %who.name, deleted = n, "api: submissions removed");
                    Ok(json_response(StatusCode::OK, &json!({ "deleted": n })))
                }
                Err(missing) => Ok(unprocessable(
                    missing
                        .into_iter()
                        .map(|i| {
                            error(json!({"index": keys[i].0}), |l| {
                                say!(
                                    l,
                                    "chưa có bản nộp nào của {}; không có gì để xóa",
                                    "no submission is recorded for {}; nothing to remove",
                                    record::pair_text(config, &keys[i].1, l)
                                )
                            })
                        })
                        .collect(),
                )),
            }
        })
        .await?;
    out
}

/// The status rows of `keys` at `now`, in the order given.
fn rows_of(
    current: &Current,
    ledger: &Ledger,
    now: &jiff::Zoned,
    keys: &[PairKey],
) -> Result<Vec<Value>, Failure> {
    let config = current.config();
    let internal = |e: String| Failure::Internal(e);
    let lazy =
        crate::engine::lazy_states_at(config, ledger, now).map_err(|e| internal(e.to_string()))?;
    let recorded = Recorded::load(config, ledger).map_err(|e| internal(e.to_string()))?;
    let mut buffer = Vec::new();
    let mut out = Vec::new();
    for key in keys {
        let n = lazy.instances.iter().position(|i| {
            i.period == key.period
                && i.plan(config).id == key.plan
                && i.obligation(config).id == key.obligation
        });
        let Some(n) = n else { continue };
        lazy.instance(n, &mut buffer);
        if let Some(s) = buffer
            .iter()
            .find(|s| config.agencies[s.agency].id == key.agency)
        {
            let row = crate::output::row(config, &lazy.instances, &lazy.inputs, &recorded, s);
            out.push(serde_json::to_value(&row).map_err(|e| internal(e.to_string()))?);
        }
    }
    Ok(out)
}
