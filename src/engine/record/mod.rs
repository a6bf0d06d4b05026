//! Recording what the office learns about one pair — a submission, a
//! waiver, an extension, or their undoing — with the same checks and the same
//! messages wherever it comes from: `dondoc submit` and its siblings, the web
//! console's forms and its API. A pair is read as offices write it (names,
//! numbers, period names) by one reader, [`Names`]. Each returns the sentence to show the clerk,
//! or what is wrong and in which field. A batch (an import, an API call)
//! is checked row by row and written all or none by [`batch`]; the date
//! checks every door makes are in [`checks`].

use jiff::Zoned;

use crate::calendar::Instance;
use crate::calendar::lookup::find_pair;
use crate::calendar::names::{Names, Written};
use crate::config::Config;
use crate::dates;
use crate::lang::{Lang, say};
use crate::ledger::{Extension, Ledger, LedgerError, PairKey, Submission};

mod batch;
mod bulk;
mod checks;

pub use batch::{Batch, Field, record_batch, submission_from};
pub use bulk::{SubmitMany, note, submit_many};
pub use checks::sane_date;
use checks::{check_date, extension_of, on_time};

/// The pair a request is about, as typed (the period as `calendar` shows it).
#[derive(Debug, Clone, Copy)]
pub struct Pair<'a> {
    pub plan: &'a str,
    pub obligation: &'a str,
    pub period: &'a str,
    pub agency: &'a str,
}

/// Why a request was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// A field is wrong: `field` is the command line's option without `--`
    /// (`plan`, `period`, `on`, `to`, …), which the console maps to its label.
    #[error("--{field}: {message}")]
    Field {
        field: &'static str,
        message: String,
    },
    /// A date a clerk rarely means (ahead of today, before the plan): right
    /// only when confirmed (`--force`, or the console's checkbox).
    #[error("--{field}: {message}")]
    Unconfirmed {
        field: &'static str,
        message: String,
    },
    /// Another submission is recorded for the pair; replacing it must be asked for.
    #[error("{existing}")]
    Conflict { existing: String },
    /// There is nothing to undo.
    #[error("{0}")]
    Nothing(String),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

fn field(field: &'static str, message: impl Into<String>) -> Refused {
    Refused::Field {
        field,
        message: message.into(),
    }
}

/// Resolves the pair against the config, each field as offices write it
/// ([`Names`]): checked, with a hint.
pub fn resolve(
    config: &Config,
    pair: Pair<'_>,
    lang: Lang,
) -> Result<(PairKey, Instance), Refused> {
    resolve_with(&Names::new(config), config, pair, lang)
}

/// [`resolve`] with a reader made once for many pairs.
pub fn resolve_with(
    names: &Names<'_>,
    config: &Config,
    pair: Pair<'_>,
    lang: Lang,
) -> Result<(PairKey, Instance), Refused> {
    let written = Written {
        plan: pair.plan,
        obligation: pair.obligation,
        period: pair.period,
        agency: pair.agency,
    };
    let (instance, a) = names
        .pair(written)
        .map_err(|e| field(e.field(), e.message(lang)))?;
    Ok((key_of(config, &instance, a), instance))
}

/// The ledger's key of agency `a`'s pair of `instance`: ids, as the
/// config has them.
pub fn key_of(config: &Config, instance: &Instance, a: usize) -> PairKey {
    PairKey {
        plan: instance.plan(config).id.clone(),
        obligation: instance.obligation(config).id.clone(),
        period: instance.period,
        agency: config.agencies[a].id.clone(),
    }
}

/// A submission to record.
#[derive(Debug, Clone, Copy)]
pub struct Submit<'a> {
    pub pair: Pair<'a>,
    /// A date (00:00) or "dd/mm/yyyy HH:MM"; `None`: now; blank: refused.
    pub on: Option<&'a str>,
    pub reference: Option<&'a str>,
    pub note: Option<&'a str>,
    pub replace: bool,
    /// The clerk confirmed a date ahead of today or before the plan.
    pub force: bool,
}

