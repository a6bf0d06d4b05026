//! One message from the mailbox, read with mail-parser: who sent it, what
//! it replies to, its text and attachments, and whether a person wrote it —
//! or it is an automatic answer (ignored) or a bounce (the reminder it
//! reports on was not delivered: the office must phone).

use std::collections::HashSet;

use mail_parser::{HeaderName, HeaderValue, Message, MessageParser, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

use super::bounce;

/// What kind of message it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A person wrote it.
    Written,
    /// Messages inside messages more than [`NESTING_AT_MOST`] deep: not
    /// read further (such a tree is an attack on the reader, not a reply).
    TooDeep,
    /// More than [`MULTIPARTS_AT_MOST`] multipart boundaries: only its
    /// headers are read (seeking a boundary that never comes scans the rest
    /// of the message, once per multipart: 3.8 MB of them took 9 s).
    TooManyParts,
    /// An out-of-office or other automatic answer.
    AutoReply,
    /// A delivery status notification: the Message-ID of the message it
    /// reports on, when it includes that message or its headers, and the
    /// recipients it reports (`Final-Recipient`, `Original-Recipient`),
    /// lower-cased.
    Bounce {
        original: Option<String>,
        recipients: Vec<String>,
    },
}

/// A file sent with the message.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// As the sender named it (not yet made safe for a file system).
    pub name: String,
    /// Its size, decoded.
    pub size: usize,
    /// Its bytes; empty when it is larger than [`FILE_AT_MOST`] (it is not
    /// copied out of the message then).
    pub bytes: Vec<u8>,
}

/// The largest attachment kept (a mail server's usual limit); a larger one
/// is left in the mailbox, and the proposal says so.
pub const FILE_AT_MOST: usize = 25 << 20;

/// The largest message downloaded whole; of a larger one only the first
/// [`MESSAGE_HEAD`] bytes are read (its text), and its files stay in the
/// mailbox. Together with [`FILE_AT_MOST`] this bounds the memory one
/// message can take.
pub const MESSAGE_AT_MOST: u64 = 40 << 20;

/// How much of a message over [`MESSAGE_AT_MOST`] is read.
pub const MESSAGE_HEAD: u64 = 1 << 20;

/// The most files kept of one message; of the rest only their number and
/// size are said.
pub const FILES_AT_MOST: usize = 100;

/// How deep messages may lie inside messages (a forwarded message is 2).
pub const NESTING_AT_MOST: usize = 32;

/// The most multipart boundaries a message may declare (a reply with its
/// files and a forwarded thread has a handful).
pub const MULTIPARTS_AT_MOST: usize = 100;

/// The most Message-IDs of `In-Reply-To` and `References` read: the direct
/// parent, then the thread from its newest end.
pub const REFERENCES_AT_MOST: usize = 100;

/// A message, as matching needs it.
#[derive(Debug, Clone)]
pub struct Incoming {
    /// Its Message-ID, or `sha256:` of its header block when it has none:
    /// what makes a message processed once.
    pub id: String,
    /// The sender's address, lower-cased.
    pub from: Option<String>,
    pub subject: String,
    /// The plain-text body (the HTML part's text when there is no plain one).
    pub text: String,
    /// Its `Date`, as Unix seconds; `None` also when it lies outside
    /// 2000–2100.
    pub date: Option<i64>,
    /// The Message-IDs it answers: `In-Reply-To`, then `References`.
    pub replies_to: Vec<String>,
    pub kind: Kind,
    /// The first [`FILES_AT_MOST`] files.
    pub attachments: Vec<Attachment>,
    /// How many files there were beyond those, and their size.
    pub more_files: (usize, u64),
    /// Its `Authentication-Results` headers (RFC 8601), top first: what the
    /// receiving servers found of its sender.
    pub authentication: Vec<String>,
}

/// Reads a raw message (RFC 5322 bytes); `None` when it is not one.
pub fn read(raw: &[u8]) -> Option<Incoming> {
    if boundaries_over(raw, MULTIPARTS_AT_MOST) {
        let head = &raw[..header_end(raw)];
        let m = MessageParser::default().parse(head)?;
        let mut incoming = incoming(head, &m);
        incoming.kind = Kind::TooManyParts;
        incoming.text.clear();
        incoming.attachments.clear();
        return Some(incoming);
    }
    let m = MessageParser::default().parse(raw)?;
    let incoming = incoming(raw, &m);
    dismantle(m);
    Some(incoming)
}

/// Whether `raw` says `boundary` (any case) more than `most` times: every
/// multipart needs one.
fn boundaries_over(raw: &[u8], most: usize) -> bool {
    raw.windows(8)
        .filter(|w| w.eq_ignore_ascii_case(b"boundary"))
        .nth(most)
        .is_some()
}

/// Where the header block ends (the blank line), or the end.
fn header_end(raw: &[u8]) -> usize {
    find(raw, b"\r\n\r\n")
        .or_else(|| find(raw, b"\n\n"))
        .unwrap_or(raw.len())
}

