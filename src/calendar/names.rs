//! Names as offices write them: the one reader behind every door that
//! names a pair (`submit` and its siblings, `import`, `sheet`, the console's
//! forms, the API). A plan by its id or its number (*3212/KH-UBND*, *Kế
//! hoạch số 3212/KH-UBND*); an obligation by its id or its title; a period
//! by its scheduled date, its due date or its name (`period_label`: *6
//! tháng đầu năm 2025*); an agency by its id or its name. Names compare as
//! [`crate::collate::fold`] keys (case, spacing, Unicode form and tone
//! placement ignored); an agency's name may add or leave out the word
//! *tỉnh* where that names one agency only, and *UBND* is *Ủy ban nhân
//! dân*. Any of them may be followed by its id in brackets (*Sở Y tế
//! (so-y-te)*), which is how [`Names::agency_form`] and its siblings write
//! a name two things share. A name that fits several is an error naming
//! them: nothing is guessed.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use jiff::ToSpan;
use jiff::civil::Date;

use super::lookup::{LookupError, find_instance, owes};
use super::{Instance, due_date, horizon, label_of, scheduled_dates};
use crate::collate::fold;
use crate::config::{Config, Schedule};
use crate::dates::{self, DateError};
use keys::{agency_key, bracketed, label_key, no_tinh, number_key, one, title_key, with_id};

/// A pair as a person wrote it.
#[derive(Debug, Clone, Copy)]
pub struct Written<'a> {
    pub plan: &'a str,
    pub obligation: &'a str,
    pub period: &'a str,
    pub agency: &'a str,
}

/// (plan, obligation, first, last): the periods whose names were computed.
type Window = (usize, usize, Date, Date);

/// The folded names of a window's periods, each with its period.
type Named = Rc<Vec<(String, Date)>>;

/// The reader: the agencies' names folded once, the periods' names as
/// they are asked for (an import names the same few periods on every row).
pub struct Names<'c> {
    config: &'c Config,
    /// Each agency's folded name ([`agency_key`]), by index.
    folded: Vec<String>,
    by_name: HashMap<String, Vec<usize>>,
    /// The same keys with the word *tỉnh* left out.
    without_tinh: HashMap<String, Vec<usize>>,
    /// Each plan's number and title as keys (`number_key`, `fold`).
    plan_keys: Vec<(Option<String>, String)>,
    labels: RefCell<HashMap<Window, Named>>,
}

