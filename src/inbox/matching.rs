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
//! What is scanned is bounded ([`SCANNED_AT_MOST`](super::text::SCANNED_AT_MOST) bytes of the message's
//! own text, [`REFERENCES_AT_MOST`](super::message::REFERENCES_AT_MOST) referenced ids) and every scan is
//! linear, so a hostile message costs milliseconds, not minutes.

use jiff::ToSpan as _;

use crate::calendar;
use crate::config::{Agency, Config};
use crate::lang::{Lang, say};
use crate::ledger::{Ledger, LedgerError, PairKey};
use crate::mail::compose::is_unguessable;

use super::message::{Incoming, Kind, MULTIPARTS_AT_MOST, NESTING_AT_MOST};
use super::reference::{document_number, own_text};
use super::text::{inside_others, normalized, scanned, spans};
use super::verdict::{self, Verdict};

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
    pub fn words(&self, lang: Lang) -> String {
        match self {
            Doubt::Cited => say!(
                lang,
                "thư nêu số kế hoạch và kỳ báo cáo nhưng không trả lời thư nhắc nào",
                "the message names the plan and the period but replies to no reminder"
            ),
            Doubt::CopyAddress => say!(
                lang,
                "gửi từ địa chỉ nhận bản sao hoặc của lãnh đạo đơn vị, không phải địa chỉ của đơn vị",
                "sent from an address the agency's reminders are copied to, not the agency's own"
            ),
            Doubt::OldReminder => say!(
                lang,
                "trả lời thư nhắc gửi trước khi mã thư được bảo vệ (mã có thể đoán được)",
                "replies to a reminder sent before Message-IDs were unguessable"
            ),
            Doubt::Unauthenticated(what) if what == "none-passed" => say!(
                lang,
                "máy chủ thư của cơ quan không xác thực được người gửi (không có kiểm tra nào đạt)",
                "the office's mail server did not authenticate the sender (no check passed)"
            ),
            Doubt::Unauthenticated(what) => say!(
                lang,
                "máy chủ thư của cơ quan không xác thực được người gửi ({})",
                "the office's mail server did not authenticate the sender ({})",
                what.replace(',', ", ")
            ),
            Doubt::NoVerdict => say!(
                lang,
                "máy chủ thư của cơ quan không ghi kết quả xác thực người gửi",
                "the office's mail server stamped no verdict on the sender"
            ),
            Doubt::DatedBefore => say!(
                lang,
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
        Kind::TooManyParts => {
            const _: () = assert!(MULTIPARTS_AT_MOST == 100, "the words below say 100");
            return Ok(Meaning::Ignored("more than 100 multipart sections"));
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

/// What the office's own mail server found of the sender, as doubts
/// ([`verdict::of_sender`]).
fn authentication(config: &Config, m: &Incoming, from: &str) -> Vec<Doubt> {
    match verdict::of_sender(config, m, from) {
        None | Some(Verdict::Pass) => Vec::new(),
        Some(Verdict::Missing) => vec![Doubt::NoVerdict],
        Some(Verdict::Fail(what)) => vec![Doubt::Unauthenticated(what)],
    }
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
