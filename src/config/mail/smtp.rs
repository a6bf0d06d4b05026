//! `[mail.smtp]`, resolved: the server, its security mode and port, the
//! password's source, the extra CA, the rate limit and the time limit.

use std::path::{Path, PathBuf};

use toml::Spanned;

use super::access::{ca_file_at, is_loopback, password_source};
use crate::config::error::{SourceFile, quote};
use crate::config::values::{bounded, check_text};
use crate::config::{PasswordSource, Security, Smtp, raw};

/// Validates `[mail.smtp]`; `None` when it cannot be used (errors recorded).
pub(super) fn smtp(dir: &Path, src: &mut SourceFile, raw: &Spanned<raw::Smtp>) -> Option<Smtp> {
    let s = raw.get_ref();
    let host = check_text(src, &s.host, "mail.smtp.host");
    let security = match s.security.as_ref().map(|v| v.get_ref().as_str()) {
        None | Some("starttls") => Security::StartTls,
        Some("tls") => Security::Tls,
        Some("none") => Security::None,
        Some(other) => {
            let span = s.security.as_ref().map_or(0..0, |v| v.span());
            src.error(
                span,
                "mail.smtp.security",
                format!(
                    "{} is not a security mode; use \"starttls\", \"tls\" or \"none\"",
                    quote(other)
                ),
            );
            Security::StartTls
        }
    };
    if security == Security::None && !is_loopback(&host) {
        src.error(
            s.security.as_ref().map_or(0..0, |v| v.span()),
            "mail.smtp.security",
            format!(
                "\"none\" sends the password and reminders in clear text, so it is allowed \
                 only for a loopback host (localhost, 127.0.0.1, ::1), not {}; \
                 use \"starttls\" or \"tls\"",
                quote(&host)
            ),
        );
    }
    let default_port = if security == Security::Tls { 465 } else { 587 };
    let port = bounded(
        src,
        s.port.as_ref(),
        "mail.smtp.port",
        1,
        65535,
        default_port,
    );
    let password = password(dir, src, raw);
    let ca_file = s.ca_file.as_ref().and_then(|f| ca_file(dir, src, f));
    let max_per_minute = bounded(
        src,
        s.max_per_minute.as_ref(),
        "mail.smtp.max_per_minute",
        1,
        100_000,
        120,
    );
    let timeout_seconds = bounded(
        src,
        s.timeout_seconds.as_ref(),
        "mail.smtp.timeout_seconds",
        1,
        3600,
        30,
    );
    Some(Smtp {
        host,
        port: port as u16,
        security,
        username: s.username.clone(),
        password,
        max_per_minute: max_per_minute as u32,
        timeout_seconds: timeout_seconds as u64,
        ca_file,
    })
}

/// Where the SMTP password comes from; with a username.
fn password(dir: &Path, src: &mut SourceFile, raw: &Spanned<raw::Smtp>) -> Option<PasswordSource> {
    let s = raw.get_ref();
    let source = password_source(
        dir,
        src,
        s.password_file.as_ref(),
        s.password_env.as_ref(),
        "mail.smtp",
    );
    if source.is_some() && s.username.is_none() {
        src.error(
            raw.span(),
            "mail.smtp.username",
            "a password is set, so username is required",
        );
    }
    source
}

/// The extra CA: readable, and a PEM certificate the TLS setup accepts.
fn ca_file(dir: &Path, src: &mut SourceFile, value: &Spanned<String>) -> Option<PathBuf> {
    ca_file_at(dir, src, value, "mail.smtp.ca_file")
}
