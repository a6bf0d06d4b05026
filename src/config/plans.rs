//! `plans/*.toml`: one plan per file, its obligations, their schedules and
//! the agencies they bind.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use toml::{Spanned, Value};

use super::error::{ConfigError, SourceFile, file_error, quote, read_text};
use super::values::{check_id, check_text, date_value, parse, policy};
use super::{Agency, Obligation, Plan, Schedule, raw};
use crate::dates;

/// Loads every `plans/*.toml` (sorted by file name); returns the valid plans
/// sorted by id, and the other files found there (not read: `check` warns),
/// recording every error. Obligations inherit `base` (the
/// `[reminders]` policy) key by key. When `agencies_ok` is false (agencies.toml
/// has errors), unknown agency references are not reported a second time.
pub fn load_dir(
    dir: &Path,
    agencies: &[Agency],
    agencies_ok: bool,
    base: &super::Policy,
    errors: &mut Vec<ConfigError>,
) -> (Vec<Plan>, Vec<PathBuf>) {
    let plans_dir = dir.join("plans");
    let (mut files, mut others): (Vec<PathBuf>, Vec<PathBuf>) = match fs::read_dir(&plans_dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .partition(|p| p.extension().is_some_and(|x| x == "toml")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Default::default(),
        Err(e) => {
            errors.push(file_error(
                Path::new("plans"),
                format!("cannot read the directory: {e}"),
            ));
            Default::default()
        }
    };
    files.sort();
    others.sort();
    let others = others
        .iter()
        .filter_map(|p| p.strip_prefix(dir).ok().map(Path::to_path_buf))
        .collect();
    let refs = References::new(agencies, agencies_ok);
    let mut plans: Vec<Plan> = Vec::new();
    let mut ids: HashMap<String, PathBuf> = HashMap::new();
    for path in files {
        let name = PathBuf::from("plans").join(path.file_name().expect("a file"));
        let text = match read_text(&path, &name) {
            Ok(Some(t)) => t,
            Ok(None) => continue, // removed while we were listing
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let mut src = SourceFile {
            name: name.clone(),
            text: &text,
            errors,
        };
        let Some(plan) = validate(&mut src, &refs, base) else {
            continue;
        };
        if let Some(other) = ids.insert(plan.id.clone(), name.clone()) {
            let span = text.find(&format!("\"{}\"", plan.id)).unwrap_or(0);
            src.error(
                span..span,
                "plan.id",
                format!(
                    "duplicate plan id \"{}\" (also in {}); each plan needs its own id",
                    plan.id,
                    other.display()
                ),
            );
            continue;
        }
        plans.push(plan);
    }
    plans.sort_by(|a, b| a.id.cmp(&b.id));
    (plans, others)
}

/// Validates one plan file. `None` when the file could not be parsed or its
/// plan id is unusable; obligations with errors are left out (errors recorded).
fn validate(src: &mut SourceFile, refs: &References, base: &super::Policy) -> Option<Plan> {
    let raw: raw::PlanFile = parse(src)?;
    let p = raw.plan.get_ref();
    let id_ok = check_id(src, &p.id, "plan.id");
    let issued = p
        .issued
        .as_ref()
        .and_then(|v| date_value(src, v, "plan.issued"));
    let mut plan = Plan {
        id: p.id.get_ref().clone(),
        number: check_text(src, &p.number, "plan.number"),
        title: check_text(src, &p.title, "plan.title"),
        issuer: p.issuer.clone(),
        issued,
        submit_to: p.submit_to.clone(),
        file: src.name.clone(),
        obligations: Vec::new(),
    };
    if raw.obligation.is_empty() {
        src.error(
            raw.plan.span(),
            "obligation",
            "the plan has no [[obligation]]; add at least one (id, title, agencies, a schedule)",
        );
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, entry) in raw.obligation.iter().enumerate() {
        let o = entry.get_ref();
        if let Some(first) = seen.insert(o.id.get_ref().clone(), i) {
            src.error(
                o.id.span(),
                format!("obligation[{i}].id"),
                format!(
                    "duplicate obligation id \"{}\" in this plan (also obligation[{first}])",
                    o.id.get_ref()
                ),
            );
            continue;
        }
        let ctx = Ctx {
            refs,
            base,
            issued,
            index: i,
        };
        if let Some(ob) = obligation(src, entry, &ctx) {
            plan.obligations.push(ob);
        }
    }
    id_ok.then_some(plan)
}

struct Ctx<'a> {
    refs: &'a References<'a>,
    base: &'a super::Policy,
    issued: Option<Date>,
    index: usize,
}

fn obligation(
    src: &mut SourceFile,
    entry: &Spanned<raw::Obligation>,
    ctx: &Ctx,
) -> Option<Obligation> {
    let o = entry.get_ref();
    let key = |field: &str| format!("obligation[{}].{field}", ctx.index);
    let id_ok = check_id(src, &o.id, &key("id"));
    let title = check_text(src, &o.title, &key("title"));
    let agencies = resolve_agencies(src, &o.agencies, ctx.refs, &key("agencies"));
    let schedule = schedule(src, entry, ctx);
    let policy = match &o.reminders {
        Some(r) => policy(src, r, ctx.base, &key("reminders")),
        None => ctx.base.clone(),
    };
    Some(Obligation {
        id: id_ok.then(|| o.id.get_ref().clone())?,
        title,
        basis: o.basis.clone(),
        agencies: agencies?,
        submit_to: o.submit_to.clone(),
        schedule: schedule?,
        policy,
    })
}

/// The agency ids and groups plans may reference, indexed once.
struct References<'a> {
    agencies: &'a [Agency],
    groups: BTreeMap<&'a str, Vec<usize>>,
    /// Whether agencies.toml loaded without errors (else unknown ids are not reported).
    complete: bool,
}

