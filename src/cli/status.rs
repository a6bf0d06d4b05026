//! `dondoc status`: the state of every pair at a moment — the office's
//! morning question, "who still owes us what?".

use std::io::Write as _;

use super::CliError;
use crate::calendar::Instance;
use crate::config::Config;
use crate::dates;
use crate::lang::{Lang, say};
use crate::policy::{PairState, State};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The moment to evaluate (default: now).
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Only this plan.
    #[arg(long, value_name = "P")]
    plan: Option<String>,
    /// Only this agency.
    #[arg(long, value_name = "A")]
    agency: Option<String>,
    /// Only pairs in this state.
    #[arg(long, value_enum, value_name = "S")]
    state: Option<State>,
    /// The table lists everything, not only what is open and what closed in
    /// the last 30 days (JSON, CSV and XLSX always list everything).
    #[arg(long, conflicts_with = "since")]
    all: bool,
    /// Only instances due on or after this date (dd/mm/yyyy), in every format.
    #[arg(long, value_name = "DATE")]
    since: Option<String>,
    #[command(flatten)]
    out: super::Output,
}

pub fn run(config: &Config, args: &Args, lang: Lang) -> Result<(), CliError> {
    let now = super::moment(config, args.at.as_deref(), lang)?;
    args.out.check()?;
    let asked = crate::engine::filter::Asked {
        plan: args.plan.as_deref(),
        agency: args.agency.as_deref(),
        since: args.since.as_deref(),
        ..Default::default()
    };
    let filter = crate::engine::Filter::new(config, &asked, lang)
        .map_err(|unknown| {
            let lines: Vec<String> = unknown
                .iter()
                .map(|u| format!("--{}: {}", u.key, u.message))
                .collect();
            CliError::Usage(lines.join("\n"))
        })?
        .in_state(args.state);
    let ledger = super::open_ledger(config)?;
    let recorded = crate::output::Recorded::load(config, &ledger).map_err(anyhow::Error::from)?;
    if matches!(args.out.format, super::Format::Json | super::Format::Csv) {
        // One instance at a time into one buffer: constant memory in pairs.
        let lazy =
            crate::engine::lazy_states_at(config, &ledger, &now).map_err(anyhow::Error::from)?;
        let rows = crate::output::rows::kept_rows(config, &lazy, &filter, &recorded);
        return match args.out.format {
            super::Format::Json => super::print_json_rows(rows),
            _ => crate::output::write_csv(std::io::stdout().lock(), rows)
                .map_err(|e| CliError::Runtime(e.into())),
        };
    }
    if let super::Format::Xlsx = args.out.format {
        // Row by row into constant-memory sheets, as JSON and CSV stream.
        let lazy =
            crate::engine::lazy_states_at(config, &ledger, &now).map_err(anyhow::Error::from)?;
        let rows = crate::output::xlsx::Rows {
            config,
            lazy: &lazy,
            filter: &filter,
        };
        let path = args.out.output.as_deref().expect("checked above");
        let n = crate::output::xlsx::write(path, config, &rows, &recorded, &now)
            .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
        println!(
            "{}",
            say!(
                lang,
                "đã ghi {} ({} lượt)",
                "wrote {} ({} pairs)",
                path.display(),
                n
            )
        );
        return Ok(());
    }
    // The table, an instance at a time: one instance's pairs in memory.
    let lazy = crate::engine::lazy_states_at(config, &ledger, &now).map_err(anyhow::Error::from)?;
    let filtered = args.plan.is_some()
        || args.agency.is_some()
        || args.state.is_some()
        || args.since.is_some();
    let focused = !(args.all || filtered);
    let hidden = print_table(
        config,
        &lazy,
        &|instances, s| filter.keeps(config, instances, s),
        focused,
        &recorded,
        &now,
        lang,
    )
    .map_err(|e| anyhow::anyhow!("writing the table: {e}"))?;
    if hidden > 0 {
        let cutoff = dates::vn(now.date().saturating_sub(jiff::ToSpan::days(30)));
        println!(
            "{}",
            say!(
                lang,
                "({hidden} lượt đã xong từ trước {cutoff} không hiện; thêm --all để xem \
                 tất cả, hoặc --since NGÀY)",
                "({hidden} pairs closed before {cutoff} not shown; --all shows them, \
                 --since DATE a range)"
            )
        );
    }
    super::send::print_failures(config, &ledger, lang)
}

/// What the table shows by default: every open pair (pending, overdue) and
/// those closed in the last 30 days — submitted then, or waived for an
/// instance due then.
fn in_focus(instances: &[Instance], s: &PairState, now: &jiff::Zoned) -> bool {
    use jiff::ToSpan;
    let cutoff = now.checked_sub(30.days()).unwrap_or_else(|_| now.clone());
    match s.state {
        State::Pending | State::Overdue => true,
        State::OnTime | State::Late => s.submitted_at.is_some_and(|t| t >= cutoff.timestamp()),
        State::Exempt => instances[s.instance].due >= cutoff.date(),
    }
}

