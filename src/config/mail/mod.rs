//! `[mail]` and `[mail.smtp]`, resolved: mailboxes parsed into the form the
//! composer uses, paths resolved against the config directory, and the files
//! the transport will need at start (`password_file`, `ca_file`) checked to
//! exist and be readable — without ever reading a secret into a message.

use std::path::{Path, PathBuf};

use lettre::message::Mailbox;
use lettre::transport::smtp::client::Certificate;
use toml::Spanned;

use super::error::{SourceFile, quote};
use super::values::{bounded, check_text, is_email};
use super::{
    Inbox, Lang, Mail, Office, PasswordSource, Security, Smtp, Transport, raw, resolve_path,
};

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

fn smtp(dir: &Path, src: &mut SourceFile, raw: &Spanned<raw::Smtp>) -> Option<Smtp> {
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

/// Where a password comes from (`PREFIX.password_file` or
/// `PREFIX.password_env`); a file must exist and be readable now, as the
/// daemon reads it at start.
fn password_source(
    dir: &Path,
    src: &mut SourceFile,
    file: Option<&Spanned<String>>,
    env: Option<&Spanned<String>>,
    prefix: &str,
) -> Option<PasswordSource> {
    match (file, env) {
        (Some(f), None) => {
            let path = resolve_path(dir, Some(f.get_ref()), "");
            readable(src, f, &path, &format!("{prefix}.password_file"));
            Some(PasswordSource::File(path))
        }
        (None, Some(e)) => {
            // Like the file: the daemon reads it at start. Only its presence
            // is checked; its value is never read into a message.
            if std::env::var_os(e.get_ref()).is_none() {
                src.error(
                    e.span(),
                    format!("{prefix}.password_env"),
                    format!(
                        "the environment variable {} is not set; set it in the service's \
                         environment (a drop-in with Environment= or EnvironmentFile=), where \
                         `systemctl reload dondoc` checks it",
                        quote(e.get_ref())
                    ),
                );
            }
            Some(PasswordSource::Env(e.get_ref().clone()))
        }
        (None, None) => None,
        (Some(_), Some(e)) => {
            src.error(
                e.span(),
                format!("{prefix}.password_env"),
                "give either password_file or password_env, not both",
            );
            None
        }
    }
}

/// `[inbox]`: the IMAP mailbox, checked as `[mail.smtp]` is.
pub(super) fn inbox(dir: &Path, src: &mut SourceFile, raw: &Spanned<raw::Inbox>) -> Option<Inbox> {
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

/// The extra CA: readable, and a PEM certificate the TLS setup accepts.
fn ca_file(dir: &Path, src: &mut SourceFile, value: &Spanned<String>) -> Option<PathBuf> {
    ca_file_at(dir, src, value, "mail.smtp.ca_file")
}

fn ca_file_at(
    dir: &Path,
    src: &mut SourceFile,
    value: &Spanned<String>,
    key: &str,
) -> Option<PathBuf> {
    let path = resolve_path(dir, Some(value.get_ref()), "");
    if !readable(src, value, &path, key) {
        return None;
    }
    let pem = std::fs::read(&path).unwrap_or_default();
    if Certificate::from_pem(&pem).is_err() {
        src.error(
            value.span(),
            key,
            format!(
                "{} is not a PEM certificate; give the CA's certificate \
                 (\"-----BEGIN CERTIFICATE-----\" …)",
                quote(&path.display().to_string())
            ),
        );
        return None;
    }
    Some(path)
}

/// Whether `path` can be opened for reading; an error naming `key` if not.
/// Only opens the file: a secret is never read here.
fn readable(src: &mut SourceFile, value: &Spanned<String>, path: &Path, key: &str) -> bool {
    let why = match std::fs::File::open(path) {
        Ok(f) if f.metadata().is_ok_and(|m| m.is_file()) => return true,
        Ok(_) => "it is not a regular file".to_string(),
        Err(e) => e.to_string(),
    };
    let shown = quote(&path.display().to_string());
    let hint = if path.starts_with("/run/credentials") {
        "; a systemd credential exists only inside the service: check this setting with \
         `systemctl reload dondoc` (an invalid config is logged and the running one kept)"
    } else if key.ends_with("ca_file") {
        "; give the path of the CA's certificate (PEM), readable by the service's user"
    } else {
        "; create it (mode 0600, owned by the service's user) or fix the path"
    };
    src.error(
        value.span(),
        key,
        format!("cannot read {shown}: {why}{hint}"),
    );
    false
}

/// Whether SMTP without TLS is tolerable: only to this machine.
pub fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests;
