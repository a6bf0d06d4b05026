//! One message from the mailbox, read with mail-parser: who sent it, what
//! it replies to, its text and attachments, and whether a person wrote it —
//! or it is an automatic answer (ignored) or a bounce (the reminder it
//! reports on was not delivered: the office must phone).

use mail_parser::{HeaderName, HeaderValue, Message, MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};

/// What kind of message it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A person wrote it.
    Written,
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
    pub attachments: Vec<Attachment>,
    /// Its `Authentication-Results` headers (RFC 8601), top first: what the
    /// receiving servers found of its sender.
    pub authentication: Vec<String>,
}

/// Reads a raw message (RFC 5322 bytes); `None` when it is not one.
pub fn read(raw: &[u8]) -> Option<Incoming> {
    let m = MessageParser::default().parse(raw)?;
    let id = match m.message_id() {
        Some(id) => id.to_string(),
        None => {
            let end = find(raw, b"\r\n\r\n")
                .or_else(|| find(raw, b"\n\n"))
                .unwrap_or(raw.len());
            let digest = Sha256::digest(&raw[..end]);
            format!(
                "sha256:{}",
                digest
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<String>()
            )
        }
    };
    let mut replies_to = ids(m.in_reply_to());
    for r in ids(m.references()) {
        if !replies_to.contains(&r) {
            replies_to.push(r);
        }
    }
    let kind = kind(&m);
    Some(Incoming {
        id,
        from: m
            .from()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .map(str::to_lowercase),
        subject: m.subject().unwrap_or_default().to_string(),
        text: m.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
        // A Date outside 2000–2100 (a stopped clock, a forged header) is
        // no date: the proposal is dated when it is read.
        date: m
            .date()
            .map(|d| d.to_timestamp())
            .filter(|t| crate::dates::accepted_unix(*t)),
        replies_to,
        kind,
        attachments: m
            .attachments()
            .filter(|p| !p.is_message())
            .map(|p| {
                let contents = p.contents();
                Attachment {
                    name: p.attachment_name().unwrap_or("tep-dinh-kem").to_string(),
                    size: contents.len(),
                    bytes: if contents.len() <= FILE_AT_MOST {
                        contents.to_vec()
                    } else {
                        Vec::new()
                    },
                }
            })
            .collect(),
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
    })
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

/// The recipients a bounce reports on: the per-recipient fields of its
/// `message/delivery-status` part (RFC 3464), `rfc822;` addresses only.
fn bounced_recipients(m: &Message) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in m.parts.iter() {
        let status = part.content_type().is_some_and(|c| {
            c.ctype().eq_ignore_ascii_case("message")
                && c.subtype()
                    .is_some_and(|s| s.eq_ignore_ascii_case("delivery-status"))
        });
        if !status {
            continue;
        }
        for line in String::from_utf8_lossy(part.contents()).lines() {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let name = name.trim();
            if !(name.eq_ignore_ascii_case("Final-Recipient")
                || name.eq_ignore_ascii_case("Original-Recipient"))
            {
                continue;
            }
            let Some((kind, address)) = value.split_once(';') else {
                continue;
            };
            let address = address.trim().trim_matches(['<', '>']).to_lowercase();
            if kind.trim().eq_ignore_ascii_case("rfc822")
                && !address.is_empty()
                && !out.contains(&address)
            {
                out.push(address);
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
    use super::{Kind, read};

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
}
