//! Reading `[inbox]` over IMAP (async-imap on tokio, rustls): the unseen
//! messages of the folder, each read into the ledger exactly once
//! ([`super::ingest`]). The mailbox is never changed except for the `\Seen`
//! flag on what became a proposal; everything else stays unread.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use async_imap::Client;
use futures_util::StreamExt as _;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

use super::ingest::{self, Outcome};
use crate::config::{Config, Inbox, Security};
use crate::ledger::Ledger;

/// How long connecting, logging in and each command may take.
const TIMEOUT: Duration = Duration::from_secs(60);

/// What one fetch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fetched {
    pub messages: usize,
    pub proposals: usize,
    pub accepted: usize,
    pub bounces: usize,
    pub ignored: usize,
    pub seen_before: usize,
}

impl std::fmt::Display for Fetched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} messages: {} proposals ({} accepted), {} bounced, {} ignored, {} read before",
            self.messages,
            self.proposals,
            self.accepted,
            self.bounces,
            self.ignored,
            self.seen_before
        )
    }
}

/// Reads the folder's unseen messages once.
pub async fn fetch(config: &Config, inbox: &Inbox, ledger: &mut Ledger) -> anyhow::Result<Fetched> {
    let password = inbox.password.read("inbox").map_err(anyhow::Error::msg)?;
    let address = (inbox.host.as_str(), inbox.port);
    let tcp = tokio::time::timeout(TIMEOUT, TcpStream::connect(address))
        .await
        .context("connecting timed out")?
        .with_context(|| format!("connecting to {}:{}", inbox.host, inbox.port))?;
    match inbox.security {
        Security::Tls => {
            let tls = tls(inbox, tcp).await?;
            let mut client = Client::new(tls);
            greeting(&mut client).await?;
            session(config, inbox, ledger, client, &password).await
        }
        Security::StartTls => {
            let mut client = Client::new(tcp);
            greeting(&mut client).await?;
            client
                .run_command_and_check_ok("STARTTLS", None)
                .await
                .context("STARTTLS refused")?;
            let tls = tls(inbox, client.into_inner()).await?;
            session(config, inbox, ledger, Client::new(tls), &password).await
        }
        Security::None => {
            let mut client = Client::new(tcp);
            greeting(&mut client).await?;
            session(config, inbox, ledger, client, &password).await
        }
    }
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

async fn session<T>(
    config: &Config,
    inbox: &Inbox,
    ledger: &mut Ledger,
    client: Client<T>,
    password: &str,
) -> anyhow::Result<Fetched>
where
    T: AsyncRead + AsyncWrite + Unpin + std::fmt::Debug + Send,
{
    let mut session = tokio::time::timeout(TIMEOUT, client.login(&inbox.username, password))
        .await
        .context("logging in timed out")?
        .map_err(|(e, _)| {
            anyhow::anyhow!(
                "the IMAP server refused the login of {}: {e}",
                inbox.username
            )
        })?;
    session
        .select(&inbox.folder)
        .await
        .with_context(|| format!("selecting the folder {}", inbox.folder))?;
    let mut uids: Vec<u32> = session
        .uid_search("UNSEEN")
        .await
        .context("searching the unseen messages")?
        .into_iter()
        .collect();
    uids.sort_unstable();
    let mut done = Fetched::default();
    let mut to_flag = Vec::new();
    for chunk in uids.chunks(100) {
        let set: Vec<String> = chunk.iter().map(u32::to_string).collect();
        let mut bodies = Vec::new();
        {
            let mut stream = session
                .uid_fetch(set.join(","), "BODY.PEEK[]")
                .await
                .context("fetching messages")?;
            while let Some(item) = stream.next().await {
                let fetch = item.context("fetching a message")?;
                if let (Some(uid), Some(body)) = (fetch.uid, fetch.body()) {
                    bodies.push((uid, body.to_vec()));
                }
            }
        }
        for (uid, body) in bodies {
            done.messages += 1;
            match ingest::ingest(config, ledger, &body, inbox.auto_accept)? {
                Outcome::Seen => done.seen_before += 1,
                Outcome::Proposed { accepted, .. } => {
                    done.proposals += 1;
                    done.accepted += usize::from(accepted);
                    to_flag.push(uid.to_string());
                }
                Outcome::Bounced(_) => done.bounces += 1,
                Outcome::Ignored(_) => done.ignored += 1,
            }
        }
    }
    if !to_flag.is_empty() {
        let mut stream = session
            .uid_store(to_flag.join(","), "+FLAGS.SILENT (\\Seen)")
            .await
            .context("marking proposals seen")?;
        while let Some(r) = stream.next().await {
            r.context("marking proposals seen")?;
        }
    }
    let _ = session.logout().await;
    Ok(done)
}
