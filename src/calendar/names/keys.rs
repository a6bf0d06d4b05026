//! The keys names are compared by, and the forms written for a name two
//! things share.

use std::sync::LazyLock;

use crate::calendar::lookup::LookupError;
use crate::collate::fold;

/// The words the keys look for, folded once.
struct Words {
    plan_prefixes: [String; 2],
    ky: String,
    tinh: String,
    /// Long forms and the short forms offices also write.
    short: [(String, &'static str); 3],
}

static WORDS: LazyLock<Words> = LazyLock::new(|| Words {
    plan_prefixes: [fold("kế hoạch"), fold("số")],
    ky: fold("kỳ") + " ",
    tinh: fold("tỉnh"),
    short: [
        (fold("ủy ban nhân dân"), "ubnd"),
        (fold("hội đồng nhân dân"), "hđnd"),
        (fold("mặt trận tổ quốc"), "mttq"),
    ],
});

/// The one of `hits`, else an ambiguity naming each (`form`); `None` when
/// there is none.
pub(super) fn one<T: Copy>(
    field: &'static str,
    text: &str,
    hits: Vec<T>,
    form: impl Fn(T) -> String,
) -> Option<Result<T, LookupError>> {
    match hits.len() {
        0 => None,
        1 => Some(Ok(hits[0])),
        _ => Some(Err(LookupError::Ambiguous {
            field,
            text: text.to_string(),
            candidates: hits.into_iter().map(form).collect(),
        })),
    }
}

pub(super) fn with_id(name: &str, id: &str) -> String {
    format!("{name} ({id})")
}

/// The id in brackets at the end of `text`, if any: "Sở Y tế (so-y-te)".
pub(super) fn bracketed(text: &str) -> Option<&str> {
    let inner = text.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let id = inner[open + 1..].trim();
    let is_id = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    is_id.then_some(id)
}

/// A plan's number as a key: folded, without *Kế hoạch số* before it and
/// without spaces ("3212 / KH-UBND").
pub(super) fn number_key(text: &str) -> String {
    let mut key = fold(text);
    for prefix in &WORDS.plan_prefixes {
        if let Some(rest) = key.strip_prefix(prefix.as_str()) {
            key = rest.trim_start_matches([' ', ':']).to_string();
        }
    }
    key.retain(|c| !c.is_whitespace());
    key
}

/// A title as a key: folded, without the punctuation ending a sentence.
pub(super) fn title_key(text: &str) -> String {
    fold(text.trim_end_matches(['.', ';', ':', ',']))
}

/// A period's name as a key: folded, without a leading *kỳ*.
pub(super) fn label_key(text: &str) -> String {
    let key = fold(text);
    key.strip_prefix(WORDS.ky.as_str())
        .map(str::to_string)
        .unwrap_or(key)
}

/// An agency's name as a key: folded, with the long forms offices also
/// write shortened (*Ủy ban nhân dân* → *UBND*).
pub(super) fn agency_key(text: &str) -> String {
    let mut key = fold(text);
    for (long, short) in &WORDS.short {
        if key.contains(long.as_str()) {
            key = key.replace(long.as_str(), short);
        }
    }
    key
}

/// A folded name without the word *tỉnh*.
pub(super) fn no_tinh(key: &str) -> String {
    key.split(' ')
        .filter(|w| *w != WORDS.tinh)
        .collect::<Vec<_>>()
        .join(" ")
}