impl<'a> References<'a> {
    fn new(agencies: &'a [Agency], complete: bool) -> Self {
        let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, a) in agencies.iter().enumerate() {
            for g in &a.groups {
                groups.entry(g.as_str()).or_default().push(i);
            }
        }
        References {
            agencies,
            groups,
            complete,
        }
    }

    /// The agencies a reference names: an id, or `@group`.
    fn find(&self, name: &str) -> Vec<usize> {
        match name.strip_prefix('@') {
            Some(group) => self.groups.get(group).cloned().unwrap_or_default(),
            None => self
                .agencies
                .binary_search_by(|a| a.id.as_str().cmp(name))
                .into_iter()
                .collect(),
        }
    }
}

/// Resolves agency ids and `@group` references into sorted agency indices.
fn resolve_agencies(
    src: &mut SourceFile,
    list: &Spanned<Vec<Spanned<String>>>,
    refs: &References,
    key: &str,
) -> Option<Vec<usize>> {
    if list.get_ref().is_empty() {
        src.error(
            list.span(),
            key,
            "lists no agency; add agency ids or \"@group\" references",
        );
        return None;
    }
    let mut out = BTreeSet::new();
    let mut ok = true;
    for (i, r) in list.get_ref().iter().enumerate() {
        let name = r.get_ref().trim();
        let found = refs.find(name);
        if found.is_empty() {
            ok = false;
            if !refs.complete {
                continue;
            }
            let what = if name.starts_with('@') {
                "group"
            } else {
                "agency"
            };
            src.error(
                r.span(),
                format!("{key}[{i}]"),
                format!("unknown {what} {}; {}", quote(name), suggestion(name, refs)),
            );
        }
        out.extend(found);
    }
    ok.then(|| out.into_iter().collect())
}

/// The longest reference "did you mean" compares (ids are short; a longer
/// value is a mistake of another kind, and comparing it would be slow).
const SUGGEST_MAX_CHARS: usize = 64;

