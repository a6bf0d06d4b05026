//! What is valid but probably not what the office meant: printed by `check`
//! after its summary and logged by the daemon at start and at each reload.
//! Pure: the date to judge by is an argument.

use std::collections::BTreeMap;

use jiff::ToSpan;
use jiff::civil::Date;

use crate::calendar::{self, Instance};
use crate::config::{Config, escape};
use crate::dates;

/// The instances the warnings look at: those through 12 months after `today`
/// (what `check` also counts for its summary, so it computes them once).
pub fn upcoming(config: &Config, today: Date) -> Vec<Instance> {
    let year_later = today.checked_add(12.months()).unwrap_or(today);
    calendar::instances_due_between(config, today, year_later)
}

/// The warnings for `config` as of `today`, one line each; `upcoming` is
/// [`upcoming`]`(config, today)`.
pub fn warnings(config: &Config, today: Date, upcoming: &[Instance]) -> Vec<String> {
    let mut out = Vec::new();
    for file in &config.stray_plan_files {
        out.push(format!(
            "{}: not a .toml file, so not read; rename it to end in .toml if it is a plan, \
             or move it out of plans/",
            escape(&file.display().to_string())
        ));
    }
    out.extend(unowed(config, upcoming));
    out.extend(provisional(config));
    let next = today.year() + 1;
    if today.month() >= 10 && !config.workdays.year_from_file(next) {
        out.push(format!(
            "holidays.toml: no [[year]] for {next}; until it is added, dondoc uses the built-in \
             statutory holidays for {next}, which are provisional: the government announces the \
             actual days off (and make-up working days) each year; compare `dondoc holidays \
             --year {next}` with the announcement"
        ));
    }
    out
}

/// Instances due in the next 12 months that no agency owes (every agency
/// they name is inactive by then), one line per obligation.
fn unowed(config: &Config, upcoming: &[Instance]) -> Vec<String> {
    let mut by_obligation: BTreeMap<(usize, usize), Vec<Date>> = BTreeMap::new();
    for inst in upcoming {
        if inst.agencies.is_empty() {
            by_obligation
                .entry((inst.plan, inst.obligation))
                .or_default()
                .push(inst.period);
        }
    }
    by_obligation
        .into_iter()
        .map(|((p, o), periods)| {
            let plan = &config.plans[p];
            let n = periods.len();
            format!(
                "{}: obligation {} ({}): {n} instance{} due in the next 12 months owed by no \
                 agency (first: period {}); every agency it names is inactive then — check \
                 `agencies` and active_from/active_until in agencies.toml",
                plan.file.display(),
                plan.obligations[o].id,
                escape(&plan.obligations[o].title),
                if n == 1 { "" } else { "s" },
                dates::vn(periods[0])
            )
        })
        .collect()
}

/// Obligations whose dates no document sets yet (`provisional = true`).
fn provisional(config: &Config) -> Vec<String> {
    let mut out = Vec::new();
    for plan in &config.plans {
        for ob in plan.obligations.iter().filter(|o| o.provisional) {
            out.push(format!(
                "{}: obligation {} ({}): provisional = true: no document sets its dates yet, so \
                 emails give them as the office's provisional dates, never as the plan's; when \
                 the regime or the office's notice sets them, correct the dates, name that \
                 document in date_basis and remove provisional",
                plan.file.display(),
                ob.id,
                escape(&ob.title),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::testing::{MAIN, config};
    use jiff::civil::date;

    fn at(c: &Config, today: Date) -> Vec<String> {
        warnings(c, today, &upcoming(c, today))
    }

    #[test]
    fn each_warning_names_the_file_and_what_to_do() {
        // ubnd-huyen ends 30/06/2025: its own obligation is owed by nobody after.
        let ob = "[[obligation]]\nid = \"bc\"\ntitle = \"B\"\nagencies = [\"ubnd-huyen\"]\n\
                  every = \"1 month\"\nfirst_due = \"15/01/2025\"\n";
        let c = config(MAIN, ob, Some("[[year]]\nyear = 2025\noff = [\"01/01\"]\n"));
        let w = at(&c, date(2025, 10, 1));
        assert_eq!(w.len(), 2, "{w:#?}");
        assert!(
            w[0].starts_with("plans/p.toml: obligation bc (B): 12 instances due in the next 12 months owed by no agency (first: period 15/10/2025)"),
            "{}",
            w[0]
        );
        assert!(
            w[1].starts_with("holidays.toml: no [[year]] for 2026;"),
            "{}",
            w[1]
        );
        // Before October the next year's holidays are not yet expected; from
        // 01/04/2025, the reports of April to June are still owed (9 of 12 not).
        let w = at(&c, date(2025, 4, 1));
        assert_eq!(w.len(), 1, "{w:#?}");
        assert!(
            w[0].contains(": 9 instances due") && w[0].contains("period 15/07/2025"),
            "{}",
            w[0]
        );
    }
}
