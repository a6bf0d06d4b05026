//! An obligation's schedule: exactly one of `due`, `before`, `within`,
//! `yearly` or `every`, with only the keys that form allows, as scheduled
//! dates.

use jiff::ToSpan;
use jiff::civil::Date;
use toml::{Spanned, Value};

use super::error::{SourceFile, quote};
use super::values::date_value;
use super::{Cycle, Letter, Schedule, raw};
use crate::dates;
use crate::workdays::WorkCalendar;

/// Exactly one schedule form, with only the keys that form allows.
pub fn schedule(
    src: &mut SourceFile,
    entry: &Spanned<raw::Obligation>,
    index: usize,
    issued: Option<Date>,
    cal: &WorkCalendar,
) -> Option<(Schedule, Letter)> {
    let o = entry.get_ref();
    let key = |field: &str| format!("obligation[{}].{field}", index);
    let present: Vec<(&str, std::ops::Range<usize>)> = [
        ("due", o.due.as_ref().map(|v| v.span())),
        ("before", o.before.as_ref().map(|v| v.span())),
        ("yearly", o.yearly.as_ref().map(|v| v.span())),
        ("every", o.every.as_ref().map(|v| v.span())),
        ("within", o.within.as_ref().map(|v| v.span())),
    ]
    .into_iter()
    .filter_map(|(name, span)| Some((name, span?)))
    .collect();
    let forms: Vec<&str> = present.iter().map(|(name, _)| *name).collect();
    let form_help = "use exactly one of: due = DATE (chậm nhất ngày), before = DATE (trước ngày), \
                     within = \"N working days\" (of the plan's issue), yearly = [\"dd/mm\", …], \
                     or every = \"N months\" (or years, weeks) with first_due";
    match forms.as_slice() {
        [] => {
            src.error(
                entry.span(),
                key("due"),
                format!(
                    "obligation \"{}\" has no schedule; {form_help}",
                    o.id.get_ref()
                ),
            );
            return None;
        }
        [_, second, ..] => {
            src.error(
                present[1].1.clone(),
                key(second),
                format!(
                    "obligation \"{}\" has {} schedules ({}); {form_help}",
                    o.id.get_ref(),
                    forms.len(),
                    forms.join(", ")
                ),
            );
            return None;
        }
        [_] => {}
    }
    let allowed: &[&str] = match forms[0] {
        "yearly" => &["from", "until"],
        "every" => &["first_due", "until"],
        "within" => &["from"],
        _ => &[],
    };
    for (name, value) in [
        ("from", &o.from),
        ("until", &o.until),
        ("first_due", &o.first_due),
    ] {
        if let Some(v) = value {
            if !allowed.contains(&name) {
                src.error(
                    v.span(),
                    key(name),
                    format!(
                        "{name} does not go with {}; {}",
                        forms[0],
                        allowed_help(forms[0])
                    ),
                );
            }
        }
    }
    match forms[0] {
        "due" => once(src, o.due.as_ref()?, &key("due"), false),
        "before" => once(src, o.before.as_ref()?, &key("before"), true),
        "yearly" => yearly(src, entry, index, issued).map(|s| (s, Letter::Cycle)),
        "within" => within(src, entry, index, issued, cal),
        _ => every(src, entry, index).map(|s| (s, Letter::Cycle)),
    }
}

fn allowed_help(form: &str) -> &'static str {
    match form {
        "yearly" => "yearly takes from and until",
        "every" => "every takes first_due (required) and until",
        "within" => "within takes from (default: the plan's issued date)",
        _ => "due and before take a single date and nothing else",
    }
}

