//! The leaders' pages: `/leaders`, the year's on-time ranking exactly as
//! `dondoc report --year Y` computes it ([`crate::engine::ranking`]), and
//! `/leaders/late`, the list of the agencies that have not sent what has
//! fallen due, laid out as an office attaches a list to a letter (Nghị định
//! 30/2020/NĐ-CP: the office under its superior on the left, the national
//! motto on the right, the place and date, the title, then one numbered
//! table per report) and printed on A4.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use jiff::Zoned;
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::pages::show;
use super::roles::Reader;
use super::view::{Contact, agency_url, contact, instance_url};
use super::{Console, Failure, filter};
use crate::config::Config;
use crate::dates;
use crate::engine::{self, EngineError, ranking};
use crate::ledger::Ledger;
use crate::policy::{PairState, State as PairStateKind};

/// `?year=2025`.
#[derive(Debug, Deserialize)]
pub struct YearQuery {
    pub year: Option<String>,
}

/// One agency's line of the ranking, as the page prints it.
#[derive(Debug, Serialize)]
struct Ranked {
    n: usize,
    name: String,
    url: String,
    owed: usize,
    on_time: usize,
    late: usize,
    overdue: usize,
    exempt: usize,
    rate: String,
    days: String,
}

/// `GET /leaders` (`?year=Y`, default: the console clock's year).
pub async fn ranking(
    State(console): State<Arc<Console>>,
    Reader(who): Reader,
    Query(q): Query<YearQuery>,
) -> Result<Response, Failure> {
    let current = console.current();
    let this_year = console.now(&current).year();
    let year = match q.year.as_deref().map(str::trim) {
        None | Some("") => this_year,
        Some(y) => match y.parse::<i16>() {
            Ok(y) if (dates::FIRST.year()..=dates::LAST.year()).contains(&y) => y,
            _ => {
                let text = format!(
                    "Năm «{}» không hợp lệ: ghi năm bằng bốn chữ số, từ {} đến {} (ví dụ ?year={this_year}).",
                    y.chars().take(20).collect::<String>(),
                    dates::FIRST.year(),
                    dates::LAST.year()
                );
                return Ok(console.pages.error(
                    &current,
                    Some(&who),
                    StatusCode::BAD_REQUEST,
                    &text,
                ));
            }
        },
    };
    show(
        &console,
        &who,
        "leaders.html",
        move |current, ledger, now| {
            let rows = ranking::rows(current.config(), ledger, now, year)?;
            let totals = ranking::totals(&rows);
            let ranked: Vec<Ranked> = rows
                .into_iter()
                .enumerate()
                .map(|(n, r)| Ranked {
                    n: n + 1,
                    url: agency_url(&r.agency),
                    name: r.name,
                    owed: r.owed,
                    on_time: r.on_time,
                    late: r.late,
                    overdue: r.overdue,
                    exempt: r.exempt,
                    rate: ranking::percent(r.on_time_rate),
                    days: ranking::mean_days(r.mean_days_late),
                })
                .collect();
            Ok(Some(context! {
                year,
                previous => year - 1,
                next => (year < now.year()).then_some(year + 1),
                at => dates::vn_time(now),
                rows => ranked,
                totals,
                rate => ranking::percent(totals.on_time_rate),
            }))
        },
    )
    .await
}

/// One agency on the late list.
#[derive(Debug, Serialize)]
struct LateRow {
    name: String,
    url: String,
    due: String,
    extended: bool,
    /// Days overdue; none for a pair not yet due (extended, or due today).
    days: Option<i32>,
    contact: Contact,
}

/// One report on the late list, with the agencies that owe it.
#[derive(Debug, Serialize)]
struct LateReport {
    title: String,
    period: Option<String>,
    cite: String,
    due: String,
    url: String,
    obliged: usize,
    rows: Vec<LateRow>,
}

/// The document's header: the office as it is on the day printed.
#[derive(Debug, Serialize)]
struct Heading {
    parent: Option<String>,
    office: String,
    /// *Khánh Hòa, ngày 10 tháng 12 năm 2025*; without `[office] place`,
    /// *Ngày 10 tháng 12 năm 2025*.
    date_line: String,
    /// *09 giờ 00 ngày 10/12/2025*.
    at: String,
}

/// `GET /leaders/late`: the printable list.
pub async fn late(
    State(console): State<Arc<Console>>,
    Reader(who): Reader,
) -> Result<Response, Failure> {
    show(
        &console,
        &who,
        "leaders_late.html",
        |current, ledger, now| {
            let config = current.config();
            let reports = late_reports(config, ledger, now, &current.agency_rank)?;
            let owing: usize = reports.iter().map(|r| r.rows.len()).sum();
            Ok(Some(context! {
                heading => heading(config, now),
                reports,
                owing,
            }))
        },
    )
    .await
}

fn heading(config: &Config, now: &Zoned) -> Heading {
    let office = config.settings.office.on(now.date());
    let date = dates::vn_document(now.date());
    Heading {
        parent: office.parent,
        office: office.name,
        date_line: match office.place {
            Some(place) => format!("{place}, {date}"),
            None => format!("N{}", date.trim_start_matches('n')),
        },
        at: format!(
            "{} giờ {} ngày {}",
            now.strftime("%H"),
            now.strftime("%M"),
            dates::vn(now.date())
        ),
    }
}

/// Every instance due by today that someone still owes (what the overview
/// shows with agencies owing), the latest due first, each with the agencies
/// that have not sent it: the overdue first, the longest overdue at the
/// top, then those not yet due (extended), in alphabetical order.
fn late_reports(
    config: &Config,
    ledger: &Ledger,
    now: &Zoned,
    rank: &[usize],
) -> Result<Vec<LateReport>, EngineError> {
    let lazy = engine::lazy_states_at(config, ledger, now)?;
    let today = now.date();
    let mut out = Vec::new();
    let mut buffer: Vec<PairState> = Vec::new();
    for (n, inst) in lazy.instances.iter().enumerate() {
        // What the office does not chase (`remind = false`: its own task,
        // its parent's) is not on a list it sends out to chase.
        if inst.due > today || !inst.obligation(config).remind {
            continue;
        }
        lazy.instance(n, &mut buffer);
        let mut owing: Vec<&PairState> = buffer
            .iter()
            .filter(|s| matches!(s.state, PairStateKind::Overdue | PairStateKind::Pending))
            .filter(|s| config.agencies[s.agency].remind)
            .collect();
        if owing.is_empty() {
            continue;
        }
        owing.sort_by_key(|s| (filter::urgency(s.state, s.days_late), rank[s.agency]));
        let plan = inst.plan(config);
        out.push(LateReport {
            title: inst.obligation(config).title.clone(),
            period: crate::calendar::period_label(config, inst),
            cite: crate::calendar::letter::cite(plan, crate::lang::Lang::Vi),
            due: dates::vn(inst.due),
            url: instance_url(config, inst),
            obliged: buffer
                .iter()
                .filter(|s| s.state != PairStateKind::Exempt)
                .count(),
            rows: owing.iter().map(|s| late_row(config, s)).collect(),
        });
    }
    out.reverse();
    Ok(out)
}

fn late_row(config: &Config, s: &PairState) -> LateRow {
    let agency = &config.agencies[s.agency];
    LateRow {
        name: agency.name.clone(),
        url: agency_url(&agency.id),
        due: dates::vn(s.due),
        extended: s.extended_from.is_some(),
        days: (s.state == PairStateKind::Overdue).then(|| s.days_late.unwrap_or(0)),
        contact: contact(agency),
    }
}
