//! From a message to what it means for the ledger.
//!
//! A reply proves itself: it answers a Message-ID we sent to an agency
//! (ours carry 128 random bits, so only those who received the reminder
//! know it) and comes from one of that agency's own addresses (`email`; not
//! `cc` or `escalate_to`, who are copied, not the sender of its reports).
//! Such a reply proposes that the agency submitted the reminder's items. A
//! reply that falls short in any way (from a copied address, to a reminder
//! whose id was predictable, or failing the office's mail server's sender
//! checks when `[inbox] trusted_authserv_id` is set) is still a proposal,
//! but a doubtful one: it waits for a clerk, with the reasons shown, even
//! with `accept = "auto"`. So does a message from an agency's address that
//! names a plan's number and one of its periods without replying. A reply
//! cannot be written before the reminder it answers: an earlier `Date` is
//! taken as the reminder's sending, and doubted. A bounce marks a reminder
//! undelivered only when it reports delivery to one of the agency's own
//! addresses the reminder was sent to as failed. Everything else is left
//! alone.
//!
//! What is scanned is bounded ([`SCANNED_AT_MOST`] bytes of the message's
//! own text, [`REFERENCES_AT_MOST`](super::message::REFERENCES_AT_MOST) referenced ids) and every scan is
//! linear, so a hostile message costs milliseconds, not minutes.

use std::collections::HashSet;

use jiff::ToSpan as _;
use unicode_normalization::UnicodeNormalization as _;

use crate::calendar;
use crate::config::{Agency, Config};
use crate::lang::say;
use crate::ledger::{Ledger, LedgerError, PairKey};
use crate::mail::compose::is_unguessable;

use super::message::{Incoming, Kind, NESTING_AT_MOST};
use super::reference::{document_number, own_text};

/// How much of a message's own text (subject and body without the quoted
/// part) is read for plan numbers, periods and document numbers.
pub const SCANNED_AT_MOST: usize = 64 * 1024;

/// What a message means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Meaning {
    /// The agency submitted these items (certainly, or with doubts).
    Submitted(Proposal),
    /// A reminder of ours (its Message-ID, with angle brackets) bounced.
    Bounced(String),
    /// Nothing to do, and why (for the log).
    Ignored(&'static str),
}

/// Why a proposal is not certain: each one makes it wait for a clerk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Doubt {
    /// It names a plan and a period but replies to no reminder.
    Cited,
    /// It replies from an agency's `cc` or `escalate_to` address, not from
    /// one of its own (`email`).
    CopyAddress,
    /// It replies to a reminder sent before Message-IDs were unguessable.
    OldReminder,
    /// The office's mail server found its sender failing (or not passing)
    /// DMARC, DKIM or SPF for the From domain: what it found, without
    /// spaces (`spf=softfail,dmarc=fail`, `none-passed`).
    Unauthenticated(String),
    /// `trusted_authserv_id` is set but the office's server stamped no
    /// verdict on it.
    NoVerdict,
    /// Its `Date` is before the reminder it answers was sent (by more than
    /// a clock's usual error): it is dated as that sending.
    DatedBefore,
}

/// How far a reply's `Date` may fall before the reminder it answers
/// without a doubt: the sender's clock may be a little behind.
const DATE_SLACK_SECONDS: i64 = 3600;

impl Doubt {
    /// How the ledger keeps it.
    pub fn code(&self) -> String {
        match self {
            Doubt::Cited => "cited".into(),
            Doubt::CopyAddress => "copy-address".into(),
            Doubt::OldReminder => "old-reminder".into(),
            Doubt::Unauthenticated(what) => format!("auth-fail:{what}"),
            Doubt::NoVerdict => "auth-missing".into(),
            Doubt::DatedBefore => "dated-before-reminder".into(),
        }
    }