/// Grouped by plan, then instance; Vietnamese state names and dates. The
/// pairs are evaluated an instance at a time (a national `--all` lists
/// millions); returns how many `focused` left out.
fn print_table(
    config: &Config,
    lazy: &crate::engine::Lazy,
    keep: &dyn Fn(&[Instance], &PairState) -> bool,
    focused: bool,
    recorded: &crate::output::Recorded,
    now: &jiff::Zoned,
    lang: Lang,
) -> std::io::Result<usize> {
    let instances = &lazy.instances;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let tz = &config.settings.timezone;
    let mut counts = crate::policy::Tally::default();
    let mut hidden = 0;
    let mut buffer = Vec::new();
    // Each agency's place in Vietnamese order, worked out once: collating
    // the names anew for every instance cost more than the rest of the table.
    let rank = crate::collate::ranks(config.agencies.iter().map(|a| a.name.as_str()));
    for (p, plan) in config.plans.iter().enumerate() {
        let mut headed = false;
        for n in (0..instances.len()).filter(|&n| instances[n].plan == p) {
            lazy.instance(n, &mut buffer);
            let mut pairs: Vec<&PairState> = Vec::new();
            for s in buffer.iter().filter(|s| keep(instances, s)) {
                if focused && !in_focus(instances, s, now) {
                    hidden += 1;
                } else {
                    counts.add(s.state);
                    pairs.push(s);
                }
            }
            if pairs.is_empty() {
                continue;
            }
            if !headed {
                headed = true;
                writeln!(
                    out,
                    "\n{}",
                    say!(
                        lang,
                        "Kế hoạch {} — {}",
                        "Plan {} — {}",
                        plan.label(),
                        plan.title
                    )
                )?;
            }
            pairs.sort_by_key(|s| rank[s.agency]);
            let i = &instances[n];
            let ob = i.obligation(config);
            let period = crate::calendar::period_name(config, i);
            let due = dates::vn(i.due);
            let line = match lang {
                Lang::Vi => format!(
                    "{} [{}] · kỳ {period} · hạn {due} ({})",
                    ob.title,
                    ob.id,
                    dates::vn_weekday(i.due)
                ),
                Lang::En => format!(
                    "{} [{}] · period {period} · due {due} ({})",
                    ob.title,
                    ob.id,
                    dates::en_weekday(i.due)
                ),
            };
            writeln!(out, "\n  {line}")?;
            let header = match lang {
                Lang::Vi => [
                    "Đơn vị",
                    "Trạng thái",
                    "Ngày nộp",
                    "Số, ký hiệu / ghi chú",
                    "Số ngày chậm",
                ],
                Lang::En => [
                    "Agency",
                    "State",
                    "Submitted",
                    "Number / note",
                    "Days past due",
                ],
            };
            let rows: Vec<[String; 5]> = pairs
                .into_iter()
                .map(|s| {
                    let submitted = s.submitted_at.map_or(String::new(), |t| {
                        let z = t.to_zoned(tz.clone());
                        dates::vn_time(&z)
                    });
                    let agency = &config.agencies[s.agency];
                    let successors = crate::engine::overview::successor_names(config, agency);
                    let name = if s.state == State::Overdue && !successors.is_empty() {
                        say!(
                            lang,
                            "{} (nay là {})",
                            "{} (now: {})",
                            agency.name,
                            successors.join(", ")
                        )
                    } else {
                        agency.name.clone()
                    };
                    let state = match s.extended_from {
                        Some(_) => say!(
                            lang,
                            "{} (gia hạn đến {})",
                            "{} (extended to {})",
                            state_name(s.state, lang),
                            dates::vn(s.due)
                        ),
                        None => state_name(s.state, lang),
                    };
                    let shown = recorded.of(instances, s);
                    let written = [shown.reference, shown.note.map(|n| n.trim())]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join("\n");
                    let written = super::grid::printable(&written).into_owned();
                    [
                        name,
                        state,
                        submitted,
                        written,
                        s.days_late.map(|d| d.to_string()).unwrap_or_default(),
                    ]
                })
                .collect();
            super::grid::draw(&mut out, &header, &rows)?;
        }
    }
    let total = counts.total;
    let counts: Vec<String> = State::ALL
        .iter()
        .map(|st| format!("{} {}", counts.of(*st), state_name(*st, lang)))
        .collect();
    writeln!(
        out,
        "\n{}",
        say!(
            lang,
            "Tình hình lúc {} {}: {} lượt phải nộp — {}",
            "As of {} {}: {} submissions owed — {}",
            dates::vn(now.date()),
            now.strftime("%H:%M"),
            total,
            counts.join(" · ")
        )
    )?;
    out.flush()?;
    Ok(hidden)
}

/// A state as the table names it.
fn state_name(state: State, lang: Lang) -> String {
    state.words(lang).to_string()
}
