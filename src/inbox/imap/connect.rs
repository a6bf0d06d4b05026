//! The connection to the IMAP server: TCP, then TLS (implicit or after
//! STARTTLS) trusting the system's CAs and `inbox.ca_file`, the login and the
//! folder selected; and the time limit every command runs under.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use async_imap::{Client, Session};
use futures_util::StreamExt as _;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

use crate::config::{Inbox, Security};

/// How long connecting, logging in and each command may take.
pub(super) const TIMEOUT: Duration = Duration::from_secs(60);

/// The connection to the IMAP server, TLS or not.
pub trait Connection: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Connection for T {}
pub(super) type ImapSession = Session<Box<dyn Connection>>;

/// Connects, logs in and selects the folder.
pub(super) async fn connect(inbox: &Inbox) -> anyhow::Result<ImapSession> {
    let password = inbox.password.read("inbox").map_err(anyhow::Error::msg)?;
    let address = (inbox.host.as_str(), inbox.port);
    let tcp = tokio::time::timeout(TIMEOUT, TcpStream::connect(address))
        .await
        .context("connecting timed out")?
        .with_context(|| format!("connecting to {}:{}", inbox.host, inbox.port))?;
    let stream: Box<dyn Connection> = match inbox.security {
        Security::Tls => Box::new(tls(inbox, tcp).await?),
        Security::StartTls => {
            let mut client = Client::new(tcp);
            greeting(&mut client).await?;
            tokio::time::timeout(TIMEOUT, client.run_command_and_check_ok("STARTTLS", None))
                .await
                .context("STARTTLS timed out")?
                .context("STARTTLS refused")?;
            let tls = tls(inbox, client.into_inner()).await?;
            let mut session = login(
                inbox,
                Client::new(Box::new(tls) as Box<dyn Connection>),
                &password,
            )
            .await?;
            select(inbox, &mut session).await?;
            return Ok(session);
        }
        Security::None => Box::new(tcp),
    };
    let mut client = Client::new(stream);
    greeting(&mut client).await?;
    let mut session = login(inbox, client, &password).await?;
    select(inbox, &mut session).await?;
    Ok(session)
}

async fn greeting<T>(client: &mut Client<T>) -> anyhow::Result<()>
where
    T: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    tokio::time::timeout(TIMEOUT, client.read_response())
        .await
        .context("no greeting from the IMAP server")??
        .context("the IMAP server closed the connection before its greeting")?;
    Ok(())
}

/// TLS to the host, trusting the system's CAs and `ca_file`.
async fn tls(
    inbox: &Inbox,
    tcp: TcpStream,
) -> anyhow::Result<tokio_rustls::client::TlsStream<TcpStream>> {
    let mut roots = RootCertStore::empty();
    for cert in rustls_native_certs::load_native_certs().certs {
        let _ = roots.add(cert);
    }
    if let Some(path) = &inbox.ca_file {
        use rustls_pki_types::pem::PemObject as _;
        for cert in rustls_pki_types::CertificateDer::pem_file_iter(path)
            .with_context(|| format!("reading inbox.ca_file {}", path.display()))?
        {
            roots.add(cert.context("a certificate in inbox.ca_file")?)?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls_pki_types::ServerName::try_from(inbox.host.clone())
        .with_context(|| format!("{} is not a host name", inbox.host))?;
    tokio::time::timeout(
        TIMEOUT,
        TlsConnector::from(Arc::new(config)).connect(name, tcp),
    )
    .await
    .context("the TLS handshake timed out")?
    .with_context(|| format!("TLS with {}", inbox.host))
}

async fn login(
    inbox: &Inbox,
    client: Client<Box<dyn Connection>>,
    password: &str,
) -> anyhow::Result<ImapSession> {
    tokio::time::timeout(TIMEOUT, client.login(&inbox.username, password))
        .await
        .context("logging in timed out")?
        .map_err(|(e, _)| {
            anyhow::anyhow!(
                "the IMAP server refused the login of {}: {e}",
                inbox.username
            )
        })
}

async fn select(inbox: &Inbox, session: &mut ImapSession) -> anyhow::Result<()> {
    tokio::time::timeout(TIMEOUT, session.select(&inbox.folder))
        .await
        .context("selecting the folder timed out")?
        .with_context(|| format!("selecting the folder {}", inbox.folder))?;
    Ok(())
}

/// The next answer of a command's stream, waiting at most [`TIMEOUT`].
pub(super) async fn answer<S: futures_util::Stream + Unpin>(
    stream: &mut S,
) -> anyhow::Result<Option<S::Item>> {
    tokio::time::timeout(TIMEOUT, stream.next())
        .await
        .context("the IMAP server stopped answering")
}
