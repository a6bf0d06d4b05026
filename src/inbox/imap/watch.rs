//! The daemon's watch on the folder: read it, then wait in IMAP IDLE (RFC
//! 2177) and read again when the server announces mail, until told to stop;
//! each read logged and recorded for the console and /metrics.

use std::time::Duration;

use anyhow::Context as _;
use async_imap::extensions::idle::IdleResponse;
use async_imap::types::UnsolicitedResponse;

use super::connect::{ImapSession, TIMEOUT, connect};
use super::read::{Fetched, read_unseen};
use super::reader::Reader;

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
