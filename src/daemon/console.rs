//! The web console inside the daemon: started when `[web]` is set (a
//! console that cannot start is logged, and the reminders go on), handed
//! each reloaded configuration.

use std::sync::Arc;

use tokio::sync::watch;

use crate::engine::{Clock, Loaded};
use crate::web;

pub(super) struct Console {
    pub(super) console: Arc<web::Console>,
    pub(super) task: tokio::task::JoinHandle<()>,
}

/// Starts the console when `[web]` is set. A console that cannot start
/// (users.toml broken, the port taken) is logged: the reminders go on.
pub(super) fn open(
    loaded: &Arc<Loaded>,
    clock: Clock,
    stopped: &watch::Receiver<bool>,
) -> Option<Console> {
    let web = loaded.config.settings.web.as_ref()?;
    let started =
        web::Console::new(loaded.clone(), clock).and_then(|console| Ok((console, web::bind(web)?)));
    match started {
        Ok((console, listener)) => {
            let mut stopped = stopped.clone();
            let shutdown = async move {
                let _ = stopped.wait_for(|s| *s).await;
            };
            let task = tokio::spawn(web::serve(console.clone(), listener, shutdown));
            Some(Console { console, task })
        }
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "the web console cannot start; reminders go on without it");
            None
        }
    }
}

/// Hands a reloaded configuration to the console; it keeps its accounts if
/// users.toml no longer loads.
pub(super) fn reload(console: &web::Console, loaded: &Arc<Loaded>) {
    if loaded.config.settings.web.is_none() {
        tracing::warn!("[web] was removed: the console keeps running until a restart");
        return;
    }
    if let Err(e) = console.reload(loaded.clone()) {
        tracing::error!(error = %format!("{e:#}"), "web console: the new users.toml or [web] is invalid; keeping the running ones");
    }
}
