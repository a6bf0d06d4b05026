//! The record form and what it posts: submit, unsubmit, exempt, unexempt,
//! extend, unextend — through `engine::record`, as the clerk; refused, back
//! to the form with the reason.

use std::sync::Arc;

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Zoned;
use minijinja::Value;
use serde::{Deserialize, Serialize};

use super::auth::{self, Flash, Typed};
use super::pages::{not_found_for, show};
use super::roles::Clerk;
use super::view;
use super::{Console, Failure};
use crate::config::Config;
use crate::dates;
use crate::engine::EngineError;
use crate::engine::record::{self, Pair, Refused};
use crate::ledger::Ledger;

#[derive(Debug, Deserialize)]
pub struct PairQuery {
    plan: String,
    obligation: String,
    period: String,
    agency: String,
}

/// `GET /record?plan=…&obligation=…&period=…&agency=…`: the form (clerks).
pub async fn record_form(
    State(console): State<Arc<Console>>,
    Clerk(who): Clerk,
    Query(q): Query<PairQuery>,
) -> Result<Response, Failure> {
    let current = console.current();
    let pair = Pair {
        plan: &q.plan,
        obligation: &q.obligation,
        period: &q.period,
        agency: &q.agency,
    };
    let key = match record::resolve(current.config(), pair, super::LANG) {
        Ok((key, _)) => key,
        Err(e) => {
            // The page says what is wrong; a refused form's message, which
            // says the same, is not left for the next page.
            let _ = console.flash(&who);
            return Ok(console.pages.error(
                &current,
                Some(&who),
                StatusCode::NOT_FOUND,
                &refusal_text(e),
            ));
        }
    };
    show(
        &console,
        &who,
        "record.html",
        move |current, ledger, now| {
            let page = record_page(current.config(), ledger, now, &key, &current.agency_rank)?;
            Ok(page.map(|p| Value::from_serialize(&p)))
        },
    )
    .await
}

/// The fields of every record form.
#[derive(Debug, Deserialize)]
pub struct RecordForm {
    plan: String,
    obligation: String,
    period: String,
    agency: String,
    back: Option<String>,
    /// `dd/mm/yyyy HH:MM` (or a date alone), as `submit --on` takes it.
    on: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<String>,
    note: Option<String>,
    to: Option<String>,
    replace: Option<String>,
    force: Option<String>,
}

/// What a record form asks for: the last part of its address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Submit,
    Unsubmit,
    Exempt,
    Unexempt,
    Extend,
    Unextend,
}

impl Action {
    const ALL: [Action; 6] = [
        Action::Submit,
        Action::Unsubmit,
        Action::Exempt,
        Action::Unexempt,
        Action::Extend,
        Action::Unextend,
    ];

    /// The last part of its address.
    fn name(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Unsubmit => "unsubmit",
            Action::Exempt => "exempt",
            Action::Unexempt => "unexempt",
            Action::Extend => "extend",
            Action::Unextend => "unextend",
        }
    }

    fn from_path(text: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == text)
    }
}

/// `POST /record/ACTION` (`submit`, `unsubmit`, `exempt`, `unexempt`,
/// `extend`, `unextend`): records, then back to the page with the outcome.
pub async fn record(
    State(console): State<Arc<Console>>,
    Clerk(who): Clerk,
    Path(action): Path<String>,
    Form(form): Form<RecordForm>,
) -> Result<Response, Failure> {
    let Some(action) = Action::from_path(&action) else {
        return Ok(not_found_for(&console, &console.current(), Some(&who)));
    };
    let typed = Typed {
        action: action.name(),
        on: form.on.clone(),
        reference: form.reference.clone(),
        note: form.note.clone(),
        to: form.to.clone(),
        agencies: Vec::new(),
    };
    let actor = who.name.clone();
    let c = console.clone();
    let (_, (back, outcome)) = console
        .with_ledger(move |current, ledger| {
            let config = current.config();
            let now = c.now(current);
            let pair = Pair {
                plan: &form.plan,
                obligation: &form.obligation,
                period: &form.period,
                agency: &form.agency,
            };
            let write = |ledger: &mut Ledger| match action {
                Action::Submit => record::submit(
                    config,
                    ledger,
                    &record::Submit {
                        pair,
                        on: form.on.as_deref(),
                        reference: form.reference.as_deref(),
                        note: form.note.as_deref(),
                        replace: form.replace.is_some(),
                        force: form.force.is_some(),
                    },
                    &actor,
                    &now,
                    super::LANG,
                ),
                Action::Unsubmit => record::unsubmit(config, ledger, pair, super::LANG),
                // The console asks why: a waiver removes a pair from the
                // year's ranking.
                Action::Exempt if form.note.as_deref().is_none_or(|n| n.trim().is_empty()) => {
                    Err(Refused::Field {
                        field: "note",
                        message: "ghi lý do miễn nộp (số công văn, sáp nhập, không phát sinh…)"
                            .into(),
                    })
                }
                Action::Exempt => record::exempt(
                    config,
                    ledger,
                    pair,
                    form.note.as_deref(),
                    false,
                    &actor,
                    super::LANG,
                ),
                Action::Unexempt => {
                    record::exempt(config, ledger, pair, None, true, &actor, super::LANG)
                }
                Action::Extend => record::extend(
                    config,
                    ledger,
                    pair,
                    Some(form.to.as_deref().unwrap_or("")),
                    form.note.as_deref(),
                    &actor,
                    super::LANG,
                ),
                Action::Unextend => {
                    record::extend(config, ledger, pair, None, None, &actor, super::LANG)
                }
            };
            let outcome = journaled(ledger, &actor, write);
            let back = form
                .back
                .filter(|b| b.starts_with("/instances/") || b.starts_with("/agencies/"))
                .unwrap_or_else(|| "/".into());
            // Done: back to the page, at the row. Refused: back to the form.
            let back = if outcome.is_ok() {
                format!("{back}#row-{}", auth::url_escape(&form.agency))
            } else {
                view::record_url(&form.plan, &form.obligation, &form.period, &form.agency)
            };
            (back, outcome)
        })
        .await?;
    tell(&console, &who, outcome, typed)?;
    Ok(Redirect::to(&back).into_response())
}

