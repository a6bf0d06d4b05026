//! `[inbox]`, resolved: the IMAP mailbox the agencies' answers are read from,
//! checked as `[mail.smtp]` is, with the folder, how a proposal is accepted
//! and whose Authentication-Results are trusted.

use std::path::Path;

use toml::Spanned;

use super::access::{ca_file_at, is_loopback, password_source};
use crate::config::error::{SourceFile, quote};
use crate::config::values::{bounded, check_text};
use crate::config::{Inbox, Security, raw};

/// `[inbox]`: the IMAP mailbox, checked as `[mail.smtp]` is.
pub(in crate::config) fn inbox(
    dir: &Path,
    src: &mut SourceFile,
    raw: &Spanned<raw::Inbox>,
) -> Option<Inbox> {
    let s = raw.get_ref();
    let host = check_text(src, &s.host, "inbox.host");
    let username = check_text(src, &s.username, "inbox.username");
    let security = match s.security.as_ref().map(|v| v.get_ref().as_str()) {
        None | Some("tls") => Security::Tls,
        Some("starttls") => Security::StartTls,
        Some("none") => Security::None,
        Some(other) => {
            let span = s.security.as_ref().map_or(0..0, |v| v.span());
            src.error(
                span,
                "inbox.security",
                format!(
                    "{} is not a security mode; use \"tls\", \"starttls\" or \"none\"",
                    quote(other)
                ),
            );
            Security::Tls
        }
    };
    if security == Security::None && !is_loopback(&host) {
        src.error(
            s.security.as_ref().map_or(0..0, |v| v.span()),
            "inbox.security",
            format!(
                "\"none\" sends the password and the agencies' mail in clear text, so it is \
                 allowed only for a loopback host, not {}; use \"tls\" or \"starttls\"",
                quote(&host)
            ),
        );
    }
    let default_port = if security == Security::Tls { 993 } else { 143 };
    let port = bounded(src, s.port.as_ref(), "inbox.port", 1, 65535, default_port);
    let password = password_source(
        dir,
        src,
        s.password_file.as_ref(),
        s.password_env.as_ref(),
        "inbox",
    );
    if password.is_none() && s.password_file.is_none() && s.password_env.is_none() {
        src.error(
            raw.span(),
            "inbox.password_file",
            "the mailbox needs a password: set password_file (e.g. a systemd credential, \
             /run/credentials/dondoc.service/imap-password) or password_env",
        );
    }
    let ca_file = s
        .ca_file
        .as_ref()
        .and_then(|f| ca_file_at(dir, src, f, "inbox.ca_file"));
    let folder = s.folder.as_ref().map_or_else(
        || "INBOX".to_string(),
        |f| check_text(src, f, "inbox.folder"),
    );
    let auto_accept = match s.accept.as_ref().map(|v| v.get_ref().as_str()) {
        None | Some("confirm") => false,
        Some("auto") => true,
        Some(other) => {
            src.error(
                s.accept.as_ref().map_or(0..0, |v| v.span()),
                "inbox.accept",
                format!(
                    "{} is not a way to accept; use \"confirm\" (a clerk decides) or \"auto\"",
                    quote(other)
                ),
            );
            false
        }
    };
    let trusted_authserv_id = s.trusted_authserv_id.as_ref().map(|v| {
        let id = check_text(src, v, "inbox.trusted_authserv_id");
        if id.contains([';', ' ', '(', ')']) {
            src.error(
                v.span(),
                "inbox.trusted_authserv_id",
                format!(
                    "{} is not an authserv-id; write the host name your mail server puts first in \
                     its Authentication-Results headers (e.g. \"mail.example.gov.vn\")",
                    quote(&id)
                ),
            );
        }
        id
    });
    Some(Inbox {
        host,
        port: port as u16,
        security,
        username,
        password: password?,
        ca_file,
        folder,
        auto_accept,
        trusted_authserv_id,
    })
}
