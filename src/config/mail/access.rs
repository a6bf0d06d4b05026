//! What reaching a mail server needs, checked the same way for `[mail.smtp]`
//! and `[inbox]`: where the password comes from (a file, readable now, or an
//! environment variable, set now), the extra CA (a PEM certificate), and the
//! rule that clear text goes only to this machine. A secret is never read
//! into a message.

use std::path::{Path, PathBuf};

use lettre::transport::smtp::client::Certificate;
use toml::Spanned;

use crate::config::error::{SourceFile, quote};
use crate::config::{PasswordSource, resolve_path};

/// Where a password comes from (`PREFIX.password_file` or
/// `PREFIX.password_env`); a file must exist and be readable now, as the
/// daemon reads it at start.
pub(super) fn password_source(
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

/// The extra CA at `key`: readable, and a PEM certificate the TLS setup
/// accepts.
pub(super) fn ca_file_at(
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
