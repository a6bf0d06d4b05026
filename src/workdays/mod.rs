//! Which days are working days: the weekly rest days, Vietnam's statutory
//! holidays (computed, lunar ones included), and the admin's `holidays.toml`.
//!
//! A year listed in `holidays.toml` is exactly what the file says, because the
//! government announces the real days off (swaps with Saturdays, a longer Tết)
//! each year. Every other year gets the built-in rules of the Labour Code 2019,
//! art. 112, as amended:
//!
//! - 1/1; Tết: the last day of the lunar year and mùng 1–4 (mùng 1–3 before
//!   2013, under the Labour Code 1994); Giỗ Tổ Hùng Vương
//!   (10/3 lunar, a holiday since 2007); 30/4; 1/5; 2/9 and, from 2021, the day
//!   next to it (1/9, or 3/9 when 2/9 is a Monday); 24/11 from 2026;
//! - a holiday on a rest day gives a make-up day off on the next day that is
//!   neither a rest day nor already off, several in date order.

pub mod lunar;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

/// Years for which built-in holidays are computed; outside them only the
/// weekly rest days (and any year in the file) apply.
const FIRST_YEAR: i16 = 1900;
const LAST_YEAR: i16 = 2100;

/// Where a day off comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Builtin,
    File,
}

/// One day off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayOff {
    pub date: Date,
    /// The holiday's Vietnamese name; `""` for days from the file.
    pub name: String,
    pub source: Source,
}

/// One `[[year]]` of `holidays.toml`, already validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileYear {
    pub off: BTreeSet<Date>,
    /// Make-up working days (e.g. a Saturday worked in exchange for a bridge day).
    pub working: BTreeSet<Date>,
}

#[derive(Debug, Default)]
struct YearDays {
    off: BTreeMap<Date, DayOff>,
    working: BTreeSet<Date>,
}

/// The working-day calendar. Pure: it answers from the config alone, computing
/// each year's holidays once, on first use.
#[derive(Debug)]
pub struct WorkCalendar {
    working_weekdays: [bool; 7],
    file: BTreeMap<i16, FileYear>,
    years: Vec<OnceLock<YearDays>>,
}

impl WorkCalendar {
    /// A calendar with these weekly working days and these file years.
    pub fn new(working_weekdays: &[Weekday], file: BTreeMap<i16, FileYear>) -> Self {
        let mut mask = [false; 7];
        for day in working_weekdays {
            mask[weekday_index(*day)] = true;
        }
        let span = usize::try_from(LAST_YEAR - FIRST_YEAR + 1).expect("positive");
        WorkCalendar {
            working_weekdays: mask,
            file,
            years: (0..span).map(|_| OnceLock::new()).collect(),
        }
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: Date) -> bool {
        match self.year(date.year()) {
            Some(y) if y.working.contains(&date) => true,
            Some(y) if y.off.contains_key(&date) => false,
            _ => self.is_working_weekday(date),
        }
    }

    /// `date` itself if it is a working day, else the next working day.
    pub fn next_working_day(&self, date: Date) -> Date {
        let mut d = date;
        while !self.is_working_day(d) {
            d = d.tomorrow().expect("date in range");
        }
        d
    }

    /// `date` itself if it is a working day, else the last working day before.
    pub fn previous_working_day(&self, date: Date) -> Date {
        let mut d = date;
        while !self.is_working_day(d) {
            d = d.yesterday().expect("date in range");
        }
        d
    }

    /// `n` working days after `date` (before it when `n` is negative), counting
    /// only working days: from a Friday, +1 is the next Monday.
    pub fn add_working_days(&self, date: Date, n: i32) -> Date {
        let step = if n >= 0 { 1.day() } else { (-1).day() };
        let mut d = date;
        for _ in 0..n.unsigned_abs() {
            d = d.checked_add(step).expect("date in range");
            while !self.is_working_day(d) {
                d = d.checked_add(step).expect("date in range");
            }
        }
        d
    }

    /// The days off of `year`, in date order (make-up working days are not listed).
    pub fn days_off(&self, year: i16) -> Vec<DayOff> {
        match self.year(year) {
            Some(y) => y.off.values().cloned().collect(),
            None => Vec::new(),
        }
    }

    /// Whether `year` comes from the holidays file rather than the built-in
    /// rules (which are provisional until the government announces the year).
    pub fn year_from_file(&self, year: i16) -> bool {
        self.file.contains_key(&year)
    }

    pub fn is_working_weekday(&self, date: Date) -> bool {
        self.working_weekdays[weekday_index(date.weekday())]
    }

    fn year(&self, year: i16) -> Option<&YearDays> {
        let index = usize::try_from(year.checked_sub(FIRST_YEAR)?).ok()?;
        let cell = self.years.get(index)?;
        Some(cell.get_or_init(|| match self.file.get(&year) {
            Some(file) => from_file(file),
            None => self.builtin(year),
        }))
    }

