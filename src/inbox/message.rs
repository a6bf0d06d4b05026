//! One message from the mailbox, read with mail-parser: who sent it, what
//! it replies to, its text and attachments, and whether a person wrote it —
//! or it is an automatic answer (ignored) or a bounce (the reminder it
//! reports on was not delivered: the office must phone).

use std::collections::HashSet;

use mail_parser::{HeaderName, HeaderValue, Message, MessageParser, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

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
        // A Date outside 2000–2100 (a stopped clock, a forged header) is
        // no date: the proposal is dated when it is read.
        date: m
            .date()
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
            original: bounced_id(m),
            recipients: bounced_recipients(m),
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

/// The recipients a bounce reports delivery to as failed: the
/// per-recipient blocks of its `message/delivery-status` part (RFC 3464)
/// whose `Action` is `failed` (not `delayed`, `delivered`, `relayed` or
/// `expanded`), their `Final-Recipient` and `Original-Recipient`
/// (`rfc822;` addresses only), lower-cased.
fn bounced_recipients(m: &Message) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    for part in m.parts.iter() {
        let status = part.content_type().is_some_and(|c| {
            c.ctype().eq_ignore_ascii_case("message")
                && c.subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("delivery-status"))
        });
        if !status {
            continue;
        }
        let text = String::from_utf8_lossy(part.contents()).replace("\r\n", "\n");
        // The first block is the message's; each after it, one recipient's.
        for block in text.split("\n\n").skip(1) {
            let mut failed = false;
            let mut addresses = Vec::new();
            for line in block.lines() {
                let Some((name, value)) = line.split_once(':') else {
                    continue;
                };
                let name = name.trim();
                if name.eq_ignore_ascii_case("Action") {
                    failed = value.trim().eq_ignore_ascii_case("failed");
                    continue;
                }
                if !(name.eq_ignore_ascii_case("Final-Recipient")
                    || name.eq_ignore_ascii_case("Original-Recipient"))
                {
                    continue;
                }
                let Some((kind, address)) = value.split_once(';') else {
                    continue;
                };
                let address = address.trim().trim_matches(['<', '>']).to_lowercase();
                if kind.trim().eq_ignore_ascii_case("rfc822") && !address.is_empty() {
                    addresses.push(address);
                }
            }
            if failed {
                out.extend(addresses.into_iter().filter(|a| seen.insert(a.clone())));
            }
        }
    }
    out
}

