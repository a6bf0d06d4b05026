//! The clerk's other writes: several rows recorded at once from an
//! instance page (`POST /record/bulk`), a note on a pair (`POST /notes`),
//! and the undoing of one's last write (`POST /undo/ID`).

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::auth::{self, Flash, Typed};
use super::forms::{journaled, tell};
use super::roles::Clerk;
use super::{Console, Failure};
use crate::engine::record::{self, Pair, Refused};
use crate::ledger::journal::Undo;

/// A form's fields, in order; a repeated one (`agency`) as often as ticked.
type Fields = Vec<(String, String)>;

fn one<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// The page a form came from (`back`), if it is one of the console's
/// pages a write returns to; else the overview.
fn back_to(fields: &Fields) -> String {
    let back = one(fields, "back");
    let known = ["/instances/", "/agencies/", "/calls"];
    if known.iter().any(|k| back.starts_with(k)) && !back.contains("//") {
        back.to_string()
    } else {
        "/".into()
    }
}

/// `POST /record/bulk`: the ticked agencies of an instance recorded with
/// one date, number and note, all or none; refused, back to the page with
/// every value typed and every box ticked.
pub async fn bulk(
    State(console): State<Arc<Console>>,
    Clerk(who): Clerk,
    Form(fields): Form<Fields>,
) -> Result<Response, Failure> {
    let agencies: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "agency")
        .map(|(_, v)| v.clone())
        .collect();
    let typed = Typed {
        action: "bulk",
        on: Some(one(&fields, "on").to_string()),
        reference: Some(one(&fields, "ref").to_string()),
        note: Some(one(&fields, "note").to_string()),
        to: None,
        agencies: agencies.clone(),
    };
    let back = back_to(&fields);
    let actor = who.name.clone();
    let c = console.clone();
    let (_, outcome) = console
        .with_ledger(move |current, ledger| {
            let now = c.now(current);
            let request = record::SubmitMany {
                pair: Pair {
                    plan: one(&fields, "plan"),
                    obligation: one(&fields, "obligation"),
                    period: one(&fields, "period"),
                    agency: "",
                },
                agencies: &agencies,
                on: one(&fields, "on"),
                reference: Some(one(&fields, "ref")),
                note: Some(one(&fields, "note")),
                force: !one(&fields, "force").is_empty(),
            };
            journaled(ledger, &actor, |ledger| {
                record::submit_many(
                    current.config(),
                    ledger,
                    &request,
                    &actor,
                    &now,
                    super::LANG,
                )
            })
        })
        .await?;
    // A conflict: the bulk form has no "replace" box; say what to do here.
    let outcome = outcome.map_err(|r| match r {
        Refused::Conflict { existing } => Refused::Nothing(format!(
            "Không ghi nhận đơn vị nào: đã có bản nộp {existing}; bỏ chọn đơn vị này rồi \
             ghi nhận lại (muốn sửa bản nộp đó: mở «Ghi nhận» của đơn vị)"
        )),
        other => other,
    });
    let anchor = if outcome.is_ok() { "" } else { "#bulk" };
    tell(&console, &who, outcome, typed)?;
    Ok(Redirect::to(&format!("{back}{anchor}")).into_response())
}

/// `POST /notes`: a note on a pair (*đã gọi, hẹn thứ Sáu*), from the call
/// list or an instance page; back there, at the pair.
pub async fn note(
    State(console): State<Arc<Console>>,
    Clerk(who): Clerk,
    Form(fields): Form<Fields>,
) -> Result<Response, Failure> {
    let typed = Typed {
        action: "note",
        note: Some(one(&fields, "note").to_string()),
        agencies: vec![one(&fields, "agency").to_string()],
        ..Typed::default()
    };
    let back = back_to(&fields);
    let actor = who.name.clone();
    let c = console.clone();
    let (_, (agency, outcome)) = console
        .with_ledger(move |current, ledger| {
            let pair = Pair {
                plan: one(&fields, "plan"),
                obligation: one(&fields, "obligation"),
                period: one(&fields, "period"),
                agency: one(&fields, "agency"),
            };
            let now = c.now(current);
            let outcome = record::note(
                current.config(),
                ledger,
                pair,
                one(&fields, "note"),
                &actor,
                &now,
                super::LANG,
            );
            // The row to go back to: the agency's id, however it was
            // written (as typed when the pair is unknown).
            match outcome {
                Ok((text, key)) => (key.agency, Ok((text, None))),
                Err(e) => {
                    let agency = record::resolve(current.config(), pair, super::LANG)
                        .map_or_else(|_| pair.agency.to_string(), |(key, _)| key.agency);
                    (agency, Err(e))
                }
            }
        })
        .await?;
    let row = format!("#row-{}", auth::url_escape(&agency));
    tell(&console, &who, outcome, typed)?;
    Ok(Redirect::to(&format!("{back}{row}")).into_response())
}

/// `POST /undo/ID`: the clerk's own last write undone, within 10 minutes,
/// if what it wrote is still as it left it; back to the page it came from.
pub async fn undo(
    State(console): State<Arc<Console>>,
    Clerk(who): Clerk,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let Ok(id) = id.parse::<i64>() else {
        let current = console.current();
        return Ok(super::pages::not_found_for(&console, &current, Some(&who)));
    };
    let by = who.name.clone();
    let (_, outcome) = console
        .with_ledger(move |_, ledger| ledger.undo(id, &by, jiff::Timestamp::now()))
        .await?;
    let (ok, text) = match outcome.map_err(Failure::from)? {
        Undo::Done(entry) => (true, format!("Đã hoàn tác: {}", entry.what)),
        Undo::NotLast => (false, "Chỉ hoàn tác được thao tác gần nhất của chính mình; thao tác này không còn là thao tác gần nhất.".into()),
        Undo::Undone => (false, "Thao tác này đã được hoàn tác rồi.".into()),
        Undo::TooOld => (false, "Đã quá 10 phút: không hoàn tác được nữa; sửa trực tiếp trên trang ghi nhận.".into()),
        Undo::ChangedSince => (false, "Không hoàn tác được: sau thao tác này đã có thay đổi khác (người khác hoặc thư đến ghi nhận); xem lại trang và sửa trực tiếp.".into()),
    };
    if ok {
        console.overview.invalidate();
    }
    tracing::info!(user = %who.name, entry = id, ok, "web console: {text}");
    if let Some(s) = &who.session {
        console.sessions.set_flash(
            s,
            Flash {
                ok,
                text,
                typed: None,
                undo: None,
            },
        );
    }
    // Back to the page the button was on (the Referer: same-origin only).
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.parse::<axum::http::Uri>().ok())
        .and_then(|u| u.path_and_query().map(|p| p.as_str().to_string()))
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .unwrap_or_else(|| "/".into());
    Ok(Redirect::to(&back).into_response())
}
