//! `plans/*.toml`: one plan per file, its obligations, their schedules and
//! the agencies they bind.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use toml::Spanned;

use super::error::{ConfigError, SourceFile, file_error, quote, read_text};
use super::values::{check_id, check_text, date_value, parse, policy};
use super::{Agency, Obligation, Plan, Shift, raw, schedules};

/// What an obligation takes from `dondoc.toml` unless it sets its own.
pub struct Inherited {
    /// `[reminders]`, overridden key by key by `[obligation.reminders]`.
    pub policy: super::Policy,
    /// From `[calendar] shift_to_working_day`, replaced by `shift`.
    pub shift: Shift,
    /// The config's working days, for `within = "N working days"`.
    pub workdays: crate::workdays::WorkCalendar,
}

/// Loads every `plans/*.toml` (sorted by file name); returns the valid plans
/// sorted by id, and the other files found there (not read: `check` warns),
/// recording every error. Obligations inherit `base` (the
/// `[reminders]` policy) key by key. When `agencies_ok` is false (agencies.toml
/// has errors), unknown agency references are not reported a second time.
pub fn load_dir(
    dir: &Path,
    agencies: &[Agency],
    agencies_ok: bool,
    base: &Inherited,
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
            line_starts: Default::default(),
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

/// A plan number, refused when it is a blank from an unsigned draft
/// (`…/KH-BCĐ`, `/KH-UBND`, `KH-UBND`): emails would present it as a fact.
fn check_number(src: &mut SourceFile, number: &Spanned<String>) -> String {
    let n = check_text(src, number, "plan.number");
    let blank = n.contains('…')
        || n.contains("...")
        || n.starts_with('/')
        || !n.chars().next().is_some_and(|c| c.is_ascii_digit());
    if blank && !n.is_empty() {
        src.error(
            number.span(),
            "plan.number",
            format!(
                "{} is not a document number (số, ký hiệu such as \"3212/KH-UBND\"); leave \
                 `number` out until the signed copy gives it: emails then cite the plan by \
                 title, issuer and date",
                quote(&n)
            ),
        );
    }
    n
}

/// Validates one plan file. `None` when the file could not be parsed or its
/// plan id is unusable; obligations with errors are left out (errors recorded).
fn validate(src: &mut SourceFile, refs: &References, base: &Inherited) -> Option<Plan> {
    let raw: raw::PlanFile = parse(src)?;
    let p = raw.plan.get_ref();
    let id_ok = check_id(src, &p.id, "plan.id");
    let issued = p
        .issued
        .as_ref()
        .and_then(|v| date_value(src, v, "plan.issued"));
    let mut plan = Plan {
        id: p.id.get_ref().clone(),
        number: p.number.as_ref().map(|n| check_number(src, n)),
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
    resolve_chains(src, &raw.obligation, &mut plan.obligations);
    id_ok.then_some(plan)
}

/// A `period_label` expression, checked against a sample period.
fn period_label(src: &mut SourceFile, value: &Spanned<String>, key: &str) -> Option<String> {
    match super::labels::label(value.get_ref(), &super::labels::sample()) {
        Ok(_) => Some(value.get_ref().clone()),
        Err(e) => {
            src.error(
                value.span(),
                key,
                format!(
                    "{e}; write a minijinja expression over period, due, day, month, year, from, \
                     to, e.g. \"'6 tháng đầu năm ' ~ year if month == 6 else 'năm ' ~ year\""
                ),
            );
            None
        }
    }
}

/// `data_period`: for `yearly`/`every` cycles, the length the report covers.
fn data_period(src: &mut SourceFile, o: &raw::Obligation, key: &str) -> Option<super::Cycle> {
    let value = o.data_period.as_ref()?;
    if o.yearly.is_none() && o.every.is_none() {
        src.error(
            value.span(),
            key,
            "data_period goes with yearly or every schedules (a cycle of reports)",
        );
        return None;
    }
    let cycle = schedules::parse_every(value.get_ref());
    if cycle.is_none() {
        src.error(
            value.span(),
            key,
            format!(
                "{} is not a length; write \"6 months\", \"1 year\" or \"1 week\"",
                quote(value.get_ref())
            ),
        );
    }
    cycle
}

/// `after = "ID"`: the obligation of this plan an upward report is built from.
fn resolve_chains(
    src: &mut SourceFile,
    raw: &[Spanned<raw::Obligation>],
    obligations: &mut [Obligation],
) {
    for (i, entry) in raw.iter().enumerate() {
        let o = entry.get_ref();
        let Some(after) = &o.after else {
            continue;
        };
        let target = after.get_ref().trim();
        let found = obligations.iter().position(|ob| ob.id == target);
        let why = match found {
            _ if target == o.id.get_ref() => "an obligation cannot be built from itself",
            Some(index) => {
                if let Some(ob) = obligations.iter_mut().find(|ob| ob.id == *o.id.get_ref()) {
                    ob.after = Some(index);
                }
                continue;
            }
            None => "no obligation of this plan has this id",
        };
        let ids: Vec<&str> = obligations.iter().map(|ob| ob.id.as_str()).collect();
        src.error(
            after.span(),
            format!("obligation[{i}].after"),
            format!(
                "{}: {why}; `after` names another obligation of the same plan ({})",
                quote(target),
                ids.join(", ")
            ),
        );
    }
}

struct Ctx<'a> {
    refs: &'a References<'a>,
    base: &'a Inherited,
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
    let schedule = schedules::schedule(src, entry, ctx.index, ctx.issued, &ctx.base.workdays);
    let policy = match &o.reminders {
        Some(r) => policy(src, r, &ctx.base.policy, &key("reminders")),
        None => ctx.base.policy.clone(),
    };
    let shift = match o.shift.as_ref().map(|s| (s, s.get_ref().as_str())) {
        None => ctx.base.shift,
        Some((_, "forward")) => Shift::Forward,
        Some((_, "backward")) => Shift::Backward,
        Some((_, "none")) => Shift::None,
        Some((value, other)) => {
            src.error(
                value.span(),
                key("shift"),
                format!(
                    "{} is not a shift; use \"forward\" (the next working day), \"backward\" \
                     (the last working day before) or \"none\"",
                    quote(other)
                ),
            );
            ctx.base.shift
        }
    };
    Some(Obligation {
        id: id_ok.then(|| o.id.get_ref().clone())?,
        title,
        basis: o.basis.clone(),
        agencies: ctx.refs.shared(agencies?),
        submit_to: o.submit_to.clone(),
        period_label: o
            .period_label
            .as_ref()
            .and_then(|l| period_label(src, l, &key("period_label"))),
        data_period: data_period(src, o, &key("data_period")),
        date_basis: o
            .date_basis
            .as_ref()
            .map(|b| check_text(src, b, &key("date_basis"))),
        provisional: provisional(src, o, &key("provisional")),
        remind: o.remind.unwrap_or(true),
        schedule: schedule.as_ref()?.0.clone(),
        letter: schedule?.1,
        shift,
        after: None, // resolved once every obligation of the plan is known
        policy,
    })
}

/// `provisional = true`, which contradicts a `date_basis`: a date some
/// document sets is not the office's provisional one.
fn provisional(src: &mut SourceFile, o: &raw::Obligation, key: &str) -> bool {
    let Some(p) = &o.provisional else {
        return false;
    };
    if *p.get_ref() && o.date_basis.is_some() {
        src.error(
            p.span(),
            key,
            "provisional = true contradicts date_basis: a date that a document sets is not \
             provisional; remove provisional, or date_basis if that document does not set the date",
        );
    }
    *p.get_ref()
}

/// The agency ids and groups plans may reference, indexed once.
struct References<'a> {
    agencies: &'a [Agency],
    /// 0, 1, 2…: `find` answers an id with a slice of this.
    indices: Vec<usize>,
    groups: BTreeMap<&'a str, Vec<usize>>,
    /// Whether agencies.toml loaded without errors (else unknown ids are not reported).
    complete: bool,
    /// Each distinct list of agencies once, however many obligations name
    /// it (a national province's 300 obligations × 3 400 agencies).
    lists: std::cell::RefCell<std::collections::HashSet<std::sync::Arc<[usize]>>>,
}

