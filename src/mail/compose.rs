//! Turning a batch of reminders into one RFC 5322 message: headers that
//! thread, identify and mark it as automatic, and a text + HTML body.
//!
//! Every name and title that reaches a header goes through lettre's encoders
//! after control characters are removed, so config text can never inject a
//! header.

use std::time::SystemTime;

use jiff::Zoned;
use lettre::Message;
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};

use super::templates::Rendered;

/// `Auto-Submitted: auto-generated` (RFC 3834), so that auto-responders and
/// ticket systems do not answer a reminder with another message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_string())
    }
}

/// `Subject:`, RFC 2047-encoded whenever it needs to be: lettre writes an
/// all-ASCII word as it is, so a title holding a literal encoded word
/// (`=?utf-8?b?…?=`) would be decoded by the reader's client into something
/// the office never wrote. Such a subject is encoded whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject(pub String);

impl Header for Subject {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Subject")
    }

    fn parse(text: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Subject(text.to_string()))
    }

    fn display(&self) -> HeaderValue {
        if !self.0.contains("=?") {
            return HeaderValue::new(Self::name(), self.0.clone());
        }
        let mut encoded = String::new();
        {
            let mut w = email_encoding::headers::writer::EmailWriter::new(
                &mut encoded,
                "Subject: ".len(),
                0,
                false,
            );
            email_encoding::headers::rfc2047::encode(&self.0, &mut w)
                .expect("writing to a String cannot fail");
        }
        HeaderValue::dangerous_new_pre_encoded(Self::name(), self.0.clone(), encoded)
    }
}

/// An email ready to store and send.
#[derive(Debug, Clone)]
pub struct Composed {
    pub message_id: String,
    /// Envelope sender (the address of `[mail] from`).
    pub sender: String,
    /// Envelope recipients: To then Cc.
    pub recipients: Vec<String>,
    pub raw: Vec<u8>,
}

/// Who a message goes to.
#[derive(Debug, Clone)]
pub struct Addressing<'a> {
    pub from: &'a Mailbox,
    pub reply_to: Option<&'a Mailbox>,
    /// Display name for the To addresses.
    pub to_name: &'a str,
    pub to: &'a [String],
    pub cc: &'a [String],
}

/// Threading headers: the Message-IDs of earlier messages of the same thread.
#[derive(Debug, Clone, Default)]
pub struct Thread {
    pub earlier: Vec<String>,
}

/// A new Message-ID: `<dondoc.WHAT.` 128 random bits in hex `@domain>`.
/// The random part is what makes a reply prove itself: only those who
/// received the message know its id, so a stranger cannot forge an
/// `In-Reply-To` from public facts (the thread, the moment, the domain).
pub fn new_message_id(what: &str, domain: &str) -> String {
    let random = crate::config::users::random_bytes();
    format!(
        "<dondoc.{what}.{}@{domain}>",
        crate::config::users::hex(&random[..16])
    )
}

