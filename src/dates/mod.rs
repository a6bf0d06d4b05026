//! Civil dates as Vietnamese offices write them.
//!
//! Plans say *trước ngày 3/7/2023*, *trước tháng 5/2024*, *15/06*; admins type
//! `30/04/2025` or `2025-04-30`. This module turns those strings into `jiff`
//! dates (and back into `dd/mm/yyyy` for human output) so that the config
//! loader and every command parse dates the same way.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

use crate::lang::{Lang, say};

/// The first and the last day dondoc accepts from outside — a command's
/// `--at` or `--on`, an import row, the API, a form, a config file. Plans and
/// reports of this century are all it serves; a year typed wrong (0025,
/// 9999) is refused where it enters rather than computed with (thousands of
/// years of working days, or a panic at the edge of the calendar).
pub const FIRST: Date = jiff::civil::date(2000, 1, 1);
pub const LAST: Date = jiff::civil::date(2100, 12, 31);

/// A date string that is not a date dondoc takes: which form was expected,
/// or why the date does not exist. [`DateError::message`] words it in a
/// language; `Display` is English, as the config's errors are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Neither `dd/mm/yyyy` nor ISO `yyyy-mm-dd`.
    #[error("{}", self.message(Lang::En))]
    NotADate(String),
    /// Not a date with an optional time of day, nor RFC 3339.
    #[error("{}", self.message(Lang::En))]
    NotAMoment(String),
    /// Not `HH:MM`.
    #[error("{}", self.message(Lang::En))]
    NotATime(String),
    /// Not `dd/mm`.
    #[error("{}", self.message(Lang::En))]
    NotADayOfYear(String),
    /// A month outside 1–12.
    #[error("{}", self.message(Lang::En))]
    NoSuchMonth { text: String, month: i64 },
    /// A day its month does not have (`days`: how many it has; `year`:
    /// `None` for a day of the year, which counts 29/02).
    #[error("{}", self.message(Lang::En))]
    NoSuchDay {
        text: String,
        day: i64,
        month: i8,
        year: Option<i16>,
        days: i8,
    },
    /// A real date outside [`FIRST`]..=[`LAST`]: the text as given.
    #[error("{}", self.message(Lang::En))]
    OutOfRange(String),
    /// A local time the zone does not have, with the zone's reason.
    #[error("{}", self.message(Lang::En))]
    Zone { text: String, reason: String },
}

impl DateError {
    /// The message in `lang` (the config's errors are English, a clerk's
    /// are in the language of the command line or the console).
    pub fn message(&self, lang: Lang) -> String {
        use DateError::*;
        match self {
            NotADate(t) => say!(
                lang,
                "\"{t}\" không phải là ngày; ghi dd/mm/yyyy (ví dụ \"30/04/2025\") hoặc yyyy-mm-dd",
                "\"{t}\" is not a date; write dd/mm/yyyy (e.g. \"30/04/2025\") or yyyy-mm-dd"
            ),
            NotAMoment(t) => say!(
                lang,
                "\"{t}\" không phải là ngày giờ; ghi dd/mm/yyyy, \"dd/mm/yyyy HH:MM\" (giờ địa \
                 phương) hoặc RFC 3339 (2025-04-30T08:00:00+07:00)",
                "\"{t}\" is not a moment; write dd/mm/yyyy, \"dd/mm/yyyy HH:MM\" (local time) \
                 or RFC 3339 (2025-04-30T08:00:00+07:00)"
            ),
            NotATime(t) => say!(
                lang,
                "\"{t}\" không phải là giờ trong ngày; ghi HH:MM (ví dụ 08:00)",
                "\"{t}\" is not a time of day; write HH:MM (e.g. 08:00)"
            ),
            NotADayOfYear(t) => say!(
                lang,
                "\"{t}\" không phải là ngày trong năm; ghi dd/mm (ví dụ \"15/06\")",
                "\"{t}\" is not a day of the year; write dd/mm (e.g. \"15/06\")"
            ),
            NoSuchMonth { text, month } => say!(
                lang,
                "\"{text}\": không có tháng {month}; tháng từ 1 đến 12 (dd/mm/yyyy)",
                "\"{text}\": month {month} does not exist; months are 1 to 12 (dd/mm/yyyy)"
            ),
            NoSuchDay {
                text, day: 0, days, ..
            } => say!(
                lang,
                "\"{text}\" không phải là ngày có thật: ngày từ 01 đến {days}; kiểm tra lại ngày",
                "\"{text}\" is not a real date: days run from 01 to {days}; check the day"
            ),
            NoSuchDay {
                text,
                day,
                month,
                year: Some(year),
                days,
            } => say!(
                lang,
                "\"{text}\" không phải là ngày có thật: tháng {month} năm {year} chỉ có {days} \
                 ngày; kiểm tra lại ngày và tháng",
                "\"{text}\" is not a real date (no day {day} in month {month} of {year}); \
                 check the day and month"
            ),
            NoSuchDay {
                text,
                day,
                month,
                year: None,
                days,
            } => say!(
                lang,
                "\"{text}\": tháng {month} chỉ có {days} ngày; ghi dd/mm với một ngày có thật",
                "\"{text}\": there is no day {day} in month {month}; write dd/mm with a real day"
            ),
            OutOfRange(t) => say!(
                lang,
                "\"{t}\" nằm ngoài khoảng ngày dondoc nhận (từ {} đến {}); kiểm tra lại năm",
                "\"{t}\" is outside the dates dondoc accepts ({} to {}); check the year",
                vn(FIRST),
                vn(LAST)
            ),
            Zone { text, reason } => say!(
                lang,
                "\"{text}\": giờ này không có ở múi giờ đã đặt ({reason})",
                "\"{text}\": {reason}"
            ),
        }
    }
}

