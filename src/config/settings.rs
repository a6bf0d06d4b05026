//! `dondoc.toml`: time zone, paths, the office, the working week, send
//! moments, the default reminder policy, mail and digest settings.

use std::path::{Path, PathBuf};

use jiff::civil::Weekday;
use jiff::tz::TimeZone;
use toml::Spanned;

use super::error::SourceFile;
use super::values::{bounded, check_email, check_emails, check_text, is_email, parse, policy};
use super::{
    Digest, Lang, Mail, Office, PasswordSource, Policy, Security, SendAt, Settings, Smtp,
    Transport, raw,
};

const DEFAULT_TIMEZONE: &str = "Asia/Ho_Chi_Minh";
const DEFAULT_DATABASE: &str = "/var/lib/dondoc/dondoc.db";
const DEFAULT_OUTBOX: &str = "/var/lib/dondoc/outbox";

/// Validates `dondoc.toml`; `None` when it cannot be used (errors recorded).
pub fn validate(dir: &Path, src: &mut SourceFile) -> Option<Settings> {
    let raw: raw::Main = parse(src)?;
    let timezone_name = raw
        .timezone
        .as_ref()
        .map_or(DEFAULT_TIMEZONE.to_string(), |t| t.get_ref().clone());
    let timezone = match TimeZone::get(&timezone_name) {
        Ok(tz) => Some(tz),
        Err(_) => {
            let span = raw.timezone.as_ref().map_or(0..0, |t| t.span());
            src.error(
                span,
                "timezone",
                format!(
                    "unknown time zone \"{timezone_name}\"; use an IANA name such as \
                     \"Asia/Ho_Chi_Minh\""
                ),
            );
            None
        }
    };
    let office = office(src, raw.office.as_ref());
    let working_days = working_days(src, raw.calendar.working_days.as_ref());
    let send_at = send_moments(
        src,
        raw.calendar.send_at.as_ref(),
        "calendar.send_at",
        false,
    )
    .unwrap_or_else(|| vec![SendAt::Daily { hour: 8, minute: 0 }]);
    let reminders = policy(src, &raw.reminders, &Policy::default(), "reminders");
    let mail = mail(dir, src, &raw.mail, office.as_ref());
    let digest = raw.digest.as_ref().map(|d| digest(src, d));
    let database = resolve(dir, raw.database.as_ref(), DEFAULT_DATABASE);
    Some(Settings {
        timezone_name,
        timezone: timezone?,
        database,
        office: office?,
        working_days,
        shift_to_working_day: raw.calendar.shift_to_working_day.unwrap_or(true),
        send_at,
        reminders,
        mail: mail?,
        digest,
    })
}

/// A path from the config, relative ones resolved against the config directory.
fn resolve(dir: &Path, value: Option<&Spanned<String>>, default: &str) -> PathBuf {
    let p = PathBuf::from(value.map_or(default, |v| v.get_ref().as_str()));
    if p.is_absolute() { p } else { dir.join(p) }
}

fn office(src: &mut SourceFile, raw: Option<&Spanned<raw::Office>>) -> Option<Office> {
    let Some(raw) = raw else {
        src.error(
            0..0,
            "office",
            "the [office] table is required: name, email, address and phone of the \
             standing office that sends the reminders",
        );
        return None;
    };
    let o = raw.get_ref();
    let name = check_text(src, &o.name, "office.name");
    let email = check_email(src, &o.email, "office.email")?;
    Some(Office {
        name,
        email,
        address: o.address.clone(),
        phone: o.phone.clone(),
    })
}

fn working_days(src: &mut SourceFile, raw: Option<&Spanned<Vec<Spanned<String>>>>) -> Vec<Weekday> {
    use Weekday::*;
    let Some(raw) = raw else {
        return vec![Monday, Tuesday, Wednesday, Thursday, Friday];
    };
    let mut days = Vec::new();
    for (i, name) in raw.get_ref().iter().enumerate() {
        match weekday(name.get_ref()) {
            Some(d) if !days.contains(&d) => days.push(d),
            Some(_) => {}
            None => src.error(
                name.span(),
                format!("calendar.working_days[{i}]"),
                format!(
                    "\"{}\" is not a weekday; use mon, tue, wed, thu, fri, sat, sun",
                    name.get_ref()
                ),
            ),
        }
    }
    if raw.get_ref().is_empty() {
        src.error(
            raw.span(),
            "calendar.working_days",
            "needs at least one working day",
        );
    }
    days
}

