//! The admin's page: the mail queue by state, and what failed to send.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::{Value, context};

use super::roles::Admin;
use super::view;
use super::{Console, Current, Failure};
use crate::dates;

/// `GET /admin`: the mail queue and what failed (admins).
pub async fn admin(
    State(console): State<Arc<Console>>,
    Admin(who): Admin,
) -> Result<Response, Failure> {
    let (current, page) = console
        .with_ledger(|current, ledger| admin_page(current, ledger))
        .await?;
    let page = page.map_err(|e| Failure::Internal(e.to_string()))?;
    Ok(console.pages.render(
        &current,
        &console.now(&current),
        Some(&who),
        None,
        "admin.html",
        page,
        StatusCode::OK,
    ))
}

fn admin_page(
    current: &Current,
    ledger: &crate::ledger::Ledger,
) -> Result<Value, crate::ledger::LedgerError> {
    let config = current.config();
    let tz = &config.settings.timezone;
    let when = |t: jiff::Timestamp| {
        let z = t.to_zoned(tz.clone());
        dates::vn_time(&z)
    };
    let figures = ledger.queue_figures()?;
    let queue: Vec<Value> = figures
        .by_state
        .iter()
        .map(|(state, count)| {
            let label = state.words(crate::lang::Lang::Vi);
            context! { label, count }
        })
        .collect();
    let failures: Vec<Value> = ledger
        .failures()?
        .into_iter()
        .map(|f| {
            let agency = config.agency_name(&f.agency).to_string();
            let items: Vec<String> = f
                .items
                .iter()
                .map(|(k, step)| {
                    format!(
                        "{}/{} kỳ {} ({})",
                        k.plan,
                        k.obligation,
                        dates::vn(k.period),
                        step.words(crate::lang::Lang::Vi)
                    )
                })
                .collect();
            context! {
                at => when(f.moment),
                agency,
                agency_url => view::agency_url(&f.agency),
                items,
                error => f.error,
            }
        })
        .collect();
    let failing = ledger.delivery_failing()?.map(|h| {
        context! { since => when(h.since), error => h.last_error }
    });
    let health = ledger.inbox_health()?;
    let mailbox = (config.settings.inbox.is_some() || health.is_some()).then(|| {
        let h = health.clone();
        context! {
            server => config.settings.inbox.as_ref().map(|i| format!("{}:{} {}", i.host, i.port, i.folder)),
            read_at => h.as_ref().and_then(|h| h.read_at).map(when),
            idle => h.as_ref().and_then(|h| h.mode.clone()).as_deref() == Some("idle"),
            error => h.as_ref().and_then(|h| h.error.clone()),
            error_at => h.as_ref().and_then(|h| h.error_at).map(when),
            failures => h.as_ref().map_or(0, |h| h.failures),
        }
    });
    Ok(context! {
        queue,
        last_sent => figures.last_sent.map(when),
        failures,
        failing,
        mailbox,
        waiting => ledger.open_proposals()?,
    })
}
