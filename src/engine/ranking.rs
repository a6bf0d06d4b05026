//! The year's on-time ranking (*đánh giá, xếp loại thi đua*): per agency,
//! how it kept the deadlines of the instances due in a year. One
//! computation for `dondoc report --year Y` and the console's `/leaders`,
//! so that the leaders read on screen the figures the report prints.

use jiff::Zoned;
use serde::Serialize;

use super::summary::EngineError;
use crate::config::Config;
use crate::ledger::Ledger;
use crate::policy::Tally;

/// One agency's year, keys exactly as SPEC.md gives them.
#[derive(Debug, Serialize, PartialEq)]
pub struct Row {
    pub agency: String,
    #[serde(skip)]
    pub name: String,
    /// Pairs due in the year, whatever their state.
    pub owed: usize,
    pub on_time: usize,
    pub late: usize,
    pub overdue: usize,
    pub exempt: usize,
    /// on_time / (on_time + late + overdue); null while none has fallen due.
    pub on_time_rate: Option<f64>,
    /// Over late and overdue pairs: calendar days past the due date (for an
    /// overdue pair, up to the moment taken); null when there are none.
    pub mean_days_late: Option<f64>,
}

/// Every agency owing something due in `year`, best on-time rate first
/// (then by name, in Vietnamese order), the states taken at `at`.
pub fn rows(
    config: &Config,
    ledger: &Ledger,
    at: &Zoned,
    year: i16,
) -> Result<Vec<Row>, EngineError> {
    // One set of counters per agency, the pairs evaluated an instance at a
    // time through one buffer (a national config has millions of pairs).
    let lazy = super::states::lazy_states_at(config, ledger, at)?;
    let mut by_agency: Vec<Option<(Tally, i64)>> = vec![None; config.agencies.len()];
    let mut buffer = Vec::new();
    for n in 0..lazy.instances.len() {
        if lazy.instances[n].due.year() != year {
            continue;
        }
        lazy.instance(n, &mut buffer);
        for s in &buffer {
            let (tally, days) = by_agency[s.agency].get_or_insert_default();
            tally.add(s.state);
            *days += i64::from(s.days_late.unwrap_or(0));
        }
    }
    let mut rows: Vec<Row> = by_agency
        .into_iter()
        .enumerate()
        .filter_map(|(a, counted)| counted.map(|c| (a, c)))
        .map(|(a, (t, days))| {
            let agency = &config.agencies[a];
            let fallen_due = t.on_time + t.late + t.overdue;
            let late = t.late + t.overdue;
            Row {
                agency: agency.id.clone(),
                name: agency.name.clone(),
                owed: t.total,
                on_time: t.on_time,
                late: t.late,
                overdue: t.overdue,
                exempt: t.exempt,
                on_time_rate: (fallen_due > 0).then(|| t.on_time as f64 / fallen_due as f64),
                mean_days_late: (late > 0).then(|| days as f64 / late as f64),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        let rate = |r: &Row| r.on_time_rate.unwrap_or(-1.0);
        rate(b)
            .total_cmp(&rate(a))
            .then_with(|| crate::collate::cmp(&a.name, &b.name))
    });
    Ok(rows)
}

/// The year's figures over every agency: what the report's last line says.
#[derive(Debug, Default, Clone, Copy, PartialEq, Serialize)]
pub struct Totals {
    pub agencies: usize,
    pub owed: usize,
    pub on_time: usize,
    /// Pairs that have fallen due: on time, late or overdue.
    pub fallen_due: usize,
    /// on_time / fallen_due; none while nothing has fallen due.
    pub on_time_rate: Option<f64>,
}

/// The sums of `rows`.
pub fn totals(rows: &[Row]) -> Totals {
    let owed = rows.iter().map(|r| r.owed).sum();
    let on_time = rows.iter().map(|r| r.on_time).sum();
    let fallen_due = rows.iter().map(|r| r.on_time + r.late + r.overdue).sum();
    Totals {
        agencies: rows.len(),
        owed,
        on_time,
        fallen_due,
        on_time_rate: (fallen_due > 0).then(|| on_time as f64 / fallen_due as f64),
    }
}

/// A rate as the report and the console print it: *83%*, *—* for none.
pub fn percent(rate: Option<f64>) -> String {
    rate.map_or("—".into(), |r| format!("{:.0}%", r * 100.0))
}

/// Mean days as the report and the console print them: *5,5*, *—* for none.
pub fn mean_days(mean: Option<f64>) -> String {
    mean.map_or("—".into(), |d| format!("{d:.1}").replace('.', ","))
}
