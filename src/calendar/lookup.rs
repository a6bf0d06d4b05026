//! Finding the instance a command or CSV row names: plan, obligation,
//! period and agency, each checked against the config, with an error that
//! says which field is wrong and what would be right.

use std::fmt;

use jiff::civil::Date;

use super::{Instance, due_date, horizon, scheduled_dates};
use crate::config::Config;
use crate::dates;

/// Which field of a pair reference is wrong, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LookupError {
    /// `plan`, `obligation`, `period` or `agency`.
    pub field: &'static str,
    pub message: String,
}

impl fmt::Display for LookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for LookupError {}

fn err(field: &'static str, message: String) -> LookupError {
    LookupError { field, message }
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
            let known: Vec<&str> = config.plans.iter().map(|x| x.id.as_str()).collect();
            err(
                "plan",
                crate::lang::say!(
                    "không có kế hoạch \"{plan}\"{}; các kế hoạch: {}",
                    "unknown plan \"{plan}\"{}; the plans are: {}",
                    crate::suggest::hint(plan, known.iter().copied()),
                    known.join(", ")
                ),
            )
        })?;
    let (o, ob) = plan_cfg
        .obligations
        .iter()
        .enumerate()
        .find(|(_, x)| x.id == obligation)
        .ok_or_else(|| {
            let known: Vec<&str> = plan_cfg.obligations.iter().map(|x| x.id.as_str()).collect();
            err(
                "obligation",
                crate::lang::say!(
                    "kế hoạch \"{plan}\" không có nội dung \"{obligation}\"{}; các nội dung: {}",
                    "plan \"{plan}\" has no obligation \"{obligation}\"{}; it has: {}",
                    crate::suggest::hint(obligation, known.iter().copied()),
                    known.join(", ")
                ),
            )
        })?;
    let periods = scheduled_dates(&ob.schedule, horizon(period, None));
    if !periods.contains(&period) {
        return Err(err("period", not_an_instance(period, &periods, obligation)));
    }
    let a = config
        .agencies
        .binary_search_by(|x| x.id.as_str().cmp(agency))
        .map_err(|_| {
            err(
                "agency",
                crate::lang::say!(
                    "không có đơn vị \"{agency}\"{}; mã đơn vị ghi trong agencies.toml",
                    "unknown agency \"{agency}\"{}; agencies.toml lists the ids",
                    crate::suggest::hint(agency, config.agencies.iter().map(|a| a.id.as_str()))
                ),
            )
        })?;
    let due = due_date(config, ob, period);
    if !ob.agencies.contains(&a) {
        return Err(err(
            "agency",
            crate::lang::say!(
                "\"{agency}\" không phải đơn vị phải nộp nội dung \"{obligation}\"",
                "\"{agency}\" is not one of the agencies of obligation \"{obligation}\""
            ),
        ));
    }
    let ag = &config.agencies[a];
    if !ag.owes(due) {
        let range = |d: Option<Date>| d.map_or("…".to_string(), dates::vn);
        return Err(err(
            "agency",
            crate::lang::say!(
                "\"{agency}\" không phải nộp kỳ này: hạn {}, đơn vị hoạt động {} – {}",
                "\"{agency}\" does not owe this instance: it is due {} and the agency is active {} – {}",
                dates::vn(due),
                range(ag.active_from),
                range(ag.active_until)
            ),
        ));
    }
    let instance = Instance {
        plan: p,
        obligation: o,
        period,
        due,
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

fn not_an_instance(period: Date, periods: &[Date], obligation: &str) -> String {
    let after = periods
        .iter()
        .position(|p| *p > period)
        .unwrap_or(periods.len());
    let nearest: Vec<String> = periods[after.saturating_sub(2)..(after + 2).min(periods.len())]
        .iter()
        .map(|d| format!("{} ({})", d, dates::vn(*d)))
        .collect();
    crate::lang::say!(
        "{} không phải một kỳ của \"{obligation}\"; các kỳ gần nhất là {} \
         (kỳ là ngày theo lịch, trước khi dời vì ngày nghỉ)",
        "{} is not a period of \"{obligation}\"; the nearest periods are {} \
         (a period is the scheduled date, before any holiday shift)",
        dates::vn(period),
        nearest.join(", ")
    )
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
        assert_eq!(e.field, "plan");
        let e = find_pair(&c, "p", "bao-cao-nam", date(2025, 6, 14), "so-y-te").unwrap_err();
        assert_eq!(
            (e.field, e.message.contains("các nội dung: bao-cao")),
            ("obligation", true)
        );
        // The due date is not the period.
        let e = find_pair(&c, "p", "bao-cao", date(2025, 6, 16), "so-y-te").unwrap_err();
        assert_eq!(e.field, "period");
        assert!(
            e.message
                .contains("2025-06-14 (14/06/2025), 2025-12-14 (14/12/2025)"),
            "{}",
            e.message
        );
        let e = find_pair(&c, "p", "bao-cao", date(2025, 6, 14), "so-yte").unwrap_err();
        assert_eq!(e.field, "agency");
        assert!(
            e.message.contains("có phải là \"so-y-te\"?"),
            "{}",
            e.message
        );
        // Dissolved before December's due date.
        let e = find_pair(&c, "p", "bao-cao", date(2025, 12, 14), "ubnd-huyen").unwrap_err();
        assert_eq!(e.field, "agency");
        // (In the default language, as the clerk reads it.)
        assert!(
            e.message.contains("đơn vị hoạt động … – 30/06/2025"),
            "{}",
            e.message
        );
    }
}