    /// The doubts a ledger's codes (space-separated) stand for.
    pub fn parse_all(codes: &str) -> Vec<Doubt> {
        codes
            .split(' ')
            .filter(|c| !c.is_empty())
            .map(|c| match c {
                "cited" => Doubt::Cited,
                "copy-address" => Doubt::CopyAddress,
                "old-reminder" => Doubt::OldReminder,
                "auth-missing" => Doubt::NoVerdict,
                "dated-before-reminder" => Doubt::DatedBefore,
                other => {
                    Doubt::Unauthenticated(other.strip_prefix("auth-fail:").unwrap_or(other).into())
                }
            })
            .collect()
    }

    /// The ledger's codes of `doubts`, space-separated; `None` for none.
    pub fn codes(doubts: &[Doubt]) -> Option<String> {
        (!doubts.is_empty()).then(|| doubts.iter().map(Doubt::code).collect::<Vec<_>>().join(" "))
    }

    /// What a clerk reads.
    pub fn words(&self) -> String {
        match self {
            Doubt::Cited => say!(
                "thư nêu số kế hoạch và kỳ báo cáo nhưng không trả lời thư nhắc nào",
                "the message names the plan and the period but replies to no reminder"
            ),
            Doubt::CopyAddress => say!(
                "gửi từ địa chỉ nhận bản sao hoặc của lãnh đạo đơn vị, không phải địa chỉ của đơn vị",
                "sent from an address the agency's reminders are copied to, not the agency's own"
            ),
            Doubt::OldReminder => say!(
                "trả lời thư nhắc gửi trước khi mã thư được bảo vệ (mã có thể đoán được)",
                "replies to a reminder sent before Message-IDs were unguessable"
            ),
            Doubt::Unauthenticated(what) if what == "none-passed" => say!(
                "máy chủ thư của cơ quan không xác thực được người gửi (không có kiểm tra nào đạt)",
                "the office's mail server did not authenticate the sender (no check passed)"
            ),
            Doubt::Unauthenticated(what) => say!(
                "máy chủ thư của cơ quan không xác thực được người gửi ({})",
                "the office's mail server did not authenticate the sender ({})",
                what.replace(',', ", ")
            ),
            Doubt::NoVerdict => say!(
                "máy chủ thư của cơ quan không ghi kết quả xác thực người gửi",
                "the office's mail server stamped no verdict on the sender"
            ),
            Doubt::DatedBefore => say!(
                "thư ghi ngày gửi trước cả thư nhắc mà nó trả lời; tính ngày nhận là ngày gửi thư nhắc",
                "the message is dated before the reminder it answers; it is taken as received when the reminder was sent"
            ),
        }
    }
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
    /// Why it is not certain; none: it proved itself and `accept = "auto"`
    /// may record it.
    pub doubts: Vec<Doubt>,
}

impl Proposal {
    pub fn certain(&self) -> bool {
        self.doubts.is_empty()
    }
}