    fn builtin(&self, year: i16) -> YearDays {
        let mut off = BTreeMap::new();
        for (date, name) in statutory_holidays(year) {
            off.insert(date, day_off(date, name.to_string()));
        }
        let on_rest_days: Vec<DayOff> = off
            .values()
            .filter(|h| !self.is_working_weekday(h.date))
            .cloned()
            .collect();
        for holiday in on_rest_days {
            let mut d = holiday.date.tomorrow().expect("date in range");
            while !self.is_working_weekday(d) || off.contains_key(&d) {
                d = d.tomorrow().expect("date in range");
            }
            let name = format!("Nghỉ bù {}", holiday.name);
            off.insert(d, day_off(d, name));
        }
        YearDays {
            off,
            working: BTreeSet::new(),
        }
    }
}

fn day_off(date: Date, name: String) -> DayOff {
    DayOff {
        date,
        name,
        source: Source::Builtin,
    }
}

fn from_file(file: &FileYear) -> YearDays {
    let off = file
        .off
        .iter()
        .map(|&date| {
            let d = DayOff {
                date,
                name: String::new(),
                source: Source::File,
            };
            (date, d)
        })
        .collect();
    YearDays {
        off,
        working: file.working.clone(),
    }
}

/// The statutory holidays of `year`, before make-up days.
fn statutory_holidays(year: i16) -> Vec<(Date, &'static str)> {
    let d = |m: i8, day: i8| Date::new(year, m, day).expect("fixed holiday");
    let tet = lunar::tet(year);
    let mut days = vec![
        (d(1, 1), "Tết Dương lịch"),
        (
            tet.yesterday().expect("in range"),
            "Tết Nguyên đán (ngày cuối năm âm lịch)",
        ),
        (tet, "Tết Nguyên đán (mùng 1)"),
    ];
    // Five days from 2013 (Labour Code 2012); four before (Labour Code 1994:
    // the last day of the year and mùng 1–3).
    let after_mung_1 = if year >= 2013 { 3 } else { 2 };
    for (n, name) in [
        (1, "Tết Nguyên đán (mùng 2)"),
        (2, "Tết Nguyên đán (mùng 3)"),
        (3, "Tết Nguyên đán (mùng 4)"),
    ]
    .into_iter()
    .take(after_mung_1)
    {
        days.push((tet.checked_add(n.days()).expect("in range"), name));
    }
    if year >= 2007 {
        days.push((lunar::gio_to(year), "Giỗ Tổ Hùng Vương (10/3 âm lịch)"));
    }
    days.push((d(4, 30), "Ngày Chiến thắng (30/4)"));
    days.push((d(5, 1), "Ngày Quốc tế Lao động (1/5)"));
    days.push((d(9, 2), "Quốc khánh (2/9)"));
    if year >= 2021 {
        let adjacent = if d(9, 2).weekday() == Weekday::Monday {
            d(9, 3)
        } else {
            d(9, 1)
        };
        days.push((adjacent, "Quốc khánh (ngày liền kề)"));
    }
    if year >= 2026 {
        days.push((d(11, 24), "Ngày Văn hóa Việt Nam (24/11)"));
    }
    days.sort();
    days
}

