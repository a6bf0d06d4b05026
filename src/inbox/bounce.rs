//! What a delivery status notification (RFC 3464) reports: the reminder it
//! is about, and the recipients whose delivery failed.

use std::collections::HashSet;

use mail_parser::{Message, MessageParser, MimeHeaders};

/// The recipients a bounce reports delivery to as failed: the
/// per-recipient blocks of its `message/delivery-status` part (RFC 3464)
/// whose `Action` is `failed` (not `delayed`, `delivered`, `relayed` or
/// `expanded`), their `Final-Recipient` and `Original-Recipient`
/// (`rfc822;` addresses only), lower-cased.
pub fn failed_recipients(m: &Message) -> Vec<String> {
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
pub fn original(m: &Message) -> Option<String> {
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
