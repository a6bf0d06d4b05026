//! From a message to what it means for the ledger: a reply to one of our
//! reminders, from one of that agency's addresses, proposes that the agency
//! submitted the reminder's items; a message from an agency's address that
//! names a plan's number and one of its periods, replying to nothing of
//! ours, proposes the same, uncertainly; a bounce marks a reminder
//! undelivered; everything else is left alone.

use jiff::ToSpan as _;
use unicode_normalization::UnicodeNormalization as _;

use crate::calendar;
use crate::config::{Agency, Config};
use crate::ledger::{Ledger, LedgerError, PairKey};

use super::message::{Incoming, Kind};
use super::reference::{document_number, own_text};

/// What a message means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Meaning {
    /// The agency submitted these items (a reply to a reminder from one of
    /// its addresses).
    Submitted(Proposal),
    /// A reminder of ours (its Message-ID, with angle brackets) bounced.
    Bounced(String),
    /// Nothing to do, and why (for the log).
    Ignored(&'static str),
}

/// A submission the message proposes, for a clerk (or `accept = "auto"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub agency: String,
    pub items: Vec<PairKey>,
    /// The document number the message gives, if it gives one.
    pub reference: Option<String>,
    /// When it was sent (its `Date`), as Unix seconds.
    pub received: Option<i64>,
    pub from: String,
    pub subject: String,
    /// A reply to a reminder (certain), or a message that only names the
    /// plan and period (a clerk must confirm, even with `accept = "auto"`).
    pub certain: bool,
}

/// What `m` means, given the reminders the ledger sent.
pub fn meaning(config: &Config, ledger: &Ledger, m: &Incoming) -> Result<Meaning, LedgerError> {
    match &m.kind {
        Kind::AutoReply => return Ok(Meaning::Ignored("an automatic answer")),
        Kind::Bounce { original } => {
            let ours = match original {
                Some(id) => {
                    let id = format!("<{id}>");
                    ledger.message_agency(&id)?.map(|_| id)
                }
                None => None,
            };
            return Ok(match ours {
                Some(id) => Meaning::Bounced(id),
                None => Meaning::Ignored("a bounce of a message that is not a reminder"),
            });
        }
        Kind::Written => {}
    }
    let Some(from) = &m.from else {
        return Ok(Meaning::Ignored("no sender address"));
    };
    for id in &m.replies_to {
        let id = format!("<{id}>");
        let Some(agency_id) = ledger.message_agency(&id)? else {
            continue;
        };
        let Some(agency) = config.agency(&agency_id) else {
            return Ok(Meaning::Ignored(
                "a reply about an agency no longer configured",
            ));
        };
        if !writes_from(agency, from) {
            return Ok(Meaning::Ignored(
                "a reply to a reminder from an address that is not the agency's",
            ));
        }
        return Ok(Meaning::Submitted(Proposal {
            agency: agency_id,
            items: ledger.message_pairs(&id)?,
            reference: document_number(&m.subject, &m.text, &plan_numbers(config)),
            received: m.date,
            from: from.clone(),
            subject: m.subject.clone(),
            certain: true,
        }));
    }
    cited(config, ledger, m, from)
}

/// Whether `address` is one of the agency's (To, Cc or escalation).
fn writes_from(agency: &Agency, address: &str) -> bool {
    agency
        .email
        .iter()
        .chain(&agency.cc)
        .chain(&agency.escalate_to)
        .any(|a| a.eq_ignore_ascii_case(address))
}

fn plan_numbers(config: &Config) -> Vec<&str> {
    config
        .plans
        .iter()
        .filter_map(|p| p.number.as_deref())
        .collect()
}

/// How far from the message's date a period it names may fall due.
const CITED_WITHIN_DAYS: i32 = 400;

