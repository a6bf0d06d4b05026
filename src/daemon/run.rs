//! `dondoc run`: the long-running daemon.
//!
//! It wakes when something is due — a send or digest moment (the [`alarm`]
//! armed with the next one [`schedule::next_moments`] gives), a retry coming
//! due (the same function's, on tokio's timer), a reload, the watchdog,
//! shutdown — and otherwise sleeps. Every moment is on the daemon's one
//! [`Clock`], so `--clock-start` moves them all. What to send is always
//! computed from the database at the moment, so a restart or a reload never
//! resends and never loses a reminder. Signals stay in `main`: `run` takes a
//! shutdown future and a reload stream, so tests can drive it.
//!
//! [`alarm`]: super::alarm

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context as _;
use jiff::{Timestamp, Zoned};
use tokio::sync::{mpsc, watch};

use super::alarm::{Alarm, Wake};
use super::{console, inbox_watch, status, systemd};
use crate::dates;
use crate::engine::schedule::{self, Moments, Queued};
use crate::engine::{self, Clock, Loaded, digest};
use crate::ledger::Ledger;
use crate::mail::Deliverer;

/// How the daemon was started.
#[derive(Debug, Clone)]
pub struct Options {
    /// The config directory, re-read on reload.
    pub dir: PathBuf,
    /// Testing aid: run as if the clock had read this at start.
    pub clock_start: Option<Timestamp>,
}

/// Everything that a reload replaces.
struct Running {
    loaded: Arc<Loaded>,
    ledger: Ledger,
    deliverer: Deliverer,
}

/// Runs until `shutdown` resolves. `reloads` asks for the configuration to be
/// re-read (SIGHUP in `main`); a configuration that does not load is logged
/// and the running one kept.
pub async fn run(
    options: Options,
    loaded: Loaded,
    mut reloads: mpsc::Receiver<()>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let clock = Clock::new(options.clock_start);
    let stop = Arc::new(AtomicBool::new(false));
    let (stopped_tx, mut stopped) = watch::channel(false);
    let flag = stop.clone();
    tokio::spawn(async move {
        shutdown.await;
        flag.store(true, Ordering::SeqCst);
        let _ = stopped_tx.send(true);
    });
    let (rings, mut wakes) = mpsc::channel::<Wake>(16);
    let mut alarm = Alarm::start(rings).await?;
    // The alarm is armed for the next moment after `after`: at start, the
    // catch-up below stands for what came before; then, the last moment
    // handled, or a reload (`Armed`).
    let mut armed = Armed::from(clock.now());
    let mut running = start(Arc::new(loaded))?;
    let mut console = console::open(&running.loaded, clock, &stopped);
    let mut watcher = inbox_watch::watch(&running.loaded, clock, &stopped);
    tracing::info!(config = %options.dir.display(), clock = %clock.now(), "dondoc started");
    log_warnings(&running, &clock);
    systemd::ready(&status_line(&running, &clock).await);

    // The start-up catch-up: one send moment now (the policy skips what is
    // stale), and the latest digest if it was missed.
    send_moment(&mut running, &clock, &stop).await;
    catch_up_digest(&mut running, &clock, &stop).await;
    release_memory(&running.ledger);
    systemd::status(&status_line(&running, &clock).await);

    let mut watchdog = systemd::watchdog_interval().map(tokio::time::interval);
    loop {
        let moments = next_moments(&running, &clock, armed.after);
        let tz = &running.loaded.config.settings.timezone;
        alarm.arm(Wake::next(&moments), clock, tz).await;
        let retry_in = retry_in(&moments, &clock);
        tokio::select! {
            _ = stopped.changed() => break,
            Some(()) = reloads.recv() => {
                let before = running.loaded.clone();
                let disarmed = alarm.disarm().await;
                armed.reloaded(disarmed, clock.now());
                running = reload(running, &options).await;
                if !Arc::ptr_eq(&before, &running.loaded) {
                    if let Some(w) = watcher.take() {
                        w.abort();
                    }
                    watcher = inbox_watch::watch(&running.loaded, clock, &stopped);
                    match &console {
                        Some(c) => console::reload(&c.console, &running.loaded),
                        None => console = console::open(&running.loaded, clock, &stopped),
                    }
                }
                release_memory(&running.ledger);
                log_warnings(&running, &clock);
                systemd::ready(&status_line(&running, &clock).await);
                continue;
            }
            Some(wake) = wakes.recv() => {
                alarm.rang(&wake);
                if !armed.handles(&wake) {
                    continue;
                }
                if wake.send {
                    send_moment(&mut running, &clock, &stop).await;
                }
                if wake.digest {
                    send_digest(&mut running, &clock, wake.at, &stop).await;
                }
            }
            _ = tokio::time::sleep(retry_in) => retry(&mut running, &clock, &stop).await,
            _ = tick(&mut watchdog) => {
                systemd::watchdog();
                continue;
            }
        }
        release_memory(&running.ledger);
        systemd::status(&status_line(&running, &clock).await);
    }

    systemd::stopping();
    tracing::info!("stopping");
    alarm.shutdown().await;
    running.deliverer.close().await;
    if let Some(w) = watcher {
        w.abort();
    }
    if let Some(c) = console {
        // `serve` stopped accepting when `stopped` changed, and gives the
        // requests in flight at most web::DRAIN.
        let _ = c.task.await;
    }
    Ok(())
}

