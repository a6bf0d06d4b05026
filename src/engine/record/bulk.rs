//! Several agencies' submissions to one instance with one date, number and
//! note (the console's ticked rows), all or none; and a clerk's note on a
//! pair (*đã gọi, hẹn thứ Sáu*).

use jiff::Zoned;

use super::checks::{check_date, empty_date};
use super::{Pair, Refused, describe_many, field, resolve_with, timing};
use crate::calendar::names::Names;
use crate::config::Config;
use crate::dates;
use crate::lang::{Lang, say};
use crate::ledger::{Ledger, PairKey, Submission};

/// Submissions of `agencies` to one instance (`pair`'s agency is not read).
#[derive(Debug, Clone, Copy)]
pub struct SubmitMany<'a> {
    pub pair: Pair<'a>,
    pub agencies: &'a [String],
    /// "dd/mm/yyyy HH:MM" or a date (00:00); blank: refused.
    pub on: &'a str,
    pub reference: Option<&'a str>,
    pub note: Option<&'a str>,
    /// The clerk confirmed a date ahead of today or before the plan.
    pub force: bool,
}

/// Records the submissions of several agencies as `actor`, all or none: an
/// agency with a submission already recorded refuses the whole batch.
pub fn submit_many(
    config: &Config,
    ledger: &mut Ledger,
    request: &SubmitMany<'_>,
    actor: &str,
    now: &Zoned,
    lang: Lang,
) -> Result<String, Refused> {
    if request.agencies.is_empty() {
        return Err(field(
            "agency",
            say!(
                lang,
                "chưa chọn đơn vị nào; đánh dấu các đơn vị đã nộp rồi ghi nhận",
                "no agency is ticked; tick the agencies that submitted, then record"
            ),
        ));
    }
    if request.on.trim().is_empty() {
        return Err(field("on", empty_date(lang)));
    }
    let on = dates::parse_moment(request.on, &config.settings.timezone)
        .map_err(|e| field("on", e.message(lang)))?;
    let names = Names::new(config);
    let kept = |t: Option<&str>| t.map(str::trim).filter(|t| !t.is_empty()).map(String::from);
    let mut batch = Vec::with_capacity(request.agencies.len());
    let mut instance = None;
    for agency in request.agencies {
        let pair = Pair {
            agency,
            ..request.pair
        };
        let (key, i) = resolve_with(&names, config, pair, lang)?;
        instance.get_or_insert(i);
        batch.push(Submission {
            key,
            submitted_at: on.timestamp(),
            reference: kept(request.reference),
            note: kept(request.note),
        });
    }
    let instance = instance.expect("at least one agency");
    check_date(config, &instance, &on, now, request.force, lang)?;
    ledger
        .record_submissions_as(&batch, |_| false, actor)?
        .map_err(|c| Refused::Conflict {
            existing: super::describe(config, &c.existing, lang),
        })?;
    let timing = timing(config, ledger, &instance, &batch[0], lang)?;
    Ok(say!(
        lang,
        "đã ghi nhận {} đơn vị: {} — {timing}",
        "recorded {} agencies: {} — {timing}",
        batch.len(),
        describe_many(config, &batch, lang)
    ))
}

/// Adds a clerk's note to a pair, as `actor`: the sentence to show, and
/// the pair's key (its agency's id, however the pair was written).
pub fn note(
    config: &Config,
    ledger: &mut Ledger,
    pair: Pair<'_>,
    text: &str,
    actor: &str,
    now: &Zoned,
    lang: Lang,
) -> Result<(String, PairKey), Refused> {
    let (key, _) = super::resolve(config, pair, lang)?;
    let text = text.trim();
    if text.is_empty() {
        return Err(field(
            "note",
            say!(
                lang,
                "ghi chú trống; viết điều cần ghi lại (ví dụ: đã gọi, hẹn thứ Sáu)",
                "the note is empty; write what to keep (e.g. called, promised Friday)"
            ),
        ));
    }
    if text.chars().count() > 500 {
        return Err(field(
            "note",
            say!(
                lang,
                "ghi chú dài quá 500 ký tự; viết gọn lại",
                "the note is longer than 500 characters; shorten it"
            ),
        ));
    }
    ledger.add_note(&key, text, actor, now.timestamp())?;
    let said = say!(
        lang,
        "đã ghi chú cho {}: «{text}»",
        "noted for {}: “{text}”",
        super::pair_text(config, &key, lang)
    );
    Ok((said, key))
}
