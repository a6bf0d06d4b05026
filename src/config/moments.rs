//! Send moments (`[calendar] send_at`, `[digest] send_at`), compiled once:
//! "HH:MM" and "DAY HH:MM" become 6-field cron expressions, and every
//! expression is parsed here by the parser tokio-cron-scheduler itself uses
//! (croner, seconds required, day-of-month AND day-of-week), so `check`
//! rejects exactly what a cron job of the daemon's scheduler would. The
//! moments themselves are computed by `engine::schedule`, from `schedule`.

use croner::Cron;
use croner::parser::{CronParser, Seconds};
use jiff::civil::Weekday;
use toml::Spanned;

use super::error::{SourceFile, quote};

/// A send moment: when the daemon sends, in the configured zone.
#[derive(Debug, Clone, PartialEq)]
pub struct SendAt {
    /// As the admin wrote it: `"08:00"`, `"mon 07:30"` or a cron expression.
    pub written: String,
    /// The 6-field cron expression (seconds first), as the scheduler's cron
    /// jobs take it.
    pub cron: String,
    /// The same expression, parsed: what `engine::schedule` computes the
    /// moments from.
    pub schedule: Cron,
}

/// Parses a cron expression exactly as tokio-cron-scheduler 0.15 does.
pub fn parse_cron(expr: &str) -> Result<Cron, String> {
    CronParser::builder()
        .seconds(Seconds::Required)
        .dom_and_dow(true)
        .build()
        .parse(expr)
        .map_err(|e| e.to_string())
}

/// Parses `send_at` entries: "HH:MM", ("DAY HH:MM" when `weekly` is allowed),
/// or a 6-field cron expression. `None` when the key is absent.
pub fn send_moments(
    src: &mut SourceFile,
    raw: Option<&Spanned<Vec<Spanned<String>>>>,
    key: &str,
    weekly: bool,
) -> Option<Vec<SendAt>> {
    let raw = raw?;
    if raw.get_ref().is_empty() {
        src.error(
            raw.span(),
            key,
            "needs at least one send moment, e.g. [\"08:00\"]",
        );
    }
    let mut out = Vec::new();
    for (i, entry) in raw.get_ref().iter().enumerate() {
        match parse_send_at(entry.get_ref(), weekly) {
            Ok(s) => out.push(s),
            Err(why) => src.error(entry.span(), format!("{key}[{i}]"), why),
        }
    }
    Some(out)
}

/// The default moment of `[calendar] send_at`: 08:00 every day.
pub fn daily(hour: i8, minute: i8) -> SendAt {
    compiled(
        format!("{hour:02}:{minute:02}"),
        cron_at(None, hour, minute),
    )
}

/// The default moment of `[digest] send_at`: Monday 07:30.
pub fn weekly(weekday: Weekday, hour: i8, minute: i8) -> SendAt {
    let written = format!("{} {hour:02}:{minute:02}", day_name(weekday));
    compiled(written, cron_at(Some(weekday), hour, minute))
}

fn compiled(written: String, cron: String) -> SendAt {
    let schedule = parse_cron(&cron).expect("a cron expression dondoc wrote itself");
    SendAt {
        written,
        cron,
        schedule,
    }
}

/// One send moment; the error says what would be valid.
pub fn parse_send_at(text: &str, weekly: bool) -> Result<SendAt, String> {
    let t = text.trim();
    let fields: Vec<&str> = t.split_whitespace().collect();
    let forms = if weekly {
        "\"HH:MM\", \"DAY HH:MM\" (e.g. \"mon 07:30\") or a 6-field cron \"0 30 7 * * Mon\""
    } else {
        "\"HH:MM\" (e.g. \"08:00\") or a 6-field cron with seconds first (\"0 0 8 * * *\")"
    };
    let bad = || format!("{} is not a send moment; write {forms}", quote(t));
    let cron = match fields.as_slice() {
        [hm] => {
            let (hour, minute) = hour_minute(hm).ok_or_else(bad)?;
            cron_at(None, hour, minute)
        }
        [day, hm] if weekly => {
            let weekday = weekday(day).ok_or_else(bad)?;
            let (hour, minute) = hour_minute(hm).ok_or_else(bad)?;
            cron_at(Some(weekday), hour, minute)
        }
        f if f.len() == 6 => f.join(" "),
        f if f.len() == 5 => {
            return Err(format!(
                "{} has 5 fields; dondoc's cron has 6, seconds first: \"0 {}\"",
                quote(t),
                t.escape_debug()
            ));
        }
        _ => return Err(bad()),
    };
    let schedule = parse_cron(&cron).map_err(|e| format!("{}: {e}; write {forms}", quote(t)))?;
    Ok(SendAt {
        written: t.to_string(),
        cron,
        schedule,
    })
}

fn cron_at(weekday: Option<Weekday>, hour: i8, minute: i8) -> String {
    let day = weekday.map_or("*", day_name);
    format!("0 {minute} {hour} * * {day}")
}

fn day_name(weekday: Weekday) -> &'static str {
    ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][weekday.to_monday_zero_offset() as usize]
}

fn hour_minute(text: &str) -> Option<(i8, i8)> {
    let (h, m) = text.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let hour: i8 = h.parse().ok()?;
    let minute: i8 = m.parse().ok()?;
    ((0..24).contains(&hour) && (0..60).contains(&minute)).then_some((hour, minute))
}

/// A weekday as admins write it: `mon` or `monday`, any case.
pub fn weekday(name: &str) -> Option<Weekday> {
    use Weekday::*;
    Some(match name.trim().to_ascii_lowercase().as_str() {
        "mon" | "monday" => Monday,
        "tue" | "tuesday" => Tuesday,
        "wed" | "wednesday" => Wednesday,
        "thu" | "thursday" => Thursday,
        "fri" | "friday" => Friday,
        "sat" | "saturday" => Saturday,
        "sun" | "sunday" => Sunday,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cron(text: &str, weekly: bool) -> Result<String, String> {
        parse_send_at(text, weekly).map(|s| s.cron)
    }

    #[test]
    fn forms_become_the_scheduler_s_cron() {
        assert_eq!(cron("08:00", false).unwrap(), "0 0 8 * * *");
        assert_eq!(cron("mon 07:30", true).unwrap(), "0 30 7 * * Mon");
        assert_eq!(cron("0 */5 * * * *", false).unwrap(), "0 */5 * * * *");
        assert_eq!(daily(8, 0), parse_send_at("08:00", false).unwrap());
        assert_eq!(
            weekly(Weekday::Monday, 7, 30).schedule,
            parse_send_at("mon 07:30", true).unwrap().schedule
        );
    }

    #[test]
    fn what_the_scheduler_would_reject_is_an_error() {
        for bad in [
            "8h",
            "24:00",
            "08:60",
            "mon 07:30",
            "* * * * *",
            "0 0 8 * * * *",
            // Six fields that only the scheduler's parser knows are wrong.
            "0 61 8 * * *",
            "0 0 8 * * Funday",
            "0 0 8 32 * *",
            "x y z a b c",
        ] {
            assert!(parse_send_at(bad, false).is_err(), "{bad}");
            if bad.split_whitespace().count() == 6 {
                assert!(parse_cron(bad).is_err(), "the scheduler accepts {bad}");
            }
        }
        assert!(
            parse_send_at("0 8 * * 1", false)
                .unwrap_err()
                .contains("0 0 8 * * 1")
        );
    }
}
