//! Small validators shared by every config file: the TOML parse itself, ids,
//! email addresses, dates, reminder policies.

use jiff::civil::Date;
use serde::de::DeserializeOwned;
use toml::{Spanned, Value};

use super::Policy;
use super::error::{SourceFile, quote};
use super::raw;
use crate::dates;

/// The longest string value accepted, in characters…
const MAX_CHARS: usize = 1_000;
/// …except for titles and notes.
const MAX_TEXT_CHARS: usize = 10_000;

/// Parses a whole file into its raw shape. On failure records the (first)
/// syntax or shape error, with the key path, and returns `None`. A string
/// (or key) longer than the limits is an error too, reported for every such
/// value before the file is used at all: no later check (and no "did you
/// mean") ever works on a megabyte of text.
pub fn parse<T: DeserializeOwned>(src: &mut SourceFile) -> Option<T> {
    let table = match toml::de::DeTable::parse(src.text) {
        Ok(table) => table,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            src.error(span, "", format!("TOML syntax: {}", e.message().trim()));
            return None;
        }
    };
    let before = src.errors.len();
    check_lengths(src, table.get_ref(), &mut Vec::new());
    if src.errors.len() > before {
        return None;
    }
    match serde_path_to_error::deserialize::<_, T>(toml::de::Deserializer::from(table)) {
        Ok(value) => Some(value),
        Err(e) => {
            // `Spanned` fields appear in serde's path under a private name.
            let path = e
                .path()
                .to_string()
                .replace(".$__serde_spanned_private_value", "")
                .replace("$__serde_spanned_private_value.", "")
                .replace("$__serde_spanned_private_value", "");
            let key = if path == "." { String::new() } else { path };
            let inner = e.into_inner();
            let span = inner.span().unwrap_or(0..0);
            src.error(span, key, inner.message().trim().to_string());
            None
        }
    }
}

/// One step of a key path, kept borrowed: the path is only written out
/// for an error.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

fn shown(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) if out.is_empty() => out.push_str(k),
            Step::Key(k) => {
                out.push('.');
                out.push_str(k);
            }
            Step::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Reports keys and string values over the length limits, below `path`.
fn check_lengths<'a>(
    src: &mut SourceFile,
    table: &'a toml::de::DeTable<'a>,
    path: &mut Vec<Step<'a>>,
) {
    for (key, value) in table {
        let name = key.get_ref();
        if name.chars().count() > MAX_CHARS {
            src.error(
                key.span(),
                shown(path),
                format!(
                    "the key {} is longer than {MAX_CHARS} characters; no dondoc key is",
                    quote(name)
                ),
            );
            continue;
        }
        let limit = if matches!(name.as_ref(), "title" | "note") {
            MAX_TEXT_CHARS
        } else {
            MAX_CHARS
        };
        path.push(Step::Key(name));
        check_value(src, value, limit, path);
        path.pop();
    }
}

fn check_value<'a>(
    src: &mut SourceFile,
    value: &'a Spanned<toml::de::DeValue<'a>>,
    limit: usize,
    path: &mut Vec<Step<'a>>,
) {
    use toml::de::DeValue;
    match value.get_ref() {
        DeValue::String(text) if text.chars().count() > limit => src.error(
            value.span(),
            shown(path),
            format!(
                "{} is longer than {limit} characters; shorten it",
                quote(text)
            ),
        ),
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                check_value(src, item, limit, path);
                path.pop();
            }
        }
        DeValue::Table(table) => check_lengths(src, table, path),
        _ => {}
    }
}

/// Checks an id: `[a-z0-9-]+`.
pub fn check_id(src: &mut SourceFile, id: &Spanned<String>, key: &str) -> bool {
    let ok = !id.get_ref().is_empty()
        && id
            .get_ref()
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !ok {
        src.error(
            id.span(),
            key,
            format!(
                "{} is not a valid id; use lowercase letters a-z, digits and '-' \
                 (e.g. \"so-y-te\")",
                quote(id.get_ref())
            ),
        );
    }
    ok
}

/// Checks that a required text is not blank and is one line: names and titles
/// end up in email headers, where a line break could start a new header.
pub fn check_text(src: &mut SourceFile, text: &Spanned<String>, key: &str) -> String {
    let t = text.get_ref().trim();
    if t.is_empty() {
        src.error(text.span(), key, "must not be empty");
    } else if t.chars().any(char::is_control) {
        src.error(
            text.span(),
            key,
            "must be a single line without control characters (no \\n, \\r or tabs)",
        );
    }
    t.to_string()
}

/// Whether `addr` is a plain email address (`local@domain.tld`).
pub fn is_email(addr: &str) -> bool {
    let Some((local, domain)) = addr.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    let domain_ok = labels.len() >= 2
        && domain.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    local_ok && domain_ok
}

/// Checks one address; returns it trimmed, lowercased domain kept as written.
pub fn check_email(src: &mut SourceFile, addr: &Spanned<String>, key: &str) -> Option<String> {
    let a = addr.get_ref().trim();
    if is_email(a) {
        Some(a.to_string())
    } else {
        src.error(
            addr.span(),
            key,
            format!(
                "{} is not an email address; write it as name@domain.example.gov.vn",
                quote(a)
            ),
        );
        None
    }
}

/// Checks a list of addresses (`required`: at least one).
pub fn check_emails(
    src: &mut SourceFile,
    list: &[Spanned<String>],
    span: std::ops::Range<usize>,
    key: &str,
    required: bool,
) -> Vec<String> {
    if required && list.is_empty() {
        src.error(span, key, "needs at least one email address");
    }
    list.iter()
        .enumerate()
        .filter_map(|(i, a)| check_email(src, a, &format!("{key}[{i}]")))
        .collect()
}