/// `date` if dondoc accepts it ([`FIRST`]..=[`LAST`]); `given` is the text
/// it came from, for the message.
pub fn accepted(date: Date, given: &str) -> Result<Date, DateError> {
    if (FIRST..=LAST).contains(&date) {
        Ok(date)
    } else {
        Err(DateError::OutOfRange(given.trim().to_string()))
    }
}

/// Whether a moment given as Unix seconds (an email's `Date`) falls on a day
/// dondoc accepts, taken in UTC (a zone moves it by hours only).
pub fn accepted_unix(seconds: i64) -> bool {
    Timestamp::from_second(seconds)
        .is_ok_and(|t| (FIRST..=LAST).contains(&t.to_zoned(TimeZone::UTC).date()))
}

/// Parses `dd/mm/yyyy` (one- or two-digit day and month) or ISO `yyyy-mm-dd`,
/// from [`FIRST`] to [`LAST`].
pub fn parse_date(text: &str) -> Result<Date, DateError> {
    let t = text.trim();
    if let Some([y, m, d]) = split_numbers(t, '-') {
        if y.1 == 4 {
            return make_date(y.0, m.0, d.0, t);
        }
    }
    match split_numbers(t, '/') {
        Some([d, m, y]) if y.1 == 4 => make_date(y.0, m.0, d.0, t),
        _ => Err(DateError::NotADate(t.to_string())),
    }
}