fn weekday(name: &str) -> Option<Weekday> {
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

/// Parses `send_at` entries: "HH:MM", ("DAY HH:MM" when `weekly` is allowed),
/// or a 6-field cron expression.
fn send_moments(
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

/// One send moment; the error says what would be valid.
pub fn parse_send_at(text: &str, weekly: bool) -> Result<SendAt, String> {
    let t = text.trim();
    let fields: Vec<&str> = t.split_whitespace().collect();
    let forms = if weekly {
        "\"HH:MM\", \"DAY HH:MM\" (e.g. \"mon 07:30\") or a 6-field cron \"0 30 7 * * Mon\""
    } else {
        "\"HH:MM\" (e.g. \"08:00\") or a 6-field cron with seconds first (\"0 0 8 * * *\")"
    };
    let bad = || format!("\"{t}\" is not a send moment; write {forms}");
    match fields.as_slice() {
        [hm] => {
            let (hour, minute) = hour_minute(hm).ok_or_else(bad)?;
            Ok(SendAt::Daily { hour, minute })
        }
        [day, hm] if weekly => {
            let weekday = weekday(day).ok_or_else(bad)?;
            let (hour, minute) = hour_minute(hm).ok_or_else(bad)?;
            Ok(SendAt::Weekly {
                weekday,
                hour,
                minute,
            })
        }
        f if f.len() == 6 => {
            let ok = f.iter().all(|field| {
                field
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || ",-*/?#L".contains(c))
            });
            if ok {
                Ok(SendAt::Cron(f.join(" ")))
            } else {
                Err(bad())
            }
        }
        f if f.len() == 5 => Err(format!(
            "\"{t}\" has 5 fields; dondoc's cron has 6, seconds first: \"0 {t}\""
        )),
        _ => Err(bad()),
    }
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

fn mail(
    dir: &Path,
    src: &mut SourceFile,
    raw: &raw::Mail,
    office: Option<&Office>,
) -> Option<Mail> {
    let transport = match raw.transport.as_ref().map(|t| t.get_ref().as_str()) {
        None | Some("outbox") => Transport::Outbox,
        Some("smtp") => Transport::Smtp,
        Some(other) => {
            let span = raw.transport.as_ref().map_or(0..0, |t| t.span());
            src.error(
                span,
                "mail.transport",
                format!("\"{other}\" is not a transport; use \"outbox\" or \"smtp\""),
            );
            return None;
        }
    };
    let lang = match raw.lang.as_ref().map(|l| l.get_ref().as_str()) {
        None | Some("vi") => Lang::Vi,
        Some("en") => Lang::En,
        Some(other) => {
            let span = raw.lang.as_ref().map_or(0..0, |l| l.span());
            src.error(
                span,
                "mail.lang",
                format!("\"{other}\" is not available; use \"vi\" or \"en\""),
            );
            Lang::Vi
        }
    };
    let from = match &raw.from {
        Some(from) => check_mailbox(src, from, "mail.from"),
        None => office.map(|o| format!("{} <{}>", o.name, o.email)),
    };
    let reply_to = raw
        .reply_to
        .as_ref()
        .and_then(|r| check_mailbox(src, r, "mail.reply_to"));
    let smtp = raw.smtp.as_ref().and_then(|s| smtp(dir, src, s));
    if transport == Transport::Smtp && raw.smtp.is_none() {
        src.error(
            raw.transport.as_ref().map_or(0..0, |t| t.span()),
            "mail.transport",
            "transport \"smtp\" needs a [mail.smtp] table with at least host",
        );
    }
    Some(Mail {
        transport,
        outbox: resolve(dir, raw.outbox.as_ref(), DEFAULT_OUTBOX),
        from: from?,
        reply_to,
        lang,
        smtp,
        retry_seconds: bounded(
            src,
            raw.retry_seconds.as_ref(),
            "mail.retry_seconds",
            1,
            86_400,
            60,
        ) as u64,
        give_up_hours: bounded(
            src,
            raw.give_up_hours.as_ref(),
            "mail.give_up_hours",
            1,
            24 * 30,
            24,
        ) as u64,
    })
}

/// Checks `Name <addr>` or a bare address; the name may not contain line breaks.
fn check_mailbox(src: &mut SourceFile, value: &Spanned<String>, key: &str) -> Option<String> {
    let text = value.get_ref().trim();
    let addr = match text.rsplit_once('<') {
        Some((name, rest)) if rest.ends_with('>') && !name.contains(['\r', '\n', '"']) => {
            &rest[..rest.len() - 1]
        }
        Some(_) => "",
        None => text,
    };
    if is_email(addr) {
        Some(text.to_string())
    } else {
        src.error(
            value.span(),
            key,
            format!(
                "\"{text}\" is not a mailbox; write \"Name <name@example.gov.vn>\" or an address"
            ),
        );
        None
    }
}

fn smtp(dir: &Path, src: &mut SourceFile, raw: &Spanned<raw::Smtp>) -> Option<Smtp> {
    let s = raw.get_ref();
    let host = check_text(src, &s.host, "mail.smtp.host");
    let security = match s.security.as_ref().map(|v| v.get_ref().as_str()) {
        None | Some("starttls") => Security::StartTls,
        Some("tls") => Security::Tls,
        Some("none") => Security::None,
        Some(other) => {
            let span = s.security.as_ref().map_or(0..0, |v| v.span());
            src.error(
                span,
                "mail.smtp.security",
                format!(
                    "\"{other}\" is not a security mode; use \"starttls\", \"tls\" or \"none\""
                ),
            );
            Security::StartTls
        }
    };
    if security == Security::None && !is_loopback(&host) {
        src.error(
            s.security.as_ref().map_or(0..0, |v| v.span()),
            "mail.smtp.security",
            format!(
                "\"none\" sends the password and reminders in clear text, so it is allowed \
                 only for a loopback host (localhost, 127.0.0.1, ::1), not \"{host}\"; \
                 use \"starttls\" or \"tls\""
            ),
        );
    }
    let default_port = if security == Security::Tls { 465 } else { 587 };
    let port = bounded(
        src,
        s.port.as_ref(),
        "mail.smtp.port",
        1,
        65535,
        default_port,
    );
    let password = match (&s.password_file, &s.password_env) {
        (Some(f), None) => Some(PasswordSource::File(PathBuf::from(f.get_ref()))),
        (None, Some(e)) => Some(PasswordSource::Env(e.get_ref().clone())),
        (None, None) => None,
        (Some(_), Some(e)) => {
            src.error(
                e.span(),
                "mail.smtp.password_env",
                "give either password_file or password_env, not both",
            );
            None
        }
    };
    if password.is_some() && s.username.is_none() {
        src.error(
            raw.span(),
            "mail.smtp.username",
            "a password is set, so username is required",
        );
    }
    Some(Smtp {
        host,
        port: port as u16,
        security,
        username: s.username.clone(),
        password,
        max_per_minute: bounded(
            src,
            s.max_per_minute.as_ref(),
            "mail.smtp.max_per_minute",
            1,
            100_000,
            120,
        ) as u32,
        timeout_seconds: bounded(
            src,
            s.timeout_seconds.as_ref(),
            "mail.smtp.timeout_seconds",
            1,
            3600,
            30,
        ) as u64,
        ca_file: s.ca_file.as_ref().map(|f| {
            let p = PathBuf::from(f.get_ref());
            if p.is_absolute() { p } else { dir.join(p) }
        }),
    })
}

/// Whether SMTP without TLS is tolerable: only to this machine.
pub fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn digest(src: &mut SourceFile, raw: &Spanned<raw::Digest>) -> Digest {
    let d = raw.get_ref();
    Digest {
        to: check_emails(src, d.to.get_ref(), d.to.span(), "digest.to", true),
        send_at: send_moments(src, d.send_at.as_ref(), "digest.send_at", true).unwrap_or_else(
            || {
                vec![SendAt::Weekly {
                    weekday: Weekday::Monday,
                    hour: 7,
                    minute: 30,
                }]
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_moments() {
        assert_eq!(
            parse_send_at("08:00", false),
            Ok(SendAt::Daily { hour: 8, minute: 0 })
        );
        assert_eq!(
            parse_send_at("mon 07:30", true),
            Ok(SendAt::Weekly {
                weekday: Weekday::Monday,
                hour: 7,
                minute: 30
            })
        );
        assert_eq!(
            parse_send_at("0 */5 * * * *", false),
            Ok(SendAt::Cron("0 */5 * * * *".into()))
        );
        for bad in [
            "8h",
            "24:00",
            "08:60",
            "mon 07:30",
            "* * * * *",
            "0 0 8 * * * *",
        ] {
            assert!(parse_send_at(bad, false).is_err(), "{bad}");
        }
        assert!(
            parse_send_at("0 8 * * 1", false)
                .unwrap_err()
                .contains("0 0 8 * * 1")
        );
    }

    #[test]
    fn loopback_hosts() {
        for h in ["localhost", "127.0.0.1", "127.3.4.5", "::1", "[::1]"] {
            assert!(is_loopback(h), "{h}");
        }
        for h in ["mail.example.gov.vn", "10.0.0.1", "localhost.evil.vn"] {
            assert!(!is_loopback(h), "{h}");
        }
    }
}
