//! Delivering stored messages: lease them a chunk ahead, send them, record
//! what became of each — the leases and the records on a thread of their
//! own (`recorder`) — and schedule retries with backoff.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;

use jiff::Timestamp;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::mpsc::error::TryRecvError;
use tokio::sync::oneshot;

use super::recorder::{self, Job, LeaseJob, Leased, Outcome};
use super::summary::{EngineError, Summary};
use crate::config::Config;
use crate::ledger::{Delivery, Health, Ledger, LedgerError, Stored, Taken};
use crate::mail::{Deliverer, SendError};

/// Delivers every stored message due at `now`: new ones, crashed claims and
/// retries. Transient failures back off exponentially (from `retry_seconds`,
/// doubling, at most an hour) until `give_up_hours`; permanent ones are
/// recorded against their pairs.
/// When `stop` becomes true (shutdown), it ends after the message in flight;
/// the rest stay stored for the next run. When the server refuses the
/// transport itself (authentication, TLS), every queued message is postponed
/// — none is at fault — and the run ends: trying the others would only
/// repeat the refusal (and may lock the account).
///
/// `now` is the engine's clock (the moment for `tick --at`), which schedules
/// retries; leases always use the real time.
pub async fn deliver_due(
    config: &Config,
    ledger: &mut Ledger,
    deliverer: &mut Deliverer,
    now: Timestamp,
    stop: &AtomicBool,
) -> Result<Summary, EngineError> {
    let due = due_now(ledger, now)?;
    deliver(config, ledger, deliverer, now, stop, due, None).await
}

/// The stored messages due at `now` ([`Ledger::deliverable`]), after
/// releasing the leases of this host's senders that died. Read before a
/// send moment's claimer starts, so that what it claims comes only once,
/// through its channel.
pub fn due_now(ledger: &mut Ledger, now: Timestamp) -> Result<Vec<Stored>, EngineError> {
    let released = ledger.release_dead_leases()?;
    if released > 0 {
        tracing::info!(
            messages = released,
            "took over the messages of a sender that stopped mid-send"
        );
    }
    Ok(ledger.deliverable(now)?)
}