/// What `m` means, given the reminders the ledger sent.
pub fn meaning(config: &Config, ledger: &Ledger, m: &Incoming) -> Result<Meaning, LedgerError> {
    match &m.kind {
        Kind::AutoReply => return Ok(Meaning::Ignored("an automatic answer")),
        Kind::TooDeep => {
            const _: () = assert!(NESTING_AT_MOST == 32, "the words below say 32");
            return Ok(Meaning::Ignored(
                "messages inside messages more than 32 deep",
            ));
        }
        Kind::Bounce {
            original,
            recipients,
        } => {
            let Some(id) = original.as_ref().map(|id| format!("<{id}>")) else {
                return Ok(Meaning::Ignored("a bounce that names no message"));
            };
            let Some(sent) = ledger.message_recipients(&id)? else {
                return Ok(Meaning::Ignored(
                    "a bounce of a message that is not a reminder",
                ));
            };
            let agency = ledger.message_agency(&id)?.and_then(|a| config.agency(&a));
            let failed_to_agency = recipients
                .iter()
                .any(|r| sent.contains(r) && agency.is_some_and(|a| own_address(a, r)));
            return Ok(if failed_to_agency {
                Meaning::Bounced(id)
            } else {
                Meaning::Ignored(
                    "a bounce that reports no failed delivery to the agency's own address",
                )
            });
        }
        Kind::Written => {}
    }
    let Some(from) = &m.from else {
        return Ok(Meaning::Ignored("no sender address"));
    };
    // The reminders it answers, each with the agency it was sent to.
    let mut ours: Vec<(String, &Agency)> = Vec::new();
    let mut gone = false;
    for id in &m.replies_to {
        let id = format!("<{id}>");
        if let Some(agency_id) = ledger.message_agency(&id)? {
            match config.agency(&agency_id) {
                Some(agency) => ours.push((id, agency)),
                None => gone = true,
            }
        }
    }
    if ours.is_empty() {
        if gone {
            return Ok(Meaning::Ignored(
                "a reply about an agency no longer configured",
            ));
        }
        return cited(config, ledger, m, from);
    }
    // From the agency's own address; else from one it is copied at.
    let own = ours.iter().find(|(_, a)| own_address(a, from));
    let copied = ours.iter().find(|(_, a)| copied_address(a, from));
    let (id, agency, mut doubts) = match (own, copied) {
        (Some((id, a)), _) => (id, *a, Vec::new()),
        (None, Some((id, a))) => (id, *a, vec![Doubt::CopyAddress]),
        (None, None) => {
            return Ok(Meaning::Ignored(
                "a reply to a reminder from an address that is not the agency's",
            ));
        }
    };
    if !is_unguessable(id) {
        doubts.push(Doubt::OldReminder);
    }
    doubts.extend(authentication(config, m, from));
    // Written before the question? Then it was written no earlier than it.
    let mut received = m.date;
    if let (Some(date), Some(asked)) = (m.date, ledger.message_sent_at(id)?) {
        if date < asked {
            received = Some(asked);
            if date < asked - DATE_SLACK_SECONDS {
                doubts.push(Doubt::DatedBefore);
            }
        }
    }
    Ok(Meaning::Submitted(Proposal {
        agency: agency.id.clone(),
        items: ledger.message_pairs(id)?,
        reference: document_number(&m.subject, scanned(&m.text), &plan_numbers(config)),
        received,
        from: from.clone(),
        subject: m.subject.clone(),
        doubts,
    }))
}

/// One of the agency's own addresses (`email`), any case.
fn own_address(agency: &Agency, address: &str) -> bool {
    agency.email.iter().any(|a| a.eq_ignore_ascii_case(address))
}

/// An address the agency's reminders are copied to (`cc`, `escalate_to`).
fn copied_address(agency: &Agency, address: &str) -> bool {
    agency
        .cc
        .iter()
        .chain(&agency.escalate_to)
        .any(|a| a.eq_ignore_ascii_case(address))
}

/// Whether `address` is one of the agency's (To, Cc or escalation).
fn writes_from(agency: &Agency, address: &str) -> bool {
    own_address(agency, address) || copied_address(agency, address)
}

