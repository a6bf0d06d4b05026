//! `holidays.toml`: the days off and make-up working days the government
//! announced for a year. A listed year replaces the built-in rules entirely.

use std::collections::BTreeMap;

use jiff::civil::Date;
use toml::Spanned;

use super::error::SourceFile;
use super::raw;
use super::values::parse;
use crate::dates;
use crate::workdays::FileYear;

/// Validates `holidays.toml` into its years.
pub fn validate(src: &mut SourceFile) -> BTreeMap<i16, FileYear> {
    let mut out = BTreeMap::new();
    let Some(raw) = parse::<raw::Holidays>(src) else {
        return out;
    };
    for (i, entry) in raw.year.iter().enumerate() {
        let y = entry.get_ref();
        let years = dates::FIRST.year()..=dates::LAST.year();
        let Some(year) = i16::try_from(*y.year.get_ref())
            .ok()
            .filter(|y| years.contains(y))
        else {
            src.error(
                y.year.span(),
                format!("year[{i}].year"),
                format!("must be a year from {} to {}", years.start(), years.end()),
            );
            continue;
        };
        if out.contains_key(&year) {
            src.error(
                y.year.span(),
                format!("year[{i}].year"),
                format!("{year} is listed twice; merge the two [[year]] tables into one"),
            );
            continue;
        }
        let mut file_year = FileYear::default();
        for (j, item) in y.off.iter().enumerate() {
            let key = format!("year[{i}].off[{j}]");
            file_year.off.extend(days(src, item, year, &key, true));
        }
        for (j, item) in y.working.iter().enumerate() {
            let key = format!("year[{i}].working[{j}]");
            file_year.working.extend(days(src, item, year, &key, false));
        }
        if let Some(both) = file_year.off.intersection(&file_year.working).next() {
            src.error(
                entry.span(),
                format!("year[{i}]"),
                format!(
                    "{} is both off and working; keep it in one list",
                    dates::vn(*both)
                ),
            );
        }
        out.insert(year, file_year);
    }
    out
}

/// `"dd/mm"` or (when `ranges`) `"dd/mm..dd/mm"` in `year`.
fn days(
    src: &mut SourceFile,
    item: &Spanned<String>,
    year: i16,
    key: &str,
    ranges: bool,
) -> Vec<Date> {
    let text = item.get_ref();
    let parse_one = |t: &str| {
        let (day, month) = dates::parse_day_month(t).map_err(|e| e.to_string())?;
        Date::new(year, month, day).map_err(|_| format!("\"{t}\" does not exist in {year}"))
    };
    let result = match text.split_once("..") {
        Some((a, b)) if ranges => parse_one(a).and_then(|a| parse_one(b).map(|b| (a, b))),
        Some(_) => Err(format!(
            "\"{text}\": ranges are for days off; list make-up working days one by one"
        )),
        None => parse_one(text).map(|d| (d, d)),
    };
    match result {
        Ok((first, last)) if first <= last => first
            .series(jiff::ToSpan::day(1))
            .take_while(|d| *d <= last)
            .collect(),
        Ok(_) => {
            src.error(
                item.span(),
                key,
                format!("\"{text}\": the range ends before it starts"),
            );
            Vec::new()
        }
        Err(e) => {
            let message = e.to_string();
            let hint = if ranges && !message.contains("write") {
                "; write \"dd/mm\" or a range \"25/01..02/02\""
            } else {
                ""
            };
            src.error(item.span(), key, format!("{message}{hint}"));
            Vec::new()
        }
    }
}
