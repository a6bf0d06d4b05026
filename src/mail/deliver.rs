//! Delivery: the outbox directory (the default: the daemon runs with no mail
//! server) or SMTP through lettre — STARTTLS required unless told otherwise,
//! one session kept open between messages (`smtp.rs`), a timeout around every
//! send (lettre's own covers only connecting), and `max_per_minute`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use lettre::Address;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, TlsParameters};
use tokio::time::Instant;

use super::smtp::Session;
use crate::config::{Mail, PasswordSource, Smtp, Transport};
use crate::files as secure;

/// Why a message did not go.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth retrying later: 4xx, connection or TLS trouble, a timeout.
    #[error("temporary failure: {0}")]
    Transient(String),
    /// Worth retrying later, and about this message only: 4xx to one of its
    /// recipients (a full mailbox, greylisting). Delivery as a whole works.
    #[error("deferred by the server: {0}")]
    Deferred(String),
    /// Retrying will not help: 5xx (bad address, refused), a malformed message.
    #[error("permanent failure: {0}")]
    Permanent(String),
    /// The server refused the transport itself — authentication or TLS — so
    /// no message can go until the admin fixes the settings or the secret.
    /// The message is not at fault: it stays queued.
    #[error("the mail server refused dondoc: {0}")]
    Refused(String),
}

impl SendError {
    /// Whether the failure is this message's (a recipient's), not the
    /// transport's: `Refused` and `Transient` say nothing about the message.
    pub fn is_message_fault(&self) -> bool {
        matches!(self, SendError::Permanent(_) | SendError::Deferred(_))
    }
}

/// The SMTP password: never printed, never logged.
#[derive(Clone)]
struct Secret(String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A configured way to deliver messages.
pub enum Deliverer {
    Outbox(PathBuf),
    Smtp {
        session: Box<Session>,
        bucket: TokenBucket,
    },
}

impl std::fmt::Debug for Deliverer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Deliverer::Outbox(dir) => write!(f, "outbox {}", dir.display()),
            Deliverer::Smtp { session, .. } => {
                write!(
                    f,
                    "smtp {}:{} (timeout {:?})",
                    session.host, session.port, session.timeout
                )
            }
        }
    }
}

impl Deliverer {
    /// Builds the configured transport; reads the SMTP password now (from its
    /// file or environment variable), so a missing one fails at start.
    pub fn new(mail: &Mail) -> Result<Deliverer, String> {
        match (mail.transport, &mail.smtp) {
            (Transport::Outbox, _) => Ok(Deliverer::Outbox(mail.outbox.clone())),
            (Transport::Smtp, Some(smtp)) => smtp_transport(smtp),
            (Transport::Smtp, None) => Err("transport \"smtp\" needs [mail.smtp]".into()),
        }
    }

    /// Delivers one message; `Ok` means the server answered 250 (or the file is
    /// safely on disk).
    pub async fn send(
        &mut self,
        message_id: &str,
        sender: &str,
        recipients: &[String],
        raw: &[u8],
    ) -> Result<(), SendError> {
        match self {
            Deliverer::Outbox(dir) => write_outbox(dir, message_id, raw).map_err(|e| {
                SendError::Transient(format!("writing to the outbox {}: {e}", dir.display()))
            }),
            Deliverer::Smtp { session, bucket } => {
                let envelope = envelope(sender, recipients)?;
                bucket.take().await;
                let timeout = session.timeout;
                // The whole exchange, connecting included, within the timeout.
                match tokio::time::timeout(timeout, session.send(&envelope, raw)).await {
                    Ok(result) => result,
                    Err(_) => {
                        session.close().await;
                        Err(SendError::Transient(format!(
                            "no answer from the SMTP server within {timeout:?}"
                        )))
                    }
                }
            }
        }
    }

    /// Ends the SMTP session politely (QUIT), if one is open.
    pub async fn close(&mut self) {
        if let Deliverer::Smtp { session, .. } = self {
            session.close().await;
        }
    }
}

fn envelope(sender: &str, recipients: &[String]) -> Result<Envelope, SendError> {
    let bad = |e: lettre::address::AddressError| SendError::Permanent(format!("bad address: {e}"));
    let from: Address = sender.parse().map_err(bad)?;
    let to: Vec<Address> = recipients
        .iter()
        .map(|r| r.parse())
        .collect::<Result<_, _>>()
        .map_err(bad)?;
    Envelope::new(Some(from), to).map_err(|e| SendError::Permanent(e.to_string()))
}

