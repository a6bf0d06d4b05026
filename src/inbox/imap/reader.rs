//! What reads messages into the ledger: the configuration, the ledger and the
//! clock, shared by a fetch and a watch, with the blocking pool the work on
//! a message runs on.

use std::sync::Arc;

use anyhow::Context as _;

use crate::config::{Config, Inbox};
use crate::engine::{Clock, Loaded};
use crate::ledger::Ledger;

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

    pub(super) fn inbox(&self) -> &Inbox {
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
