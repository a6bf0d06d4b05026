//! Finding the instance a command or CSV row names: plan, obligation,
//! period and agency, each checked against the config, with an error that
//! says which field is wrong and what would be right. The error is a value;
//! [`LookupError::message`] words it in the language of whoever reads it.
//! Names as offices write them (*Sở Y tế*, *3212/KH-UBND*) are read into
//! these by [`super::names`].

use std::fmt;

use jiff::civil::Date;

use super::{Instance, due_date, horizon, scheduled_dates};
use crate::config::Config;
use crate::dates::{self, DateError};
use crate::lang::{Lang, say};

/// Which field of a pair reference is wrong, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    /// No such plan; `close` are the names it may be a typo of, `known`
    /// every plan as it may be written.
    UnknownPlan {
        plan: String,
        close: Vec<String>,
        known: Vec<String>,
    },
    /// The plan has no such obligation (`known`: each one's title and id).
    UnknownObligation {
        plan: String,
        obligation: String,
        close: Vec<String>,
        known: Vec<String>,
    },
    /// The date is not one of the obligation's periods (by its scheduled
    /// date or its due date); `nearest` are.
    NotAPeriod {
        period: Date,
        obligation: String,
        nearest: Vec<Date>,
    },
    /// Neither a date nor the name of one of the obligation's periods;
    /// `examples` are how its periods are written.
    UnknownPeriod {
        period: String,
        obligation: String,
        examples: Vec<String>,
    },
    /// The period is written as a date that does not exist.
    BadDate(DateError),
    /// No such agency: `close` are the names it may be a typo of, `owing`
    /// the agencies that owe the instance (when `close` is empty).
    UnknownAgency {
        agency: String,
        close: Vec<String>,
        owing: Vec<String>,
    },
    /// The agency is not one of the obligation's.
    NotItsAgency { agency: String, obligation: String },
    /// The agency was not active on the instance's due date.
    Inactive {
        agency: String,
        due: Date,
        from: Option<Date>,
        until: Option<Date>,
    },
    /// The text names more than one: `field` is `plan`, `obligation`,
    /// `period` or `agency`; `candidates` as each may be written.
    Ambiguous {
        field: &'static str,
        text: String,
        candidates: Vec<String>,
    },
}

