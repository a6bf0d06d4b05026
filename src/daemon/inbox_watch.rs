//! The mailbox watcher: its own task, so that a broken mailbox never stops
//! the reminders.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::engine::{Clock, Loaded};
use crate::ledger::Ledger;

/// How often the mailbox is read when the server offers no IDLE, and the
/// longest wait after failures.
const INBOX_EVERY: Duration = Duration::from_secs(300);
const INBOX_BACKOFF_AT_MOST: Duration = Duration::from_secs(1800);

/// Watches `[inbox]`: reads it at start, then waits on the open connection
/// with IMAP IDLE where the server offers it (new mail is read at once),
/// else reads it every [`INBOX_EVERY`]. After a failure (server down, login
/// refused) it waits 1, 2, 4 … minutes, at most 30; a connection lost after
/// it worked is tried again after a minute. A broken mailbox never stops
/// the reminders: it is its own task, logged.
pub(super) fn watch(
    loaded: &Arc<Loaded>,
    clock: Clock,
    stopped: &watch::Receiver<bool>,
) -> Option<tokio::task::JoinHandle<()>> {
    loaded.config.settings.inbox.as_ref()?;
    let loaded = loaded.clone();
    let mut stopped = stopped.clone();
    Some(tokio::spawn(async move {
        let ledger = match Ledger::open(&loaded.config.settings.database, "inbox") {
            Ok(l) => l,
            Err(e) => {
                tracing::error!(error = %e, "inbox: cannot open the database; the mailbox is not read");
                return;
            }
        };
        let reader = crate::inbox::imap::Reader::new(loaded, ledger, clock);
        let mut failures: u32 = 0;
        loop {
            let mut stop = stopped.clone();
            let stop = async move {
                let _ = stop.wait_for(|s| *s).await;
            };
            let backoff = |failures: u32| {
                Duration::from_secs(60)
                    .saturating_mul(1 << failures.saturating_sub(1).min(10))
                    .min(INBOX_BACKOFF_AT_MOST)
            };
            let wait = match crate::inbox::imap::watch(&reader, stop).await {
                Ok(crate::inbox::imap::Watch::Stopped) => return,
                Ok(crate::inbox::imap::Watch::NoIdle) => {
                    failures = 0;
                    INBOX_EVERY
                }
                Ok(crate::inbox::imap::Watch::Lost(e)) => {
                    record_failure(&reader, &e).await;
                    failures = 1;
                    let wait = backoff(failures);
                    tracing::warn!(error = %format!("{e:#}"), retry_in_s = wait.as_secs(), "inbox: lost the connection to the mailbox; reminders go on");
                    wait
                }
                Err(e) => {
                    record_failure(&reader, &e).await;
                    failures += 1;
                    let wait = backoff(failures);
                    tracing::warn!(error = %format!("{e:#}"), retry_in_s = wait.as_secs(), "inbox: cannot read the mailbox; reminders go on");
                    wait
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stopped.wait_for(|s| *s) => return,
            }
        }
    }))
}

/// Keeps a mailbox failure for the console and /metrics.
async fn record_failure(reader: &crate::inbox::imap::Reader, e: &anyhow::Error) {
    let error = format!("{e:#}");
    let recorded = reader
        .run(move |_, ledger, _| ledger.inbox_failed(&error))
        .await;
    match recorded {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!(error = %e, "inbox: cannot record the failure"),
        Err(e) => tracing::warn!(error = %format!("{e:#}"), "inbox: cannot record the failure"),
    }
}
