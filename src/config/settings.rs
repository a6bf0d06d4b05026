//! `dondoc.toml`: time zone, paths, the office, the working week, send
//! moments, the default reminder policy, mail and digest settings.

use std::path::Path;

use jiff::civil::Weekday;
use jiff::tz::TimeZone;
use toml::Spanned;

use super::error::{SourceFile, quote};
use super::mail::mail;
use super::moments::{self, send_moments};
use super::values::{check_email, check_emails, check_text, date_value, parse, policy};
use super::{Digest, Office, OfficeChange, Policy, Settings, Web, raw, resolve_path};

const DEFAULT_TIMEZONE: &str = "Asia/Ho_Chi_Minh";
const DEFAULT_DATABASE: &str = "/var/lib/dondoc/dondoc.db";
const DEFAULT_WEB_PORT: u16 = 8138;

/// Monday to Friday: the working week unless `[calendar] working_days` says otherwise.
pub const DEFAULT_WORKING_DAYS: [Weekday; 5] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
];

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
                    "unknown time zone {}; use an IANA name such as \"Asia/Ho_Chi_Minh\"",
                    quote(&timezone_name)
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
    .unwrap_or_else(|| vec![moments::daily(8, 0)]);
    let reminders = policy(src, &raw.reminders, &Policy::default(), "reminders");
    let mail = mail(dir, src, &raw.mail, office.as_ref());
    let digest = raw.digest.as_ref().map(|d| digest(src, d));
    let web = raw.web.as_ref().and_then(|w| web(dir, src, w));
    let inbox = raw
        .inbox
        .as_ref()
        .and_then(|i| super::mail::inbox(dir, src, i));
    let database = resolve_path(
        dir,
        raw.database.as_ref().map(|v| v.get_ref().as_str()),
        DEFAULT_DATABASE,
    );
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
        web,
        inbox,
    })
}

/// `[web]`: the listening address, the accounts file, the public address
/// and the trusted proxies.
fn web(dir: &Path, src: &mut SourceFile, raw: &Spanned<raw::Web>) -> Option<Web> {
    let w = raw.get_ref();
    let listen = match &w.listen {
        None => Some(std::net::SocketAddr::from((
            [127, 0, 0, 1],
            DEFAULT_WEB_PORT,
        ))),
        Some(l) => match l.get_ref().parse() {
            Ok(addr) => Some(addr),
            Err(_) => {
                src.error(
                    l.span(),
                    "web.listen",
                    format!(
                        "{} is not an address and port; write e.g. \"127.0.0.1:8138\" \
                         (loopback, behind a reverse proxy) or \"0.0.0.0:8138\"",
                        quote(l.get_ref())
                    ),
                );
                None
            }
        },
    };
    // `Some(None)`: no base_url; `None`: a bad one (reported).
    let base_url = match &w.base_url {
        None => Some(None),
        Some(b) => {
            let url = b.get_ref().trim_end_matches('/');
            let host = url
                .strip_prefix("https://")
                .or_else(|| url.strip_prefix("http://"));
            match host {
                Some(h) if !h.is_empty() && !h.contains(char::is_whitespace) => {
                    Some(Some(url.to_string()))
                }
                _ => {
                    src.error(
                        b.span(),
                        "web.base_url",
                        format!(
                            "{} is not an http(s) address; write e.g. \"https://dondoc.example.gov.vn\"",
                            quote(b.get_ref())
                        ),
                    );
                    None
                }
            }
        }
    };
    let users = resolve_path(
        dir,
        w.users.as_ref().map(|v| v.get_ref().as_str()),
        "users.toml",
    );
    let trusted_proxies = trusted_proxies(src, w.trusted_proxies.as_ref());
    Some(Web {
        listen: listen?,
        users,
        base_url: base_url?,
        trusted_proxies: trusted_proxies?,
    })
}

/// `[web] trusted_proxies`: IP addresses; `None` when one is not (reported).
fn trusted_proxies(
    src: &mut SourceFile,
    raw: Option<&Spanned<Vec<Spanned<String>>>>,
) -> Option<Vec<std::net::IpAddr>> {
    let mut ok = true;
    let mut ips = Vec::new();
    for (i, ip) in raw.map_or(&[][..], |r| r.get_ref()).iter().enumerate() {
        match ip.get_ref().trim().parse::<std::net::IpAddr>() {
            Ok(a) => ips.push(a.to_canonical()),
            Err(_) => {
                ok = false;
                src.error(
                    ip.span(),
                    format!("web.trusted_proxies[{i}]"),
                    format!(
                        "{} is not an IP address; write the address the proxy connects \
                         from, e.g. \"127.0.0.1\" for nginx on this machine (no port, no range)",
                        quote(ip.get_ref())
                    ),
                );
            }
        }
    }
    ok.then_some(ips)
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
    let contact = o
        .contact
        .as_ref()
        .map(|c| check_text(src, c, "office.contact"));
    let mut changes = Vec::new();
    for (i, f) in o.from.iter().enumerate() {
        let key = |k: &str| format!("office.from[{i}].{k}");
        let entry = f.get_ref();
        let Some(date) = date_value(src, &entry.date, &key("date")) else {
            continue;
        };
        if changes.iter().any(|c: &OfficeChange| c.date == date) {
            src.error(
                entry.date.span(),
                key("date"),
                format!(
                    "another [[office.from]] entry already takes effect on {}; put the \
                     changes of one day in one entry",
                    crate::dates::vn(date)
                ),
            );
            continue;
        }
        changes.push(OfficeChange {
            date,
            name: entry
                .name
                .as_ref()
                .map(|n| check_text(src, n, &key("name"))),
            email: match &entry.email {
                Some(e) => Some(check_email(src, e, &key("email"))?),
                None => None,
            },
            address: entry.address.clone(),
            phone: entry.phone.clone(),
            parent: entry.parent.clone(),
            place: entry.place.clone(),
            contact: entry
                .contact
                .as_ref()
                .map(|c| check_text(src, c, &key("contact"))),
        });
    }
    changes.sort_by_key(|c| c.date);
    Some(Office {
        name,
        email,
        address: o.address.clone(),
        phone: o.phone.clone(),
        contact,
        parent: o.parent.clone(),
        place: o.place.clone(),
        changes,
    })
}

fn working_days(src: &mut SourceFile, raw: Option<&Spanned<Vec<Spanned<String>>>>) -> Vec<Weekday> {
    let Some(raw) = raw else {
        return DEFAULT_WORKING_DAYS.to_vec();
    };
    let mut days = Vec::new();
    for (i, name) in raw.get_ref().iter().enumerate() {
        match moments::weekday(name.get_ref()) {
            Some(d) if !days.contains(&d) => days.push(d),
            Some(_) => {}
            None => src.error(
                name.span(),
                format!("calendar.working_days[{i}]"),
                format!(
                    "{} is not a weekday; use mon, tue, wed, thu, fri, sat, sun",
                    quote(name.get_ref())
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

fn digest(src: &mut SourceFile, raw: &Spanned<raw::Digest>) -> Digest {
    let d = raw.get_ref();
    Digest {
        to: check_emails(src, d.to.get_ref(), d.to.span(), "digest.to", true),
        send_at: send_moments(src, d.send_at.as_ref(), "digest.send_at", true)
            .unwrap_or_else(|| vec![moments::weekly(Weekday::Monday, 7, 30)]),
    }
}
