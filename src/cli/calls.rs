//! `dondoc calls`: whom to phone today — every agency with a report
//! overdue, the longest overdue first, with its contact, its numbers and
//! the last note the office kept (the console's `/calls`).

use serde::Serialize;

use super::CliError;

/// What `calls` prints.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum CallsFormat {
    Table,
    Json,
}
use crate::calendar::{letter, period_name};
use crate::config::Config;
use crate::dates;
use crate::engine::calls::{Calls, calls};
use crate::lang::{Lang, say};
use crate::output::rows::LastNote;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The moment the list is for (default: now).
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// `table` (to read or print) or `json`.
    #[arg(long, value_enum, default_value = "table")]
    format: CallsFormat,
    /// Every overdue report of each agency (default: its 10 longest overdue,
    /// and how many more).
    #[arg(long)]
    all: bool,
}

/// How many overdue reports of an agency the list shows without `--all`.
const SHOWN: usize = 10;

#[derive(Serialize)]
struct Agency<'a> {
    agency: &'a str,
    name: &'a str,
    contact: Option<&'a str>,
    phone: Option<&'a str>,
    longest_days: i32,
    /// How many of its reports are overdue (`pairs` holds the longest
    /// overdue of them, or all with `--all`).
    overdue: usize,
    pairs: Vec<Pair<'a>>,
}

#[derive(Serialize)]
struct Pair<'a> {
    plan: &'a str,
    obligation: &'a str,
    period: String,
    due: String,
    days_late: i32,
    last_note: Option<LastNote<'a>>,
}

pub fn run(config: &Config, args: &Args, lang: Lang) -> Result<(), CliError> {
    let now = super::moment(config, args.at.as_deref(), lang)?;
    let ledger = super::open_ledger(config)?;
    let rank = crate::collate::ranks(config.agencies.iter().map(|a| a.name.as_str()));
    let shown = (!args.all).then_some(SHOWN);
    let list = calls(config, &ledger, &now, &rank, shown).map_err(anyhow::Error::from)?;
    match args.format {
        CallsFormat::Json => super::print_json(&json(config, &list)),
        CallsFormat::Table => {
            print!("{}", text(config, &list, &now, lang));
            Ok(())
        }
    }
}

fn json<'a>(config: &'a Config, list: &'a Calls) -> Vec<Agency<'a>> {
    let tz = &config.settings.timezone;
    list.calls
        .iter()
        .map(|c| {
            let a = &config.agencies[c.agency];
            Agency {
                agency: &a.id,
                name: &a.name,
                contact: a.contact.as_deref(),
                phone: a.phone.as_deref(),
                longest_days: c.longest,
                overdue: c.count,
                pairs: c
                    .owed
                    .iter()
                    .map(|o| Pair {
                        plan: &o.key.plan,
                        obligation: &o.key.obligation,
                        period: o.key.period.to_string(),
                        due: o.due.to_string(),
                        days_late: o.days,
                        last_note: o.last_note.as_ref().map(|n| LastNote::of(n, tz)),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The list as a clerk reads it, or prints it to phone down.
pub fn text(config: &Config, list: &Calls, now: &jiff::Zoned, lang: Lang) -> String {
    let tz = &config.settings.timezone;
    let mut out = say!(
        lang,
        "Danh sách gọi điện, tính đến {}: {} đơn vị có {} báo cáo quá hạn\n",
        "Call list at {}: {} agencies with {} reports overdue\n",
        dates::vn_time(now),
        list.calls.len(),
        list.pairs()
    );
    if list.calls.is_empty() {
        out.push_str(&say!(
            lang,
            "Không có báo cáo nào quá hạn.\n",
            "No report is overdue.\n"
        ));
    }
    for (n, c) in list.calls.iter().enumerate() {
        let a = &config.agencies[c.agency];
        let mut who = Vec::new();
        who.extend(a.contact.as_deref());
        who.extend(a.phone.as_deref());
        let who = if who.is_empty() {
            say!(
                lang,
                "chưa có người liên hệ, số điện thoại",
                "no contact or phone yet"
            )
        } else {
            who.join(" · ")
        };
        out.push_str(&say!(
            lang,
            "\n{}. {} — quá hạn {} — {who}\n",
            "\n{}. {} — {} overdue — {who}\n",
            n + 1,
            a.name,
            crate::lang::days(lang, c.longest)
        ));
        for o in &c.owed {
            let i = &list.instances[o.instance];
            out.push_str(&say!(
                lang,
                "   - {}, kỳ {} ({}): hạn {}, quá hạn {}\n",
                "   - {}, period {} ({}): due {}, {} overdue\n",
                i.obligation(config).title,
                period_name(config, i),
                letter::short(i.plan(config), lang),
                dates::vn(o.due),
                crate::lang::days(lang, o.days)
            ));
            if let Some(note) = &o.last_note {
                out.push_str(&say!(
                    lang,
                    "     Ghi chú gần nhất: «{}» ({}, {})\n",
                    "     Last note: “{}” ({}, {})\n",
                    note.text,
                    note.by,
                    dates::vn_time(&note.at.to_zoned(tz.clone()))
                ));
            }
        }
        if c.count > c.owed.len() {
            out.push_str(&say!(
                lang,
                "   và {} báo cáo quá hạn khác (--all để xem hết)\n",
                "   and {} more reports overdue (--all shows them)\n",
                c.count - c.owed.len()
            ));
        }
    }
    out
}
