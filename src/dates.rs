//! Civil dates as Vietnamese offices write them.
//!
//! Plans say *trước ngày 3/7/2023*, *trước tháng 5/2024*, *15/06*; admins type
//! `30/04/2025` or `2025-04-30`. This module turns those strings into `jiff`
//! dates (and back into `dd/mm/yyyy` for human output) so that the config
//! loader and every command parse dates the same way.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

/// A date string that is neither `dd/mm/yyyy` nor ISO `yyyy-mm-dd`, or names a
/// day that does not exist. The message says which and what would be valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DateError(String);

impl From<String> for DateError {
    fn from(message: String) -> Self {
        DateError(message)
    }
}

/// Parses `dd/mm/yyyy` (one- or two-digit day and month) or ISO `yyyy-mm-dd`.
pub fn parse_date(text: &str) -> Result<Date, DateError> {
    let t = text.trim();
    if let Some([y, m, d]) = split_numbers(t, '-') {
        if y.1 == 4 {
            return make_date(y.0, m.0, d.0, t);
        }
    }
    match split_numbers(t, '/') {
        Some([d, m, y]) if y.1 == 4 => make_date(y.0, m.0, d.0, t),
        _ => Err(DateError(format!(
            "\"{t}\" is not a date; write dd/mm/yyyy (e.g. \"30/04/2025\") or yyyy-mm-dd"
        ))),
    }
}

/// Parses a moment given on the command line (`--at`, `--on`): RFC 3339 with
/// an offset, or a local date with an optional time, `dd/mm/yyyy[ HH:MM]` or
/// `yyyy-mm-dd[ HH:MM]`, in the configured zone. A bare date means 00:00.
pub fn parse_moment(text: &str, tz: &TimeZone) -> Result<Zoned, DateError> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<Timestamp>() {
        return Ok(ts.to_zoned(tz.clone()));
    }
    let (date_part, time_part) = match t.split_once([' ', 'T']) {
        Some((d, rest)) => (d, Some(rest.trim())),
        None => (t, None),
    };
    let date = parse_date(date_part).map_err(|_| {
        DateError(format!(
            "\"{t}\" is not a moment; write dd/mm/yyyy, \"dd/mm/yyyy HH:MM\" (local time) \
             or RFC 3339 (2025-04-30T08:00:00+07:00)"
        ))
    })?;
    let time = match time_part {
        None => Time::midnight(),
        Some(hm) => parse_time(hm).ok_or_else(|| {
            DateError(format!(
                "\"{hm}\" is not a time of day; write HH:MM (e.g. 08:00)"
            ))
        })?,
    };
    date.to_datetime(time)
        .to_zoned(tz.clone())
        .map_err(|e| DateError(format!("\"{t}\": {e}")))
}

/// `HH:MM` (or `HH:MM:SS`), 24-hour.
pub fn parse_time(text: &str) -> Option<Time> {
    let mut parts = text.split(':');
    let mut next = |max: i8| -> Option<Option<i8>> {
        match parts.next() {
            None => Some(None),
            Some(p) if (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse().ok().filter(|v| *v <= max).map(Some)
            }
            Some(_) => None,
        }
    };
    let hour = next(23)??;
    let minute = next(59)??;
    let second = next(59)?.unwrap_or(0);
    if parts.next().is_some() {
        return None;
    }
    Time::new(hour, minute, second, 0).ok()
}

/// Parses a month `mm/yyyy` (the *trước tháng 5/2024* form) into (year, month).
pub fn parse_month(text: &str) -> Option<(i16, i8)> {
    let t = text.trim();
    let [m, y] = split_numbers(t, '/')?;
    let month = i8::try_from(m.0).ok().filter(|m| (1..=12).contains(m))?;
    (y.1 == 4).then_some((i16::try_from(y.0).ok()?, month))
}

/// Parses a day and month `dd/mm`, as used in yearly schedules and holiday
/// lists. 29/02 is accepted (it is clamped to 28/02 in common years).
pub fn parse_day_month(text: &str) -> Result<(i8, i8), DateError> {
    let t = text.trim();
    let bad = || {
        DateError(format!(
            "\"{t}\" is not a day of the year; write dd/mm (e.g. \"15/06\")"
        ))
    };
    let [d, m] = split_numbers(t, '/').ok_or_else(bad)?;
    let (day, month) = (
        i8::try_from(d.0).map_err(|_| bad())?,
        i8::try_from(m.0).map_err(|_| bad())?,
    );
    // 2024 is a leap year, so this accepts exactly the days that exist in some year.
    Date::new(2024, month, day).map_err(|_| {
        DateError(format!(
            "\"{t}\": there is no day {day} in month {month}; write dd/mm with a real day"
        ))
    })?;
    Ok((day, month))
}

