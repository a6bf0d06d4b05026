//! The downloads of what a page shows: `status.csv` and `status.xlsx`, with
//! the page's filter; and, for clerks, an instance's fill-in sheet
//! (`sheet.xlsx`), to fill in and import.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::pages::not_found_for;
use super::roles::{Clerk, Reader};
use super::{Console, Failure};
use crate::config::Config;
use crate::engine;
use crate::output::Recorded;

/// `GET /export/status.csv` / `status.xlsx`, with the page's filter.
pub async fn export(
    State(console): State<Arc<Console>>,
    Reader(who): Reader,
    Path(file): Path<String>,
    Query(filter): Query<ExportFilter>,
) -> Result<Response, Failure> {
    let xlsx = match file.as_str() {
        "status.csv" => false,
        "status.xlsx" => true,
        _ => return Ok(not_found_for(&console, &console.current(), Some(&who))),
    };
    let Some(filter) = filter.filter(console.current().config()) else {
        return Ok(not_found_for(&console, &console.current(), Some(&who)));
    };
    let c = console.clone();
    let (_, bytes) = console
        .with_ledger(move |current, ledger| -> Result<Vec<u8>, String> {
            let config = current.config();
            let now = c.now(current);
            if xlsx {
                // Row by row into constant-memory sheets.
                let lazy =
                    engine::lazy_states_at(config, ledger, &now).map_err(|e| e.to_string())?;
                let recorded = Recorded::load(config, ledger).map_err(|e| e.to_string())?;
                let rows = crate::output::xlsx::Rows {
                    config,
                    lazy: &lazy,
                    filter: &filter,
                };
                crate::output::xlsx::to_bytes(config, &rows, &recorded, &now)
                    .map(|(bytes, _)| bytes)
                    .map_err(|e| e.to_string())
            } else {
                // An instance at a time, as the workbook: the page's rows,
                // never every pair of the province at once.
                let lazy =
                    engine::lazy_states_at(config, ledger, &now).map_err(|e| e.to_string())?;
                let recorded = Recorded::load(config, ledger).map_err(|e| e.to_string())?;
                let rows = crate::output::rows::kept_rows(config, &lazy, &filter, &recorded);
                let mut out = Vec::new();
                crate::output::write_csv(&mut out, rows).map_err(|e| e.to_string())?;
                Ok(out)
            }
        })
        .await?;
    let bytes = bytes.map_err(Failure::Internal)?;
    let (kind, name) = if xlsx {
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "dondoc-status.xlsx",
        )
    } else {
        ("text/csv; charset=utf-8", "dondoc-status.csv")
    };
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")).expect("ASCII"),
    );
    Ok(r)
}

/// `GET /export/sheet.xlsx?plan=…&obligation=…&period=…` (clerks): the
/// fill-in sheet of one instance, as `dondoc sheet` writes it (the pair as
/// ids or as offices write it).
pub async fn sheet(
    State(console): State<Arc<Console>>,
    Clerk(who): Clerk,
    Query(q): Query<ExportFilter>,
) -> Result<Response, Failure> {
    let c = console.clone();
    let (_, out) = console
        .with_ledger(
            move |current, ledger| -> Result<Option<(Vec<u8>, String)>, String> {
                let config = current.config();
                let names = crate::calendar::names::Names::new(config);
                let text = |t: &Option<String>| t.clone().unwrap_or_default();
                let Ok(instance) =
                    names.instance(&text(&q.plan), &text(&q.obligation), &text(&q.period))
                else {
                    return Ok(None);
                };
                let owing = engine::not_submitted(config, ledger, &c.now(current), &instance)
                    .map_err(|e| e.to_string())?;
                let sheet = crate::output::sheet::FillIn::new(config, &names, &instance, &owing);
                let bytes = sheet
                    .workbook()
                    .and_then(|mut wb| wb.save_to_buffer())
                    .map_err(|e| e.to_string())?;
                let name = format!(
                    "mau-nhap-{}-{}-{}.xlsx",
                    instance.plan(config).id,
                    instance.obligation(config).id,
                    instance.period
                );
                Ok(Some((bytes, name)))
            },
        )
        .await?;
    let Some((bytes, name)) = out.map_err(Failure::Internal)? else {
        return Ok(not_found_for(&console, &console.current(), Some(&who)));
    };
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    // Ids are [a-z0-9-]: the name is ASCII.
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .map_err(|e| Failure::Internal(e.to_string()))?;
    h.insert(header::CONTENT_DISPOSITION, disposition);
    Ok(r)
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ExportFilter {
    pub plan: Option<String>,
    pub obligation: Option<String>,
    /// The instance's period, ISO (`2025-06-15`).
    pub period: Option<String>,
    pub agency: Option<String>,
}

impl ExportFilter {
    /// As the engine's filter; `None` when it names a plan or an agency
    /// the configuration does not have.
    pub fn filter(&self, config: &Config) -> Option<engine::Filter> {
        let asked = engine::filter::Asked {
            plan: self.plan.as_deref(),
            obligation: self.obligation.as_deref(),
            period: self.period.as_deref(),
            agency: self.agency.as_deref(),
            ..Default::default()
        };
        engine::Filter::new(config, &asked, super::LANG).ok()
    }
}
