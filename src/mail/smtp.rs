//! One SMTP session at a time, kept open between messages and reopened after
//! any error, on a socket with `TCP_NODELAY`.
//!
//! lettre 0.11.23 opens its sockets with Nagle's algorithm on, and writes the
//! end-of-data `\r\n.\r\n` separately from the body: each message then waits
//! for the server's delayed ACK (40 ms on Linux), which caps a connection at
//! about 22 messages a second (upstream: lettre PR #1159). We open the TCP
//! connection ourselves and hand it to lettre's low-level connection, which
//! still does all of the SMTP and STARTTLS, through [`WriteBeforeRead`] so
//! that a message leaves in one write, not two. Implicit TLS (port 465) goes
//! through lettre's own connect, which cannot take a socket: Nagle stays on
//! there, and so do the separate writes.

use std::time::Duration;

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::extension::{ClientId, Extension, MailBodyParameter, MailParameter};
use tokio::net::TcpStream;

use super::SendError;
use super::wire::WriteBeforeRead;
use crate::config::Security;

/// How to reach the server.
pub struct Session {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub tls: TlsParameters,
    pub credentials: Option<Credentials>,
    pub timeout: Duration,
    conn: Option<AsyncSmtpConnection>,
}

impl Session {
    pub fn new(
        host: String,
        port: u16,
        security: Security,
        tls: TlsParameters,
        credentials: Option<Credentials>,
        timeout: Duration,
    ) -> Session {
        Session {
            host,
            port,
            security,
            tls,
            credentials,
            timeout,
            conn: None,
        }
    }

    /// Sends one message on the open session, opening one first if needed.
    /// After an error the session is dropped, so the next message starts afresh.
    pub async fn send(&mut self, envelope: &Envelope, raw: &[u8]) -> Result<(), SendError> {
        let mut conn = match self.conn.take() {
            Some(c) if !c.has_broken() => c,
            _ => self.connect().await?,
        };
        if let Err(e) = transfer(&mut conn, envelope, raw).await {
            conn.abort().await;
            return Err(e);
        }
        self.conn = Some(conn);
        Ok(())
    }

    /// Says QUIT on the open session, if any.
    pub async fn close(&mut self) {
        if let Some(mut c) = self.conn.take() {
            let _ = tokio::time::timeout(self.timeout, c.quit()).await;
        }
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        let hello = ClientId::default();
        let mut conn = match self.security {
            Security::Tls => {
                let addr = (self.host.as_str(), self.port);
                let tls = Some(self.tls.clone());
                AsyncSmtpConnection::connect_tokio1(addr, Some(self.timeout), &hello, tls, None)
                    .await
                    .map_err(|e| {
                        if e.is_tls() {
                            refused(&e)
                        } else {
                            classify(&e)
                        }
                    })?
            }
            Security::StartTls | Security::None => {
                let tcp = self.tcp().await?;
                let mut conn = AsyncSmtpConnection::connect_with_transport(
                    Box::new(WriteBeforeRead::new(tcp)),
                    &hello,
                )
                .await
                .map_err(|e| classify(&e))?;
                if self.security == Security::StartTls {
                    // An error when the server does not offer STARTTLS: never
                    // falls back to clear text.
                    conn.starttls(self.tls.clone(), &hello)
                        .await
                        .map_err(|e| refused(&e))?;
                }
                conn
            }
        };
        if let Some(credentials) = &self.credentials {
            let mechanisms = [Mechanism::Plain, Mechanism::Login];
            conn.auth(&mechanisms, credentials)
                .await
                .map_err(|e| refused(&e))?;
        }
        Ok(conn)
    }

