//! The checks a submission's date passes whatever the door: not more than
//! a day ahead of the clock, not before the plan was issued (both may be
//! confirmed: `--force`, the console's checkbox); the extension that moves
//! a pair's due date.

use jiff::Zoned;
use jiff::civil::Date;

use super::Refused;
use crate::calendar::Instance;
use crate::config::Config;
use crate::dates;
use crate::lang::{Lang, say};
use crate::ledger::{Ledger, LedgerError, PairKey, Submission};
use crate::policy::states::on_time_for;

/// A submission date a clerk rarely means: more than a day ahead, or before
/// the plan was issued, needs confirming. (Outside 2000–2100 the date parser
/// has refused it already, `--force` or not.)
pub(super) fn check_date(
    config: &Config,
    instance: &Instance,
    on: &Zoned,
    now: &Zoned,
    force: bool,
    lang: Lang,
) -> Result<(), Refused> {
    if let Err(message) = sane_date(on, now, lang) {
        if !force {
            return Err(Refused::Unconfirmed {
                field: "on",
                message,
            });
        }
    }
    match before_issued(config.plans[instance.plan].issued, on, lang) {
        Some(message) if !force => Err(Refused::Unconfirmed {
            field: "on",
            message,
        }),
        _ => Ok(()),
    }
}

/// What is wrong with a submission dated before its plan was `issued`.
pub(super) fn before_issued(issued: Option<Date>, on: &Zoned, lang: Lang) -> Option<String> {
    let issued = issued.filter(|d| on.date() < *d)?;
    Some(say!(
        lang,
        "{} là trước ngày ban hành kế hoạch ({}); kiểm tra lại ngày",
        "{} is before the plan was issued ({}); check the date",
        dates::vn(on.date()),
        dates::vn(issued)
    ))
}

/// Whether `s` was on time for `instance`, due `extended` if the office
/// moved it, by the rule `status` applies (a deadline's time of day).
pub(super) fn on_time(
    config: &Config,
    instance: &Instance,
    extended: Option<Date>,
    s: &Submission,
) -> bool {
    let on = s.submitted_at.to_zoned(config.settings.timezone.clone());
    on_time_for(instance, extended, on.timestamp(), on.date())
}

/// The extended due date of a pair, if the office granted one.
pub(super) fn extension_of(ledger: &Ledger, key: &PairKey) -> Result<Option<Date>, LedgerError> {
    let all = ledger.extensions()?;
    Ok(all.into_iter().find(|e| e.key == *key).map(|e| e.due))
}

/// A submission date a clerk could not have meant: more than a day ahead of
/// now. (A year typed as 0025 or 1925 never gets here: the date parser
/// refuses dates outside 2000–2100.)
pub fn sane_date(on: &Zoned, now: &Zoned, lang: Lang) -> Result<(), String> {
    use jiff::ToSpan;
    let tomorrow = now.checked_add(1.day()).unwrap_or_else(|_| now.clone());
    if *on > tomorrow {
        return Err(say!(
            lang,
            "{} là ngày trong tương lai (hôm nay là {}); kiểm tra lại ngày và năm",
            "{} is in the future (today is {}); check the day and the year",
            dates::vn(on.date()),
            dates::vn(now.date())
        ));
    }
    Ok(())
}

/// What is wrong with a submission date left empty — given but blank, as
/// an emptied form field or `--on ''` sends it (left out, it means now).
pub(super) fn empty_date(lang: Lang) -> String {
    say!(
        lang,
        "để trống; ghi ngày nộp (dd/mm/yyyy)",
        "is empty; write the date it was submitted (dd/mm/yyyy)"
    )
}