/// The date `day/month` in `year`, with 29/02 clamped to 28/02 in common years.
pub fn day_in_year(year: i16, (day, month): (i8, i8)) -> Date {
    let first = Date::new(year, month, 1).expect("validated month");
    Date::new(year, month, day.min(first.days_in_month())).expect("clamped day")
}

/// The last day of a month.
pub fn last_day_of_month(year: i16, month: i8) -> Date {
    Date::new(year, month, 1)
        .expect("validated month")
        .last_of_month()
}

/// `dd/mm/yyyy`, the way dates are written in Vietnamese documents.
pub fn vn(date: Date) -> String {
    format!("{:02}/{:02}/{:04}", date.day(), date.month(), date.year())
}

/// A moment as the office reads it on a screen: `dd/mm/yyyy HH:MM`, in the
/// zone it carries.
pub fn vn_time(at: &Zoned) -> String {
    format!("{} {}", vn(at.date()), at.strftime("%H:%M"))
}

/// A date in the long form a letter writes: *Thứ Hai, ngày 10/07/2023*.
pub fn vn_long(date: Date) -> String {
    format!("{}, ngày {}", vn_weekday(date), vn(date))
}

/// The English weekday name.
pub fn en_weekday(date: Date) -> &'static str {
    match date.weekday() {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

/// A date as English prose writes it: *Monday 10 July 2023*.
pub fn en_long(date: Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = MONTHS[usize::try_from(date.month() - 1).expect("month 1..=12")];
    format!(
        "{} {} {month} {}",
        en_weekday(date),
        date.day(),
        date.year()
    )
}

/// The Vietnamese weekday name (*Thứ Hai* … *Chủ nhật*).
pub fn vn_weekday(date: Date) -> &'static str {
    match date.weekday() {
        Weekday::Monday => "Thứ Hai",
        Weekday::Tuesday => "Thứ Ba",
        Weekday::Wednesday => "Thứ Tư",
        Weekday::Thursday => "Thứ Năm",
        Weekday::Friday => "Thứ Sáu",
        Weekday::Saturday => "Thứ Bảy",
        Weekday::Sunday => "Chủ nhật",
    }
}

fn make_date(year: i64, month: i64, day: i64, text: &str) -> Result<Date, DateError> {
    let invalid = || {
        DateError(format!(
            "\"{text}\" is not a real date (no day {day} in month {month} of {year}); \
             check the day and month"
        ))
    };
    let y = i16::try_from(year).map_err(|_| invalid())?;
    let m = i8::try_from(month).map_err(|_| invalid())?;
    let d = i8::try_from(day).map_err(|_| invalid())?;
    if !(1..=12).contains(&m) {
        return Err(DateError(format!(
            "\"{text}\": month {month} does not exist; months are 1 to 12 (dd/mm/yyyy)"
        )));
    }
    Date::new(y, m, d).map_err(|_| invalid())
}

/// Splits `text` on `sep` into exactly N runs of ASCII digits, each with its
/// value and its number of digits.
fn split_numbers<const N: usize>(text: &str, sep: char) -> Option<[(i64, usize); N]> {
    let mut out = [(0, 0); N];
    let mut parts = text.split(sep);
    for slot in &mut out {
        let part = parts.next()?;
        if part.is_empty() || part.len() > 4 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *slot = (part.parse().ok()?, part.len());
    }
    parts.next().is_none().then_some(out)
}

/// Whole calendar days from `a` to `b`.
pub fn days_between(a: Date, b: Date) -> i32 {
    a.until(b).map_or(0, |span| span.get_days())
}

/// The zone's UTC offset at `at`, as chrono states it: what
/// tokio-cron-scheduler and croner take. (The scheduler itself reduces any
/// zone to its offset when a job is created; Vietnam has had no DST since
/// 1975.)
pub fn chrono_offset(tz: &TimeZone, at: Timestamp) -> chrono::FixedOffset {
    let seconds = tz.to_offset(at).seconds();
    chrono::FixedOffset::east_opt(seconds).expect("a UTC offset within a day")
}

