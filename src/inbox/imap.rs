//! Reading `[inbox]` over IMAP (async-imap on tokio, rustls): the unseen
//! messages of the folder, each read into the ledger exactly once
//! ([`super::ingest`]). The mailbox is never changed except for the `\Seen`
//! flag on what became a proposal; everything else stays unread.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use async_imap::extensions::idle::IdleResponse;
use async_imap::types::UnsolicitedResponse;
use async_imap::{Client, Session};
use futures_util::StreamExt as _;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};

use super::ingest::{self, MESSAGE_AT_MOST, MESSAGE_HEAD, Outcome, Raw};
use crate::config::{Config, Inbox, Security};
use crate::engine::{Clock, Loaded};
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

/// The connection to the IMAP server, TLS or not.
pub trait Connection: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Connection for T {}
type ImapSession = Session<Box<dyn Connection>>;

/// How often IDLE is renewed: RFC 2177 asks for less than 29 minutes, and
/// a connection that died without a word is noticed then.
const IDLE_RENEW: Duration = Duration::from_secs(25 * 60);

/// How a watch ended.
#[derive(Debug)]
pub enum Watch {
    /// `stop` resolved.
    Stopped,
    /// The server does not offer IDLE: read once; the caller polls.
    NoIdle,
    /// The connection was lost after it had worked (read at least once).
    Lost(anyhow::Error),
}

/// What reads messages into the ledger: the configuration, a connection
/// of its own, the clock. Every piece of database or parsing work runs on
/// tokio's blocking pool ([`Reader::run`]), never on the runtime that
/// serves the console, the send moments and the watchdog: a hostile 15 MB
/// message costs that pool's thread, not the daemon's heartbeat.
#[derive(Clone)]
pub struct Reader {
    loaded: Arc<Loaded>,
    ledger: Arc<std::sync::Mutex<Ledger>>,
    clock: Clock,
}

impl Reader {
    /// `loaded` must have `[inbox]`.
    pub fn new(loaded: Arc<Loaded>, ledger: Ledger, clock: Clock) -> Reader {
        assert!(
            loaded.config.settings.inbox.is_some(),
            "a Reader needs [inbox]"
        );
        Reader {
            loaded,
            ledger: Arc::new(std::sync::Mutex::new(ledger)),
            clock,
        }
    }

    fn inbox(&self) -> &Inbox {
        self.loaded
            .config
            .settings
            .inbox
            .as_ref()
            .expect("checked in new")
    }

    /// Runs `work` with the configuration and the ledger on the blocking pool.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Config, &mut Ledger, Clock) -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        let (loaded, ledger, clock) = (self.loaded.clone(), self.ledger.clone(), self.clock);
        tokio::task::spawn_blocking(move || {
            let mut ledger = ledger.lock().unwrap_or_else(|p| p.into_inner());
            work(&loaded.config, &mut ledger, clock)
        })
        .await
        .context("reading a message failed")
    }
}

/// Reads the folder's unseen messages once.
pub async fn fetch(reader: &Reader) -> anyhow::Result<Fetched> {
    let mut session = connect(reader.inbox()).await?;
    let done = read_unseen(reader, &mut session, &mut 0).await?;
    let _ = tokio::time::timeout(TIMEOUT, session.logout()).await;
    Ok(done)
}