/// A message that replies to nothing of ours, from an agency's address:
/// an uncertain proposal when its own text (subject, and body without the
/// quoted part) names a plan's number and one or more of that plan's
/// periods the agency owes and has not submitted — the period as the
/// office names it (`period_label`: *6 tháng đầu năm 2025*), else its
/// scheduled date (14/06/2025 or 14/6/2025).
fn cited(
    config: &Config,
    ledger: &Ledger,
    m: &Incoming,
    from: &str,
) -> Result<Meaning, LedgerError> {
    let not_ours = Meaning::Ignored("not a reply to a reminder");
    let writers: Vec<usize> = (0..config.agencies.len())
        .filter(|&a| writes_from(&config.agencies[a], from))
        .collect();
    if writers.is_empty() {
        return Ok(not_ours);
    }
    let text = normalized(&format!("{}\n{}", m.subject, own_text(&m.text)));
    let plans: Vec<usize> = config
        .plans
        .iter()
        .enumerate()
        .filter(|(_, p)| {
            p.number
                .as_deref()
                .is_some_and(|n| !spans(&text, &normalized(n)).is_empty())
        })
        .map(|(i, _)| i)
        .collect();
    if plans.is_empty() {
        return Ok(not_ours);
    }
    let tz = config.settings.timezone.clone();
    let day = m
        .date
        .and_then(|t| jiff::Timestamp::from_second(t).ok())
        .unwrap_or_else(jiff::Timestamp::now)
        .to_zoned(tz)
        .date();
    let from_day = day.checked_sub(CITED_WITHIN_DAYS.days()).unwrap_or(day);
    let through = day.checked_add(CITED_WITHIN_DAYS.days()).unwrap_or(day);
    let candidates: Vec<calendar::Instance> =
        calendar::instances_due_between(config, from_day, through)
            .into_iter()
            .filter(|i| plans.contains(&i.plan) && i.agencies.iter().any(|a| writers.contains(a)))
            .collect();
    // Each candidate's names, and where the text has them.
    let found: Vec<(usize, Vec<(usize, usize)>)> = candidates
        .iter()
        .enumerate()
        .map(|(n, inst)| {
            let at = period_names(config, inst)
                .iter()
                .flat_map(|name| spans(&text, &normalized(name)))
                .collect();
            (n, at)
        })
        .filter(|(_, at): &(usize, Vec<(usize, usize)>)| !at.is_empty())
        .collect();
    // "năm 2025" inside "6 tháng đầu năm 2025" names nothing of its own.
    let all: Vec<(usize, usize)> = found.iter().flat_map(|(_, at)| at.clone()).collect();
    let inside = |s: &(usize, usize)| all.iter().any(|o| o != s && o.0 <= s.0 && s.1 <= o.1);
    let named: Vec<&calendar::Instance> = found
        .iter()
        .filter(|(_, at)| at.iter().any(|s| !inside(s)))
        .map(|(n, _)| &candidates[*n])
        .collect();
    let mut by_agency: Vec<(usize, Vec<PairKey>)> = Vec::new();
    for &a in &writers {
        let agency = &config.agencies[a];
        let mut items = Vec::new();
        for inst in named.iter().filter(|i| i.agencies.contains(&a)) {
            let key = PairKey {
                plan: inst.plan(config).id.clone(),
                obligation: inst.obligation(config).id.clone(),
                period: inst.period,
                agency: agency.id.clone(),
            };
            if ledger.submission(&key)?.is_none() {
                items.push(key);
            }
        }
        if !items.is_empty() {
            by_agency.push((a, items));
        }
    }
    let (agency, items) = match by_agency.len() {
        0 => return Ok(not_ours),
        1 => by_agency.remove(0),
        _ => {
            return Ok(Meaning::Ignored(
                "an address of several agencies naming a plan without replying",
            ));
        }
    };
    Ok(Meaning::Submitted(Proposal {
        agency: config.agencies[agency].id.clone(),
        items,
        reference: document_number(&m.subject, &m.text, &plan_numbers(config)),
        received: m.date,
        from: from.to_string(),
        subject: m.subject.clone(),
        certain: false,
    }))
}

/// How a message may name an instance's period: its label, or (an
/// obligation without one) its scheduled or due date, written dd/mm/yyyy or
/// d/m/yyyy.
fn period_names(config: &Config, inst: &calendar::Instance) -> Vec<String> {
    if let Some(label) = calendar::period_label(config, inst) {
        return vec![label];
    }
    let mut names = Vec::new();
    for d in [inst.period, inst.due] {
        names.push(crate::dates::vn(d));
        names.push(format!("{}/{}/{}", d.day(), d.month(), d.year()));
    }
    names.sort();
    names.dedup();
    names
}

/// NFC, lower case, runs of white space as one space.
fn normalized(text: &str) -> String {
    text.nfc()
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where `needle` stands in `text` as words of its own (not inside a
/// longer number or word), as byte ranges.
fn spans(text: &str, needle: &str) -> Vec<(usize, usize)> {
    if needle.is_empty() {
        return Vec::new();
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    text.match_indices(needle)
        .map(|(at, _)| (at, at + needle.len()))
        .filter(|&(start, end)| {
            !word(text[..start].chars().next_back()) && !word(text[end..].chars().next())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{normalized, spans};

    #[test]
    fn names_match_as_whole_words_whatever_the_spelling() {
        // Decomposed (as some mail programs send it), capitals, a folded line.
        let text = normalized("BA\u{301}O CA\u{301}O 6 tha\u{301}ng đầu\r\n  năm 2025");
        assert_eq!(text, "báo cáo 6 tháng đầu năm 2025");
        assert_eq!(spans(&text, "6 tháng đầu năm 2025"), [(10, 35)]);
        assert_eq!(spans(&text, "năm 2025"), [(26, 35)]);
        // Not inside a longer number or word.
        assert!(spans("ngày 14/6/2025", "4/6/2025").is_empty());
        assert!(spans("số 13212/kh-ubnd", "3212/kh-ubnd").is_empty());
        assert!(spans("năm 20256", "năm 2025").is_empty());
        assert_eq!(spans("(3212/kh-ubnd)", "3212/kh-ubnd"), [(1, 13)]);
    }
}
