//! Recording what the office learns about one pair — a submission, a
//! waiver, an extension, or their undoing — with the same checks and the same
//! messages wherever it comes from: `dondoc submit` and its siblings, the web
//! console's forms and its API. Each returns the sentence to show the clerk,
//! or what is wrong and in which field.

use jiff::Zoned;
use jiff::civil::Date;

use crate::calendar::Instance;
use crate::calendar::lookup::find_pair;
use crate::config::Config;
use crate::dates;
use crate::lang::say;
use crate::ledger::{Extension, Ledger, LedgerError, PairKey, Submission};
use crate::policy::states::on_time_for;

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

/// Resolves the pair against the config: each field checked, with a hint.
pub fn resolve(config: &Config, pair: Pair<'_>) -> Result<(PairKey, Instance), Refused> {
    let period = dates::parse_date(pair.period).map_err(|e| field("period", e.to_string()))?;
    let (instance, _) = find_pair(config, pair.plan, pair.obligation, period, pair.agency)
        .map_err(|e| field(e.field, e.message))?;
    let key = PairKey {
        plan: pair.plan.to_string(),
        obligation: pair.obligation.to_string(),
        period,
        agency: pair.agency.to_string(),
    };
    Ok((key, instance))
}

/// A submission to record.
#[derive(Debug, Clone, Copy)]
pub struct Submit<'a> {
    pub pair: Pair<'a>,
    /// A date (00:00) or "dd/mm/yyyy HH:MM"; `None`: now.
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
) -> Result<String, Refused> {
    let (key, instance) = resolve(config, request.pair)?;
    let on: Zoned = match request.on.filter(|t| !t.trim().is_empty()) {
        Some(text) => dates::parse_moment(text, &config.settings.timezone)
            .map_err(|e| field("on", e.to_string()))?,
        None => now.clone(),
    };
    check_date(config, &instance, &on, now, request.force)?;
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
        existing: describe(config, &c.existing),
    })?;
    let verb = if outcome.replaced > 0 {
        say!("đã thay", "replaced")
    } else if outcome.unchanged > 0 {
        say!("đã có, không đổi", "already recorded, unchanged")
    } else {
        say!("đã ghi nhận", "recorded")
    };
    let timing = timing(config, ledger, &instance, &submission)?;
    Ok(format!(
        "{verb}: {} — {timing}",
        describe(config, &submission)
    ))
}

/// On time or late, by the rule `status` applies (deadlines with a time of
/// day, extensions): "đúng hạn (hạn 29/04/2025)", "trễ 2 ngày (hạn …)".
fn timing(
    config: &Config,
    ledger: &Ledger,
    instance: &Instance,
    submission: &Submission,
) -> Result<String, LedgerError> {
    let on = submission
        .submitted_at
        .to_zoned(config.settings.timezone.clone());
    let extended = extension_of(ledger, &submission.key)?;
    let due = extended.unwrap_or(instance.due);
    Ok(
        if on_time_for(instance, extended, on.timestamp(), on.date()) {
            say!("đúng hạn (hạn {})", "on time (due {})", dates::vn(due))
        } else {
            let late = crate::lang::days(dates::days_between(due, on.date()));
            say!(
                "trễ {late} (hạn {})",
                "{late} late (due {})",
                dates::vn(due)
            )
        },
    )
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
) -> Result<Vec<String>, Refused> {
    let mut instances = Vec::with_capacity(batch.len());
    for s in batch {
        let k = &s.key;
        let (instance, _) = find_pair(config, &k.plan, &k.obligation, k.period, &k.agency)
            .map_err(|e| field(e.field, e.message))?;
        let on = s.submitted_at.to_zoned(config.settings.timezone.clone());
        check_date(config, &instance, &on, now, false)?;
        instances.push(instance);
    }
    ledger
        .record_submissions_as(batch, |_| false, actor)?
        .map_err(|c| Refused::Conflict {
            existing: describe(config, &c.existing),
        })?;
    batch
        .iter()
        .zip(&instances)
        .map(|(s, instance)| {
            let timing = timing(config, ledger, instance, s)?;
            Ok(format!("{} — {timing}", describe(config, s)))
        })
        .collect()
}