/// Runs a clerk's write as one entry of the journal: the sentence it
/// returns, and the entry to undo it by (none when it changed nothing).
pub(super) fn journaled(
    ledger: &mut Ledger,
    actor: &str,
    write: impl FnOnce(&mut Ledger) -> Result<String, Refused>,
) -> Result<(String, Option<i64>), Refused> {
    ledger.journaled(actor, jiff::Timestamp::now(), write, |text| {
        Some(sentence(text))
    })
}

/// Tells the clerk what became of a write, on the next page: done (with
/// the undo button), or refused with every value typed kept.
pub(super) fn tell(
    console: &Console,
    who: &auth::Who,
    outcome: Result<(String, Option<i64>), Refused>,
    typed: Typed,
) -> Result<(), Failure> {
    let flash = match outcome {
        Ok((text, undo)) => {
            console.overview.invalidate();
            tracing::info!(user = %who.name, "web console: {text}");
            Flash {
                ok: true,
                text: sentence(&text),
                typed: None,
                undo,
            }
        }
        Err(Refused::Ledger(e)) => return Err(Failure::from(e)),
        Err(r) => Flash {
            ok: false,
            text: refusal_text(r),
            typed: Some(typed),
            undo: None,
        },
    };
    if let Some(id) = &who.session {
        console.sessions.set_flash(id, flash);
    }
    Ok(())
}

/// The text with a capital first letter, as a sentence on a page.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A refusal as the console words it: the field's label instead of the
/// command line's option.
pub(super) fn refusal_text(r: Refused) -> String {
    let label = |field: &str| match field {
        "plan" => "Kế hoạch",
        "obligation" => "Nội dung",
        "period" => "Kỳ",
        "agency" => "Đơn vị",
        "on" => "Ngày nộp",
        "to" => "Hạn mới",
        "note" => "Ghi chú",
        _ => "Giá trị",
    };
    match r {
        Refused::Field { field, message } => format!("{}: {message}", label(field)),
        Refused::Unconfirmed { field, message } => format!(
            "{}: {message}; nếu đúng là vậy, đánh dấu ô «Xác nhận ngày nộp là đúng» rồi gửi lại",
            label(field)
        ),
        Refused::Conflict { existing } => format!(
            "Đơn vị này đã có bản nộp cho kỳ này: {existing}; đánh dấu ô «Thay bản nộp đã ghi nhận» để thay"
        ),
        Refused::Nothing(text) => sentence(&text),
        Refused::Ledger(e) => e.to_string(),
    }
}

/// The pair the record form is about, with what is recorded for it now.
#[derive(Debug, Serialize)]
struct RecordPage {
    pub plan: view::PlanHead,
    pub row: view::PairRow,
    pub head: view::InstanceHead,
    pub back: String,
    /// The submission field's default: now, as `dd/mm/yyyy HH:MM`.
    pub submitted_default: String,
    pub exempt: bool,
    pub submitted: bool,
    pub extended: bool,
}

fn record_page(
    config: &Config,
    ledger: &Ledger,
    at: &Zoned,
    key: &crate::ledger::PairKey,
    rank: &[usize],
) -> Result<Option<RecordPage>, EngineError> {
    let pair = (key.plan.as_str(), key.obligation.as_str(), key.period);
    let Some(mut page) = view::instance(config, ledger, at, pair, rank)? else {
        return Ok(None);
    };
    let Some(pos) = page.rows.iter().position(|r| r.agency_id == key.agency) else {
        return Ok(None);
    };
    let row = page.rows.swap_remove(pos);
    Ok(Some(RecordPage {
        back: page.head.url.clone(),
        exempt: row.state == "exempt",
        submitted: row.submitted.is_some(),
        extended: row.extended_from.is_some(),
        plan: page.plan,
        head: page.head,
        row,
        submitted_default: dates::vn_time(at),
    }))
}
