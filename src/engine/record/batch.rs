//! A batch of submissions from outside — the rows of an import, the
//! objects of `POST /api/submissions`: each row read field by field with
//! the checks `submit` makes ([`submission_from`]), then all written or
//! none ([`record_batch`]), with each row's verdict counted.

use jiff::Zoned;

use super::checks::{before_issued, on_time};
use crate::calendar::Instance;
use crate::calendar::names::{Names, Written};
use crate::config::Config;
use crate::dates;
use crate::lang::Lang;
use crate::ledger::{Conflict, Ledger, LedgerError, PairKey, RecordOutcome, Submission};

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
/// (`get` gives a field's text, "" when absent; the pair as offices write
/// it, read by `names`), with the instance it belongs to (for
/// [`record_batch`]'s verdicts). A wrong field is reported with its
/// [`Field`].
pub fn submission_from<'a>(
    names: &Names<'_>,
    config: &Config,
    get: &impl Fn(Field) -> &'a str,
    now: &Zoned,
    lang: Lang,
) -> Result<(Submission, Instance), (Field, String)> {
    let written = Written {
        plan: get(Field::Plan),
        obligation: get(Field::Obligation),
        period: get(Field::Period),
        agency: get(Field::Agency),
    };
    let (instance, a) = names.pair(written).map_err(|e| {
        let f = match e.field() {
            "plan" => Field::Plan,
            "obligation" => Field::Obligation,
            "period" => Field::Period,
            _ => Field::Agency,
        };
        (f, e.message(lang))
    })?;
    if get(Field::SubmittedOn).is_empty() {
        return Err((Field::SubmittedOn, super::checks::empty_date(lang)));
    }
    let on = dates::parse_moment(get(Field::SubmittedOn), &config.settings.timezone)
        .map_err(|e| (Field::SubmittedOn, e.message(lang)))?;
    super::sane_date(&on, now, lang).map_err(|m| (Field::SubmittedOn, m))?;
    let issued = instance.plan(config).issued;
    if let Some(message) = before_issued(issued, &on, lang) {
        return Err((Field::SubmittedOn, message));
    }
    let opt = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let submission = Submission {
        key: super::key_of(config, &instance, a),
        submitted_at: on.timestamp(),
        reference: opt(get(Field::Ref)),
        note: opt(get(Field::Note)),
    };
    Ok((submission, instance))
}

/// A batch written: what changed, and how many rows were on time and late
/// by the rule `status` applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Batch {
    pub outcome: RecordOutcome,
    pub on_time: usize,
    pub late: usize,
}

/// Records `batch` (rows [`submission_from`] accepted, each with its
/// instance in `instances`) as `actor`, all or none: `replace(i)` says
/// whether row `i` may replace a different submission already recorded; a
/// conflict writes nothing.
pub fn record_batch(
    config: &Config,
    ledger: &mut Ledger,
    batch: &[Submission],
    instances: &[Instance],
    replace: impl Fn(usize) -> bool,
    actor: &str,
) -> Result<Result<Batch, Conflict>, LedgerError> {
    assert_eq!(batch.len(), instances.len(), "one instance per row");
    let outcome = match ledger.record_submissions_as(batch, replace, actor)? {
        Ok(outcome) => outcome,
        Err(conflict) => return Ok(Err(conflict)),
    };
    let mut done = Batch {
        outcome,
        ..Batch::default()
    };
    let extended: std::collections::HashMap<PairKey, jiff::civil::Date> = ledger
        .extensions()?
        .into_iter()
        .map(|e| (e.key, e.due))
        .collect();
    for (s, instance) in batch.iter().zip(instances) {
        if on_time(config, instance, extended.get(&s.key).copied(), s) {
            done.on_time += 1;
        } else {
            done.late += 1;
        }
    }
    Ok(Ok(done))
}