/// Removes a recorded submission.
pub fn unsubmit(config: &Config, ledger: &mut Ledger, pair: Pair<'_>) -> Result<String, Refused> {
    let (key, _) = resolve(config, pair)?;
    let what = pair_text(config, &key);
    if ledger.delete_submission(&key)? {
        Ok(say!(
            "đã xóa bản nộp của {what}",
            "removed the submission of {what}"
        ))
    } else {
        Err(Refused::Nothing(say!(
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
) -> Result<String, Refused> {
    let (key, _) = resolve(config, pair)?;
    let what = pair_text(config, &key);
    if undo {
        return if ledger.remove_waiver(&key)? {
            Ok(say!(
                "đã bỏ miễn nộp: {what}",
                "lifted the waiver of {what}"
            ))
        } else {
            Err(Refused::Nothing(say!(
                "{what} không được miễn; không có gì để hoàn tác",
                "{what} is not exempt; nothing to undo"
            )))
        };
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if ledger.add_waiver(&key, note, actor)? {
        Ok(say!("đã miễn nộp: {what}", "exempted {what}"))
    } else {
        Ok(say!(
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
) -> Result<String, Refused> {
    let (key, instance) = resolve(config, pair)?;
    let what = pair_text(config, &key);
    let Some(text) = to else {
        let due = dates::vn(instance.due);
        return if ledger.remove_extension(&key)? {
            Ok(say!(
                "đã bỏ gia hạn {what}: hạn lại là {due}",
                "lifted the extension of {what}: due {due} again"
            ))
        } else {
            Err(Refused::Nothing(say!(
                "{what} chưa được gia hạn; không có gì để hoàn tác",
                "{what} is not extended; nothing to undo"
            )))
        };
    };
    let to = dates::parse_date(text).map_err(|e| field("to", e.to_string()))?;
    if to <= instance.due {
        return Err(field(
            "to",
            say!(
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
        "đã gia hạn {what}: hạn {from} → {to}",
        "extended {what}: due {from} → {to}"
    ))
}

/// "Sở Y tế — p/bao-cao kỳ 29/04/2025, nộp 29/04/2025 15:30, số 125/BC-SYT".
pub fn describe(config: &Config, s: &Submission) -> String {
    let local = s.submitted_at.to_zoned(config.settings.timezone.clone());
    let when = dates::vn_time(&local);
    let mut text = say!(
        "{}, nộp {when}",
        "{}, submitted {when}",
        pair_text(config, &s.key)
    );
    if let Some(r) = &s.reference {
        text.push_str(&say!(", số {r}", ", ref {r}"));
    }
    text
}

/// "Sở Y tế — p/bao-cao kỳ 29/04/2025", as the messages name a pair.
pub fn pair_text(config: &Config, key: &PairKey) -> String {
    let name = config.agency_name(&key.agency);
    say!(
        "{name} — {}/{} kỳ {}",
        "{name} — {}/{} period {}",
        key.plan,
        key.obligation,
        dates::vn(key.period)
    )
}

/// A submission date a clerk rarely means: more than a day ahead, or before
/// the plan was issued, needs confirming. (Outside 2000–2100 the date parser
/// has refused it already, `--force` or not.)
fn check_date(
    config: &Config,
    instance: &Instance,
    on: &Zoned,
    now: &Zoned,
    force: bool,
) -> Result<(), Refused> {
    if let Err(message) = sane_date(on, now) {
        if !force {
            return Err(Refused::Unconfirmed {
                field: "on",
                message,
            });
        }
    }
    match before_issued(config.plans[instance.plan].issued, on) {
        Some(message) if !force => Err(Refused::Unconfirmed {
            field: "on",
            message,
        }),
        _ => Ok(()),
    }
}

/// What is wrong with a submission dated before its plan was `issued`.
fn before_issued(issued: Option<Date>, on: &Zoned) -> Option<String> {
    let issued = issued.filter(|d| on.date() < *d)?;
    Some(say!(
        "{} là trước ngày ban hành kế hoạch ({}); kiểm tra lại ngày",
        "{} is before the plan was issued ({}); check the date",
        dates::vn(on.date()),
        dates::vn(issued)
    ))
}

/// The extended due date of a pair, if the office granted one.
fn extension_of(ledger: &Ledger, key: &PairKey) -> Result<Option<Date>, LedgerError> {
    let all = ledger.extensions()?;
    Ok(all.into_iter().find(|e| e.key == *key).map(|e| e.due))
}

/// A submission date a clerk could not have meant: more than a day ahead of
/// now. (A year typed as 0025 or 1925 never gets here: the date parser
/// refuses dates outside 2000–2100.)
pub fn sane_date(on: &Zoned, now: &Zoned) -> Result<(), String> {
    use jiff::ToSpan;
    let tomorrow = now.checked_add(1.day()).unwrap_or_else(|_| now.clone());
    if *on > tomorrow {
        return Err(say!(
            "{} là ngày trong tương lai (hôm nay là {}); kiểm tra lại ngày và năm",
            "{} is in the future (today is {}); check the day and the year",
            dates::vn(on.date()),
            dates::vn(now.date())
        ));
    }
    Ok(())
}

/// One field of a submission, as `import`'s columns and the API's objects
/// name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Plan,
    Obligation,
    Period,
    Agency,
    SubmittedOn,
    Ref,
    Note,
}

impl Field {
    /// Every field, in `import`'s column order.
    pub const ALL: [Field; 7] = [
        Field::Plan,
        Field::Obligation,
        Field::Period,
        Field::Agency,
        Field::SubmittedOn,
        Field::Ref,
        Field::Note,
    ];

    /// Its name in a CSV header and a JSON object.
    pub fn name(self) -> &'static str {
        match self {
            Field::Plan => "plan",
            Field::Obligation => "obligation",
            Field::Period => "period",
            Field::Agency => "agency",
            Field::SubmittedOn => "submitted_on",
            Field::Ref => "ref",
            Field::Note => "note",
        }
    }

    /// The field `name` names.
    pub fn named(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Its place in `import`'s column order.
    pub fn index(self) -> usize {
        self as usize
    }
}

/// The fields of one submission as a CSV row or an API object gives them
/// (`get` gives a field's text, "" when absent). A wrong field is reported
/// with its [`Field`].
pub fn submission_from<'a>(
    config: &Config,
    get: &impl Fn(Field) -> &'a str,
    now: &Zoned,
) -> Result<Submission, (Field, String)> {
    let period =
        dates::parse_date(get(Field::Period)).map_err(|e| (Field::Period, e.to_string()))?;
    find_pair(
        config,
        get(Field::Plan),
        get(Field::Obligation),
        period,
        get(Field::Agency),
    )
    .map_err(|e| {
        let f = match e.field {
            "plan" => Field::Plan,
            "obligation" => Field::Obligation,
            "period" => Field::Period,
            _ => Field::Agency,
        };
        (f, e.message)
    })?;
    if get(Field::SubmittedOn).is_empty() {
        return Err((
            Field::SubmittedOn,
            say!(
                "để trống; ghi ngày nộp (dd/mm/yyyy)",
                "is empty; write the date it was submitted (dd/mm/yyyy)"
            ),
        ));
    }
    let on = dates::parse_moment(get(Field::SubmittedOn), &config.settings.timezone)
        .map_err(|e| (Field::SubmittedOn, e.to_string()))?;
    sane_date(&on, now).map_err(|m| (Field::SubmittedOn, m))?;
    if let Some(message) = before_issued(config.plan(get(Field::Plan)).and_then(|p| p.issued), &on)
    {
        return Err((Field::SubmittedOn, message));
    }
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    Ok(Submission {
        key: PairKey {
            plan: get(Field::Plan).into(),
            obligation: get(Field::Obligation).into(),
            period,
            agency: get(Field::Agency).into(),
        },
        submitted_at: on.timestamp(),
        reference: opt(get(Field::Ref)),
        note: opt(get(Field::Note)),
    })
}