impl LookupError {
    /// The field that is wrong: `plan`, `obligation`, `period` or `agency`.
    pub fn field(&self) -> &'static str {
        match self {
            LookupError::UnknownPlan { .. } => "plan",
            LookupError::UnknownObligation { .. } => "obligation",
            LookupError::NotAPeriod { .. }
            | LookupError::UnknownPeriod { .. }
            | LookupError::BadDate(_) => "period",
            LookupError::UnknownAgency { .. }
            | LookupError::NotItsAgency { .. }
            | LookupError::Inactive { .. } => "agency",
            LookupError::Ambiguous { field, .. } => field,
        }
    }

    /// What is wrong, in `lang`, with what would be right.
    pub fn message(&self, lang: Lang) -> String {
        let hint = |close: &[String]| crate::suggest::words(lang, close);
        match self {
            LookupError::UnknownPlan { plan, close, known } => say!(
                lang,
                "không có kế hoạch \"{plan}\"{}; các kế hoạch: {}",
                "unknown plan \"{plan}\"{}; the plans are: {}",
                hint(close),
                known.join(", ")
            ),
            LookupError::UnknownObligation {
                plan,
                obligation,
                close,
                known,
            } => say!(
                lang,
                "kế hoạch {plan} không có nội dung \"{obligation}\"{}; các nội dung: {}",
                "plan {plan} has no obligation \"{obligation}\"{}; it has: {}",
                hint(close),
                known.join("; ")
            ),
            LookupError::NotAPeriod {
                period,
                obligation,
                nearest,
            } => {
                let nearest: Vec<String> = nearest
                    .iter()
                    .map(|d| format!("{} ({})", d, dates::vn(*d)))
                    .collect();
                say!(
                    lang,
                    "{} không phải một kỳ của \"{obligation}\"; các kỳ gần nhất là {} \
                     (ghi kỳ bằng ngày theo lịch, hạn nộp hoặc tên kỳ)",
                    "{} is not a period of \"{obligation}\"; the nearest periods are {} \
                     (write a period as its scheduled date, its due date or its name)",
                    dates::vn(*period),
                    nearest.join(", ")
                )
            }
            LookupError::UnknownPeriod {
                period,
                obligation,
                examples,
            } => say!(
                lang,
                "\"{period}\" không phải là ngày hay tên một kỳ của \"{obligation}\"; ghi ngày \
                 theo lịch, hạn nộp hoặc tên kỳ, ví dụ {}",
                "\"{period}\" is neither a date nor the name of a period of \"{obligation}\"; \
                 write its scheduled date, its due date or its name, e.g. {}",
                examples.join(say!(lang, " hoặc ", " or ").as_str())
            ),
            LookupError::BadDate(e) => e.message(lang),
            LookupError::UnknownAgency {
                agency,
                close,
                owing,
            } => {
                let mut text = say!(
                    lang,
                    "không có đơn vị \"{agency}\"{}",
                    "unknown agency \"{agency}\"{}",
                    hint(close)
                );
                if close.is_empty() && !owing.is_empty() {
                    text += &say!(
                        lang,
                        "; các đơn vị phải nộp kỳ này: {}",
                        "; the agencies that owe this period: {}",
                        listed(lang, owing)
                    );
                }
                text
            }
            LookupError::NotItsAgency { agency, obligation } => say!(
                lang,
                "\"{agency}\" không phải đơn vị phải nộp \"{obligation}\"",
                "\"{agency}\" is not one of the agencies of \"{obligation}\""
            ),
            LookupError::Inactive {
                agency,
                due,
                from,
                until,
            } => {
                let range = |d: &Option<Date>| d.map_or("…".to_string(), dates::vn);
                say!(
                    lang,
                    "\"{agency}\" không phải nộp kỳ này: hạn {}, đơn vị hoạt động {} – {}",
                    "\"{agency}\" does not owe this instance: it is due {} and the agency is \
                     active {} – {}",
                    dates::vn(*due),
                    range(from),
                    range(until)
                )
            }
            LookupError::Ambiguous {
                field,
                text,
                candidates,
            } => {
                let (vi, en) = match *field {
                    "plan" => ("kế hoạch", "plans"),
                    "obligation" => ("nội dung", "obligations"),
                    "period" => ("kỳ", "periods"),
                    _ => ("đơn vị", "agencies"),
                };
                let n = candidates.len();
                say!(
                    lang,
                    "\"{text}\" ứng với {n} {vi}: {}; ghi đúng một trong các tên trên (mã trong \
                     ngoặc nếu tên trùng nhau)",
                    "\"{text}\" names {n} {en}: {}; write one of them as shown (with the id in \
                     brackets where names are the same)",
                    candidates.join("; ")
                )
            }
        }
    }
}

/// Up to ten names, then how many more.
fn listed(lang: Lang, names: &[String]) -> String {
    const SHOWN: usize = 10;
    let mut text = names
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        text += &say!(
            lang,
            " và {} đơn vị khác",
            " and {} more",
            names.len() - SHOWN
        );
    }
    text
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field(), self.message(Lang::En))
    }
}

impl std::error::Error for LookupError {}

/// The ids among `known` that `name` may be a typo of.
fn close<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> Vec<String> {
    crate::suggest::closest(name, known)
        .into_iter()
        .map(String::from)
        .collect()
}

/// The instance of obligation `o` of plan `p` scheduled on `period`.
pub fn find_instance(
    config: &Config,
    p: usize,
    o: usize,
    period: Date,
) -> Result<Instance, LookupError> {
    let ob = &config.plans[p].obligations[o];
    let periods = scheduled_dates(&ob.schedule, horizon(period, None));
    if !periods.contains(&period) {
        let after = periods
            .iter()
            .position(|p| *p > period)
            .unwrap_or(periods.len());
        return Err(LookupError::NotAPeriod {
            period,
            obligation: ob.title.clone(),
            nearest: periods[after.saturating_sub(2)..(after + 2).min(periods.len())].to_vec(),
        });
    }
    let due = due_date(config, ob, period);
    Ok(Instance {
        plan: p,
        obligation: o,
        period,
        due,
        aim: super::aim_date(config, ob, period),
        agencies: ob
            .agencies
            .iter()
            .copied()
            .filter(|&x| config.agencies[x].owes(due))
            .collect(),
        deadline: super::deadline(config, ob, due),
        fed_by: None,
    })
}