/// Parses a moment given on the command line (`--at`, `--on`): RFC 3339 with
/// an offset, or a local date with an optional time, `dd/mm/yyyy[ HH:MM]` or
/// `yyyy-mm-dd[ HH:MM]`, in the configured zone. A bare date means 00:00.
/// Its local date must lie from [`FIRST`] to [`LAST`].
pub fn parse_moment(text: &str, tz: &TimeZone) -> Result<Zoned, DateError> {
    let t = text.trim();
    if let Ok(ts) = t.parse::<Timestamp>() {
        let at = ts.to_zoned(tz.clone());
        accepted(at.date(), t)?;
        return Ok(at);
    }
    let (date_part, time_part) = match t.split_once([' ', 'T']) {
        Some((d, rest)) => (d, Some(rest.trim())),
        None => (t, None),
    };
    let date = parse_date(date_part).map_err(|e| match e {
        DateError::OutOfRange(_) => DateError::OutOfRange(t.to_string()),
        // A day the month does not have is said as such, with a time or without.
        DateError::NoSuchDay { .. } | DateError::NoSuchMonth { .. } => e,
        _ => DateError::NotAMoment(t.to_string()),
    })?;
    let time = match time_part {
        None => Time::midnight(),
        Some(hm) => parse_time(hm).ok_or_else(|| DateError::NotATime(hm.to_string()))?,
    };
    date.to_datetime(time)
        .to_zoned(tz.clone())
        .map_err(|e| DateError::Zone {
            text: t.to_string(),
            reason: e.to_string(),
        })
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

/// Parses a month `mm/yyyy` (the *trước tháng 5/2024* form) into (year,
/// month): `None` when the text is not in that form, an error when the month
/// lies outside [`FIRST`]..=[`LAST`].
pub fn parse_month(text: &str) -> Option<Result<(i16, i8), DateError>> {
    let t = text.trim();
    let [m, y] = split_numbers(t, '/')?;
    let month = i8::try_from(m.0).ok().filter(|m| (1..=12).contains(m))?;
    let year = i16::try_from(y.0).ok().filter(|_| y.1 == 4)?;
    let first = Date::new(year, month, 1).ok()?;
    Some(accepted(first, t).map(|_| (year, month)))
}

/// Parses a day and month `dd/mm`, as used in yearly schedules and holiday
/// lists. 29/02 is accepted (it is clamped to 28/02 in common years).
pub fn parse_day_month(text: &str) -> Result<(i8, i8), DateError> {
    let t = text.trim();
    let bad = || DateError::NotADayOfYear(t.to_string());
    let [d, m] = split_numbers(t, '/').ok_or_else(bad)?;
    let (day, month) = (
        i8::try_from(d.0).map_err(|_| bad())?,
        i8::try_from(m.0).map_err(|_| bad())?,
    );
    if !(1..=12).contains(&month) {
        return Err(bad());
    }
    // 2024 is a leap year, so this accepts exactly the days that exist in some year.
    Date::new(2024, month, day).map_err(|_| DateError::NoSuchDay {
        text: t.to_string(),
        day: day.into(),
        month,
        year: None,
        days: last_day_of_month(2024, month).day(),
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

/// The date of a document's place-and-date line (Nghị định 30/2020/NĐ-CP,
/// Phụ lục I): *ngày 10 tháng 12 năm 2025*, a day below 10 and the months
/// 1 and 2 with a leading zero (*ngày 05 tháng 01 năm 2026*, *tháng 3*).
pub fn vn_document(date: Date) -> String {
    let month = match date.month() {
        m @ (1 | 2) => format!("{m:02}"),
        m => m.to_string(),
    };
    format!("ngày {:02} tháng {month} năm {}", date.day(), date.year())
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
    format!("{} {}", en_weekday(date), en_day(date))
}

/// A date in English running text without its weekday: *10 July 2023*.
pub fn en_day(date: Date) -> String {
    format!("{} {} {}", date.day(), en_month(date.month()), date.year())
}

/// The English month name of month 1–12.
pub fn en_month(month: i8) -> &'static str {
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
    MONTHS[usize::try_from(month - 1).unwrap_or(0).min(11)]
}

/// The weekday's name in `lang`: *Thứ Hai* / *Monday*.
pub fn weekday(lang: Lang, date: Date) -> &'static str {
    match lang {
        Lang::Vi => vn_weekday(date),
        Lang::En => en_weekday(date),
    }
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
    let (Ok(m), Ok(y)) = (i8::try_from(month), i16::try_from(year)) else {
        return Err(DateError::NotADate(text.to_string()));
    };
    if !(1..=12).contains(&m) {
        return Err(DateError::NoSuchMonth {
            text: text.to_string(),
            month,
        });
    }
    let no_such_day = || DateError::NoSuchDay {
        text: text.to_string(),
        day,
        month: m,
        year: Some(y),
        days: Date::new(y, m, 1).map_or(31, |d| d.days_in_month()),
    };
    let d = i8::try_from(day).map_err(|_| no_such_day())?;
    accepted(Date::new(y, m, d).map_err(|_| no_such_day())?, text)
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

/// The zone's UTC offset at `at`, as chrono states it: what croner takes in
/// `engine::schedule`, which reduces the zone to its offset at the moment
/// asked about, as tokio-cron-scheduler does when it creates a cron job.
/// (Vietnam has had no DST since 1975.)
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
mod tests;