/// The Message-ID of the message a bounce reports on: from its attached
/// message (`message/rfc822`) or headers (`text/rfc822-headers`).
fn bounced_id(m: &Message) -> Option<String> {
    for part in m.parts.iter() {
        if let Some(inner) = part.message() {
            if let Some(id) = inner.message_id() {
                return Some(id.to_string());
            }
        }
        let headers_part = part.content_type().is_some_and(|c| {
            c.subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("rfc822-headers"))
        });
        if headers_part {
            let text = [part.contents(), b"\r\n\r\n"].concat();
            if let Some(id) = MessageParser::default()
                .parse(&text)
                .and_then(|h| h.message_id().map(str::to_string))
            {
                return Some(id);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{FILES_AT_MOST, Kind, REFERENCES_AT_MOST, read};
    use mail_parser::MessageParser;

    const REPLY: &str = "From: =?UTF-8?Q?S=E1=BB=9F_Y_t=E1=BA=BF?= <VanThu@SYT.example.gov.vn>\r\n\
To: vptt138@example.gov.vn\r\n\
Subject: =?UTF-8?B?UmU6IFYvdiBuaOG6r2MgdGjhu51pIGjhuqFu?=\r\n\
Date: Mon, 16 Jun 2025 09:30:00 +0700\r\n\
Message-ID: <reply-1@syt.example.gov.vn>\r\n\
In-Reply-To: <dondoc.abc@example.gov.vn>\r\n\
References: <dondoc.first@example.gov.vn> <dondoc.abc@example.gov.vn>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/mixed; boundary=\"b\"\r\n\
\r\n\
--b\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
\r\n\
Sở Y tế gửi Báo cáo Số: 125/BC-SYT.\r\n\
--b\r\n\
Content-Type: application/pdf\r\n\
Content-Disposition: attachment; filename=\"bao-cao.pdf\"\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
JVBERi0xLjQK\r\n\
--b--\r\n";

    #[test]
    fn a_reply_says_who_what_it_answers_and_what_it_carries() {
        let m = read(REPLY.as_bytes()).unwrap();
        assert_eq!(m.id, "reply-1@syt.example.gov.vn");
        assert_eq!(m.from.as_deref(), Some("vanthu@syt.example.gov.vn"));
        assert_eq!(m.subject, "Re: V/v nhắc thời hạn");
        assert!(m.text.contains("Số: 125/BC-SYT"), "{}", m.text);
        assert_eq!(
            m.replies_to,
            ["dondoc.abc@example.gov.vn", "dondoc.first@example.gov.vn"]
        );
        assert_eq!(m.kind, Kind::Written);
        assert_eq!(m.date, Some(1_750_041_000));
        assert_eq!(m.attachments.len(), 1);
        assert_eq!(m.attachments[0].name, "bao-cao.pdf");
        assert_eq!(m.attachments[0].bytes, b"%PDF-1.4\n");
    }

    #[test]
    fn a_date_outside_2000_to_2100_is_no_date() {
        for (date, want) in [
            ("Fri, 31 Dec 9999 23:00:00 +0000", None),
            ("Sat, 01 Jan 1972 00:00:00 +0000", None),
            ("Mon, 16 Jun 2025 09:30:00 +0700", Some(1_750_041_000)),
        ] {
            let raw = REPLY.replace("Mon, 16 Jun 2025 09:30:00 +0700", date);
            assert_eq!(read(raw.as_bytes()).unwrap().date, want, "{date}");
        }
    }

    #[test]
    fn automatic_answers_are_recognised() {
        let base = "From: a@syt.example.gov.vn\r\nMessage-ID: <x@y>\r\nIn-Reply-To: <dondoc.abc@example.gov.vn>\r\n";
        for extra in [
            "Auto-Submitted: auto-replied\r\nSubject: Re: V/v\r\n",
            "X-Autoreply: yes\r\nSubject: Re: V/v\r\n",
            "Precedence: auto_reply\r\nSubject: Re: V/v\r\n",
            "Subject: Automatic reply: V/v nhắc\r\n",
            "Subject: Trả lời tự động: V/v nhắc\r\n",
        ] {
            let m =
                read(format!("{base}{extra}\r\nTôi vắng mặt đến 20/6.\r\n").as_bytes()).unwrap();
            assert_eq!(m.kind, Kind::AutoReply, "{extra}");
        }
        let person = format!("{base}Auto-Submitted: no\r\nSubject: Re: V/v\r\n\r\nĐã gửi.\r\n");
        assert_eq!(read(person.as_bytes()).unwrap().kind, Kind::Written);
    }

    #[test]
    fn a_bounce_names_the_reminder_it_reports_on() {
        let dsn = "From: Mail Delivery System <MAILER-DAEMON@mail.example.gov.vn>\r\n\
Subject: Undelivered Mail Returned to Sender\r\n\
Message-ID: <dsn-1@mail.example.gov.vn>\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\
\r\n\
--r\r\n\
Content-Type: text/plain\r\n\
\r\n\
<vanthu@stp.example.gov.vn>: host said: 550 user unknown\r\n\
--r\r\n\
Content-Type: message/delivery-status\r\n\
\r\n\
Reporting-MTA: dns; mail.example.gov.vn\r\n\
\r\n\
Final-Recipient: rfc822; vanthu@stp.example.gov.vn\r\n\
Action: failed\r\n\
Status: 5.1.1\r\n\
--r\r\n\
Content-Type: text/rfc822-headers\r\n\
\r\n\
From: vptt138@example.gov.vn\r\n\
To: vanthu@stp.example.gov.vn\r\n\
Message-ID: <dondoc.abc@example.gov.vn>\r\n\
Subject: V/v nhắc\r\n\
--r--\r\n";
        let m = read(dsn.as_bytes()).unwrap();
        assert_eq!(
            m.kind,
            Kind::Bounce {
                original: Some("dondoc.abc@example.gov.vn".into()),
                recipients: vec!["vanthu@stp.example.gov.vn".into()],
            }
        );
    }

    #[test]
    fn a_message_without_message_id_is_known_by_its_headers() {
        let raw = "From: a@b.vn\r\nSubject: x\r\n\r\nbody\r\n";
        let a = read(raw.as_bytes()).unwrap();
        let b = read(raw.replace("body", "other body").as_bytes()).unwrap();
        assert!(a.id.starts_with("sha256:") && a.id.len() == 71, "{}", a.id);
        assert_eq!(a.id, b.id, "the same headers: the same message");
        let c = read(raw.replace("Subject: x", "Subject: y").as_bytes()).unwrap();
        assert_ne!(a.id, c.id);
    }

    /// 12 000 messages, each inside the one before: read (and dropped) on
    /// a thread with a quarter of tokio's blocking stack, and not read
    /// further.
    #[test]
    fn messages_nested_12000_deep_do_not_overflow_the_stack() {
        let head = "From: a@syt.example.gov.vn\r\nSubject: x\r\nMessage-ID: <deep@x>\r\nMIME-Version: 1.0\r\n";
        let tower = |levels: usize| {
            let mut raw = String::from(head);
            for n in 0..levels {
                raw.push_str(&format!(
                    "Content-Type: multipart/mixed; boundary=\"b{n}\"\r\n\r\n--b{n}\r\nContent-Type: message/rfc822\r\n\r\n"
                ));
            }
            raw.push_str("Subject: in\r\n\r\nhi");
            for n in (0..levels).rev() {
                raw.push_str(&format!("\r\n--b{n}--\r\n"));
            }
            raw
        };
        // Parsed whole (as before the boundary count), measured and dropped
        // without recursion on a quarter of tokio's blocking stack.
        let raw = tower(12_000);
        let deepest = std::thread::Builder::new()
            .stack_size(512 << 10)
            .spawn(move || {
                let m = MessageParser::default().parse(raw.as_bytes()).unwrap();
                let deepest = super::depth(&m);
                super::dismantle(m);
                deepest
            })
            .unwrap()
            .join()
            .unwrap();
        assert!(deepest > 12_000, "{deepest}");
        // Read: only its headers, for so many boundaries.
        let m = read(tower(12_000).as_bytes()).unwrap();
        assert_eq!(m.kind, Kind::TooManyParts);
        assert_eq!(m.id, "deep@x");
        assert!(m.attachments.is_empty() && m.text.is_empty());
        // 40 deep is under the boundary count, over the nesting limit.
        let m = read(tower(40).as_bytes()).unwrap();
        assert_eq!(m.kind, Kind::TooDeep);
        assert!(m.attachments.is_empty() && m.text.is_empty());
        // A forwarded message is no attack.
        let forwarded = format!(
            "{head}Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
             Content-Type: text/plain\r\n\r\nChuyển tiếp.\r\n--b\r\n\
             Content-Type: message/rfc822\r\n\r\nSubject: in\r\n\r\nhi\r\n--b--\r\n"
        );
        assert_eq!(read(forwarded.as_bytes()).unwrap().kind, Kind::Written);
    }

    /// 40 000 referenced ids: the parent, then the newest 99, at once.
    #[test]
    fn references_are_read_up_to_a_hundred_newest_first() {
        let refs: Vec<String> = (0..40_000).map(|n| format!("<r{n}@x>")).collect();
        let raw = REPLY.replace(
            "References: <dondoc.first@example.gov.vn> <dondoc.abc@example.gov.vn>",
            &format!("References: {}", refs.join(" ")),
        );
        let m = read(raw.as_bytes()).unwrap();
        assert_eq!(m.replies_to.len(), REFERENCES_AT_MOST);
        assert_eq!(m.replies_to[0], "dondoc.abc@example.gov.vn");
        assert_eq!(m.replies_to[1], "r39999@x");
        assert_eq!(m.replies_to[99], "r39901@x");
    }

    /// 20 000 tiny files: the first hundred are read, the rest counted.
    #[test]
    fn files_beyond_a_hundred_are_counted_not_read() {
        let mut raw = REPLY.replace("--b--\r\n", "");
        for n in 0..20_000 {
            raw.push_str(&format!(
                "--b\r\nContent-Type: application/octet-stream\r\n\
                 Content-Disposition: attachment; filename=\"t{n}.bin\"\r\n\r\nabc\r\n"
            ));
        }
        raw.push_str("--b--\r\n");
        let m = read(raw.as_bytes()).unwrap();
        assert_eq!(m.attachments.len(), FILES_AT_MOST);
        assert_eq!(m.attachments[1].name, "t0.bin");
        assert_eq!(
            m.more_files,
            (20_001 - FILES_AT_MOST, 3 * (20_001 - FILES_AT_MOST) as u64)
        );
    }

    /// Two From headers: which is the sender is a reader's guess.
    #[test]
    fn a_message_with_two_senders_has_none() {
        let raw = REPLY.replace(
            "To: vptt138",
            "From: ke-gian@gian-lan.example\r\nTo: vptt138",
        );
        assert_eq!(read(raw.as_bytes()).unwrap().from, None);
    }

    /// Only recipients whose delivery failed are reported; delayed,
    /// delivered and relayed ones are not.
    #[test]
    fn a_bounce_reports_only_failed_recipients() {
        let raw = "From: MAILER-DAEMON@mail.example.gov.vn\r\nMessage-ID: <d@x>\r\nMIME-Version: 1.0\r\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n\r\n\
--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; x\r\n\r\n\
Final-Recipient: rfc822; a@x.vn\r\nAction: delayed\r\n\r\n\
Final-Recipient: rfc822; b@x.vn\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n\
Original-Recipient: rfc822; C@x.vn\r\nFinal-Recipient: rfc822; c@x.vn\r\nAction: delivered\r\n\
--r--\r\n";
        let Kind::Bounce { recipients, .. } = read(raw.as_bytes()).unwrap().kind else {
            panic!("a bounce")
        };
        assert_eq!(recipients, ["b@x.vn"]);
    }
}