/// Which moments the alarm is for.
struct Armed {
    /// Arm the next moment strictly after this one.
    after: Timestamp,
    /// The latest moment handled: a wake at or before it is one already
    /// handled (a moment re-armed by a reload while it was ringing).
    handled: Timestamp,
}

impl Armed {
    fn from(start: Timestamp) -> Armed {
        Armed {
            after: start,
            handled: start,
        }
    }

    /// A wake to handle (not one handled already); moves on past it.
    fn handles(&mut self, wake: &Wake) -> bool {
        if wake.at <= self.handled {
            return false;
        }
        self.handled = wake.at;
        self.after = self.after.max(wake.at);
        true
    }

    /// After a reload, the new configuration's moments count from `now`, as
    /// a new cron job's would — except that the moment `disarmed` before it
    /// rang, if due already, is armed again (if the new configuration still
    /// has it). A moment that rang before the reload is handled all the
    /// same: its wake is in the channel.
    fn reloaded(&mut self, disarmed: Option<Wake>, now: Timestamp) {
        let due = disarmed
            .filter(|w| w.at <= now)
            .and_then(|w| w.at.checked_sub(jiff::SignedDuration::from_secs(1)).ok());
        self.after = self.after.max(due.unwrap_or(now));
    }
}

/// The configuration's warnings, as `check` prints them.
fn log_warnings(running: &Running, clock: &Clock) {
    let config = &running.loaded.config;
    let today = clock
        .now()
        .to_zoned(config.settings.timezone.clone())
        .date();
    let upcoming = engine::warnings::upcoming(config, today);
    for w in engine::warnings::warnings(config, today, &upcoming) {
        tracing::warn!("{w}");
    }
}

async fn tick(interval: &mut Option<tokio::time::Interval>) {
    match interval {
        Some(i) => {
            i.tick().await;
        }
        None => std::future::pending().await,
    }
}

/// Opens the ledger and the transport.
fn start(loaded: Arc<Loaded>) -> anyhow::Result<Running> {
    let config = &loaded.config;
    let ledger = Ledger::open(&config.settings.database, "dondoc-daemon")
        .with_context(|| "while opening the database")?;
    let deliverer = Deliverer::new(&config.settings.mail).map_err(|e| anyhow::anyhow!(e))?;
    Ok(Running {
        loaded,
        ledger,
        deliverer,
    })
}