fn weekday_index(day: Weekday) -> usize {
    usize::try_from(day.to_monday_zero_offset()).expect("0..7")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const MON_FRI: [Weekday; 5] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
    ];

    fn builtin() -> WorkCalendar {
        WorkCalendar::new(&MON_FRI, BTreeMap::new())
    }

    fn off_dates(cal: &WorkCalendar, year: i16) -> Vec<String> {
        cal.days_off(year)
            .iter()
            .map(|d| d.date.to_string())
            .collect()
    }

    #[test]
    fn builtin_2025_follows_the_labour_code() {
        // Tết 29/1 (Wed): 28/1..1/2, and 1/2 is a Saturday → make-up Monday 3/2.
        assert_eq!(
            off_dates(&builtin(), 2025),
            [
                "2025-01-01",
                "2025-01-28",
                "2025-01-29",
                "2025-01-30",
                "2025-01-31",
                "2025-02-01",
                "2025-02-03",
                "2025-04-07",
                "2025-04-30",
                "2025-05-01",
                "2025-09-01",
                "2025-09-02",
            ]
        );
    }

    #[test]
    fn make_up_days_go_in_order_past_days_already_off() {
        // 2023: Tết 22/1 is a Sunday; 21/1 (Sat) and 22/1 (Sun) are off on rest
        // days, so the make-up days are the first two working days after mùng 4.
        let cal = builtin();
        let days = cal.days_off(2023);
        let make_up: Vec<_> = days
            .iter()
            .filter(|d| d.name.starts_with("Nghỉ bù"))
            .map(|d| d.date.to_string())
            .collect();
        // 1/1 Sun → 2/1; 21/1 Sat, 22/1 Sun → 26/1, 27/1; Giỗ Tổ 29/4 Sat and
        // 30/4 Sun → 2/5, 3/5 (1/5 is off already); 2/9 Sat → 4/9.
        assert_eq!(
            make_up,
            [
                "2023-01-02",
                "2023-01-26",
                "2023-01-27",
                "2023-05-02",
                "2023-05-03",
                "2023-09-04"
            ]
        );
    }

    #[test]
    fn national_day_adjacent_day_and_culture_day() {
        let cal = builtin();
        // 2/9/2024 is a Monday: the adjacent day is 3/9.
        assert!(!cal.is_working_day(date(2024, 9, 3)));
        assert!(cal.is_working_day(date(2024, 8, 30)));
        // 2/9/2027 is a Thursday: the adjacent day is 1/9.
        assert!(!cal.is_working_day(date(2027, 9, 1)));
        assert!(cal.is_working_day(date(2027, 9, 3)));
        // 24/11 is a day off from 2026 only.
        assert!(!cal.is_working_day(date(2026, 11, 24)));
        assert!(cal.is_working_day(date(2025, 11, 24)));
        // Giỗ Tổ only from 2007.
        assert!(cal.is_working_day(lunar::gio_to(2006)));
        assert!(!cal.is_working_day(lunar::gio_to(2007)));
        // Tết had four days before 2013: 2012's mùng 1 is Monday 23/01, so
        // Sunday 22/01 (the last day of the year) and 23–25/01 are Tết; the
        // Sunday's make-up day is Thursday 26/01, and Friday 27/01 is a
        // working day (with five days it would have been the make-up day).
        // From 2013 mùng 4 is Tết too: 2013's mùng 1 is Sunday 10/02, mùng 4
        // Wednesday 13/02.
        let off = |y: i16| -> Vec<Date> {
            cal.days_off(y)
                .into_iter()
                .filter(|d| d.name.starts_with("Tết Nguyên đán"))
                .map(|d| d.date)
                .collect()
        };
        assert_eq!(off(2012).len(), 4);
        assert_eq!(off(2012)[0], date(2012, 1, 22));
        assert_eq!(off(2012)[3], date(2012, 1, 25));
        assert!(!cal.is_working_day(date(2012, 1, 26)));
        assert!(cal.is_working_day(date(2012, 1, 27)));
        assert_eq!(off(2013).len(), 5);
        assert!(!cal.is_working_day(date(2013, 2, 13)));
    }

    #[test]
    fn a_file_year_replaces_the_builtin_one_exactly() {
        let mut file = BTreeMap::new();
        file.insert(
            2025,
            FileYear {
                off: [date(2025, 1, 27), date(2025, 5, 2)].into(),
                working: [date(2025, 4, 26)].into(),
            },
        );
        let cal = WorkCalendar::new(&MON_FRI, file);
        assert!(!cal.is_working_day(date(2025, 1, 27)));
        // Built-in 1/1 is not off: the file lists the year without it.
        assert!(cal.is_working_day(date(2025, 1, 1)));
        // A make-up working Saturday.
        assert!(cal.is_working_day(date(2025, 4, 26)));
        assert!(!cal.is_working_day(date(2025, 4, 27)));
        let listed = cal.days_off(2025);
        assert_eq!(listed.len(), 2);
        assert!(
            listed
                .iter()
                .all(|d| d.name.is_empty() && d.source == Source::File)
        );
        // Other years keep the built-in rules.
        assert!(!cal.is_working_day(date(2024, 1, 1)));
    }

    #[test]
    fn working_day_arithmetic_skips_weekends_and_tet() {
        let cal = builtin();
        let cases = [
            // (from, n, expected)
            (date(2025, 4, 25), 1, date(2025, 4, 28)), // Fri + 1 → Mon
            (date(2025, 4, 28), -1, date(2025, 4, 25)),
            (date(2025, 4, 29), 1, date(2025, 5, 2)), // over 30/4, 1/5
            (date(2025, 1, 24), 1, date(2025, 1, 27)),
            (date(2025, 1, 27), 1, date(2025, 2, 4)), // over Tết and its make-up day
            (date(2025, 2, 4), -3, date(2025, 1, 23)),
            (date(2025, 6, 10), 0, date(2025, 6, 10)),
        ];
        for (from, n, want) in cases {
            assert_eq!(cal.add_working_days(from, n), want, "{from} {n:+}");
        }
        assert_eq!(cal.next_working_day(date(2025, 1, 28)), date(2025, 2, 4));
        assert_eq!(cal.next_working_day(date(2025, 2, 4)), date(2025, 2, 4));
    }

    #[test]
    fn rest_days_follow_the_configured_week() {
        // An office that also works Saturdays: 1/2/2025 (Sat, mùng 4) is then not
        // on a rest day, so no make-up day 3/2.
        let mut six = MON_FRI.to_vec();
        six.push(Weekday::Saturday);
        let cal = WorkCalendar::new(&six, BTreeMap::new());
        assert!(cal.is_working_day(date(2025, 2, 3)));
        assert!(cal.is_working_day(date(2025, 2, 8)));
    }
}