fn smtp_transport(smtp: &Smtp) -> Result<Deliverer, String> {
    let mut tls = TlsParameters::builder(smtp.host.clone());
    if let Some(ca) = &smtp.ca_file {
        let pem =
            std::fs::read(ca).map_err(|e| format!("mail.smtp.ca_file {}: {e}", ca.display()))?;
        let cert = Certificate::from_pem(&pem)
            .map_err(|e| format!("mail.smtp.ca_file {}: {e}", ca.display()))?;
        tls = tls.add_root_certificate(cert);
    }
    let tls = tls
        .build_rustls()
        .map_err(|e| format!("TLS setup for {}: {e}", smtp.host))?;
    let timeout = Duration::from_secs(smtp.timeout_seconds);
    let credentials = match &smtp.username {
        Some(user) => Some(Credentials::new(
            user.clone(),
            read_password(smtp.password.as_ref())?.0,
        )),
        None => None,
    };
    let session = Session::new(
        smtp.host.clone(),
        smtp.port,
        smtp.security,
        tls,
        credentials,
        timeout,
    );
    Ok(Deliverer::Smtp {
        session: Box::new(session),
        bucket: TokenBucket::per_minute(smtp.max_per_minute),
    })
}

fn read_password(source: Option<&PasswordSource>) -> Result<Secret, String> {
    match source {
        None => Err("mail.smtp.username is set but no password_file or password_env".into()),
        Some(source) => source.read("SMTP").map(Secret),
    }
}

/// Writes `raw` as `DIR/<message-id>.eml`, atomically (temp file, fsync,
/// rename). The folder is 0700 and the file 0600 whatever the umask: the
/// emails name agencies and their leaders.
fn write_outbox(dir: &Path, message_id: &str, raw: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    secure::create_private_dir(dir)?;
    let name: String = message_id
        .trim_matches(['<', '>'])
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-@".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let tmp = dir.join(format!(".{name}.tmp"));
    let mut f = secure::create_private_file(&tmp)?;
    f.write_all(raw)?;
    f.sync_all()?;
    std::fs::rename(&tmp, dir.join(format!("{name}.eml")))
}

/// At most `capacity` sends in any minute: a token bucket refilled evenly.
#[derive(Debug)]
pub struct TokenBucket {
    capacity: f64,
    tokens: f64,
    per_second: f64,
    last: Instant,
}

impl TokenBucket {
    pub fn per_minute(n: u32) -> TokenBucket {
        let capacity = f64::from(n.max(1));
        TokenBucket {
            capacity,
            tokens: capacity,
            per_second: capacity / 60.0,
            last: Instant::now(),
        }
    }

    /// Waits until a send is allowed, then takes it.
    pub async fn take(&mut self) {
        loop {
            let now = Instant::now();
            self.tokens = (self.tokens
                + now.duration_since(self.last).as_secs_f64() * self.per_second)
                .min(self.capacity);
            self.last = now;
            if self.tokens >= 1.0 {
                self.tokens -= 1.0;
                return;
            }
            let wait = (1.0 - self.tokens) / self.per_second;
            tokio::time::sleep(Duration::from_secs_f64(wait)).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn the_bucket_allows_a_minute_s_worth_then_paces() {
        let mut b = TokenBucket::per_minute(120);
        let start = Instant::now();
        for _ in 0..120 {
            b.take().await;
        }
        assert!(start.elapsed() < Duration::from_millis(1));
        b.take().await;
        let paced = start.elapsed();
        assert!(
            paced >= Duration::from_millis(499) && paced <= Duration::from_millis(600),
            "{paced:?}"
        );
    }

    #[test]
    fn outbox_files_are_named_by_message_id() {
        let dir = tempfile::tempdir().unwrap();
        write_outbox(
            dir.path(),
            "<abc.1@example.gov.vn>",
            b"Subject: x\r\n\r\nbody",
        )
        .unwrap();
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["abc.1@example.gov.vn.eml"]);
    }

    #[test]
    fn outbox_files_are_private_whatever_the_umask() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let outbox = dir.path().join("var/outbox");
        // SAFETY: umask is process-wide; this test restores it at once.
        let old = unsafe { libc::umask(0) };
        let written = write_outbox(&outbox, "<a.1@x.vn>", b"Subject: x\r\n\r\nbody");
        unsafe { libc::umask(old) };
        written.unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&outbox), 0o700);
        assert_eq!(mode(&outbox.join("a.1@x.vn.eml")), 0o600);
    }

    #[test]
    fn the_password_is_never_printed() {
        assert_eq!(format!("{:?}", Secret("hunter2".into())), "Secret(***)");
    }
}