fn incoming(raw: &[u8], m: &Message) -> Incoming {
    let id = match m.message_id() {
        Some(id) => id.to_string(),
        None => {
            let digest = Sha256::digest(&raw[..header_end(raw)]);
            format!(
                "sha256:{}",
                digest
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            )
        }
    };
    let mut seen = HashSet::new();
    let mut replies_to: Vec<String> = ids(m.in_reply_to())
        .into_iter()
        .chain(ids(m.references()).into_iter().rev())
        .filter(|id| seen.insert(id.clone()))
        .take(REFERENCES_AT_MOST)
        .collect();
    replies_to.shrink_to_fit();
    // RFC 5322 allows one From: with two, which one a reader shows is the
    // reader's guess; such a message has no sender.
    let froms = m
        .headers()
        .iter()
        .filter(|h| h.name == HeaderName::From)
        .count();
    let from = (froms == 1)
        .then(|| m.from().and_then(|a| a.first()).and_then(|a| a.address()))
        .flatten()
        .map(str::to_lowercase);
    let too_deep = depth(m) > NESTING_AT_MOST;
    let kind = if too_deep { Kind::TooDeep } else { kind(m) };
    let mut attachments = Vec::new();
    let mut more_files = (0, 0);
    if !too_deep {
        for p in m.attachments().filter(|p| !p.is_message()) {
            let contents = p.contents();
            if attachments.len() == FILES_AT_MOST {
                more_files.0 += 1;
                more_files.1 += contents.len() as u64;
                continue;
            }
            attachments.push(Attachment {
                name: p.attachment_name().unwrap_or("tep-dinh-kem").to_string(),
                size: contents.len(),
                bytes: if contents.len() <= FILE_AT_MOST {
                    contents.to_vec()
                } else {
                    Vec::new()
                },
            });
        }
    }
    Incoming {
        id,
        from,
        subject: m.subject().unwrap_or_default().to_string(),
        text: if too_deep {
            String::new()
        } else {
            m.body_text(0).map(|t| t.into_owned()).unwrap_or_default()
        },
        // A Date outside 2000–2100 (a stopped clock, a forged header), or
        // one that does not exist (31 Jun, 29 Feb 2025, 25:00 — which the
        // parser would roll into the next day or month), is no date: the
        // proposal is dated when it is read, as the other doors refuse it.
        date: m
            .date()
            .filter(|d| real_date(d))
            .map(|d| d.to_timestamp())
            .filter(|t| crate::dates::accepted_unix(*t)),
        replies_to,
        kind,
        attachments,
        more_files,
        authentication: m
            .headers()
            .iter()
            .filter(|h| h.name == HeaderName::AuthenticationResults)
            .filter_map(|h| raw.get(h.offset_start as usize..h.offset_end as usize))
            .map(|v| {
                String::from_utf8_lossy(v)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect(),
    }
}

/// How deep messages lie inside `m` (1: none inside), found without
/// recursion.
fn depth(m: &Message) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(m, 1)];
    while let Some((m, level)) = stack.pop() {
        deepest = deepest.max(level);
        for part in &m.parts {
            if let PartType::Message(inner) = &part.body {
                stack.push((inner, level + 1));
            }
        }
    }
    deepest
}

/// Drops a parsed message without recursion: mail-parser's messages own
/// the messages inside them, and dropping 12 000 levels of those one
/// inside the other overflows a thread's stack (the whole daemon aborts,
/// and reads the message again after each restart).
fn dismantle(m: Message<'_>) {
    let mut stack = vec![m];
    while let Some(mut m) = stack.pop() {
        for part in m.parts.drain(..) {
            if let PartType::Message(inner) = part.body {
                stack.push(inner);
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Message-IDs of a header, without angle brackets.
fn ids(value: &HeaderValue) -> Vec<String> {
    let clean = |s: &str| {
        s.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_string()
    };
    match value {
        HeaderValue::Text(t) => vec![clean(t)],
        HeaderValue::TextList(list) => list.iter().map(|t| clean(t)).collect(),
        _ => Vec::new(),
    }
}

fn kind(m: &Message) -> Kind {
    let is_report = m.content_type().is_some_and(|c| {
        c.ctype().eq_ignore_ascii_case("multipart")
            && c.subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
            && c.attribute("report-type")
                .is_some_and(|r| r.eq_ignore_ascii_case("delivery-status"))
    });
    let from_daemon = m
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .and_then(|a| a.split('@').next())
        .is_some_and(|local| {
            local.eq_ignore_ascii_case("mailer-daemon") || local.eq_ignore_ascii_case("postmaster")
        });
    if is_report || from_daemon {
        return Kind::Bounce {
            original: bounce::original(m),
            recipients: bounce::failed_recipients(m),
        };
    }
    let header = |name: &str| m.header_raw(name).map(|v| v.trim().to_ascii_lowercase());
    let auto_submitted = header("Auto-Submitted").is_some_and(|v| v != "no");
    let flagged = header("X-Autoreply").is_some() || header("X-Autorespond").is_some();
    let precedence =
        header("Precedence").is_some_and(|p| matches!(p.as_str(), "auto_reply" | "bulk" | "junk"));
    let subject = m.subject().unwrap_or_default().to_lowercase();
    let out_of_office = [
        "auto:",
        "automatic reply:",
        "autoreply:",
        "out of office",
        "trả lời tự động",
        "vắng mặt",
    ]
    .iter()
    .any(|p| subject.starts_with(p));
    if auto_submitted || flagged || precedence || out_of_office {
        Kind::AutoReply
    } else {
        Kind::Written
    }
}

#[cfg(test)]
mod tests;

/// Whether a `Date` header names a day and a time that exist.
fn real_date(d: &mail_parser::DateTime) -> bool {
    let (Ok(year), Ok(month), Ok(day)) = (
        i16::try_from(d.year),
        i8::try_from(d.month),
        i8::try_from(d.day),
    ) else {
        return false;
    };
    jiff::civil::Date::new(year, month, day).is_ok()
        && d.hour < 24
        && d.minute < 60
        && d.second < 61
        && d.tz_hour < 15
        && d.tz_minute < 60
}