/// Records a submission as `actor`: "recorded: Sở Y tế — … — on time (due …)".
pub fn submit(
    config: &Config,
    ledger: &mut Ledger,
    request: &Submit<'_>,
    actor: &str,
    now: &Zoned,
    lang: Lang,
) -> Result<String, Refused> {
    let (key, instance) = resolve(config, request.pair, lang)?;
    let on: Zoned = match request.on {
        None => now.clone(),
        Some(text) if text.trim().is_empty() => return Err(field("on", checks::empty_date(lang))),
        Some(text) => dates::parse_moment(text, &config.settings.timezone)
            .map_err(|e| field("on", e.message(lang)))?,
    };
    check_date(config, &instance, &on, now, request.force, lang)?;
    let kept = |t: Option<&str>| t.map(str::trim).filter(|t| !t.is_empty()).map(String::from);
    let submission = Submission {
        key,
        submitted_at: on.timestamp(),
        reference: kept(request.reference),
        note: kept(request.note),
    };
    let outcome = ledger.record_submissions_as(
        std::slice::from_ref(&submission),
        |_| request.replace,
        actor,
    )?;
    let outcome = outcome.map_err(|c| Refused::Conflict {
        existing: describe(config, &c.existing, lang),
    })?;
    let verb = if outcome.replaced > 0 {
        say!(lang, "đã thay", "replaced")
    } else if outcome.unchanged > 0 {
        say!(lang, "đã có, không đổi", "already recorded, unchanged")
    } else {
        say!(lang, "đã ghi nhận", "recorded")
    };
    let timing = timing(config, ledger, &instance, &submission, lang)?;
    Ok(format!(
        "{verb}: {} — {timing}",
        describe(config, &submission, lang)
    ))
}

/// On time or late, by the rule `status` applies (deadlines with a time of
/// day, extensions): "đúng hạn (hạn 29/04/2025)", "trễ 2 ngày (hạn …)".
fn timing(
    config: &Config,
    ledger: &Ledger,
    instance: &Instance,
    submission: &Submission,
    lang: Lang,
) -> Result<String, LedgerError> {
    let extended = extension_of(ledger, &submission.key)?;
    let due = extended.unwrap_or(instance.due);
    Ok(if on_time(config, instance, extended, submission) {
        say!(
            lang,
            "đúng hạn (hạn {})",
            "on time (due {})",
            dates::vn(due)
        )
    } else {
        let on = submission
            .submitted_at
            .to_zoned(config.settings.timezone.clone());
        let late = crate::lang::days(lang, dates::days_between(due, on.date()));
        say!(
            lang,
            "nộp muộn {late} (hạn {})",
            "{late} late (due {})",
            dates::vn(due)
        )
    })
}

/// Records submissions whose pairs are already known (an accepted proposal
/// from the mailbox), all or none, as `actor`: each pair must still be in
/// the config, each date passes the checks `submit` makes (never ahead of
/// `now`, not before 2000, not before the plan was issued), a different
/// submission already recorded is a conflict. Returns each one's sentence
/// with its verdict, as `submit` says it.
pub fn record_known(
    config: &Config,
    ledger: &mut Ledger,
    batch: &[Submission],
    actor: &str,
    now: &Zoned,
    lang: Lang,
) -> Result<Vec<String>, Refused> {
    let mut instances = Vec::with_capacity(batch.len());
    for s in batch {
        let k = &s.key;
        let (instance, _) = find_pair(config, &k.plan, &k.obligation, k.period, &k.agency)
            .map_err(|e| field(e.field(), e.message(lang)))?;
        let on = s.submitted_at.to_zoned(config.settings.timezone.clone());
        check_date(config, &instance, &on, now, false, lang)?;
        instances.push(instance);
    }
    ledger
        .record_submissions_as(batch, |_| false, actor)?
        .map_err(|c| Refused::Conflict {
            existing: describe(config, &c.existing, lang),
        })?;
    batch
        .iter()
        .zip(&instances)
        .map(|(s, instance)| {
            let timing = timing(config, ledger, instance, s, lang)?;
            Ok(format!("{} — {timing}", describe(config, s, lang)))
        })
        .collect()
}

/// Removes a recorded submission.
pub fn unsubmit(
    config: &Config,
    ledger: &mut Ledger,
    pair: Pair<'_>,
    lang: Lang,
) -> Result<String, Refused> {
    let (key, _) = resolve(config, pair, lang)?;
    let what = pair_text(config, &key, lang);
    if ledger.delete_submission(&key)? {
        Ok(say!(
            lang,
            "đã xóa bản nộp của {what}",
            "removed the submission of {what}"
        ))
    } else {
        Err(Refused::Nothing(say!(
            lang,
            "chưa có bản nộp nào của {what}; không có gì để hoàn tác",
            "no submission is recorded for {what}; nothing to undo"
        )))
    }
}

