//! A pair as `status --format json|csv` and the console's API give it.

use jiff::Timestamp;
use serde::Serialize;

use crate::calendar::Instance;
use crate::config::Config;
use crate::policy::{Inputs, PairState, State};

/// One JSON/CSV row, keys exactly as SPEC.md gives them.
#[derive(Serialize)]
pub struct Row<'a> {
    pub plan: &'a str,
    pub obligation: &'a str,
    pub period: String,
    pub due: String,
    pub agency: &'a str,
    pub state: State,
    pub submitted_on: Option<String>,
    pub days_late: Option<i32>,
    /// The instance's own due date when the office extended this pair.
    pub extended_from: Option<String>,
    /// An upward report's progress (`after`): null for other obligations.
    pub inputs: Option<Inputs>,
    /// The submission's document number (*số, ký hiệu*).
    #[serde(rename = "ref")]
    pub reference: Option<&'a str>,
    /// The submission's or the waiver's note.
    pub note: Option<&'a str>,
    /// Who recorded the submission or the waiver (`cli:USER`, …).
    pub recorded_by: Option<&'a str>,
    /// The clerk's last note on the pair, or null.
    pub last_note: Option<LastNote<'a>>,
}

/// A note as status JSON gives it: `{text, by, at}`.
#[derive(Serialize)]
pub struct LastNote<'a> {
    pub text: &'a str,
    pub by: &'a str,
    pub at: String,
}

impl LastNote<'_> {
    /// `note`, its moment in RFC 3339 in zone `tz`.
    pub fn of<'n>(note: &'n crate::ledger::Note, tz: &jiff::tz::TimeZone) -> LastNote<'n> {
        LastNote {
            text: &note.text,
            by: &note.by,
            at: rfc3339(note.at, tz),
        }
    }
}

/// One pair as JSON and CSV give it.
pub fn row<'a>(
    config: &'a Config,
    instances: &[Instance],
    inputs: &[Option<Inputs>],
    recorded: &'a super::recorded::Recorded,
    s: &PairState,
) -> Row<'a> {
    let i = &instances[s.instance];
    let shown = recorded.of(instances, s);
    Row {
        plan: &config.plans[i.plan].id,
        obligation: &config.plans[i.plan].obligations[i.obligation].id,
        period: i.period.to_string(),
        due: s.due.to_string(),
        agency: &config.agencies[s.agency].id,
        state: s.state,
        submitted_on: s
            .submitted_at
            .map(|t| rfc3339(t, &config.settings.timezone)),
        days_late: s.days_late,
        extended_from: s.extended_from.map(|d| d.to_string()),
        inputs: inputs[s.instance],
        reference: shown.reference,
        note: shown.note,
        recorded_by: shown.recorded_by,
        last_note: shown
            .last_note
            .map(|n| LastNote::of(n, &config.settings.timezone)),
    }
}

/// RFC 3339 with the local offset, e.g. `2025-06-16T08:30:00+07:00`.
pub fn rfc3339(t: Timestamp, tz: &jiff::tz::TimeZone) -> String {
    t.to_zoned(tz.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// The rows `filter` keeps, an instance at a time from `lazy`: one
/// instance's pairs in memory, never every pair of the province (`status`
/// JSON and CSV, the console's CSV download).
pub fn kept_rows<'a>(
    config: &'a Config,
    lazy: &'a crate::engine::Lazy,
    filter: &'a crate::engine::Filter,
    recorded: &'a super::recorded::Recorded,
) -> impl Iterator<Item = Row<'a>> + 'a {
    let instances = &lazy.instances;
    (0..instances.len())
        .filter(move |&n| filter.keeps_instance(config, &instances[n]))
        .flat_map(move |n| {
            let mut pairs = Vec::new();
            lazy.instance(n, &mut pairs);
            pairs
        })
        .filter(move |s| filter.keeps(config, instances, s))
        .map(move |s| row(config, instances, &lazy.inputs, recorded, &s))
}

/// Writes rows as `status --format csv` does. Text cells that start like a
/// formula are quoted ([`super::cells::csv`]); `days_late`, the one number,
/// is never negative.
pub fn write_csv<'a>(
    out: impl std::io::Write,
    rows: impl Iterator<Item = Row<'a>>,
) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(out);
    let io = |e: csv::Error| e;
    w.write_record([
        "plan",
        "obligation",
        "period",
        "due",
        "agency",
        "state",
        "submitted_on",
        "days_late",
        "ref",
        "note",
    ])
    .map_err(io)?;
    let text = super::cells::csv;
    for r in rows {
        let days_late = r.days_late.map(|d| d.to_string()).unwrap_or_default();
        let cells = [
            text(r.plan),
            text(r.obligation),
            text(&r.period),
            text(&r.due),
            text(r.agency),
            text(r.state.as_str()),
            text(r.submitted_on.as_deref().unwrap_or("")),
            days_late.as_str().into(),
            text(r.reference.unwrap_or("")),
            text(r.note.unwrap_or("")),
        ];
        w.write_record(cells.iter().map(|c| c.as_bytes()))
            .map_err(io)?;
    }
    w.flush().map_err(csv::Error::from)
}