/// "did you mean …" for an unknown agency or group reference.
fn suggestion(name: &str, refs: &References) -> String {
    let fallback =
        "agencies.toml defines the agency ids and their groups (referenced as \"@group\")";
    if name.chars().count() > SUGGEST_MAX_CHARS {
        return fallback.into();
    }
    let candidates: Vec<String> = if name.starts_with('@') {
        refs.groups.keys().map(|g| format!("@{g}")).collect()
    } else {
        refs.agencies.iter().map(|a| a.id.clone()).collect()
    };
    let close: Vec<&String> = candidates
        .iter()
        .filter(|c| {
            c.contains(name.trim_start_matches('@'))
                || name.contains(c.trim_start_matches('@'))
                || edit_distance(c, name) <= 2
        })
        .take(3)
        .collect();
    if close.is_empty() {
        fallback.into()
    } else {
        let list: Vec<String> = close.iter().map(|c| quote(c)).collect();
        format!("did you mean {}?", list.join(" or "))
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Exactly one schedule form, with only the keys that form allows.
fn schedule(src: &mut SourceFile, entry: &Spanned<raw::Obligation>, ctx: &Ctx) -> Option<Schedule> {
    let o = entry.get_ref();
    let key = |field: &str| format!("obligation[{}].{field}", ctx.index);
    let present: Vec<(&str, std::ops::Range<usize>)> = [
        ("due", o.due.as_ref().map(|v| v.span())),
        ("before", o.before.as_ref().map(|v| v.span())),
        ("yearly", o.yearly.as_ref().map(|v| v.span())),
        ("every", o.every.as_ref().map(|v| v.span())),
    ]
    .into_iter()
    .filter_map(|(name, span)| Some((name, span?)))
    .collect();
    let forms: Vec<&str> = present.iter().map(|(name, _)| *name).collect();
    let form_help = "use exactly one of: due = DATE (chậm nhất ngày), before = DATE (trước ngày), \
                     yearly = [\"dd/mm\", …], or every = \"N months\" with first_due";
    match forms.as_slice() {
        [] => {
            src.error(
                entry.span(),
                key("due"),
                format!("the obligation has no schedule; {form_help}"),
            );
            return None;
        }
        [_, second, ..] => {
            src.error(
                present[1].1.clone(),
                key(second),
                format!(
                    "the obligation has {} schedules ({}); {form_help}",
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
        "yearly" => yearly(src, entry, ctx),
        _ => every(src, entry, ctx),
    }
}

fn allowed_help(form: &str) -> &'static str {
    match form {
        "yearly" => "yearly takes from and until",
        "every" => "every takes first_due (required) and until",
        _ => "due and before take a single date and nothing else",
    }
}

/// `due = D` / `before = D`, with the month forms `"06/2024"`.
fn once(
    src: &mut SourceFile,
    value: &Spanned<Value>,
    key: &str,
    exclusive: bool,
) -> Option<Schedule> {
    let month = match value.get_ref() {
        Value::String(s) => dates::parse_month(s),
        _ => None,
    };
    let scheduled = match (month, exclusive) {
        // before = "05/2024": before the first day of May.
        (Some((y, m)), true) => Date::new(y, m, 1).ok()?.yesterday().ok()?,
        // due = "06/2024": by the last day of June.
        (Some((y, m)), false) => dates::last_day_of_month(y, m),
        (None, true) => date_value(src, value, key)?.yesterday().ok()?,
        (None, false) => date_value(src, value, key)?,
    };
    Some(Schedule::Once(scheduled))
}

fn yearly(src: &mut SourceFile, entry: &Spanned<raw::Obligation>, ctx: &Ctx) -> Option<Schedule> {
    let o = entry.get_ref();
    let key = |field: &str| format!("obligation[{}].{field}", ctx.index);
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
        None if ctx.issued.is_some() => ctx.issued,
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

fn every(src: &mut SourceFile, entry: &Spanned<raw::Obligation>, ctx: &Ctx) -> Option<Schedule> {
    let o = entry.get_ref();
    let key = |field: &str| format!("obligation[{}].{field}", ctx.index);
    let every = o.every.as_ref()?;
    let months = parse_every(every.get_ref());
    if months.is_none() {
        src.error(
            every.span(),
            key("every"),
            format!(
                "\"{}\" is not a cycle; write \"N month(s)\" or \"N year(s)\" with N ≥ 1 \
                 (e.g. \"6 months\", \"1 year\")",
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
        months: months?,
        first_due: first_due?,
        until,
    })
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

/// "6 months", "1 month", "1 year", "2 years" → months.
pub fn parse_every(text: &str) -> Option<i32> {
    let mut parts = text.split_whitespace();
    let n: i32 = parts.next()?.parse().ok().filter(|n| *n >= 1)?;
    let unit = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    match unit {
        "month" | "months" => n.checked_mul(1).filter(|m| *m <= 1200),
        "year" | "years" => n.checked_mul(12).filter(|m| *m <= 1200),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles() {
        assert_eq!(parse_every("6 months"), Some(6));
        assert_eq!(parse_every("1 month"), Some(1));
        assert_eq!(parse_every("1 year"), Some(12));
        assert_eq!(parse_every("2 years"), Some(24));
        for bad in [
            "0 months",
            "six months",
            "6",
            "6 weeks",
            "-1 month",
            "1 month later",
        ] {
            assert_eq!(parse_every(bad), None, "{bad}");
        }
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("so-y-te", "so-yte"), 1);
        assert_eq!(edit_distance("abc", "abc"), 0);
    }
}