/// Reads the folder's unseen messages, then, where the server offers IDLE,
/// keeps the connection open and reads again as soon as the server says
/// something changed (and every [`IDLE_RENEW`]), until `stop` resolves.
/// `Err`: it never worked (no connection, login refused, …).
pub async fn watch(reader: &Reader, stop: impl Future<Output = ()>) -> anyhow::Result<Watch> {
    let inbox = reader.inbox();
    tokio::pin!(stop);
    let mut session = tokio::select! {
        s = connect(inbox) => s?,
        () = &mut stop => return Ok(Watch::Stopped),
    };
    let idle = tokio::time::timeout(TIMEOUT, session.capabilities())
        .await
        .context("asking the server's capabilities timed out")?
        .context("asking the server's capabilities")?
        .has_str("IDLE");
    // The highest UID read on this connection: a wake-up reads only what
    // arrived since.
    let mut after = 0;
    let mode = if idle { "idle" } else { "poll" };
    let done = read_unseen(reader, &mut session, &mut after).await?;
    after_read(reader, done, mode).await;
    if !idle {
        tracing::info!(host = %inbox.host, "inbox: the server does not offer IDLE; reading the mailbox every 5 minutes");
        let _ = tokio::time::timeout(TIMEOUT, session.logout()).await;
        return Ok(Watch::NoIdle);
    }
    tracing::info!(host = %inbox.host, folder = %inbox.folder, "inbox: waiting for new mail (IMAP IDLE)");
    loop {
        // Mail that arrived while a read ran was announced then, not in
        // IDLE: read it before waiting.
        while announced(&session) {
            match read_unseen(reader, &mut session, &mut after).await {
                Ok(done) => after_read(reader, done, mode).await,
                Err(e) => return Ok(Watch::Lost(e)),
            }
        }
        let mut handle = session.idle();
        let started = tokio::time::timeout(TIMEOUT, handle.init()).await;
        if let Err(e) = started
            .context("starting IDLE timed out")
            .and_then(|r| Ok(r?))
        {
            return Ok(Watch::Lost(e.context("starting IDLE")));
        }
        let response = {
            // `_interrupt` stops the wait when dropped: kept to the block's end.
            let (wait, _interrupt) = handle.wait_with_timeout(IDLE_RENEW);
            tokio::select! {
                r = wait => r,
                () = &mut stop => return Ok(Watch::Stopped),
            }
        };
        match response {
            Ok(IdleResponse::NewData(_) | IdleResponse::Timeout) => {}
            Ok(IdleResponse::ManualInterrupt) => {
                return Ok(Watch::Lost(anyhow::anyhow!(
                    "the IMAP server closed the connection"
                )));
            }
            Err(e) => {
                return Ok(Watch::Lost(
                    anyhow::Error::from(e).context("waiting in IDLE"),
                ));
            }
        }
        session = match tokio::time::timeout(TIMEOUT, handle.done()).await {
            Ok(Ok(s)) => s,
            Ok(Err(e)) => return Ok(Watch::Lost(anyhow::Error::from(e).context("ending IDLE"))),
            Err(_) => return Ok(Watch::Lost(anyhow::anyhow!("ending IDLE timed out"))),
        };
        match read_unseen(reader, &mut session, &mut after).await {
            Ok(done) => after_read(reader, done, mode).await,
            Err(e) => return Ok(Watch::Lost(e)),
        }
    }
}

/// Whether the server announced new mail (`EXISTS`, `RECENT`) outside
/// IDLE since the last call; empties what it queued.
fn announced(session: &ImapSession) -> bool {
    let mut any = false;
    while let Ok(r) = session.unsolicited_responses.try_recv() {
        any |= matches!(
            r,
            UnsolicitedResponse::Exists(_) | UnsolicitedResponse::Recent(_)
        );
    }
    any
}

/// Logs what a read did and records that it worked (for the console and
/// /metrics), and gives back what it took: the database's page cache and
/// the heap the messages used (the watcher then waits, maybe for hours,
/// holding nothing it does not need).
async fn after_read(reader: &Reader, done: Fetched, mode: &'static str) {
    if done.messages > 0 {
        tracing::info!(%done, "inbox read");
    }
    let recorded = reader
        .run(move |_, ledger, _| {
            if let Err(e) = ledger.inbox_read(mode) {
                tracing::warn!(error = %e, "inbox: cannot record the read");
            }
            if let Err(e) = ledger.shrink_memory() {
                tracing::warn!(error = %e, "inbox: cannot free the database's page cache");
            }
            crate::engine::memory::trim_heap();
        })
        .await;
    if let Err(e) = recorded {
        tracing::warn!(error = %format!("{e:#}"), "inbox: cannot record the read");
    }
}