/// Delivers `due` as [`deliver_due`] does, then each chunk a claimer sends
/// through `more` as it commits it, until the claimer is done.
pub async fn deliver(
    config: &Config,
    ledger: &mut Ledger,
    deliverer: &mut Deliverer,
    now: Timestamp,
    stop: &AtomicBool,
    due: Vec<Stored>,
    more: Option<UnboundedReceiver<Vec<Stored>>>,
) -> Result<Summary, EngineError> {
    let mut queue = Queue {
        candidates: due.into(),
        more,
    };
    if !queue.wait().await {
        return Ok(Summary::default());
    }
    // Leases and outcomes go to a thread of its own (`recorder`), outcomes
    // a group per transaction while the next messages are on the wire. A
    // message takes one of UNRECORDED_AT_MOST permits before it is sent and
    // gives it back once its outcome is committed: that bounds how many
    // delivered messages can be unrecorded at a crash (and so go out twice),
    // see README.
    let (jobs, inbox) = std::sync::mpsc::channel::<Job>();
    let window = std::sync::Arc::new(tokio::sync::Semaphore::new(UNRECORDED_AT_MOST));
    let mut recorder_ledger = ledger.reopen()?;
    let closes = window.clone();
    let recorder = std::thread::spawn(move || {
        recorder::run(&mut recorder_ledger, inbox, COMMIT_GROUP, &closes)
    });
    let mail = &config.settings.mail;
    let give_up_after = mail.give_up_hours as i64 * 3600;
    // Messages are leased a chunk at a time (one write for LEASE_CHUNK), the
    // next chunk while this one is sent, each for as long as the attempts
    // before it and its own can take: the send timeout plus a margin to
    // record the outcome, each.
    let attempt = mail
        .smtp
        .as_ref()
        .map_or(30, |s| s.timeout_seconds as i64 + 2);
    let mut health = Watch::new(ledger)?;
    let mut refused: Option<(String, Timestamp)> = None;
    let mut failed: Option<LedgerError> = None;
    let ask = |queue: &mut Queue, ahead: usize, taken: Taken| {
        ask_lease(&jobs, queue.next_chunk(), ahead, attempt, now, taken)
    };
    // The chunk being sent, what its lease read (bodies, settled flags),
    // and the next chunk's lease on its way.
    let mut chunk: VecDeque<Stored> = VecDeque::new();
    let mut taken = Taken::default();
    let mut nth = 0;
    let mut leased_at = std::time::Instant::now();
    let mut next_lease = ask(&mut queue, 0, Taken::default());
    while !stop.load(Ordering::SeqCst) {
        let Some(m) = chunk.pop_front() else {
            let answer = match next_lease.take() {
                Some(answer) => answer,
                // Every candidate so far was tried: the claimer's next
                // chunk, if it has one.
                None if queue.wait().await => {
                    match ask(&mut queue, 0, std::mem::take(&mut taken)) {
                        Some(answer) => answer,
                        None => break,
                    }
                }
                None => break,
            };
            let Leased {
                chunk: leased,
                taken: read,
                at,
            } = match answer.await {
                Ok(Ok(leased)) => leased,
                Ok(Err(e)) => {
                    failed = Some(e);
                    break;
                }
                Err(_) => break, // the recorder stopped on an error: it is returned below
            };
            let spare = std::mem::replace(&mut taken, read);
            (chunk, nth, leased_at) = (leased, 0, at);
            next_lease = ask(&mut queue, chunk.len(), spare);
            continue;
        };
        nth += 1;
        let Some((raw, settled)) = taken.get(nth - 1) else {
            continue; // another sender has it, or it is done
        };
        // A message from an earlier moment may have become moot: as its
        // lease found, unless that was a while ago (at the production pace,
        // `max_per_minute`), then asked again.
        let moot = m.created < now
            && if leased_at.elapsed() < SETTLED_FRESH {
                settled
            } else {
                ledger.message_settled(&m.message_id, now)?
            };
        if moot {
            let cancelled = Outcome {
                message: m,
                delivery: Delivery::Cancelled,
                permit: None,
            };
            if jobs.send(Job::Outcome(cancelled)).is_err() {
                break;
            }
            continue;
        }
        let Ok(permit) = window.clone().acquire_owned().await else {
            break; // the recorder failed: its error is returned below
        };
        let result = deliverer
            .send(&m.message_id, &m.sender, &m.recipients, raw)
            .await;
        health.saw(ledger, &result, now)?;
        let delivery = match result {
            Ok(()) => Delivery::Sent(Timestamp::now()),
            Err(SendError::Refused(e)) => {
                // This message and every other queued one wait, as one.
                let delay = backoff(mail.retry_seconds, m.attempts);
                let next = Timestamp::from_second(now.as_second() + delay).unwrap_or(now);
                refused = Some((e, next));
                break;
            }
            Err(SendError::Permanent(e)) => Delivery::Failed(e),
            Err(SendError::Transient(e) | SendError::Deferred(e))
                if now.as_second() >= m.created.as_second() + give_up_after =>
            {
                Delivery::Failed(format!("gave up after {} attempts: {e}", m.attempts + 1))
            }
            Err(SendError::Transient(e) | SendError::Deferred(e)) => {
                let delay = backoff(mail.retry_seconds, m.attempts);
                Delivery::Retry(
                    e,
                    Timestamp::from_second(now.as_second() + delay).unwrap_or(now),
                )
            }
        };
        let outcome = Outcome {
            message: m,
            delivery,
            permit: Some(permit),
        };
        if jobs.send(Job::Outcome(outcome)).is_err() {
            break; // the recorder stopped on an error: it is returned below
        }
    }
    drop(jobs);
    // A panic in the recorder is a bug: let it surface as one.
    let mut summary = recorder.join().expect("the recorder thread panicked")?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    if let Some((error, next)) = refused {
        // What the claimer still stores is postponed with the rest.
        queue.drain().await;
        let postponed = ledger.postpone_all(next, &error)?;
        tracing::error!(%error, messages = postponed, retry_at = %next,
            "the mail server refused dondoc (login, TLS or our address); nothing is sent until the settings \
             or the password are fixed; every message stays queued");
        summary.retrying += postponed;
    }
    Ok(summary)
}

/// At most this many delivered messages are unrecorded at any moment, the
/// one on the wire included: the most that a crash can send twice (README,
/// the guarantee).
pub const UNRECORDED_AT_MOST: usize = 16;

/// Outcomes committed per transaction when messages come fast: half the
/// window, so the sender goes on with the other half during the `fsync`.
const COMMIT_GROUP: usize = UNRECORDED_AT_MOST / 2;

/// Whether delivery as a whole works, as last recorded: a warning when it
/// starts failing and when it recovers, not one per message.
struct Watch {
    failing: Option<Health>,
}