/// Waives a pair as `actor` (or lifts the waiver with `undo`).
pub fn exempt(
    config: &Config,
    ledger: &mut Ledger,
    pair: Pair<'_>,
    note: Option<&str>,
    undo: bool,
    actor: &str,
    lang: Lang,
) -> Result<String, Refused> {
    let (key, _) = resolve(config, pair, lang)?;
    let what = pair_text(config, &key, lang);
    if undo {
        return if ledger.remove_waiver(&key)? {
            Ok(say!(
                lang,
                "đã bỏ miễn nộp: {what}",
                "lifted the waiver of {what}"
            ))
        } else {
            Err(Refused::Nothing(say!(
                lang,
                "{what} không được miễn; không có gì để hoàn tác",
                "{what} is not exempt; nothing to undo"
            )))
        };
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if ledger.add_waiver(&key, note, actor)? {
        Ok(say!(lang, "đã miễn nộp: {what}", "exempted {what}"))
    } else {
        Ok(say!(
            lang,
            "{what} đã được miễn từ trước; không đổi",
            "{what} was already exempt; unchanged"
        ))
    }
}

/// Moves a pair's due date later to `to`, as `actor` (or lifts the
/// extension: `to` is `None`).
pub fn extend(
    config: &Config,
    ledger: &mut Ledger,
    pair: Pair<'_>,
    to: Option<&str>,
    note: Option<&str>,
    actor: &str,
    lang: Lang,
) -> Result<String, Refused> {
    let (key, instance) = resolve(config, pair, lang)?;
    let what = pair_text(config, &key, lang);
    let Some(text) = to else {
        let due = dates::vn(instance.due);
        return if ledger.remove_extension(&key)? {
            Ok(say!(
                lang,
                "đã bỏ gia hạn {what}: hạn lại là {due}",
                "lifted the extension of {what}: due {due} again"
            ))
        } else {
            Err(Refused::Nothing(say!(
                lang,
                "{what} chưa được gia hạn; không có gì để hoàn tác",
                "{what} is not extended; nothing to undo"
            )))
        };
    };
    let to = dates::parse_date(text).map_err(|e| field("to", e.message(lang)))?;
    if to <= instance.due {
        return Err(field(
            "to",
            say!(
                lang,
                "{} không sau hạn {}; gia hạn là dời hạn về sau",
                "{} is not later than the due date {}; an extension moves it later",
                dates::vn(to),
                dates::vn(instance.due)
            ),
        ));
    }
    let extension = Extension {
        key,
        due: to,
        note: note
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(String::from),
    };
    ledger.set_extension(&extension, actor)?;
    let (from, to) = (dates::vn(instance.due), dates::vn(to));
    Ok(say!(
        lang,
        "đã gia hạn {what}: hạn {from} → {to}",
        "extended {what}: due {from} → {to}"
    ))
}

/// "Sở Y tế — Báo cáo 6 tháng, kỳ 6 tháng đầu năm 2025 (Kế hoạch số
/// 3212/KH-UBND), nộp 16/06/2025 15:30, số 125/BC-SYT".
pub fn describe(config: &Config, s: &Submission, lang: Lang) -> String {
    with_when(config, pair_text(config, &s.key, lang), s, lang)
}

/// Several agencies' submissions to one instance, with one date and number:
/// "Sở Y tế, Sở Tài chính — Báo cáo 6 tháng, kỳ …, nộp …, số …".
fn describe_many(config: &Config, batch: &[Submission], lang: Lang) -> String {
    let names: Vec<&str> = batch
        .iter()
        .map(|s| config.agency_name(&s.key.agency))
        .collect();
    let what = format!(
        "{} — {}",
        names.join(", "),
        what_of(config, &batch[0].key, lang)
    );
    with_when(config, what, &batch[0], lang)
}

fn with_when(config: &Config, mut text: String, s: &Submission, lang: Lang) -> String {
    let local = s.submitted_at.to_zoned(config.settings.timezone.clone());
    let when = dates::vn_time(&local);
    text.push_str(&say!(lang, ", nộp {when}", ", submitted {when}"));
    if let Some(r) = &s.reference {
        text.push_str(&say!(lang, ", số {r}", ", ref {r}"));
    }
    text
}

/// "Sở Y tế — Báo cáo 6 tháng, kỳ 6 tháng đầu năm 2025 (Kế hoạch số
/// 3212/KH-UBND)", as the messages name a pair: the names a clerk knows,
/// never the config's ids (unless the pair is no longer in the config).
pub fn pair_text(config: &Config, key: &PairKey, lang: Lang) -> String {
    let name = config.agency_name(&key.agency);
    format!("{name} — {}", what_of(config, key, lang))
}

/// The instance of `key`, named: "Báo cáo 6 tháng, kỳ 6 tháng đầu năm 2025
/// (Kế hoạch số 3212/KH-UBND)".
fn what_of(config: &Config, key: &PairKey, lang: Lang) -> String {
    match find_pair(config, &key.plan, &key.obligation, key.period, &key.agency) {
        Ok((instance, _)) => {
            let plan = instance.plan(config);
            say!(
                lang,
                "{}, kỳ {} ({})",
                "{}, period {} ({})",
                instance.obligation(config).title,
                crate::calendar::period_name(config, &instance),
                crate::calendar::letter::short(plan, lang)
            )
        }
        Err(_) => say!(
            lang,
            "{}/{} kỳ {}",
            "{}/{} period {}",
            key.plan,
            key.obligation,
            dates::vn(key.period)
        ),
    }
}