/// Connects, logs in and selects the folder.
async fn connect(inbox: &Inbox) -> anyhow::Result<ImapSession> {
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

/// Reads the unseen messages of the selected folder with a UID above
/// `*after` into the ledger, and raises `*after` to the highest UID read;
/// flags `\Seen` what became a proposal. Messages already read (ignored
/// ones stay unseen) are recognised by their envelope's Message-ID, without
/// downloading them again. Messages are downloaded a few at a time, at most
/// [`BATCH_BYTES`] together; one over [`MESSAGE_AT_MOST`] only in part.
async fn read_unseen(
    reader: &Reader,
    session: &mut ImapSession,
    after: &mut u32,
) -> anyhow::Result<Fetched> {
    let mut uids: Vec<u32> = tokio::time::timeout(TIMEOUT, session.uid_search("UNSEEN"))
        .await
        .context("searching the unseen messages timed out")?
        .context("searching the unseen messages")?
        .into_iter()
        .filter(|uid| *uid > *after)
        .collect();
    uids.sort_unstable();
    let highest = uids.last().copied();
    let mut done = Fetched::default();
    // (uid, its envelope's Message-ID, its size)
    let mut envelopes: Vec<(u32, Option<String>, u64)> = Vec::new();
    for chunk in uids.chunks(500) {
        let set: Vec<String> = chunk.iter().map(u32::to_string).collect();
        let mut stream = tokio::time::timeout(
            TIMEOUT,
            session.uid_fetch(set.join(","), "(ENVELOPE RFC822.SIZE)"),
        )
        .await
        .context("fetching envelopes timed out")?
        .context("fetching envelopes")?;
        while let Some(item) = answer(&mut stream).await? {
            let fetch = item.context("fetching an envelope")?;
            let Some(uid) = fetch.uid else { continue };
            let id = fetch
                .envelope()
                .and_then(|e| e.message_id.as_deref())
                .map(|id| {
                    String::from_utf8_lossy(id)
                        .trim()
                        .trim_start_matches('<')
                        .trim_end_matches('>')
                        .to_string()
                });
            envelopes.push((uid, id, u64::from(fetch.size.unwrap_or(0))));
        }
    }
    let fresh: Vec<(u32, u64)> = reader
        .run(move |_, ledger, _| -> anyhow::Result<Vec<(u32, u64)>> {
            let mut fresh = Vec::new();
            for (uid, id, size) in envelopes {
                match id {
                    Some(id) if ledger.message_read(&id)? => {}
                    _ => fresh.push((uid, size)),
                }
            }
            Ok(fresh)
        })
        .await??;
    done.seen_before = uids.len() - fresh.len();
    done.messages = done.seen_before;
    let mut to_flag = Vec::new();
    for batch in batches(&fresh) {
        let bodies = download(session, batch).await?;
        let auto = reader.inbox().auto_accept;
        let outcomes = reader
            .run(
                move |config, ledger, clock| -> anyhow::Result<Vec<(u32, Outcome)>> {
                    let mut out = Vec::with_capacity(bodies.len());
                    for (uid, bytes, size) in bodies {
                        let raw = Raw {
                            bytes: &bytes,
                            size,
                        };
                        out.push((uid, ingest::ingest(config, ledger, raw, auto, clock.now())?));
                    }
                    Ok(out)
                },
            )
            .await??;
        for (uid, outcome) in outcomes {
            done.messages += 1;
            match outcome {
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
        let mut stream = tokio::time::timeout(
            TIMEOUT,
            session.uid_store(to_flag.join(","), "+FLAGS.SILENT (\\Seen)"),
        )
        .await
        .context("marking proposals seen timed out")?
        .context("marking proposals seen")?;
        while let Some(r) = answer(&mut stream).await? {
            r.context("marking proposals seen")?;
        }
    }
    if let Some(h) = highest {
        *after = h;
    }
    Ok(done)
}

/// How many bytes of messages are downloaded in one go (and held at once).
const BATCH_BYTES: u64 = MESSAGE_AT_MOST;

/// The messages `(uid, size)` in groups of at most 100 and, but for a lone
/// large one, at most [`BATCH_BYTES`] together (a large one counts as the
/// part of it that is read).
fn batches(messages: &[(u32, u64)]) -> Vec<Vec<(u32, u64)>> {
    let mut out: Vec<Vec<(u32, u64)>> = Vec::new();
    let mut bytes = 0;
    for &(uid, size) in messages {
        let read = if size > MESSAGE_AT_MOST {
            MESSAGE_HEAD
        } else {
            size
        };
        match out.last_mut() {
            Some(last) if last.len() < 100 && bytes + read <= BATCH_BYTES => {
                last.push((uid, size));
                bytes += read;
            }
            _ => {
                out.push(vec![(uid, size)]);
                bytes = read;
            }
        }
    }
    out
}

/// Downloads a batch: whole messages with one command, and each message
/// over [`MESSAGE_AT_MOST`] only its first [`MESSAGE_HEAD`] bytes. Gives
/// `(uid, bytes, whole size)`.
async fn download(
    session: &mut ImapSession,
    batch: Vec<(u32, u64)>,
) -> anyhow::Result<Vec<(u32, Vec<u8>, u64)>> {
    let size_of = |uid: u32| batch.iter().find(|(u, _)| *u == uid).map_or(0, |(_, s)| *s);
    let (large, whole): (Vec<_>, Vec<_>) =
        batch.iter().partition(|(_, size)| *size > MESSAGE_AT_MOST);
    let mut bodies = Vec::with_capacity(batch.len());
    for (uids, query) in [
        (whole, "BODY.PEEK[]".to_string()),
        (large, format!("BODY.PEEK[]<0.{MESSAGE_HEAD}>")),
    ] {
        if uids.is_empty() {
            continue;
        }
        let set: Vec<String> = uids.iter().map(|(uid, _)| uid.to_string()).collect();
        let mut stream = tokio::time::timeout(TIMEOUT, session.uid_fetch(set.join(","), &query))
            .await
            .context("fetching messages timed out")?
            .context("fetching messages")?;
        while let Some(item) = answer(&mut stream).await? {
            let fetch = item.context("fetching a message")?;
            if let (Some(uid), Some(body)) = (fetch.uid, fetch.body()) {
                let size = size_of(uid).max(body.len() as u64);
                bodies.push((uid, body.to_vec(), size));
            }
        }
    }
    Ok(bodies)
}

/// The next answer of a command's stream, waiting at most [`TIMEOUT`].
async fn answer<S: futures_util::Stream + Unpin>(
    stream: &mut S,
) -> anyhow::Result<Option<S::Item>> {
    tokio::time::timeout(TIMEOUT, stream.next())
        .await
        .context("the IMAP server stopped answering")
}