impl Watch {
    fn new(ledger: &Ledger) -> Result<Watch, EngineError> {
        Ok(Watch {
            failing: ledger.delivery_failing()?,
        })
    }

    fn saw(
        &mut self,
        ledger: &mut Ledger,
        result: &Result<(), SendError>,
        now: Timestamp,
    ) -> Result<(), EngineError> {
        match (result, &self.failing) {
            (Ok(()), Some(was)) => {
                let minutes = (now.as_second() - was.since.as_second()).max(0) / 60;
                tracing::warn!(failing_for_minutes = minutes, "mail delivery works again");
                ledger.set_delivery_ok()?;
                self.failing = None;
            }
            (Err(e), was) if !e.is_message_fault() => {
                let refused = matches!(e, SendError::Refused(_));
                // Recorded when it starts failing, or fails differently
                // (refused ↔ unreachable): not once per message of an outage.
                if was.as_ref().is_some_and(|w| w.refused == refused) {
                    return Ok(());
                }
                let health = Health {
                    since: was.as_ref().map_or(now, |w| w.since),
                    last_error: e.to_string(),
                    refused,
                };
                if was.is_none() {
                    tracing::warn!(error = %e, "mail delivery is failing; messages stay queued and are retried");
                }
                ledger.set_delivery_failing(&health)?;
                self.failing = Some(health);
            }
            _ => {}
        }
        Ok(())
    }
}

/// What is left to lease: the candidates known so far, and the chunks a
/// claimer has yet to send.
struct Queue {
    candidates: VecDeque<Stored>,
    more: Option<UnboundedReceiver<Vec<Stored>>>,
}

impl Queue {
    /// The next chunk to lease, from what has arrived (without waiting).
    fn next_chunk(&mut self) -> VecDeque<Stored> {
        while let Some(more) = &mut self.more {
            match more.try_recv() {
                Ok(chunk) => self.candidates.extend(chunk),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => self.more = None,
            }
        }
        let n = self.candidates.len().min(LEASE_CHUNK);
        self.candidates.drain(..n).collect()
    }

    /// Waits until there is a candidate; `false` when there is none and the
    /// claimer (if any) is done.
    async fn wait(&mut self) -> bool {
        while self.candidates.is_empty() {
            let Some(more) = &mut self.more else {
                return false;
            };
            match more.recv().await {
                Some(chunk) => self.candidates.extend(chunk),
                None => self.more = None,
            }
        }
        true
    }

    /// Waits for the claimer to finish, keeping none of what it sends.
    async fn drain(&mut self) {
        if let Some(more) = &mut self.more {
            while more.recv().await.is_some() {}
        }
    }
}

/// Messages leased per write; their bodies are read with the lease.
const LEASE_CHUNK: usize = 16;

/// How long whether a message is settled, as read with its lease, stands:
/// past it (a slow server, `max_per_minute`) it is read again just before
/// the attempt. A submission recorded meanwhile still cancels the message.
const SETTLED_FRESH: std::time::Duration = std::time::Duration::from_secs(1);

/// Asks the recorder to lease `chunk` (after `ahead` other attempts) and
/// read it into `taken`; `None` when there is nothing left to lease, or the
/// recorder stopped (its error is returned when it is joined).
fn ask_lease(
    jobs: &Sender<Job>,
    chunk: VecDeque<Stored>,
    ahead: usize,
    attempt: i64,
    now: Timestamp,
    taken: Taken,
) -> Option<oneshot::Receiver<Result<Leased, LedgerError>>> {
    if chunk.is_empty() {
        return None;
    }
    let (reply, answer) = oneshot::channel();
    let job = LeaseJob {
        chunk,
        ahead: ahead as i64,
        attempt,
        now,
        taken,
        reply,
    };
    jobs.send(Job::Lease(job)).ok()?;
    Some(answer)
}

/// The delay before attempt `attempts + 1`: base × 2^attempts, at most an hour.
pub fn backoff(base: u64, attempts: i64) -> i64 {
    let factor = 1u64 << attempts.clamp(0, 20);
    base.saturating_mul(factor).min(3600) as i64
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(
            (0..8).map(|a| backoff(60, a)).collect::<Vec<_>>(),
            [60, 120, 240, 480, 960, 1920, 3600, 3600]
        );
        assert_eq!(backoff(1, 0), 1);
        assert_eq!(backoff(60, 1000), 3600);
    }
}
