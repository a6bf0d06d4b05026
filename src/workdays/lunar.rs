//! The Vietnamese lunisolar calendar, computed — not looked up.
//!
//! Tết and Giỗ Tổ Hùng Vương move with the moon. This is the classic
//! astronomical method used for the Vietnamese calendar (Hồ Ngọc Đức's
//! formulation of Jean Meeus' *Astronomical Algorithms*): new moons and the
//! sun's longitude are computed for the meridian of UTC+7, month 11 is the one
//! that contains the winter solstice, and a year with 13 months leaps the first
//! month that contains no major solar term. It is accurate for 1900–2100, which
//! the tests check against published dates.

use std::f64::consts::PI;

use jiff::civil::Date;

/// Vietnam's calendar meridian: UTC+7, in hours.
const VN_ZONE: f64 = 7.0;

/// Mean length of a synodic month, in days.
const SYNODIC_MONTH: f64 = 29.530588853;

/// Julian day number of the new moon of 1900-01-01 (k = 0).
const EPOCH_NEW_MOON: f64 = 2415021.076998695;

/// The Gregorian date of day `day` of lunar month `month` (not the leap month)
/// of lunar year `year`, on the Vietnamese calendar.
pub fn lunar_to_solar(year: i32, month: i32, day: i32) -> Date {
    let (a11, b11) = if month < 11 {
        (lunar_month_11(year - 1), lunar_month_11(year))
    } else {
        (lunar_month_11(year), lunar_month_11(year + 1))
    };
    let k = (0.5 + (a11 as f64 - EPOCH_NEW_MOON) / SYNODIC_MONTH).floor();
    let mut offset = (month - 11).rem_euclid(12);
    if b11 - a11 > 365 && offset >= leap_month_offset(a11) {
        offset += 1;
    }
    let month_start = new_moon_day(k + offset as f64);
    date_from_jdn(month_start + i64::from(day) - 1)
}

/// Mùng 1 Tết: the first day of the lunar year that starts in Gregorian `year`.
pub fn tet(year: i16) -> Date {
    lunar_to_solar(i32::from(year), 1, 1)
}

/// Giỗ Tổ Hùng Vương: the 10th day of the 3rd lunar month.
pub fn gio_to(year: i16) -> Date {
    lunar_to_solar(i32::from(year), 3, 10)
}

/// Julian day number of a Gregorian date.
fn jdn_from_date(date: Date) -> i64 {
    let (d, m, y) = (
        i64::from(date.day()),
        i64::from(date.month()),
        i64::from(date.year()),
    );
    let a = (14 - m) / 12;
    let y = y + 4800 - a;
    let m = m + 12 * a - 3;
    d + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
}

fn date_from_jdn(jdn: i64) -> Date {
    let a = jdn + 32044;
    let b = (4 * a + 3) / 146097;
    let c = a - b * 146097 / 4;
    let d = (4 * c + 3) / 1461;
    let e = c - 1461 * d / 4;
    let m = (5 * e + 2) / 153;
    let day = e - (153 * m + 2) / 5 + 1;
    let month = m + 3 - 12 * (m / 10);
    let year = b * 100 + d - 4800 + m / 10;
    Date::new(year as i16, month as i8, day as i8).expect("a Julian day in jiff's range")
}

/// The moment (Julian date, UT) of the k-th new moon after 1900-01-01.
fn new_moon(k: f64) -> f64 {
    let t = k / 1236.85;
    let (t2, t3) = (t * t, t * t * t);
    let dr = PI / 180.0;
    let mut jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
    jd += 0.00033 * ((166.56 + 132.87 * t - 0.009173 * t2) * dr).sin();
    let m = (359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3) * dr;
    let mpr = (306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3) * dr;
    let f = (21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3) * dr;
    let c = (0.1734 - 0.000393 * t) * m.sin() + 0.0021 * (2.0 * m).sin() - 0.4068 * mpr.sin()
        + 0.0161 * (2.0 * mpr).sin()
        - 0.0004 * (3.0 * mpr).sin()
        + 0.0104 * (2.0 * f).sin()
        - 0.0051 * (m + mpr).sin()
        - 0.0074 * (m - mpr).sin()
        + 0.0004 * (2.0 * f + m).sin()
        - 0.0004 * (2.0 * f - m).sin()
        - 0.0006 * (2.0 * f + mpr).sin()
        + 0.0010 * (2.0 * f - mpr).sin()
        + 0.0005 * (2.0 * mpr + m).sin();
    let delta_t = if t < -11.0 {
        0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    } else {
        -0.000278 + 0.000265 * t + 0.000262 * t2
    };
    jd + c - delta_t
}

