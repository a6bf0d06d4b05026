//! `dondoc calendar`: every instance with its scheduled and due dates, as a
//! table, JSON, or an iCalendar file a calendar program imports.

use std::fmt::Write as _;

use serde::Serialize;

use super::CliError;
use crate::calendar::{self, Instance};
use crate::config::Config;
use crate::dates;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Only instances due on or after this date (dd/mm/yyyy or yyyy-mm-dd).
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// Only instances due on or before this date; open-ended cycles are
    /// generated through it (and at least two years ahead).
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
    /// The moment open-ended cycles are generated from (default: now).
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
    Ics,
}

/// One JSON row, keys as SPEC.md gives them.
#[derive(Serialize)]
struct Row<'a> {
    plan: &'a str,
    obligation: &'a str,
    period: String,
    scheduled: String,
    due: String,
    agencies: Vec<&'a str>,
}

pub fn run(config: &Config, args: &Args) -> Result<(), CliError> {
    let from = super::date_arg("--from", args.from.as_deref())?;
    let to = super::date_arg("--to", args.to.as_deref())?;
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(CliError::Usage(crate::lang::say!(
            "--from {} sau --to {}: không có kỳ nào; đổi chỗ hai ngày",
            "--from {} is after --to {}: nothing can match; swap them",
            dates::vn(f),
            dates::vn(t)
        )));
    }
    let now = super::moment(config, args.at.as_deref())?;
    let through = calendar::horizon(now.date(), to);
    let list: Vec<Instance> = calendar::instances(config, through)
        .into_iter()
        .filter(|i| from.is_none_or(|f| f <= i.due) && to.is_none_or(|t| i.due <= t))
        .collect();
    match args.format {
        Format::Json => super::print_json_rows(list.iter().map(|i| row(config, i))),
        Format::Table => {
            print_table(config, &list);
            Ok(())
        }
        Format::Ics => {
            print!("{}", ics(config, &list, &now));
            Ok(())
        }
    }
}

fn row<'a>(config: &'a Config, i: &Instance) -> Row<'a> {
    Row {
        plan: &i.plan(config).id,
        obligation: &i.obligation(config).id,
        period: i.period.to_string(),
        scheduled: i.period.to_string(),
        due: i.due.to_string(),
        agencies: i
            .agencies
            .iter()
            .map(|&a| config.agencies[a].id.as_str())
            .collect(),
    }
}

fn print_table(config: &Config, list: &[Instance]) {
    let mut t = super::table(&[
        "Hạn nộp",
        "Ngày theo lịch",
        "Kế hoạch",
        "Nội dung",
        "Đơn vị",
    ]);
    for i in list {
        let due = format!("{}\n{}", dates::vn(i.due), dates::vn_weekday(i.due));
        let scheduled = if i.period == i.due {
            dates::vn(i.period)
        } else {
            format!("{} (dời)", dates::vn(i.period))
        };
        let ob = i.obligation(config);
        t.add_row(vec![
            due,
            scheduled,
            i.plan(config).label().to_string(),
            format!("{}\n[{}]", ob.title, ob.id),
            format!("{} đơn vị", i.agencies.len()),
        ]);
    }
    println!("{t}");
    let pairs: usize = list.iter().map(|i| i.agencies.len()).sum();
    println!(
        "{}",
        match crate::lang::get() {
            crate::lang::Lang::Vi => format!("{} kỳ, {pairs} lượt phải nộp", list.len()),
            crate::lang::Lang::En => format!(
                "{} instance{}, {pairs} submission{} owed",
                list.len(),
                if list.len() == 1 { "" } else { "s" },
                if pairs == 1 { "" } else { "s" }
            ),
        }
    );
}

/// An iCalendar (RFC 5545) file: one all-day event per instance, on its due date.
fn ics(config: &Config, list: &[Instance], now: &jiff::Zoned) -> String {
    let stamp = now.timestamp().strftime("%Y%m%dT%H%M%SZ").to_string();
    let mut out = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//dondoc//dondoc calendar//VI\r\nCALSCALE:GREGORIAN\r\n",
    );
    for i in list {
        let plan = i.plan(config);
        let ob = i.obligation(config);
        let names: Vec<&str> = i
            .agencies
            .iter()
            .map(|&a| config.agencies[a].name.as_str())
            .collect();
        let description = format!(
            "Kế hoạch {} — {}\n{}{}\nHạn nộp: {} (theo lịch {})\nĐơn vị phải nộp ({}): {}",
            plan.label(),
            plan.title,
            ob.title,
            ob.basis
                .as_deref()
                .map(|b| format!(" ({b})"))
                .unwrap_or_default(),
            dates::vn(i.due),
            dates::vn(i.period),
            names.len(),
            names.join(", "),
        );
        let next_day = i.due.tomorrow().expect("date in range");
        let lines = [
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}.{}.{}@dondoc", plan.id, ob.id, i.period),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{}", i.due.strftime("%Y%m%d")),
            format!("DTEND;VALUE=DATE:{}", next_day.strftime("%Y%m%d")),
            format!(
                "SUMMARY:{}",
                escape(&format!("Hạn nộp: {} ({})", ob.title, plan.label()))
            ),
            format!("DESCRIPTION:{}", escape(&description)),
            "TRANSP:TRANSPARENT".to_string(),
            "END:VEVENT".to_string(),
        ];
        for line in lines {
            fold(&mut out, &line);
        }
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// Writes a content line folded at 75 octets, never inside a UTF-8 character.
fn fold(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    let _ = write!(out, "\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_long_lines_on_character_boundaries() {
        let line = format!("SUMMARY:{}", "Báo cáo định kỳ ".repeat(10));
        let mut out = String::new();
        fold(&mut out, &line);
        let physical: Vec<&str> = out.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert!(physical.len() > 2);
        for l in &physical {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        assert_eq!(out.replace("\r\n ", ""), format!("{line}\r\n"));
    }

    #[test]
    fn escapes_text_values() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