impl<'a> References<'a> {
    /// `list`, shared with the obligations that name the same agencies.
    fn shared(&self, list: Vec<usize>) -> std::sync::Arc<[usize]> {
        let mut lists = self.lists.borrow_mut();
        if let Some(known) = lists.get(list.as_slice()) {
            return known.clone();
        }
        let new: std::sync::Arc<[usize]> = list.into();
        lists.insert(new.clone());
        new
    }

    fn new(agencies: &'a [Agency], complete: bool) -> Self {
        let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, a) in agencies.iter().enumerate() {
            for g in &a.groups {
                groups.entry(g.as_str()).or_default().push(i);
            }
        }
        References {
            agencies,
            indices: (0..agencies.len()).collect(),
            groups,
            complete,
            lists: Default::default(),
        }
    }

    /// The agencies a reference names: an id, or `@group`.
    fn find(&self, name: &str) -> &[usize] {
        match name.strip_prefix('@') {
            Some(group) => self.groups.get(group).map_or(&[], Vec::as_slice),
            None => match self.agencies.binary_search_by(|a| a.id.as_str().cmp(name)) {
                Ok(i) => std::slice::from_ref(&self.indices[i]),
                Err(_) => &[],
            },
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
    let mut out: Vec<usize> = Vec::new();
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
        out.extend_from_slice(found);
    }
    out.sort_unstable();
    out.dedup();
    ok.then_some(out)
}

/// "did you mean …" for an unknown agency or group reference.
fn suggestion(name: &str, refs: &References) -> String {
    let fallback =
        "agencies.toml defines the agency ids and their groups (referenced as \"@group\")";
    let candidates: Vec<String> = if name.starts_with('@') {
        refs.groups.keys().map(|g| format!("@{g}")).collect()
    } else {
        refs.agencies.iter().map(|a| a.id.clone()).collect()
    };
    let close = crate::suggest::closest(name, candidates.iter().map(String::as_str));
    if close.is_empty() {
        fallback.into()
    } else {
        let list: Vec<String> = close.iter().map(|c| quote(c)).collect();
        format!("did you mean {}?", list.join(" or "))
    }
}
