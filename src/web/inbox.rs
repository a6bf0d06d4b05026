//! The mailbox's proposals in the console: a clerk sees the message, the
//! items it proposes and its attachments, and accepts it in one click (or
//! drops it) — the same `inbox::ingest::accept` as `dondoc inbox accept`.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::Serialize;

use super::auth::{self, Flash};
use super::pages::OverviewQuery;
use super::roles::{Clerk, Reader};
use super::{Console, Failure, view};
use crate::inbox::ingest;
use crate::output::proposal;

#[derive(Serialize)]
struct Item {
    title: String,
    period: String,
    url: String,
}

#[derive(Serialize)]
struct File {
    name: String,
    size: String,
    url: String,
}

#[derive(Serialize)]
struct Shown {
    id: i64,
    agency: String,
    agency_url: String,
    items: Vec<Item>,
    received: Option<String>,
    reference: Option<String>,
    sender: String,
    subject: String,
    /// The message's own text, for the clerk to read before deciding.
    text: String,
    certain: bool,
    /// Why it is not certain.
    doubts: Vec<String>,
    /// `open`, `accepted` or `rejected`.
    state: String,
    files: Vec<File>,
    /// The attachments not kept, and why.
    left_out: Vec<String>,
}

/// `GET /inbox`: the open proposals (`?all=1`: the decided ones too).
pub async fn list(
    State(console): State<Arc<Console>>,
    Reader(who): Reader,
    Query(q): Query<OverviewQuery>,
) -> Result<Response, Failure> {
    let all = q.all.is_some();
    let (current, proposals) = console
        .with_ledger(move |_, ledger| ledger.proposals(!all))
        .await?;
    let proposals = proposals.map_err(Failure::from)?;
    let config = current.config();
    let shown: Vec<Shown> = proposals
        .into_iter()
        .map(|p| Shown {
            id: p.id,
            agency: config.agency_name(&p.agency).to_string(),
            agency_url: view::agency_url(&p.agency),
            items: proposal::items(config, &p)
                .into_iter()
                .map(|i| Item {
                    url: view::instance_path(&i.plan, &i.obligation, i.period),
                    title: i.title,
                    period: i.period_name,
                })
                .collect(),
            received: proposal::received(config, &p),
            doubts: proposal::doubts(&p, super::LANG),
            left_out: proposal::left_out(&p, super::LANG),
            text: p.text.clone().unwrap_or_default(),
            reference: p.reference,
            sender: p.sender,
            subject: p.subject,
            certain: p.certain,
            state: p.state.clone(),
            files: p
                .files
                .iter()
                .enumerate()
                .map(|(n, f)| File {
                    name: f.name.clone(),
                    size: format!("{} KB", f.size.div_ceil(1024)),
                    url: format!("/inbox/{}/files/{n}", p.id),
                })
                .collect(),
        })
        .collect();
    let flash = console.flash(&who);
    Ok(console.pages.render(
        &current,
        &console.now(&current),
        Some(&who),
        flash,
        "inbox.html",
        context! { proposals => shown, all },
        StatusCode::OK,
    ))
}

/// `POST /inbox/ID/accept`, `/inbox/ID/reject` and `/inbox/ID/restore`
/// (clerks): each one write of the journal, which its author may undo.
pub async fn decide(
    State(console): State<Arc<Console>>,
    Clerk(who): Clerk,
    Path((id, action)): Path<(i64, String)>,
) -> Result<Response, Failure> {
    #[derive(Clone, Copy)]
    enum Decision {
        Accept,
        Reject,
        Restore,
    }
    let decision = match action.as_str() {
        "accept" => Decision::Accept,
        "reject" => Decision::Reject,
        "restore" => Decision::Restore,
        _ => return Ok(auth::refuse(StatusCode::NOT_FOUND, "no such action")),
    };
    let by = who.name.clone();
    let now = console.now(&console.current());
    let (_, outcome) = console
        .with_ledger(move |current, ledger| {
            let write = |ledger: &mut crate::ledger::Ledger| match decision {
                Decision::Accept => {
                    ingest::accept(current.config(), ledger, id, &by, &now, super::LANG)
                }
                Decision::Reject => ingest::reject(ledger, id, &by, super::LANG),
                Decision::Restore => ingest::restore(ledger, id, super::LANG),
            };
            ledger.journaled(&by, jiff::Timestamp::now(), write, |r| r.clone().ok())
        })
        .await?;
    let (outcome, undo) = outcome.map_err(Failure::from)?;
    let flash = match outcome {
        Ok(text) => {
            console.overview.invalidate();
            Flash {
                ok: true,
                text,
                typed: None,
                undo,
            }
        }
        Err(text) => Flash {
            ok: false,
            text,
            typed: None,
            undo: None,
        },
    };
    tracing::info!(user = %who.name, proposal = id, ok = flash.ok, "web console: {}", flash.text);
    if let Some(s) = &who.session {
        console.sessions.set_flash(s, flash);
    }
    let back = match decision {
        Decision::Restore => "/inbox?all=1",
        _ => "/inbox",
    };
    Ok(Redirect::to(back).into_response())
}

/// `GET /inbox/ID/files/N`: an attachment, as a download.
pub async fn file(
    State(console): State<Arc<Console>>,
    _: Reader,
    Path((id, n)): Path<(i64, usize)>,
) -> Result<Response, Failure> {
    let (current, proposal) = console
        .with_ledger(move |_, ledger| ledger.proposal(id))
        .await?;
    let proposal = proposal.map_err(Failure::from)?;
    let Some(kept) = proposal.and_then(|p| p.files.into_iter().nth(n)) else {
        return Ok(auth::refuse(StatusCode::NOT_FOUND, "no such file"));
    };
    // The path is ours (attachments/NAME, a safe name); only its file name
    // is taken, joined to the attachments directory.
    let name = kept.path.rsplit('/').next().unwrap_or_default().to_string();
    let path = ingest::attachments_dir(&current.config().settings.database).join(&name);
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|e| Failure::Internal(format!("{}: {e}", path.display())))?;
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        auth::url_escape(&name)
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}