/// At most [`SCANNED_AT_MOST`] bytes of `text`, cut at a character.
fn scanned(text: &str) -> &str {
    if text.len() <= SCANNED_AT_MOST {
        return text;
    }
    let mut end = SCANNED_AT_MOST;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// What the office's own mail server (`[inbox] trusted_authserv_id`) found
/// of the sender, as doubts: none when it is not set, or when the server's
/// topmost `Authentication-Results` has DMARC, DKIM or SPF passing for the
/// From domain and none of them failing. Headers stamped by other servers
/// (anyone can write one) are not read.
fn authentication(config: &Config, m: &Incoming, from: &str) -> Vec<Doubt> {
    let Some(trusted) = config
        .settings
        .inbox
        .as_ref()
        .and_then(|i| i.trusted_authserv_id.as_deref())
    else {
        return Vec::new();
    };
    let Some(header) = m.authentication.iter().find(|h| {
        h.split([';', ' '])
            .next()
            .is_some_and(|id| id.eq_ignore_ascii_case(trusted))
    }) else {
        return vec![Doubt::NoVerdict];
    };
    let domain = from.rsplit('@').next().unwrap_or("").to_ascii_lowercase();
    let verdict = sender_verdict(header, &domain);
    match verdict {
        Verdict::Pass => Vec::new(),
        Verdict::Fail(what) => vec![Doubt::Unauthenticated(what)],
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Pass,
    /// What failed, or "none passed".
    Fail(String),
}

/// Reads one `Authentication-Results` value (RFC 8601) for the From
/// `domain`: any of dmarc, dkim, spf failing fails (for that domain, or
/// naming none); else one of them passing for that domain passes — dmarc
/// by its `header.from`, dkim by its `header.d` (or `header.i`), spf by its
/// `smtp.mailfrom` (a pass of the HELO name, or naming no domain, vouches
/// for nothing); else nothing vouches for the sender. A value that cannot
/// be read (an unclosed comment or quote) fails.
fn sender_verdict(header: &str, domain: &str) -> Verdict {
    let Some(text) = without_comments(header) else {
        return Verdict::Fail("unreadable".into());
    };
    let mut failed = Vec::new();
    let mut passed = false;
    for resinfo in text.split(';').skip(1) {
        let mut words = resinfo.split_whitespace();
        let Some((method, result)) = words.next().and_then(|w| w.split_once('=')) else {
            continue;
        };
        let (method, result) = (method.to_ascii_lowercase(), result.to_ascii_lowercase());
        let property = |name: &str| -> Option<String> {
            resinfo
                .split_whitespace()
                .filter_map(|w| w.split_once('='))
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim_matches('"').to_ascii_lowercase())
        };
        let named = match method.as_str() {
            "dmarc" => property("header.from"),
            "dkim" => property("header.d").or_else(|| property("header.i")),
            "spf" => property("smtp.mailfrom"),
            _ => continue,
        };
        let ours = named
            .as_deref()
            .map(|v| v.rsplit('@').next().is_some_and(|d| d == domain));
        match result.as_str() {
            "pass" if ours == Some(true) => passed = true,
            "fail" | "softfail" | "permerror" if ours != Some(false) => {
                failed.push(format!("{method}={result}"))
            }
            _ => {}
        }
    }
    if !failed.is_empty() {
        Verdict::Fail(failed.join(","))
    } else if passed {
        Verdict::Pass
    } else {
        Verdict::Fail("none-passed".into())
    }
}

/// An `Authentication-Results` value without its comments, and with any
/// `;` or white space inside a quoted string made harmless (so that a
/// quoted value cannot split or add a result); `None` when a comment or a
/// quote is left open.
fn without_comments(header: &str) -> Option<String> {
    let mut text = String::with_capacity(header.len());
    let mut depth = 0u32;
    let mut quoted = false;
    let mut escaped = false;
    for c in header.chars() {
        if escaped {
            escaped = false;
            if depth == 0 {
                text.push('_');
            }
            continue;
        }
        match c {
            '\\' if quoted || depth > 0 => escaped = true,
            '"' if depth == 0 => {
                quoted = !quoted;
                text.push(c);
            }
            ';' | ' ' | '=' if quoted => text.push('_'),
            _ if quoted => text.push(c),
            '(' => depth += 1,
            ')' if depth == 0 => return None,
            ')' => depth -= 1,
            _ if depth == 0 => text.push(c),
            _ => {}
        }
    }
    (depth == 0 && !quoted).then_some(text)
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
    let own = format!("{}\n{}", m.subject, own_text(scanned(&m.text)));
    let text = normalized(scanned(&own));
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
    let inside = inside_others(found.iter().flat_map(|(_, at)| at.iter().copied()));
    let named: Vec<&calendar::Instance> = found
        .iter()
        .filter(|(_, at)| at.iter().any(|s| !inside.contains(s)))
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
        reference: document_number(&m.subject, scanned(&m.text), &plan_numbers(config)),
        received: m.date,
        from: from.to_string(),
        subject: m.subject.clone(),
        doubts: [
            vec![Doubt::Cited],
            own_address(&config.agencies[agency], from)
                .then_some(Vec::new())
                .unwrap_or(vec![Doubt::CopyAddress]),
            authentication(config, m, from),
        ]
        .concat(),
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

/// The spans that lie inside another, different span: sorted by start,
/// longer first, a span is inside one before it exactly when the furthest
/// end seen so far reaches its end. Linear after the sort.
fn inside_others(spans: impl Iterator<Item = (usize, usize)>) -> HashSet<(usize, usize)> {
    let mut all: Vec<(usize, usize)> = spans.collect();
    all.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    all.dedup();
    let mut inside = HashSet::new();
    let mut furthest: Option<usize> = None;
    for s in all {
        if furthest.is_some_and(|end| end >= s.1) {
            inside.insert(s);
        }
        furthest = Some(furthest.map_or(s.1, |end| end.max(s.1)));
    }
    inside
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
    use super::{Verdict, inside_others, normalized, sender_verdict, spans};

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

    #[test]
    fn a_span_inside_another_is_found_in_linear_time() {
        let spans = [(10, 35), (26, 35), (26, 35), (40, 48), (40, 48), (50, 60)];
        let inside = inside_others(spans.into_iter());
        assert_eq!(inside.len(), 1);
        assert!(inside.contains(&(26, 35)));
        // The same span twice (two names of one period) is not inside itself.
        assert!(!inside.contains(&(40, 48)));
        // 200 000 repeated names: one sort, one pass.
        let many = (0..200_000).map(|i| (i * 10, i * 10 + 8));
        assert!(inside_others(many).is_empty());
    }

    #[test]
    fn the_office_servers_verdict_is_read_for_the_from_domain() {
        let d = "syt.example.gov.vn";
        let pass = "mail.example.gov.vn; dkim=pass header.d=syt.example.gov.vn; spf=pass smtp.mailfrom=vanthu@syt.example.gov.vn; dmarc=pass header.from=syt.example.gov.vn";
        assert_eq!(sender_verdict(pass, d), Verdict::Pass);
        let forged = "mail.example.gov.vn 1; spf=softfail (sender not permitted) smtp.mailfrom=vanthu@syt.example.gov.vn; dkim=none; dmarc=fail (p=none) header.from=syt.example.gov.vn";
        assert_eq!(
            sender_verdict(forged, d),
            Verdict::Fail("spf=softfail,dmarc=fail".into())
        );
        // A pass for another domain vouches for nothing.
        let other = "mail.example.gov.vn; dkim=pass header.d=gmail.com; spf=none";
        assert_eq!(
            sender_verdict(other, d),
            Verdict::Fail("none-passed".into())
        );
        // Comments are not results.
        let comment =
            "mail.example.gov.vn; dkim=fail (dkim=pass was expected) header.d=syt.example.gov.vn";
        assert_eq!(
            sender_verdict(comment, d),
            Verdict::Fail("dkim=fail".into())
        );
        // A pass that names no domain, or the HELO name, vouches for nothing.
        for vague in [
            "mail.example.gov.vn; spf=pass smtp.helo=syt.example.gov.vn",
            "mail.example.gov.vn; dkim=pass",
            "mail.example.gov.vn; dmarc=pass",
        ] {
            assert_eq!(
                sender_verdict(vague, d),
                Verdict::Fail("none-passed".into()),
                "{vague}"
            );
        }
        // A fail that names no domain still fails.
        let bare = "mail.example.gov.vn; dkim=pass header.d=syt.example.gov.vn; spf=fail";
        assert_eq!(sender_verdict(bare, d), Verdict::Fail("spf=fail".into()));
        // A quoted value cannot add a result or hide one.
        let quoted = r#"mail.example.gov.vn; spf=fail smtp.mailfrom="x;dkim=pass header.d=syt.example.gov.vn"; dmarc=fail header.from=syt.example.gov.vn"#;
        assert_eq!(
            sender_verdict(quoted, d),
            Verdict::Fail("dmarc=fail".into())
        );
        // An unclosed comment or quote is not read.
        for broken in [
            "mail.example.gov.vn; dkim=pass header.d=syt.example.gov.vn (unclosed; spf=fail",
            "mail.example.gov.vn; dkim=pass header.d=syt.example.gov.vn) ; spf=fail",
            r#"mail.example.gov.vn; dkim=pass header.d="syt.example.gov.vn; spf=fail"#,
        ] {
            assert_eq!(
                sender_verdict(broken, d),
                Verdict::Fail("unreadable".into()),
                "{broken}"
            );
        }
    }
}
