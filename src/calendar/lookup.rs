//! Finding the instance a command or CSV row names: plan, obligation,
//! period and agency, each checked against the config, with an error that
//! says which field is wrong and what would be right. The error is a value;
//! [`LookupError::message`] words it in the language of whoever reads it.

use std::fmt;

use jiff::civil::Date;

use super::{Instance, due_date, horizon, scheduled_dates};
use crate::config::Config;
use crate::dates;
use crate::lang::{Lang, say};

/// Which field of a pair reference is wrong, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupError {
    /// No such plan; `close` are the ids it may be a typo of.
    UnknownPlan {
        plan: String,
        close: Vec<String>,
        known: Vec<String>,
    },
    /// The plan has no such obligation.
    UnknownObligation {
        plan: String,
        obligation: String,
        close: Vec<String>,
        known: Vec<String>,
    },
    /// The date is not one of the obligation's periods; `nearest` are.
    NotAPeriod {
        period: Date,
        obligation: String,
        nearest: Vec<Date>,
    },
    /// No such agency.
    UnknownAgency { agency: String, close: Vec<String> },
    /// The agency is not one of the obligation's.
    NotItsAgency { agency: String, obligation: String },
    /// The agency was not active on the instance's due date.
    Inactive {
        agency: String,
        due: Date,
        from: Option<Date>,
        until: Option<Date>,
    },
}

impl LookupError {
    /// The field that is wrong: `plan`, `obligation`, `period` or `agency`.
    pub fn field(&self) -> &'static str {
        match self {
            LookupError::UnknownPlan { .. } => "plan",
            LookupError::UnknownObligation { .. } => "obligation",
            LookupError::NotAPeriod { .. } => "period",
            LookupError::UnknownAgency { .. }
            | LookupError::NotItsAgency { .. }
            | LookupError::Inactive { .. } => "agency",
        }
    }

    /// What is wrong, in `lang`, with what would be right.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            LookupError::UnknownPlan { plan, close, known } => say!(
                lang,
                "không có kế hoạch \"{plan}\"{}; các kế hoạch: {}",
                "unknown plan \"{plan}\"{}; the plans are: {}",
                crate::suggest::words(lang, close),
                known.join(", ")
            ),
            LookupError::UnknownObligation {
                plan,
                obligation,
                close,
                known,
            } => say!(
                lang,
                "kế hoạch \"{plan}\" không có nội dung \"{obligation}\"{}; các nội dung: {}",
                "plan \"{plan}\" has no obligation \"{obligation}\"{}; it has: {}",
                crate::suggest::words(lang, close),
                known.join(", ")
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
                     (kỳ là ngày theo lịch, trước khi dời vì ngày nghỉ)",
                    "{} is not a period of \"{obligation}\"; the nearest periods are {} \
                     (a period is the scheduled date, before any holiday shift)",
                    dates::vn(*period),
                    nearest.join(", ")
                )
            }
            LookupError::UnknownAgency { agency, close } => say!(
                lang,
                "không có đơn vị \"{agency}\"{}; mã đơn vị ghi trong agencies.toml",
                "unknown agency \"{agency}\"{}; agencies.toml lists the ids",
                crate::suggest::words(lang, close)
            ),
            LookupError::NotItsAgency { agency, obligation } => say!(
                lang,
                "\"{agency}\" không phải đơn vị phải nộp nội dung \"{obligation}\"",
                "\"{agency}\" is not one of the agencies of obligation \"{obligation}\""
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
        }
    }
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

/// The instance `(plan, obligation, period)` and the index of `agency`, which
/// must owe it.
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
    let (o, ob) = plan_cfg
        .obligations
        .iter()
        .enumerate()
        .find(|(_, x)| x.id == obligation)
        .ok_or_else(|| {
            let known = || plan_cfg.obligations.iter().map(|x| x.id.as_str());
            LookupError::UnknownObligation {
                plan: plan.to_string(),
                obligation: obligation.to_string(),
                close: close(obligation, known()),
                known: known().map(String::from).collect(),
            }
        })?;
    let periods = scheduled_dates(&ob.schedule, horizon(period, None));
    if !periods.contains(&period) {
        let after = periods
            .iter()
            .position(|p| *p > period)
            .unwrap_or(periods.len());
        return Err(LookupError::NotAPeriod {
            period,
            obligation: obligation.to_string(),
            nearest: periods[after.saturating_sub(2)..(after + 2).min(periods.len())].to_vec(),
        });
    }
    let a = config
        .agencies
        .binary_search_by(|x| x.id.as_str().cmp(agency))
        .map_err(|_| LookupError::UnknownAgency {
            agency: agency.to_string(),
            close: close(agency, config.agencies.iter().map(|a| a.id.as_str())),
        })?;
    let due = due_date(config, ob, period);
    if !ob.agencies.contains(&a) {
        return Err(LookupError::NotItsAgency {
            agency: agency.to_string(),
            obligation: obligation.to_string(),
        });
    }
    let ag = &config.agencies[a];
    if !ag.owes(due) {
        return Err(LookupError::Inactive {
            agency: agency.to_string(),
            due,
            from: ag.active_from,
            until: ag.active_until,
        });
    }
    let instance = Instance {
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
    };
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