/// Re-reads the configuration; keeps the running one if the new one does not
/// load (or its database or transport cannot be opened).
async fn reload(mut running: Running, options: &Options) -> Running {
    systemd::reloading();
    tracing::info!(config = %options.dir.display(), "reloading the configuration");
    let loaded = match engine::load(&options.dir) {
        Ok(l) => l,
        Err(errors) => {
            for e in &errors.0 {
                tracing::error!("{e}");
            }
            tracing::error!(
                errors = errors.0.len(),
                "the new configuration is invalid; keeping the running one"
            );
            return running;
        }
    };
    match start(Arc::new(loaded)) {
        Ok(new) => {
            running.deliverer.close().await;
            tracing::info!("configuration reloaded");
            new
        }
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "cannot apply the new configuration; keeping the running one");
            running
        }
    }
}

/// Gives the heap freed by a batch back to the system, with the database's
/// page cache. glibc keeps freed heap otherwise: after 300 emails the idle
/// daemon stayed at the batch's peak (29.6 MiB against 10.8 MiB before it)
/// until the next moment.
fn release_memory(ledger: &Ledger) {
    if let Err(e) = ledger.shrink_memory() {
        tracing::warn!(error = %e, "cannot free the database's page cache");
    }
    engine::memory::trim_heap();
}

/// A send moment now — only on a working day.
async fn send_moment(running: &mut Running, clock: &Clock, stop: &AtomicBool) {
    let loaded = running.loaded.clone();
    let config = &loaded.config;
    let now = clock.now();
    let at = now.to_zoned(config.settings.timezone.clone());
    if !config.workdays.is_working_day(at.date()) {
        tracing::info!(date = %dates::vn(at.date()), "not a working day: no reminders");
        return;
    }
    // What was due before is read before the claimer starts, so that what it
    // claims reaches the sender once, through the channel.
    let due = match engine::deliver::due_now(&mut running.ledger, now) {
        Ok(due) => due,
        Err(e) => return tracing::error!(error = %e, "send moment failed"),
    };
    // Planning and claiming evaluate every pair: on the blocking pool, so
    // that the console, /healthz and the watchdog go on meanwhile; each
    // chunk claimed goes to the sender at once.
    let moment = at.clone();
    let (chunks, more) = tokio::sync::mpsc::unbounded_channel();
    let claiming = spawn_off_runtime(running, move |loaded, ledger| {
        engine::claim::claim_in_chunks(
            &loaded.config,
            &loaded.templates,
            ledger,
            &moment,
            now,
            |chunk| chunks.send(chunk).is_ok(),
        )
    });
    let claiming = match claiming {
        Ok(claiming) => claiming,
        Err(e) => return tracing::error!(error = %format!("{e:#}"), "send moment failed"),
    };
    let delivered = engine::deliver::deliver(
        config,
        &mut running.ledger,
        &mut running.deliverer,
        now,
        stop,
        due,
        Some(more),
    )
    .await;
    let claimed = match claiming.await {
        Ok(claimed) => claimed,
        Err(e) => return tracing::error!(error = %e, "send moment failed"),
    };
    match engine::moment::summary(claimed, delivered) {
        Ok(summary) => tracing::info!(moment = %at, %summary, "send moment"),
        Err(e) => tracing::error!(error = %e, "send moment failed"),
    }
}

/// Runs `work` on the blocking pool, with the running configuration and a
/// connection of its own to the database: what evaluates every pair
/// (planning, claiming, the digest, counting) never holds up the runtime
/// that serves the console, the send moments' network and the watchdog.
async fn off_runtime<T: Send + 'static>(
    running: &Running,
    work: impl FnOnce(&Loaded, &mut Ledger) -> T + Send + 'static,
) -> anyhow::Result<T> {
    spawn_off_runtime(running, work)?
        .await
        .map_err(anyhow::Error::from)
}

/// [`off_runtime`], started at once: the work goes on while the caller
/// does something else, and the handle gives its result.
fn spawn_off_runtime<T: Send + 'static>(
    running: &Running,
    work: impl FnOnce(&Loaded, &mut Ledger) -> T + Send + 'static,
) -> anyhow::Result<tokio::task::JoinHandle<T>> {
    let loaded = running.loaded.clone();
    let mut ledger = running.ledger.reopen()?;
    Ok(tokio::task::spawn_blocking(move || {
        work(&loaded, &mut ledger)
    }))
}

