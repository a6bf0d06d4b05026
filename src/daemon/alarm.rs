//! The daemon's alarm: tokio-cron-scheduler, armed with one moment at a
//! time — the next one [`crate::engine::schedule::next_moments`] gives on
//! the daemon's clock.
//!
//! Why not one cron job per `send_at`, as the crate is meant to be used: the
//! crate reads the real clock itself (`Utc::now()`, polled every 0.5 s) and
//! cannot be given another, so its cron jobs would fire by the real clock
//! whatever `--clock-start` said, and the daemon, `STATUS=` and the digest
//! would each compute the next moment their own way. The daemon's [`Clock`]
//! is real time plus a constant offset, so a moment on it is one real
//! instant: the alarm is a one-shot job at that instant. With no
//! `--clock-start` the offset is zero and this is the same path.
//!
//! Why the scheduler and not a plain `tokio::time::sleep`: it compares the
//! wall clock twice a second, so a moment still rings at its wall-clock time
//! after the machine was suspended or its clock was stepped; tokio's timer
//! counts monotonic time and would ring late.
//!
//! The crate keeps a one-shot to the whole second, rounded down (its own
//! `Utc::now()` plus the whole seconds to go), so it may ring up to two
//! seconds early; the job then waits out the rest on tokio's timer, and the
//! daemon never hears of a moment before its clock reads it.

use std::time::{Duration, Instant};

use anyhow::Context as _;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use tokio::sync::mpsc;
use tokio_cron_scheduler::{Job, JobScheduler};

use crate::engine::Clock;
use crate::engine::schedule::Moments;

/// A moment the alarm rang for, and what it is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Wake {
    /// The moment, on the daemon's clock.
    pub at: Timestamp,
    /// A `[calendar] send_at` moment: reminders.
    pub send: bool,
    /// A `[digest] send_at` moment (possibly the same one).
    pub digest: bool,
}

impl Wake {
    /// The earlier of the next send and digest moments.
    pub fn next(moments: &Moments) -> Option<Wake> {
        let at = moments.scheduled()?;
        Some(Wake {
            at,
            send: moments.send == Some(at),
            digest: moments.digest == Some(at),
        })
    }
}

/// The scheduler, for the daemon's life, and the one job armed in it.
pub(super) struct Alarm {
    scheduler: JobScheduler,
    armed: Option<(uuid::Uuid, Wake)>,
    rings: mpsc::Sender<Wake>,
}

impl Alarm {
    /// Starts the scheduler; a wake is sent into `rings` when it rings. (One
    /// scheduler for the daemon's life: a scheduler that is shut down is
    /// never freed, as its job runner holds a handle to it — 190 KB a reload
    /// when each reload made a new one.)
    pub async fn start(rings: mpsc::Sender<Wake>) -> anyhow::Result<Alarm> {
        let scheduler = JobScheduler::new()
            .await
            .context("while starting the scheduler")?;
        scheduler
            .start()
            .await
            .context("while starting the scheduler")?;
        Ok(Alarm {
            scheduler,
            armed: None,
            rings,
        })
    }

    /// Arms the alarm for `wake` (none: disarms it), replacing the moment
    /// armed before; a no-op when that is the one armed already.
    pub async fn arm(&mut self, wake: Option<Wake>, clock: Clock, tz: &TimeZone) {
        if self.armed.map(|(_, w)| w) == wake {
            return;
        }
        self.disarm().await;
        let Some(wake) = wake else {
            return tracing::info!("no send moment scheduled");
        };
        let to_go = Duration::try_from(wake.at.duration_since(clock.now())).unwrap_or_default();
        let rings = self.rings.clone();
        let job = Job::new_one_shot_at_instant_async(Instant::now() + to_go, move |_, _| {
            let rings = rings.clone();
            Box::pin(async move {
                // The scheduler's whole seconds: wait out the rest.
                if let Ok(rest) = Duration::try_from(wake.at.duration_since(clock.now())) {
                    tokio::time::sleep(rest).await;
                }
                let _ = rings.send(wake).await;
            })
        });
        match job {
            Ok(job) => match self.scheduler.add(job).await {
                Ok(id) => {
                    self.armed = Some((id, wake));
                    let at = wake.at.to_zoned(tz.clone());
                    tracing::info!(moment = %at, reminders = wake.send, digest = wake.digest, "next moment");
                }
                Err(e) => tracing::error!(error = %e, "cannot schedule the next moment"),
            },
            Err(e) => tracing::error!(error = %e, "cannot schedule the next moment"),
        }
    }

    /// `wake` rang: its job is gone from the scheduler.
    pub fn rang(&mut self, wake: &Wake) {
        if self.armed.is_some_and(|(_, w)| w == *wake) {
            self.armed = None;
        }
    }

    /// Takes the armed moment out of the scheduler; returns it.
    pub async fn disarm(&mut self) -> Option<Wake> {
        let (id, wake) = self.armed.take()?;
        if let Err(e) = self.scheduler.remove(&id).await {
            tracing::warn!(error = %e, "cannot remove a send moment from the scheduler");
        }
        Some(wake)
    }

    pub async fn shutdown(mut self) {
        let _ = self.scheduler.shutdown().await;
    }
}