/// `due = D` / `before = D`, with the month forms `"06/2024"`.
fn once(
    src: &mut SourceFile,
    value: &Spanned<Value>,
    key: &str,
    exclusive: bool,
) -> Option<(Schedule, Letter)> {
    // "03/07/2023 17:00": the written day with a time of day.
    if let Value::String(text) = value.get_ref() {
        if let Some((day, clock)) = text.trim().split_once(char::is_whitespace) {
            let date = dates::parse_date(day);
            let time = dates::parse_time(clock.trim());
            return match (date, time) {
                (Ok(date), Some(time)) => Some((
                    Schedule::OnceAt {
                        date,
                        time,
                        inclusive: !exclusive,
                    },
                    match exclusive {
                        true => Letter::BeforeAt(date, time),
                        false => Letter::ByAt(date, time),
                    },
                )),
                (Err(e), _) => {
                    src.error(value.span(), key, e.message(crate::lang::Lang::En));
                    None
                }
                (Ok(_), None) => {
                    src.error(
                        value.span(),
                        key,
                        format!(
                            "{} has no time of day this form takes; write \"dd/mm/yyyy HH:MM\" \
                             (e.g. \"03/07/2023 17:00\") or a date alone",
                            quote(text)
                        ),
                    );
                    None
                }
            };
        }
    }
    let month = match value.get_ref() {
        Value::String(s) => match dates::parse_month(s) {
            Some(Err(e)) => {
                src.error(value.span(), key, e.message(crate::lang::Lang::En));
                return None;
            }
            month => month.and_then(Result::ok),
        },
        _ => None,
    };
    let (scheduled, letter) = match (month, exclusive) {
        // before = "05/2024": before the first day of May.
        (Some((y, m)), true) => (
            Date::new(y, m, 1).ok()?.yesterday().ok()?,
            Letter::BeforeMonth(y, m),
        ),
        // due = "06/2024": by the last day of June.
        (Some((y, m)), false) => (dates::last_day_of_month(y, m), Letter::ByMonth(y, m)),
        (None, true) => {
            let written = date_value(src, value, key)?;
            (written.yesterday().ok()?, Letter::Before(written))
        }
        (None, false) => {
            let written = date_value(src, value, key)?;
            (written, Letter::By(written))
        }
    };
    Some((Schedule::Once(scheduled), letter))
}

fn yearly(
    src: &mut SourceFile,
    entry: &Spanned<raw::Obligation>,
    index: usize,
    issued: Option<Date>,
) -> Option<Schedule> {
    let o = entry.get_ref();
    let key = |field: &str| format!("obligation[{}].{field}", index);
    let list = o.yearly.as_ref()?;
    if list.get_ref().is_empty() {
        src.error(
            list.span(),
            key("yearly"),
            "lists no day; write e.g. [\"14/06\", \"14/12\"]",
        );
    }
    let mut days = Vec::new();
    let mut all_days_ok = true;
    for (i, d) in list.get_ref().iter().enumerate() {
        match dates::parse_day_month(d.get_ref()) {
            Ok(dm) => days.push(dm),
            Err(e) => {
                all_days_ok = false;
                src.error(d.span(), format!("{}[{i}]", key("yearly")), e.to_string());
            }
        }
    }
    days.sort_by_key(|&(d, m)| (m, d));
    days.dedup();
    let from = match &o.from {
        Some(v) => date_value(src, v, &key("from")),
        None if issued.is_some() => issued,
        None => {
            src.error(
                list.span(),
                key("from"),
                "a yearly schedule starts at `from` or at the plan's `issued` date; set one of them",
            );
            None
        }
    };
    let until = until(src, o.until.as_ref(), from, &key("until"), "from")?;
    (all_days_ok && !days.is_empty()).then_some(Schedule::Yearly {
        days,
        from: from?,
        until,
    })
}

fn every(src: &mut SourceFile, entry: &Spanned<raw::Obligation>, index: usize) -> Option<Schedule> {
    let o = entry.get_ref();
    let key = |field: &str| format!("obligation[{}].{field}", index);
    let every = o.every.as_ref()?;
    let cycle = parse_every(every.get_ref());
    if cycle.is_none() {
        src.error(
            every.span(),
            key("every"),
            format!(
                "\"{}\" is not a cycle; write \"N month(s)\" or \"N year(s)\" with N ≥ 1 \
                 or \"N week(s)\" (e.g. \"6 months\", \"1 year\", \"1 week\")",
                every.get_ref()
            ),
        );
    }
    let first_due = match &o.first_due {
        Some(v) => date_value(src, v, &key("first_due")),
        None => {
            src.error(
                every.span(),
                key("first_due"),
                "an `every` schedule needs first_due, the first due date (e.g. \"14/06/2025\")",
            );
            None
        }
    };
    let until = until(src, o.until.as_ref(), first_due, &key("until"), "first_due")?;
    Some(Schedule::Every {
        cycle: cycle?,
        first_due: first_due?,
        until,
    })
}