/// Delivers retries that have come due.
async fn retry(running: &mut Running, clock: &Clock, stop: &AtomicBool) {
    let config = &running.loaded.config;
    match engine::deliver::deliver_due(
        config,
        &mut running.ledger,
        &mut running.deliverer,
        clock.now(),
        stop,
    )
    .await
    {
        Ok(summary) => tracing::info!(%summary, "retries"),
        Err(e) => tracing::error!(error = %e, "retrying failed"),
    }
}

/// The next moments after `after`, the queue read on the daemon's clock.
fn next_moments(running: &Running, clock: &Clock, after: Timestamp) -> Moments {
    let queued = Queued::read(&running.ledger, clock).unwrap_or_else(|e| {
        tracing::error!(error = %e, "cannot read the message queue");
        // Look again in a minute.
        let retry = clock.now().checked_add(jiff::SignedDuration::from_secs(60));
        Queued {
            retry: retry.ok(),
            lease: None,
        }
    });
    schedule::next_moments(&running.loaded.config, queued, after)
}

/// How long until the next stored message is due for an attempt: at most an
/// hour (another sender may have queued one since).
fn retry_in(moments: &Moments, clock: &Clock) -> Duration {
    let hour = Duration::from_secs(3600);
    let wait = moments.retry.map_or(hour, |t| {
        Duration::try_from(t.duration_since(clock.now())).unwrap_or(Duration::ZERO)
    });
    // Stored moments are whole seconds: a little after, so that it is due.
    wait.min(hour) + Duration::from_millis(50)
}

/// The office digest of the moment `due` that just rang: queued (once per
/// scheduled moment, on working days), then delivered with the rest.
async fn send_digest(running: &mut Running, clock: &Clock, due: Timestamp, stop: &AtomicBool) {
    let now = clock.now();
    let queued = off_runtime(running, move |loaded, ledger| {
        digest::queue(&loaded.config, &loaded.templates, ledger, due, now)
    })
    .await;
    match queued {
        Ok(Ok(true)) => tracing::info!(moment = %due, "digest queued"),
        Ok(Ok(false)) => return,
        Ok(Err(e)) => return tracing::error!(error = %e, "cannot queue the digest"),
        Err(e) => return tracing::error!(error = %format!("{e:#}"), "cannot queue the digest"),
    }
    retry(running, clock, stop).await;
}

/// At start-up: the latest digest, if it was missed while nothing ran.
async fn catch_up_digest(running: &mut Running, clock: &Clock, stop: &AtomicBool) {
    let now = clock.now();
    let caught_up = off_runtime(running, move |loaded, ledger| {
        digest::catch_up(&loaded.config, &loaded.templates, ledger, now)
    })
    .await;
    match caught_up {
        Ok(Ok(true)) => {
            tracing::info!("a digest missed while the daemon was down is sent now");
            retry(running, clock, stop).await;
        }
        Ok(Ok(false)) => {}
        Ok(Err(e)) => tracing::error!(error = %e, "cannot catch up the digest"),
        Err(e) => tracing::error!(error = %format!("{e:#}"), "cannot catch up the digest"),
    }
}

/// "next send 24/11/2025 08:00; 12 overdue" for systemd's STATUS=.
async fn status_line(running: &Running, clock: &Clock) -> String {
    let next = schedule::next_moments(&running.loaded.config, Queued::default(), clock.now());
    let at: Zoned = clock
        .now()
        .to_zoned(running.loaded.config.settings.timezone.clone());
    let overdue = off_runtime(running, move |loaded, ledger| {
        status::overdue_count(&loaded.config, ledger, &at)
    })
    .await
    .unwrap_or_else(|e| {
        tracing::warn!(error = %format!("{e:#}"), "cannot count overdue pairs");
        0
    });
    status::line(
        next.scheduled(),
        overdue,
        &running.loaded.config.settings.timezone,
    )
}
