//! `[mail]`, `[mail.smtp]` and `[inbox]`, resolved: mailboxes parsed into the
//! form the composer uses, paths resolved against the config directory, and
//! the files the transports will need at start (`password_file`, `ca_file`)
//! checked to exist and be readable — without ever reading a secret into a
//! message.
//!
//! Here `[mail]` itself (transport, sender, language, retries); beside it:
//!
//! - `smtp`: `[mail.smtp]`, the server reminders are sent through;
//! - `inbox`: `[inbox]`, the IMAP mailbox answers are read from;
//! - `access`: what both servers' settings share (where a password comes
//!   from, the extra CA, files readable at start, clear text only to this
//!   machine).

mod access;
mod inbox;
mod smtp;

use std::path::Path;

use lettre::message::Mailbox;
use toml::Spanned;

use super::error::{SourceFile, quote};
use super::values::{bounded, is_email};
use super::{Lang, Mail, Office, Transport, raw, resolve_path};
pub use access::is_loopback;
pub(super) use inbox::inbox;
use smtp::smtp;

const DEFAULT_OUTBOX: &str = "/var/lib/dondoc/outbox";

/// Validates `[mail]`; `None` when it cannot be used (errors recorded).
pub fn mail(
    dir: &Path,
    src: &mut SourceFile,
    raw: &raw::Mail,
    office: Option<&Office>,
) -> Option<Mail> {
    let transport = match raw.transport.as_ref().map(|t| t.get_ref().as_str()) {
        None | Some("outbox") => Transport::Outbox,
        Some("smtp") => Transport::Smtp,
        Some(other) => {
            let span = raw.transport.as_ref().map_or(0..0, |t| t.span());
            src.error(
                span,
                "mail.transport",
                format!(
                    "{} is not a transport; use \"outbox\" or \"smtp\"",
                    quote(other)
                ),
            );
            return None;
        }
    };
    let lang = match raw.lang.as_ref().map(|l| l.get_ref().as_str()) {
        None | Some("vi") => Lang::Vi,
        Some("en") => Lang::En,
        Some(other) => {
            let span = raw.lang.as_ref().map_or(0..0, |l| l.span());
            src.error(
                span,
                "mail.lang",
                format!("{} is not available; use \"vi\" or \"en\"", quote(other)),
            );
            Lang::Vi
        }
    };
    let from = match &raw.from {
        Some(from) => check_mailbox(src, from, "mail.from"),
        None => office.and_then(|o| {
            let address = o.email.parse().ok()?;
            Some(Mailbox::new(Some(o.name.clone()), address))
        }),
    };
    let reply_to = raw
        .reply_to
        .as_ref()
        .and_then(|r| check_mailbox(src, r, "mail.reply_to"));
    let smtp = raw.smtp.as_ref().and_then(|s| smtp(dir, src, s));
    if transport == Transport::Smtp && raw.smtp.is_none() {
        src.error(
            raw.transport.as_ref().map_or(0..0, |t| t.span()),
            "mail.transport",
            "transport \"smtp\" needs a [mail.smtp] table with at least host",
        );
    }
    let retry_seconds = bounded(
        src,
        raw.retry_seconds.as_ref(),
        "mail.retry_seconds",
        1,
        86_400,
        60,
    );
    let give_up_hours = bounded(
        src,
        raw.give_up_hours.as_ref(),
        "mail.give_up_hours",
        1,
        24 * 30,
        24,
    );
    Some(Mail {
        transport,
        outbox: resolve_path(
            dir,
            raw.outbox.as_ref().map(|v| v.get_ref().as_str()),
            DEFAULT_OUTBOX,
        ),
        from: from?,
        reply_to,
        lang,
        smtp,
        retry_seconds: retry_seconds as u64,
        give_up_hours: give_up_hours as u64,
    })
}

/// `Name <addr>` or a bare address, parsed as the composer will use it.
pub fn parse_mailbox(text: &str) -> Result<Mailbox, String> {
    let text = text.trim();
    let (name, addr) = match text.rsplit_once('<') {
        Some((name, rest)) if rest.ends_with('>') => {
            (Some(name.trim().trim_matches('"')), &rest[..rest.len() - 1])
        }
        Some(_) => return Err("an unclosed '<'".into()),
        None => (None, text),
    };
    if name.is_some_and(|n| n.contains(['\r', '\n', '"'])) {
        return Err("the name holds a line break or a quote".into());
    }
    if !is_email(addr.trim()) {
        return Err(format!("{} is not an email address", quote(addr)));
    }
    let address = addr.trim().parse().map_err(|e| format!("{e}"))?;
    Ok(Mailbox::new(
        name.filter(|n| !n.is_empty()).map(String::from),
        address,
    ))
}

fn check_mailbox(src: &mut SourceFile, value: &Spanned<String>, key: &str) -> Option<Mailbox> {
    match parse_mailbox(value.get_ref()) {
        Ok(m) => Some(m),
        Err(why) => {
            src.error(
                value.span(),
                key,
                format!(
                    "{} is not a mailbox ({why}); write \"Name <name@example.gov.vn>\" or an address",
                    quote(value.get_ref().trim())
                ),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests;