/// `within = "N working days"` / `"N days"`: one instance, the N-th working
/// day (or calendar day) after `from`, else after the plan's `issued` date.
fn within(
    src: &mut SourceFile,
    entry: &Spanned<raw::Obligation>,
    index: usize,
    issued: Option<Date>,
    cal: &WorkCalendar,
) -> Option<(Schedule, Letter)> {
    let o = entry.get_ref();
    let key = |field: &str| format!("obligation[{index}].{field}");
    let within = o.within.as_ref()?;
    let parsed = parse_within(within.get_ref());
    if parsed.is_none() {
        src.error(
            within.span(),
            key("within"),
            format!(
                "{} is not a period; write \"N working days\" (ngày làm việc) or \"N days\" \
                 with N from 1 to 3660 (e.g. \"5 working days\")",
                quote(within.get_ref())
            ),
        );
    }
    let start = match &o.from {
        Some(v) => date_value(src, v, &key("from")),
        None if issued.is_some() => issued,
        None => {
            src.error(
                within.span(),
                key("from"),
                "within counts from `from` or from the plan's `issued` date; set one of them",
            );
            None
        }
    };
    let (n, working) = parsed?;
    let start = start?;
    let scheduled = if working {
        cal.add_working_days(start, n)
    } else {
        start.checked_add(n.days()).ok()?
    };
    let letter = Letter::Within {
        n,
        working,
        from: start,
        from_issue: o.from.is_none(),
    };
    Some((Schedule::Once(scheduled), letter))
}

/// "5 working days", "1 working day", "10 days" → (N, whether working days).
pub fn parse_within(text: &str) -> Option<(i32, bool)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let (n, working) = match words.as_slice() {
        [n, "working", "day" | "days"] => (n, true),
        [n, "day" | "days"] => (n, false),
        _ => return None,
    };
    let n: i32 = n.parse().ok().filter(|n| (1..=3660).contains(n))?;
    Some((n, working))
}

/// `until`, which must not be before the schedule's start. Outer `None` = error.
fn until(
    src: &mut SourceFile,
    value: Option<&Spanned<Value>>,
    start: Option<Date>,
    key: &str,
    start_name: &str,
) -> Option<Option<Date>> {
    let Some(value) = value else {
        return Some(None);
    };
    let until = date_value(src, value, key)?;
    if let Some(start) = start.filter(|s| until < *s) {
        src.error(
            value.span(),
            key,
            format!(
                "until {} is before {start_name} {}; the schedule would have no instance",
                dates::vn(until),
                dates::vn(start)
            ),
        );
        return None;
    }
    Some(Some(until))
}

/// "6 months", "1 month", "1 year", "2 years", "1 week", "2 weeks" → a cycle.
pub fn parse_every(text: &str) -> Option<Cycle> {
    let mut parts = text.split_whitespace();
    let n: i32 = parts.next()?.parse().ok().filter(|n| *n >= 1)?;
    let unit = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    match unit {
        "month" | "months" => Some(n).filter(|m| *m <= 1200).map(Cycle::Months),
        "year" | "years" => n.checked_mul(12).filter(|m| *m <= 1200).map(Cycle::Months),
        "week" | "weeks" => Some(n).filter(|w| *w <= 520).map(Cycle::Weeks),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_within() {
        assert_eq!(parse_within("5 working days"), Some((5, true)));
        assert_eq!(parse_within("05 working days"), Some((5, true)));
        assert_eq!(parse_within("1 working day"), Some((1, true)));
        assert_eq!(parse_within("10 days"), Some((10, false)));
        for bad in ["0 days", "5", "5 weeks", "năm ngày", "5 working", "-2 days"] {
            assert_eq!(parse_within(bad), None, "{bad}");
        }
    }

    #[test]
    fn cycles() {
        assert_eq!(parse_every("6 months"), Some(Cycle::Months(6)));
        assert_eq!(parse_every("1 month"), Some(Cycle::Months(1)));
        assert_eq!(parse_every("1 year"), Some(Cycle::Months(12)));
        assert_eq!(parse_every("2 years"), Some(Cycle::Months(24)));
        assert_eq!(parse_every("1 week"), Some(Cycle::Weeks(1)));
        assert_eq!(parse_every("2 weeks"), Some(Cycle::Weeks(2)));
        for bad in [
            "0 months",
            "0 weeks",
            "six months",
            "6",
            "6 days",
            "-1 month",
            "1 month later",
        ] {
            assert_eq!(parse_every(bad), None, "{bad}");
        }
    }
}
