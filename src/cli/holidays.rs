//! `dondoc holidays`: the days off dondoc will use, so an admin can compare
//! them with the government's announcement before they matter.

use serde::Serialize;

use super::CliError;
use crate::config::Config;
use crate::dates;
use crate::lang::Lang;
use crate::workdays::Source;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The year to show (default: this year).
    #[arg(long)]
    year: Option<i16>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
}

#[derive(Serialize)]
struct Row {
    date: String,
    name: String,
    source: Source,
}

pub fn run(config: &Config, args: &Args, lang: Lang) -> Result<(), CliError> {
    let year = match args.year {
        Some(y) if (1900..=2100).contains(&y) => y,
        Some(y) => {
            return Err(CliError::Usage(format!(
                "--year {y}: dondoc knows the years 1900 to 2100"
            )));
        }
        None => super::moment(config, None, lang)?.date().year(),
    };
    let cal = &config.workdays;
    let days = cal.days_off(year);
    match args.format {
        Format::Json => {
            let rows: Vec<Row> = days
                .into_iter()
                .map(|d| Row {
                    date: d.date.to_string(),
                    name: d.name,
                    source: d.source,
                })
                .collect();
            super::print_json(&rows)
        }
        Format::Table => {
            let mut t = super::table(&["Ngày", "Thứ", "Tên", "Nguồn"]);
            for d in &days {
                let source = match d.source {
                    Source::Builtin => "built-in",
                    Source::File => "holidays.toml",
                };
                t.add_row(vec![
                    dates::vn(d.date),
                    dates::vn_weekday(d.date).into(),
                    d.name.clone(),
                    source.into(),
                ]);
            }
            println!("{t}");
            let n = days.len();
            let line = match (cal.year_from_file(year), lang) {
                (true, Lang::Vi) => {
                    format!("{n} ngày nghỉ năm {year}, theo holidays.toml (đúng như tệp ghi)")
                }
                (true, Lang::En) => {
                    format!("{n} days off in {year}, from holidays.toml (exactly as listed there)")
                }
                (false, Lang::Vi) => format!(
                    "{n} ngày nghỉ năm {year}, theo quy tắc có sẵn (Bộ luật Lao động 2019, Điều 112): \
                     DỰ KIẾN — Chính phủ công bố lịch nghỉ và ngày làm bù từng năm; thêm năm này \
                     vào holidays.toml khi đã công bố"
                ),
                (false, Lang::En) => format!(
                    "{n} days off in {year}, built-in rules (Labour Code 2019, art. 112): \
                     PROVISIONAL (dự kiến) — the government announces the actual days off and \
                     make-up working days each year; add the year to holidays.toml once it does"
                ),
            };
            println!("{line}");
            Ok(())
        }
    }
}
