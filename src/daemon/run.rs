//! `dondoc run`: the long-running daemon.
//!
//! It wakes when something is due — a send moment fired by the scheduler
//! (tokio-cron-scheduler, in the configured zone), a retry coming due, a
//! reload, the watchdog, shutdown — and otherwise sleeps. What to send is
//! always computed from the database at the moment, so a restart or a reload
//! never resends and never loses a reminder. Signals stay in `main`: `run`
//! takes a shutdown future and a reload stream, so tests can drive it.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context as _;
use jiff::{Timestamp, Zoned};
use tokio::sync::{mpsc, watch};
use tokio_cron_scheduler::{Job, JobScheduler};

use super::{console, inbox_watch, status, systemd};
use crate::config::Config;
use crate::dates;
use crate::engine::schedule::{self, Queued};
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

/// What the scheduler fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fire {
    Reminders,
    Digest,
}

/// Everything that a reload replaces.
struct Running {
    loaded: Arc<Loaded>,
    ledger: Ledger,
    deliverer: Deliverer,
    scheduler: JobScheduler,
    jobs: Vec<uuid::Uuid>,
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
    let (fire_tx, mut fires) = mpsc::channel::<Fire>(16);
    // One scheduler for the daemon's life; a reload swaps its jobs. (A
    // scheduler that is shut down is never freed: its job runner holds a
    // handle to it, so its tasks and channels outlive it — 190 KB a reload
    // when each reload made a new one.)
    let scheduler = JobScheduler::new()
        .await
        .context("while starting the scheduler")?;
    scheduler
        .start()
        .await
        .context("while starting the scheduler")?;
    let mut running = start(Arc::new(loaded), scheduler, &fire_tx).await?;
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
        let retry_in = next_retry(&running.ledger, &clock);
        tokio::select! {
            _ = stopped.changed() => break,
            Some(()) = reloads.recv() => {
                let before = running.loaded.clone();
                running = reload(running, &options, &fire_tx).await;
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
            Some(fire) = fires.recv() => match fire {
                Fire::Reminders => send_moment(&mut running, &clock, &stop).await,
                Fire::Digest => send_digest(&mut running, &clock, &stop).await,
            },
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
    let _ = running.scheduler.shutdown().await;
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

/// The web console, served beside the reminders.
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

/// Opens the ledger and the transport and schedules the send moments.
async fn start(
    loaded: Arc<Loaded>,
    scheduler: JobScheduler,
    fire_tx: &mpsc::Sender<Fire>,
) -> anyhow::Result<Running> {
    let config = &loaded.config;
    let ledger = Ledger::open(&config.settings.database, "dondoc-daemon")
        .with_context(|| "while opening the database")?;
    let deliverer = Deliverer::new(&config.settings.mail).map_err(|e| anyhow::anyhow!(e))?;
    let jobs = schedule(&scheduler, config, fire_tx).await?;
    Ok(Running {
        loaded,
        ledger,
        deliverer,
        scheduler,
        jobs,
    })
}

/// Re-reads the configuration; keeps the running one if the new one does not
/// load (or its database or transport cannot be opened).
async fn reload(mut running: Running, options: &Options, fire_tx: &mpsc::Sender<Fire>) -> Running {
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
    // Stop the old schedule first, so that no moment fires for both.
    unschedule(&running.scheduler, &mut running.jobs).await;
    match start(Arc::new(loaded), running.scheduler.clone(), fire_tx).await {
        Ok(new) => {
            running.deliverer.close().await;
            tracing::info!("configuration reloaded");
            new
        }
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "cannot apply the new configuration; keeping the running one");
            match schedule(&running.scheduler, &running.loaded.config, fire_tx).await {
                Ok(jobs) => running.jobs = jobs,
                Err(e) => tracing::error!(error = %format!("{e:#}"), "cannot reschedule"),
            }
            running
        }
    }
}

/// One scheduler job per `send_at` (and digest `send_at`), each firing into
/// `fire_tx`. The expressions were compiled and checked by the loader with
/// the scheduler's own parser; the zone is handed over as its UTC offset,
/// from the one tz database dondoc uses (the scheduler reduces any zone to
/// an offset when it creates a job).
async fn schedule(
    scheduler: &JobScheduler,
    config: &Config,
    fire_tx: &mpsc::Sender<Fire>,
) -> anyhow::Result<Vec<uuid::Uuid>> {
    let offset = dates::chrono_offset(&config.settings.timezone, Timestamp::now());
    let mut wanted: Vec<(&str, Fire)> = config
        .settings
        .send_at
        .iter()
        .map(|s| (s.cron.as_str(), Fire::Reminders))
        .collect();
    if let Some(d) = &config.settings.digest {
        wanted.extend(d.send_at.iter().map(|s| (s.cron.as_str(), Fire::Digest)));
    }
    let mut jobs = Vec::new();
    for (expr, fire) in wanted {
        let tx = fire_tx.clone();
        let job = Job::new_async_tz(expr, offset, move |_, _| {
            let tx = tx.clone();
            Box::pin(async move {
                let _ = tx.send(fire).await;
            })
        })
        .map_err(|e| anyhow::anyhow!("send moment {expr:?}: {e}"))?;
        match scheduler.add(job).await.context("while scheduling") {
            Ok(id) => jobs.push(id),
            Err(e) => {
                unschedule(scheduler, &mut jobs).await;
                return Err(e);
            }
        }
    }
    Ok(jobs)
}

/// Removes the jobs of a schedule (before a reload adds the new ones).
async fn unschedule(scheduler: &JobScheduler, jobs: &mut Vec<uuid::Uuid>) {
    for id in jobs.drain(..) {
        if let Err(e) = scheduler.remove(&id).await {
            tracing::warn!(error = %e, "cannot remove a send moment from the scheduler");
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
    // Planning and claiming evaluate every pair: on the blocking pool, so
    // that the console, /healthz and the watchdog go on meanwhile.
    let moment = at.clone();
    let claimed = off_runtime(running, move |loaded, ledger| {
        engine::moment::claim(&loaded.config, &loaded.templates, ledger, &moment, now)
    })
    .await;
    let (claimed, already_claimed) = match claimed {
        Ok(Ok(c)) => c,
        Ok(Err(e)) => return tracing::error!(error = %e, "send moment failed"),
        Err(e) => return tracing::error!(error = %format!("{e:#}"), "send moment failed"),
    };
    let delivered = engine::deliver::deliver_due(
        config,
        &mut running.ledger,
        &mut running.deliverer,
        now,
        stop,
    )
    .await;
    match delivered {
        Ok(delivered) => {
            let summary = engine::Summary {
                claimed,
                already_claimed,
                ..delivered
            };
            tracing::info!(moment = %at, %summary, "send moment");
        }
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
    let loaded = running.loaded.clone();
    let mut ledger = running.ledger.reopen()?;
    tokio::task::spawn_blocking(move || work(&loaded, &mut ledger))
        .await
        .map_err(anyhow::Error::from)
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

/// How long until the next stored message is due for an attempt (at most an
/// hour): a retry on the daemon's clock, or another sender's lease running out.
fn next_retry(ledger: &Ledger, clock: &Clock) -> Duration {
    let hour = Duration::from_secs(3600);
    let until = |t: Option<Timestamp>, now: Timestamp| {
        t.map_or(hour, |t| {
            Duration::try_from(t.duration_since(now)).unwrap_or(Duration::ZERO)
        })
    };
    match ledger.next_delivery() {
        Ok((retry, lease)) => {
            let wait = until(retry, clock.now()).min(until(lease, Timestamp::now()));
            wait.min(hour) + Duration::from_millis(50)
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot read the message queue");
            Duration::from_secs(60)
        }
    }
}

/// The office digest of the moment that just fired: queued (once per
/// scheduled moment, on working days), then delivered with the rest.
async fn send_digest(running: &mut Running, clock: &Clock, stop: &AtomicBool) {
    let loaded = running.loaded.clone();
    let config = &loaded.config;
    let now = clock.now();
    let Some(due) = schedule::latest_digest(config, now) else {
        return;
    };
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