/// Whether `id` (with or without angle brackets) carries the random part
/// of [`new_message_id`]: ids made before it are predictable.
pub fn is_unguessable(id: &str) -> bool {
    let local = id.trim_matches(['<', '>']).split('@').next().unwrap_or("");
    local
        .rsplit('.')
        .next()
        .is_some_and(|r| r.len() == 32 && r.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A header-safe version of a display name.
fn clean(text: &str) -> String {
    super::templates::one_line(text)
}

fn mailbox(name: Option<&str>, addr: &str) -> Result<Mailbox, String> {
    let address = addr.parse().map_err(|e| format!("address {addr:?}: {e}"))?;
    Ok(Mailbox::new(
        name.map(clean).filter(|n| !n.is_empty()),
        address,
    ))
}

/// `Date:` as the office's clock reads it (`+0700`), not UTC: RFC 5322 takes
/// any offset, and a reader sees the hour the office sent it. lettre writes
/// only UTC, so its header is replaced in place once the message is built.
fn set_local_date(message: &mut Message, date: &Zoned) {
    let text = date.strftime("%a, %d %b %Y %H:%M:%S %z").to_string();
    let name = HeaderName::new_from_ascii_str("Date");
    message
        .headers_mut()
        .insert_raw(HeaderValue::dangerous_new_pre_encoded(
            name,
            text.clone(),
            text,
        ));
}

/// Builds a reminder (or digest) message, dated `date` in its zone.
pub fn compose_reminder(
    message_id: &str,
    date: &Zoned,
    addressing: &Addressing,
    thread: &Thread,
    body: &Rendered,
) -> Result<Composed, String> {
    let from = addressing.from.clone();
    let mut b = Message::builder()
        .from(from.clone())
        .header(Subject(clean(&body.subject)))
        .message_id(Some(message_id.to_string()))
        .date(SystemTime::from(date.timestamp()))
        .header(AutoSubmitted);
    if let Some(r) = addressing.reply_to {
        b = b.reply_to(r.clone());
    }
    for to in addressing.to {
        b = b.to(mailbox(Some(addressing.to_name), to)?);
    }
    for cc in addressing.cc {
        b = b.cc(mailbox(None, cc)?);
    }
    if let Some(last) = thread.earlier.last() {
        b = b
            .in_reply_to(last.clone())
            .references(thread.earlier.join(" "));
    }
    let mut message = b
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(body.text.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(body.html.clone()),
                ),
        )
        .map_err(|e| e.to_string())?;
    let mut recipients: Vec<String> = addressing.to.to_vec();
    recipients.extend(addressing.cc.iter().cloned());
    Ok(Composed {
        message_id: message_id.to_string(),
        sender: from.email.to_string(),
        recipients,
        raw: {
            set_local_date(&mut message, date);
            message.formatted()
        },
    })
}

/// A plain test message for `send-test`.
pub fn compose_test(
    message_id: &str,
    date: &Zoned,
    from: &Mailbox,
    to: &str,
    office: &str,
) -> Result<Composed, String> {
    let from_box = from.clone();
    let text = format!(
        "Đây là thư thử nghiệm do {office} gửi qua hệ thống đôn đốc báo cáo (dondoc) để kiểm tra cấu hình gửi thư.\n\
         This is a test message from dondoc.\n"
    );
    let mut message = Message::builder()
        .from(from_box.clone())
        .to(mailbox(None, to)?)
        .subject("dondoc: thư thử nghiệm / test message")
        .message_id(Some(message_id.to_string()))
        .date(SystemTime::from(date.timestamp()))
        .header(AutoSubmitted)
        .header(ContentType::TEXT_PLAIN)
        .body(text)
        .map_err(|e| e.to_string())?;
    Ok(Composed {
        message_id: message_id.to_string(),
        sender: from_box.email.to_string(),
        recipients: vec![to.to_string()],
        raw: {
            set_local_date(&mut message, date);
            message.formatted()
        },
    })
}

/// The Cc list: `cc`, plus `escalate_to` when escalated, without repeats
/// (ignoring case) and without any address already in `to`.
pub fn copies(
    to: &[String],
    cc: &[String],
    escalate_to: &[String],
    escalated: bool,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let extra: &[String] = if escalated { escalate_to } else { &[] };
    for addr in cc.iter().chain(extra) {
        let seen = |a: &String| a.eq_ignore_ascii_case(addr);
        if !to.iter().any(seen) && !out.iter().any(seen) {
            out.push(addr.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> Rendered {
        Rendered {
            subject: "Đôn đốc gửi báo cáo quá hạn: Báo cáo 6 tháng".into(),
            text: "Kính gửi: Sở Y tế\n".into(),
            html: "<p>Kính gửi: Sở Y tế</p>".into(),
        }
    }

    fn raw_text(c: &Composed) -> String {
        String::from_utf8(c.raw.clone()).unwrap()
    }

    #[test]
    fn headers_identify_thread_and_mark_it_automatic() {
        let to = ["vanthu@syt.example.gov.vn".to_string()];
        let cc = ["giamdoc@syt.example.gov.vn".to_string()];
        let from = "Văn phòng Thường trực BCĐ 138 <vptt138@example.gov.vn>"
            .parse()
            .unwrap();
        let reply_to = "vptt138@example.gov.vn".parse().unwrap();
        let a = Addressing {
            from: &from,
            reply_to: Some(&reply_to),
            to_name: "Sở Y tế",
            to: &to,
            cc: &cc,
        };
        let thread = Thread {
            earlier: vec!["<a.1@example.gov.vn>".into(), "<a.2@example.gov.vn>".into()],
        };
        let date: Zoned = "2025-06-16T08:00:00+07:00[Asia/Ho_Chi_Minh]"
            .parse()
            .unwrap();
        let c = compose_reminder("<a.3@example.gov.vn>", &date, &a, &thread, &body()).unwrap();
        let raw = raw_text(&c);
        assert!(
            raw.contains("Message-ID: <a.3@example.gov.vn>\r\n"),
            "{raw}"
        );
        assert!(raw.contains("In-Reply-To: <a.2@example.gov.vn>\r\n"));
        assert!(raw.contains("References: <a.1@example.gov.vn> <a.2@example.gov.vn>\r\n"));
        assert!(raw.contains("Auto-Submitted: auto-generated\r\n"));
        // The office's hour, with its offset; one Date header.
        assert!(
            raw.contains("Date: Mon, 16 Jun 2025 08:00:00 +0700\r\n"),
            "{raw}"
        );
        assert_eq!(raw.matches("\r\nDate: ").count(), 1);
        let parsed = mail_parser::MessageParser::default().parse(&c.raw).unwrap();
        assert_eq!(
            parsed.date().unwrap().to_timestamp(),
            date.timestamp().as_second()
        );
        assert!(raw.contains("Content-Type: multipart/alternative"));
        assert!(raw.contains("Content-Type: text/plain; charset=utf-8"));
        assert!(raw.contains("Content-Type: text/html; charset=utf-8"));
        assert!(
            raw.contains("Subject: =?utf-8?"),
            "non-ASCII subject is encoded"
        );
        assert_eq!(
            c.recipients,
            ["vanthu@syt.example.gov.vn", "giamdoc@syt.example.gov.vn"]
        );
        assert_eq!(c.sender, "vptt138@example.gov.vn");
    }

    #[test]
    fn names_and_subjects_cannot_inject_headers() {
        let to = ["vanthu@syt.example.gov.vn".to_string()];
        let from = "vptt138@example.gov.vn".parse().unwrap();
        let a = Addressing {
            from: &from,
            reply_to: None,
            to_name: "Sở Y tế\r\nBcc: evil@attacker.example",
            to: &to,
            cc: &[],
        };
        let mut b = body();
        b.subject = "Báo cáo\r\nBcc: evil@attacker.example\r\n\r\nbody".into();
        let c = compose_reminder(
            "<x@example.gov.vn>",
            &Zoned::now(),
            &a,
            &Thread::default(),
            &b,
        )
        .unwrap();
        let raw = raw_text(&c);
        let head = raw.split("\r\n\r\n").next().unwrap();
        assert!(
            !head
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
            "{head}"
        );
        assert_eq!(c.recipients, ["vanthu@syt.example.gov.vn"]);
    }

    #[test]
    fn a_literal_encoded_word_in_a_title_is_encoded_not_decoded() {
        let to = ["vanthu@syt.example.gov.vn".to_string()];
        let from = "vptt138@example.gov.vn".parse().unwrap();
        let a = Addressing {
            from: &from,
            reply_to: None,
            to_name: "Sở Y tế",
            to: &to,
            cc: &[],
        };
        // "=?utf-8?b?SGFja2Vk?=" would read "Hacked" if pasted raw.
        for subject in [
            "Nhắc hạn: =?utf-8?b?SGFja2Vk?=",
            "Reminder: =?utf-8?b?SGFja2Vk?= report",
        ] {
            let mut b = body();
            b.subject = subject.into();
            let c = compose_reminder(
                "<x@example.gov.vn>",
                &Zoned::now(),
                &a,
                &Thread::default(),
                &b,
            )
            .unwrap();
            let parsed = mail_parser::MessageParser::default().parse(&c.raw).unwrap();
            assert_eq!(parsed.subject(), Some(subject), "{}", raw_text(&c));
        }
    }

    #[test]
    fn copies_are_deduplicated_ignoring_case_and_never_repeat_to() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let to = s(&["vanthu@syt.vn"]);
        let cc = s(&["VanThu@syt.vn", "tonghop@syt.vn"]);
        let esc = s(&["TONGHOP@syt.vn", "giamdoc@syt.vn"]);
        assert_eq!(copies(&to, &cc, &esc, false), s(&["tonghop@syt.vn"]));
        assert_eq!(
            copies(&to, &cc, &esc, true),
            s(&["tonghop@syt.vn", "giamdoc@syt.vn"])
        );
    }
}