/// Whether agency `a` owes `instance`: one of its obligation's agencies,
/// active on its due date.
pub fn owes(config: &Config, instance: &Instance, a: usize) -> Result<(), LookupError> {
    let ob = instance.obligation(config);
    let ag = &config.agencies[a];
    if !ob.agencies.contains(&a) {
        return Err(LookupError::NotItsAgency {
            agency: ag.name.clone(),
            obligation: ob.title.clone(),
        });
    }
    if !ag.owes(instance.due) {
        return Err(LookupError::Inactive {
            agency: ag.name.clone(),
            due: instance.due,
            from: ag.active_from,
            until: ag.active_until,
        });
    }
    Ok(())
}

/// The instance `(plan, obligation, period)` and the index of `agency`, which
/// must owe it — all by id, as the ledger keeps them.
pub fn find_pair(
    config: &Config,
    plan: &str,
    obligation: &str,
    period: Date,
    agency: &str,
) -> Result<(Instance, usize), LookupError> {
    let (p, plan_cfg) = config
        .plans
        .iter()
        .enumerate()
        .find(|(_, x)| x.id == plan)
        .ok_or_else(|| {
            let known = || config.plans.iter().map(|x| x.id.as_str());
            LookupError::UnknownPlan {
                plan: plan.to_string(),
                close: close(plan, known()),
                known: known().map(String::from).collect(),
            }
        })?;
    let o = plan_cfg
        .obligations
        .iter()
        .position(|x| x.id == obligation)
        .ok_or_else(|| {
            let known = || plan_cfg.obligations.iter().map(|x| x.id.as_str());
            LookupError::UnknownObligation {
                plan: plan_cfg.label().to_string(),
                obligation: obligation.to_string(),
                close: close(obligation, known()),
                known: known().map(String::from).collect(),
            }
        })?;
    let instance = find_instance(config, p, o, period)?;
    let a = config
        .agencies
        .binary_search_by(|x| x.id.as_str().cmp(agency))
        .map_err(|_| LookupError::UnknownAgency {
            agency: agency.to_string(),
            close: close(agency, config.agencies.iter().map(|a| a.id.as_str())),
            owing: Vec::new(),
        })?;
    owes(config, &instance, a)?;
    Ok((instance, a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::testing::{MAIN, config};
    use jiff::civil::date;

    const OBS: &str = "[[obligation]]\nid = \"bao-cao\"\ntitle = \"B\"\nagencies = [\"@so-nganh\"]\n\
                       every = \"6 months\"\nfirst_due = \"14/06/2025\"\n";

    #[test]
    fn finds_a_pair_and_names_the_wrong_field() {
        let c = config(MAIN, OBS, None);
        let (inst, a) = find_pair(&c, "p", "bao-cao", date(2025, 6, 14), "so-y-te").unwrap();
        assert_eq!(inst.due, date(2025, 6, 16));
        assert_eq!(c.agencies[a].id, "so-y-te");

        let e = find_pair(&c, "q", "bao-cao", date(2025, 6, 14), "so-y-te").unwrap_err();
        assert_eq!(e.field(), "plan");
        let e = find_pair(&c, "p", "bao-cao-nam", date(2025, 6, 14), "so-y-te").unwrap_err();
        assert_eq!(
            (
                e.field(),
                e.message(Lang::Vi).contains("các nội dung: bao-cao")
            ),
            ("obligation", true)
        );
        // The due date is not the period.
        let e = find_pair(&c, "p", "bao-cao", date(2025, 6, 16), "so-y-te").unwrap_err();
        assert_eq!(e.field(), "period");
        assert!(
            e.message(Lang::Vi)
                .contains("2025-06-14 (14/06/2025), 2025-12-14 (14/12/2025)"),
            "{}",
            e.message(Lang::Vi)
        );
        let e = find_pair(&c, "p", "bao-cao", date(2025, 6, 14), "so-yte").unwrap_err();
        assert_eq!(e.field(), "agency");
        assert!(
            e.message(Lang::Vi).contains("có phải là \"so-y-te\"?"),
            "{}",
            e.message(Lang::Vi)
        );
        // Dissolved before December's due date.
        let e = find_pair(&c, "p", "bao-cao", date(2025, 12, 14), "ubnd-huyen").unwrap_err();
        assert_eq!(e.field(), "agency");
        // (In the default language, as the clerk reads it.)
        assert!(
            e.message(Lang::Vi)
                .contains("đơn vị hoạt động … – 30/06/2025"),
            "{}",
            e.message(Lang::Vi)
        );
    }
}