    async fn tcp(&self) -> Result<TcpStream, SendError> {
        let at = format!("{}:{}", self.host, self.port);
        let connect = TcpStream::connect((self.host.as_str(), self.port));
        let tcp = match tokio::time::timeout(self.timeout, connect).await {
            Ok(Ok(tcp)) => tcp,
            Ok(Err(e)) => return Err(SendError::Transient(format!("connecting to {at}: {e}"))),
            Err(_) => {
                return Err(SendError::Transient(format!(
                    "connecting to {at}: timed out"
                )));
            }
        };
        tcp.set_nodelay(true)
            .map_err(|e| SendError::Transient(format!("connecting to {at}: {e}")))?;
        Ok(tcp)
    }
}

/// lettre's `send`, a step at a time, to know whose fault a 5xx is. At MAIL
/// FROM it refuses the office's own address, and 530 at any step asks for a
/// login: every message would be refused the same way, so the transport is
/// refused ([`SendError::Refused`]: the messages stay queued until the admin
/// fixes it). At RCPT TO it is this message's, a 4xx too; at DATA, a 4xx
/// may be the server's trouble for everyone (`classify`).
async fn transfer(
    conn: &mut AsyncSmtpConnection,
    envelope: &Envelope,
    raw: &[u8],
) -> Result<(), SendError> {
    let mut options = Vec::new();
    let addresses = envelope.from().into_iter().chain(envelope.to());
    if addresses.map(AsRef::<str>::as_ref).any(|a| !a.is_ascii()) {
        if !conn.server_info().supports_feature(Extension::SmtpUtfEight) {
            return Err(SendError::Permanent(
                "an address is not ASCII and the server does not take SMTPUTF8".into(),
            ));
        }
        options.push(MailParameter::SmtpUtfEight);
    }
    if !raw.is_ascii() {
        if !conn.server_info().supports_feature(Extension::EightBitMime) {
            return Err(SendError::Permanent(
                "the message is not 7-bit and the server does not take 8BITMIME".into(),
            ));
        }
        options.push(MailParameter::Body(MailBodyParameter::EightBitMime));
    }
    conn.command(Mail::new(envelope.from().cloned(), options))
        .await
        .map_err(|e| refused_sender(&e))?;
    for to in envelope.to() {
        conn.command(Rcpt::new(to.clone(), Vec::new()))
            .await
            .map_err(|e| refused_recipient(&e))?;
    }
    conn.command(Data).await.map_err(|e| classify(&e))?;
    conn.message(raw).await.map_err(|e| classify(&e))?;
    Ok(())
}

/// At MAIL FROM: a 5xx refuses the sender's address, for every message
/// (530 stays a login required, as `classify` says).
fn refused_sender(e: &lettre::transport::smtp::Error) -> SendError {
    match classify(e) {
        SendError::Permanent(text) => SendError::Refused(format!(
            "the server does not accept mail from our address: {text}"
        )),
        other => other,
    }
}

/// At RCPT TO: a 4xx is about that recipient (a full mailbox,
/// greylisting), not an outage of delivery.
fn refused_recipient(e: &lettre::transport::smtp::Error) -> SendError {
    match classify(e) {
        SendError::Transient(text) if e.status().is_some() => SendError::Deferred(text),
        other => other,
    }
}

/// For one message: 5xx is permanent (but 530, a login required, refuses
/// the transport); everything else (4xx, connection, timeouts) is worth
/// another try once the server or the network is back.
pub fn classify(e: &lettre::transport::smtp::Error) -> SendError {
    let login_required = e.status().is_some_and(|c| c.to_string() == "530");
    if login_required {
        SendError::Refused(chain(e))
    } else if e.is_permanent() {
        SendError::Permanent(chain(e))
    } else {
        SendError::Transient(chain(e))
    }
}

/// For the session: a TLS failure or a refused login (5xx) is the transport's
/// fault, not any message's; a 4xx at login is a passing trouble.
fn refused(e: &lettre::transport::smtp::Error) -> SendError {
    if e.is_tls() || e.is_permanent() || e.is_client() {
        SendError::Refused(chain(e))
    } else {
        SendError::Transient(chain(e))
    }
}

fn chain(e: &lettre::transport::smtp::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