/// `at` as a chrono time in the zone's offset at that moment.
pub fn to_chrono(at: Timestamp, tz: &TimeZone) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::from_timestamp(at.as_second(), at.subsec_nanosecond() as u32)
        .expect("a time in chrono's range")
        .with_timezone(&chrono_offset(tz, at))
}

/// A chrono time back as a timestamp.
pub fn from_chrono<Tz: chrono::TimeZone>(t: &chrono::DateTime<Tz>) -> Timestamp {
    Timestamp::from_second(t.timestamp()).unwrap_or(Timestamp::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn parses_vietnamese_and_iso_dates() {
        let cases = [
            ("30/04/2025", date(2025, 4, 30)),
            ("3/7/2023", date(2023, 7, 3)),
            (" 20/3/2024 ", date(2024, 3, 20)),
            ("2025-06-15", date(2025, 6, 15)),
            ("29/02/2024", date(2024, 2, 29)),
        ];
        for (text, want) in cases {
            assert_eq!(parse_date(text), Ok(want), "{text}");
        }
    }

    #[test]
    fn rejects_impossible_and_malformed_dates() {
        for text in [
            "31/02/2025",
            "29/02/2025",
            "00/01/2025",
            "1/13/2025",
            "2025/04/30",
            "30-04-2025",
            "30/04/25",
            "hôm nay",
            "",
            "1/2/3/4",
        ] {
            let err = parse_date(text).expect_err(text);
            assert!(err.to_string().contains(text.trim()), "{err}");
        }
    }

    #[test]
    fn month_and_day_month_forms() {
        assert_eq!(parse_month("05/2024"), Some((2024, 5)));
        assert_eq!(parse_month("5/2024"), Some((2024, 5)));
        assert_eq!(parse_month("13/2024"), None);
        assert_eq!(parse_month("30/04/2025"), None);
        assert_eq!(parse_day_month("15/06"), Ok((15, 6)));
        assert_eq!(parse_day_month("29/02"), Ok((29, 2)));
        assert!(parse_day_month("31/04").is_err());
        assert_eq!(day_in_year(2025, (29, 2)), date(2025, 2, 28));
        assert_eq!(day_in_year(2024, (29, 2)), date(2024, 2, 29));
        assert_eq!(last_day_of_month(2024, 6), date(2024, 6, 30));
    }

    #[test]
    fn moments_are_local_unless_they_carry_an_offset() {
        let tz = TimeZone::get("Asia/Ho_Chi_Minh").unwrap();
        let at = |t: &str| parse_moment(t, &tz).map(|z| z.to_string());
        assert_eq!(
            at("30/04/2025").unwrap(),
            "2025-04-30T00:00:00+07:00[Asia/Ho_Chi_Minh]"
        );
        assert_eq!(
            at("30/04/2025 08:15").unwrap(),
            "2025-04-30T08:15:00+07:00[Asia/Ho_Chi_Minh]"
        );
        assert_eq!(
            at("2025-04-30T08:15").unwrap(),
            "2025-04-30T08:15:00+07:00[Asia/Ho_Chi_Minh]"
        );
        // 20:00 UTC on the 29th is already the 30th in Vietnam.
        assert_eq!(
            at("2025-04-29T20:00:00Z").unwrap(),
            "2025-04-30T03:00:00+07:00[Asia/Ho_Chi_Minh]"
        );
        for bad in [
            "30/04/2025 25:00",
            "tomorrow",
            "30/04/2025 8h",
            "31/02/2025",
        ] {
            assert!(at(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn formats_dates_the_vietnamese_way() {
        assert_eq!(vn(date(2023, 7, 3)), "03/07/2023");
        assert_eq!(vn_weekday(date(2023, 7, 2)), "Chủ nhật");
        assert_eq!(vn_weekday(date(2025, 4, 29)), "Thứ Ba");
        assert_eq!(vn_long(date(2023, 7, 10)), "Thứ Hai, ngày 10/07/2023");
        assert_eq!(en_long(date(2023, 7, 10)), "Monday 10 July 2023");
        assert_eq!(en_long(date(2025, 12, 1)), "Monday 1 December 2025");
    }
}
