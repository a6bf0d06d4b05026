//! `dondoc calendar`: every instance with its scheduled and due dates, as a
//! table, JSON, or an iCalendar file a calendar program imports.

use serde::Serialize;

use super::CliError;
use crate::calendar::{self, Instance};
use crate::config::Config;
use crate::dates;
use crate::lang::{Lang, say};

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
    /// The day the reminders aim at: `due` unless `shift = "backward"`.
    aim: String,
    agencies: Vec<&'a str>,
}

pub fn run(config: &Config, args: &Args, lang: Lang) -> Result<(), CliError> {
    let from = super::date_arg("--from", args.from.as_deref(), lang)?;
    let to = super::date_arg("--to", args.to.as_deref(), lang)?;
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        return Err(CliError::Usage(say!(
            lang,
            "--from {} sau --to {}: không có kỳ nào; đổi chỗ hai ngày",
            "--from {} is after --to {}: nothing can match; swap them",
            dates::vn(f),
            dates::vn(t)
        )));
    }
    let now = super::moment(config, args.at.as_deref(), lang)?;
    let through = calendar::horizon(now.date(), to);
    let list: Vec<Instance> = calendar::instances(config, through)
        .into_iter()
        .filter(|i| from.is_none_or(|f| f <= i.due) && to.is_none_or(|t| i.due <= t))
        .collect();
    match args.format {
        Format::Json => super::print_json_rows(list.iter().map(|i| row(config, i))),
        Format::Table => {
            print_table(config, &list, lang);
            Ok(())
        }
        Format::Ics => {
            print!(
                "{}",
                crate::output::ics::calendar(config, &crate::output::ics::planned(&list), &now)
            );
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
        aim: i.aim.to_string(),
        agencies: i
            .agencies
            .iter()
            .map(|&a| config.agencies[a].id.as_str())
            .collect(),
    }
}

fn print_table(config: &Config, list: &[Instance], lang: Lang) {
    let mut t = super::table(&[
        "Hạn nộp",
        "Ngày theo lịch",
        "Kế hoạch",
        "Nội dung",
        "Đơn vị",
    ]);
    for i in list {
        let mut due = format!("{}\n{}", dates::vn(i.due), dates::vn_weekday(i.due));
        if i.aim != i.due {
            due.push_str(&say!(
                lang,
                "\nnhắc theo {} ({})",
                "\nreminders aim at {} ({})",
                dates::vn(i.aim),
                dates::weekday(lang, i.aim)
            ));
        }
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
        match lang {
            Lang::Vi => format!("{} kỳ, {pairs} lượt phải nộp", list.len()),
            Lang::En => format!(
                "{} instance{}, {pairs} submission{} owed",
                list.len(),
                if list.len() == 1 { "" } else { "s" },
                if pairs == 1 { "" } else { "s" }
            ),
        }
    );
}