/// A date given either as a TOML date or as a `dd/mm/yyyy` / ISO string.
pub fn date_value(src: &mut SourceFile, value: &Spanned<Value>, key: &str) -> Option<Date> {
    match value.get_ref() {
        Value::String(text) => match dates::parse_date(text) {
            Ok(d) => Some(d),
            Err(e) => {
                src.error(value.span(), key, e.message(crate::lang::Lang::En));
                None
            }
        },
        Value::Datetime(dt) => match (dt.date, dt.time) {
            (Some(d), None) => match Date::new(d.year as i16, d.month as i8, d.day as i8) {
                Ok(date) => match dates::accepted(date, &dt.to_string()) {
                    Ok(date) => Some(date),
                    Err(e) => {
                        src.error(value.span(), key, e.message(crate::lang::Lang::En));
                        None
                    }
                },
                Err(_) => {
                    src.error(value.span(), key, format!("{dt} is not a real date"));
                    None
                }
            },
            _ => {
                src.error(
                    value.span(),
                    key,
                    format!("{dt} has a time; write a date only (2025-04-30 or \"30/04/2025\")"),
                );
                None
            }
        },
        other => {
            src.error(
                value.span(),
                key,
                format!(
                    "expected a date (2025-04-30 or \"30/04/2025\"), found a {}",
                    other.type_str()
                ),
            );
            None
        }
    }
}

/// A reminder policy: `base` with the keys `raw` sets replaced.
pub fn policy(src: &mut SourceFile, raw: &raw::Policy, base: &Policy, key: &str) -> Policy {
    let mut p = base.clone();
    if let Some(before) = &raw.before {
        let mut days = Vec::new();
        for (i, n) in before.get_ref().iter().enumerate() {
            match i32::try_from(*n.get_ref()) {
                Ok(v) if (1..=250).contains(&v) => days.push(v),
                _ => src.error(
                    n.span(),
                    format!("{key}.before[{i}]"),
                    "must be a number of working days from 1 to 250",
                ),
            }
        }
        days.sort_unstable_by(|a, b| b.cmp(a));
        days.dedup();
        p.before = days;
    }
    if let Some(on_due) = raw.on_due {
        p.on_due = on_due;
    }
    let mut number = |v: &Option<Spanned<i64>>, name: &str, min: i64, max: i64, slot: &mut i32| {
        let key = format!("{key}.{name}");
        // The ranges all fit an i32.
        *slot = bounded(src, v.as_ref(), &key, min, max, i64::from(*slot)) as i32;
    };
    number(
        &raw.overdue_every,
        "overdue_every",
        1,
        250,
        &mut p.overdue_every,
    );
    number(&raw.overdue_max, "overdue_max", 0, 100, &mut p.overdue_max);
    number(
        &raw.escalate_after,
        "escalate_after",
        0,
        1000,
        &mut p.escalate_after,
    );
    number(
        &raw.stop_after_days,
        "stop_after_days",
        0,
        3660,
        &mut p.stop_after_days,
    );
    p
}

/// An integer key within `min..=max`; otherwise an error, and `default`.
pub fn bounded(
    src: &mut SourceFile,
    v: Option<&Spanned<i64>>,
    key: &str,
    min: i64,
    max: i64,
    default: i64,
) -> i64 {
    match v {
        None => default,
        Some(v) if (min..=max).contains(v.get_ref()) => *v.get_ref(),
        Some(v) => {
            src.error(
                v.span(),
                key,
                format!("must be a whole number from {min} to {max}"),
            );
            default
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        let mut errors = Vec::new();
        let mut src = SourceFile {
            name: "plans/p.toml".into(),
            text,
            errors: &mut errors,
            line_starts: Default::default(),
        };
        let _ = parse::<toml::Table>(&mut src);
        errors.iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn strings_over_the_limits_are_errors_with_their_key_path() {
        let title = |n: usize| format!("[[obligation]]\ntitle = \"{}\"\n", "a".repeat(n));
        assert!(errors(&title(10_000)).is_empty());
        let e = errors(&title(10_001));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].starts_with("plans/p.toml:2:9: obligation[0].title: \"aaaa"),
            "{}",
            e[0]
        );
        assert!(e[0].ends_with("(10001 characters) is longer than 10000 characters; shorten it"));
        let refs = |n: usize| {
            format!(
                "[[obligation]]\nagencies = [\"x\", \"{}\"]\n",
                "b".repeat(n)
            )
        };
        assert!(errors(&refs(1_000)).is_empty());
        let e = errors(&refs(1_001));
        assert!(e[0].contains(": obligation[0].agencies[1]: \"bbb"), "{e:?}");
        let key = format!("\"{}\" = 1\n", "k".repeat(1_001));
        assert!(
            errors(&key)[0].contains("the key \"kkk"),
            "{:?}",
            errors(&key)
        );
    }

    #[test]
    fn email_addresses() {
        for ok in [
            "vanthu@syt.example.gov.vn",
            "a.b+c@x.vn",
            "VT_1@Example.GOV.vn",
        ] {
            assert!(is_email(ok), "{ok}");
        }
        for bad in [
            "",
            "vanthu",
            "@x.vn",
            "a@",
            "a@localhost",
            "a@@x.vn",
            "a b@x.vn",
            "a@x..vn",
            "a@-x.vn",
            ".a@x.vn",
            "a..b@x.vn",
            "vănthư@x.vn",
            "a@x.vn\r\nBcc: e@v.il",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }
}