/// The local (UTC+7) Julian day number of the k-th new moon.
fn new_moon_day(k: f64) -> i64 {
    (new_moon(k) + 0.5 + VN_ZONE / 24.0).floor() as i64
}

/// The sun's apparent longitude at Julian date `jd`, in radians, 0..2π.
fn sun_longitude(jd: f64) -> f64 {
    let t = (jd - 2451545.0) / 36525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.52910 + 35999.05030 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
    let l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
    let dl = (1.914600 - 0.004817 * t - 0.000014 * t2) * (dr * m).sin()
        + (0.019993 - 0.000101 * t) * (dr * 2.0 * m).sin()
        + 0.000290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    l - 2.0 * PI * (l / (2.0 * PI)).floor()
}

/// Which of the 12 major solar terms (0..11) the sun is in at the start of a
/// local day.
fn solar_term(jdn: i64) -> i64 {
    (sun_longitude(jdn as f64 - 0.5 - VN_ZONE / 24.0) / PI * 6.0).floor() as i64
}

/// The first day (Julian day number) of lunar month 11 of Gregorian `year`:
/// the month containing the winter solstice.
fn lunar_month_11(year: i32) -> i64 {
    let dec31 = Date::new(year as i16, 12, 31).expect("year in range");
    let off = jdn_from_date(dec31) - 2415021;
    let k = (off as f64 / SYNODIC_MONTH).floor();
    let nm = new_moon_day(k);
    if solar_term(nm) >= 9 {
        new_moon_day(k - 1.0)
    } else {
        nm
    }
}

/// In a 13-month year starting at month 11 `a11`, how many months after it the
/// leap month comes (the first month with no major solar term).
fn leap_month_offset(a11: i64) -> i32 {
    let k = ((a11 as f64 - EPOCH_NEW_MOON) / SYNODIC_MONTH + 0.5).floor();
    let mut i = 1;
    let mut arc = solar_term(new_moon_day(k + 1.0));
    loop {
        let last = arc;
        i += 1;
        arc = solar_term(new_moon_day(k + f64::from(i)));
        if arc == last || i >= 14 {
            return i - 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// The public reference (shared/reference/vn-lunar-holidays.csv), every year.
    const REFERENCE: &str = include_str!("../../tests/data/vn-lunar-holidays.csv");

    #[test]
    fn tet_and_gio_to_match_the_published_dates_2000_to_2060() {
        let mut checked = 0;
        for line in REFERENCE.lines().skip(1) {
            let cols: Vec<&str> = line.split(',').collect();
            let year: i16 = cols[0].parse().unwrap();
            assert_eq!(tet(year).to_string(), cols[1], "Tết {year}");
            if !cols[2].is_empty() {
                assert_eq!(gio_to(year).to_string(), cols[2], "Giỗ Tổ {year}");
            }
            checked += 1;
        }
        assert_eq!(checked, 61);
    }

    #[test]
    fn known_dates_outside_the_reference_range() {
        // Tết 1900, 1985 (the year Vietnam's UTC+7 calendar differs from China's
        // UTC+8 one), 2100.
        assert_eq!(tet(1900), date(1900, 1, 31));
        assert_eq!(tet(1985), date(1985, 1, 21));
        assert_eq!(tet(2100), date(2100, 2, 9));
    }

    #[test]
    fn leap_years_place_months_after_the_leap_month() {
        // 2023 has a leap 2nd month (tháng 2 nhuận), so month 3 starts two lunations
        // after month 2: Giỗ Tổ is 29/4, not in March.
        assert_eq!(gio_to(2023), date(2023, 4, 29));
        // 2020 has a leap 4th month, after Giỗ Tổ: no shift.
        assert_eq!(gio_to(2020), date(2020, 4, 2));
    }

    #[test]
    fn julian_day_numbers_round_trip() {
        for d in [date(1900, 1, 1), date(2000, 2, 29), date(2100, 12, 31)] {
            assert_eq!(date_from_jdn(jdn_from_date(d)), d);
        }
        assert_eq!(jdn_from_date(date(2000, 1, 1)), 2451545);
    }
}