impl<'c> Names<'c> {
    pub fn new(config: &'c Config) -> Names<'c> {
        let folded: Vec<String> = config
            .agencies
            .iter()
            .map(|a| agency_key(&a.name))
            .collect();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        let mut without_tinh: HashMap<String, Vec<usize>> = HashMap::new();
        for (a, key) in folded.iter().enumerate() {
            by_name.entry(key.clone()).or_default().push(a);
            without_tinh.entry(no_tinh(key)).or_default().push(a);
        }
        let plan_keys = config
            .plans
            .iter()
            .map(|p| (p.number.as_deref().map(number_key), fold(&p.title)))
            .collect();
        Names {
            config,
            plan_keys,
            folded,
            by_name,
            without_tinh,
            labels: RefCell::default(),
        }
    }

    /// The pair `written` names, and the agency's index: the agency must
    /// owe the instance.
    pub fn pair(&self, written: Written<'_>) -> Result<(Instance, usize), LookupError> {
        let instance = self.instance(written.plan, written.obligation, written.period)?;
        let a = self.agency(written.agency, Some(&instance))?;
        owes(self.config, &instance, a)?;
        Ok((instance, a))
    }

    /// The instance a plan, an obligation and a period name.
    pub fn instance(
        &self,
        plan: &str,
        obligation: &str,
        period: &str,
    ) -> Result<Instance, LookupError> {
        let p = self.plan(plan)?;
        let o = self.obligation(p, obligation)?;
        let period = self.period(p, o, period)?;
        find_instance(self.config, p, o, period)
    }

    /// A plan by id, number or title.
    pub fn plan(&self, text: &str) -> Result<usize, LookupError> {
        let plans = &self.config.plans;
        let t = text.trim();
        if let Some(p) = plans
            .iter()
            .position(|x| x.id == t || bracketed(t) == Some(x.id.as_str()))
        {
            return Ok(p);
        }
        let key = number_key(t);
        let keys = &self.plan_keys;
        let mut hits: Vec<usize> = (0..plans.len())
            .filter(|&p| keys[p].0.as_ref() == Some(&key))
            .collect();
        if hits.is_empty() {
            let title = fold(t);
            hits = (0..plans.len()).filter(|&p| keys[p].1 == title).collect();
        }
        let form = |p: usize| with_id(plans[p].label(), &plans[p].id);
        one("plan", t, hits, form).unwrap_or_else(|| {
            let labels: Vec<&str> = plans.iter().map(|x| x.label()).collect();
            let ids = plans.iter().map(|x| x.id.as_str());
            Err(LookupError::UnknownPlan {
                plan: t.to_string(),
                close: crate::suggest::closest(t, labels.iter().copied().chain(ids))
                    .into_iter()
                    .map(String::from)
                    .collect(),
                known: labels.iter().map(|l| l.to_string()).collect(),
            })
        })
    }

    /// An obligation of plan `p` by id or title.
    pub fn obligation(&self, p: usize, text: &str) -> Result<usize, LookupError> {
        let plan = &self.config.plans[p];
        let t = text.trim();
        let obs = &plan.obligations;
        if let Some(o) = obs
            .iter()
            .position(|x| x.id == t || bracketed(t) == Some(x.id.as_str()))
        {
            return Ok(o);
        }
        let key = title_key(t);
        let hits: Vec<usize> = (0..obs.len())
            .filter(|&o| title_key(&obs[o].title) == key)
            .collect();
        let form = |o: usize| with_id(&obs[o].title, &obs[o].id);
        one("obligation", t, hits, form).unwrap_or_else(|| {
            let keys: Vec<String> = obs.iter().map(|x| title_key(&x.title)).collect();
            let mut close: Vec<String> =
                crate::suggest::closest(t, obs.iter().map(|x| x.id.as_str()))
                    .into_iter()
                    .map(String::from)
                    .collect();
            let titles = crate::suggest::closest(&key, keys.iter().map(String::as_str));
            close.extend(
                titles
                    .iter()
                    .filter_map(|c| keys.iter().position(|k| k == c))
                    .map(|o| obs[o].title.clone()),
            );
            close.truncate(3);
            Err(LookupError::UnknownObligation {
                plan: plan.label().to_string(),
                obligation: t.to_string(),
                close,
                known: obs
                    .iter()
                    .map(|x| format!("\"{}\" ({})", x.title, x.id))
                    .collect(),
            })
        })
    }

    /// A period of obligation `o` of plan `p`: its scheduled date, its due
    /// date, or its name.
    pub fn period(&self, p: usize, o: usize, text: &str) -> Result<Date, LookupError> {
        let ob = &self.config.plans[p].obligations[o];
        let t = text.trim();
        match dates::parse_date(t) {
            Ok(d) => {
                let periods = scheduled_dates(&ob.schedule, horizon(d, None));
                if periods.contains(&d) {
                    return Ok(d);
                }
                // A due date is at most a few days off after its period.
                let month_before = d.checked_sub(1.month()).unwrap_or(d);
                let hits: Vec<Date> = periods
                    .iter()
                    .copied()
                    .filter(|&x| month_before <= x && x < d)
                    .filter(|&x| due_date(self.config, ob, x) == d)
                    .collect();
                match hits.len() {
                    0 => find_instance(self.config, p, o, d).map(|i| i.period),
                    1 => Ok(hits[0]),
                    _ => Err(LookupError::Ambiguous {
                        field: "period",
                        text: t.to_string(),
                        candidates: hits.iter().map(|x| dates::vn(*x)).collect(),
                    }),
                }
            }
            Err(DateError::NotADate(_)) => self.period_named(p, o, t),
            Err(e) => Err(LookupError::BadDate(e)),
        }
    }

    /// A period by its name (`period_label`), among those of the years the
    /// text mentions (and the years around them), else of the schedule's
    /// first three years.
    fn period_named(&self, p: usize, o: usize, text: &str) -> Result<Date, LookupError> {
        let ob = &self.config.plans[p].obligations[o];
        let years: Vec<i16> = text
            .split(|c: char| !c.is_ascii_digit())
            .filter(|w| w.len() == 4)
            .filter_map(|w| w.parse().ok())
            .filter(|y| (dates::FIRST.year()..=dates::LAST.year()).contains(y))
            .collect();
        let first = match ob.schedule {
            Schedule::Once(d) | Schedule::OnceAt { date: d, .. } => d,
            Schedule::Yearly { from, .. } => from,
            Schedule::Every { first_due, .. } => first_due,
        };
        let (from, through) = match (years.iter().min(), years.iter().max()) {
            (Some(&lo), Some(&hi)) => (
                jiff::civil::date(lo.saturating_sub(1).max(dates::FIRST.year()), 1, 1),
                jiff::civil::date(hi.saturating_add(1).min(dates::LAST.year()), 12, 31),
            ),
            _ => (first, first.checked_add(3.years()).unwrap_or(dates::LAST)),
        };
        let named = self.labels((p, o, from, through));
        let key = label_key(text);
        let hits: Vec<Date> = named
            .iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, d)| *d)
            .collect();
        let form = |d: Date| dates::vn(d);
        one("period", text, hits, form).unwrap_or_else(|| {
            let periods = scheduled_dates(&ob.schedule, through);
            let near = periods.iter().find(|d| **d >= from).or(periods.last());
            let examples = near.map_or_else(Vec::new, |&d| {
                let due = due_date(self.config, ob, d);
                let mut ex = vec![format!("\"{}\"", dates::vn(d))];
                if due != d {
                    ex.push(format!("\"{}\"", dates::vn(due)));
                }
                ex.extend(label_of(ob, d, due).map(|l| format!("\"{l}\"")));
                ex
            });
            Err(LookupError::UnknownPeriod {
                period: text.to_string(),
                obligation: ob.title.clone(),
                examples,
            })
        })
    }

    /// The folded names of the periods in `window`, computed once.
    fn labels(&self, window: Window) -> Named {
        if let Some(found) = self.labels.borrow().get(&window) {
            return found.clone();
        }
        let (p, o, from, through) = window;
        let ob = &self.config.plans[p].obligations[o];
        let named: Vec<(String, Date)> = if ob.period_label.is_none() {
            Vec::new()
        } else {
            scheduled_dates(&ob.schedule, through)
                .into_iter()
                .filter(|d| *d >= from)
                .filter_map(|d| {
                    let label = label_of(ob, d, due_date(self.config, ob, d))?;
                    Some((label_key(&label), d))
                })
                .collect()
        };
        let named = Rc::new(named);
        self.labels.borrow_mut().insert(window, named.clone());
        named
    }

    /// An agency by id or name; of several with the name, the one that owes
    /// `instance` (when given).
    pub fn agency(&self, text: &str, instance: Option<&Instance>) -> Result<usize, LookupError> {
        let agencies = &self.config.agencies;
        let t = text.trim();
        let by_id = |id: &str| agencies.binary_search_by(|a| a.id.as_str().cmp(id)).ok();
        if let Some(a) = by_id(t).or_else(|| bracketed(t).and_then(by_id)) {
            return Ok(a);
        }
        let key = agency_key(t);
        let form = |a: usize| self.named_with_id(a);
        for hits in [
            self.by_name.get(&key),
            self.without_tinh.get(&no_tinh(&key)),
        ] {
            let Some(hits) = hits.filter(|h| !h.is_empty()) else {
                continue;
            };
            let owing: Vec<usize> = match instance {
                Some(i) if hits.len() > 1 => hits
                    .iter()
                    .copied()
                    .filter(|a| i.agencies.contains(a))
                    .collect(),
                _ => Vec::new(),
            };
            let hits = if owing.is_empty() {
                hits.clone()
            } else {
                owing
            };
            if let Some(found) = one("agency", t, hits, form) {
                return found;
            }
        }
        // A mistyped id is shown its id; a mistyped name, the names.
        let mut close: Vec<String> =
            crate::suggest::closest(t, agencies.iter().map(|a| a.id.as_str()))
                .into_iter()
                .map(String::from)
                .collect();
        let names = crate::suggest::closest(&key, self.folded.iter().map(String::as_str));
        close.extend(
            names
                .iter()
                .filter_map(|c| self.folded.iter().position(|k| k == c))
                .map(|a| agencies[a].name.clone()),
        );
        close.truncate(3);
        let mut owing: Vec<&str> = instance.map_or_else(Vec::new, |i| {
            i.agencies
                .iter()
                .map(|&a| agencies[a].name.as_str())
                .collect()
        });
        owing.sort_by(|a, b| crate::collate::cmp(a, b));
        Err(LookupError::UnknownAgency {
            agency: t.to_string(),
            close,
            owing: owing.into_iter().map(String::from).collect(),
        })
    }

    /// "Sở Y tế (so-y-te)".
    fn named_with_id(&self, a: usize) -> String {
        let ag = &self.config.agencies[a];
        with_id(&ag.name, &ag.id)
    }

    /// How an office writes agency `a` for `instance`: its name, or its name
    /// and id when the name alone would not come back as `a`.
    pub fn agency_form(&self, a: usize, instance: Option<&Instance>) -> String {
        let name = &self.config.agencies[a].name;
        if self.agency(name, instance) == Ok(a) {
            name.clone()
        } else {
            self.named_with_id(a)
        }
    }

    /// How an office writes agency `a` whatever the instance: `Some` when
    /// its name alone finds it (the usual case), so that a long export
    /// looks it up once; `None` when the instance decides
    /// ([`Names::agency_form`]).
    pub fn agency_form_anywhere(&self, a: usize) -> Option<String> {
        let name = &self.config.agencies[a].name;
        (self.agency(name, None) == Ok(a)).then(|| name.clone())
    }

    /// How an office writes plan `p`: its number (else its id), with the id
    /// when the number is not the plan's alone.
    pub fn plan_form(&self, p: usize) -> String {
        let plan = &self.config.plans[p];
        if self.plan(plan.label()) == Ok(p) {
            plan.label().to_string()
        } else {
            with_id(plan.label(), &plan.id)
        }
    }

    /// How an office writes obligation `o` of plan `p`: its title, with
    /// the id when another obligation of the plan has the same.
    pub fn obligation_form(&self, p: usize, o: usize) -> String {
        let ob = &self.config.plans[p].obligations[o];
        if self.obligation(p, &ob.title) == Ok(o) {
            ob.title.clone()
        } else {
            with_id(&ob.title, &ob.id)
        }
    }

    /// The name of `instance`'s period when it has one that comes back as
    /// that period, else none (write its date).
    pub fn period_form(&self, instance: &Instance) -> Option<String> {
        let ob = instance.obligation(self.config);
        let label = label_of(ob, instance.period, instance.due)?;
        let back = self.period(instance.plan, instance.obligation, &label);
        (back == Ok(instance.period)).then_some(label)
    }
}

mod keys;
#[cfg(test)]
mod tests;
