//! The sender's bookkeeping, on a thread of its own with its own connection
//! (synchronous=FULL): it leases the chunks the sender asks for, reading
//! their bodies with the lease, and records what became of each message, a
//! group of outcomes per transaction, while the next messages are on the
//! wire. One connection writes both, so that neither's commits throw the
//! other's page cache away (SQLite drops a connection's whole cache, and its
//! memory map, when another connection has committed).

use std::collections::VecDeque;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tokio::sync::Semaphore;

use super::summary::{EngineError, Summary};
use crate::ledger::{Delivery, Lease, Ledger, LedgerError, Stored, Taken};

/// What the sender hands the recorder.
pub enum Job {
    Lease(LeaseJob),
    Outcome(Outcome),
}

/// A chunk of messages to lease and read.
pub struct LeaseJob {
    pub chunk: VecDeque<Stored>,
    /// How many messages the sender will try before this chunk's first.
    pub ahead: i64,
    /// How long an attempt can last, recording included: the k-th message
    /// is leased for `ahead + k` of them.
    pub attempt: i64,
    /// The engine's clock: a message created before it may have become
    /// moot, and is checked.
    pub now: Timestamp,
    /// A buffer to read the bodies into (the previous chunk's, kept).
    pub taken: Taken,
    pub reply: tokio::sync::oneshot::Sender<Result<Leased, LedgerError>>,
}

/// A leased chunk, back to the sender.
pub struct Leased {
    pub chunk: VecDeque<Stored>,
    pub taken: Taken,
    /// When whether each was settled was read (at the latest).
    pub at: Instant,
}

/// One delivery attempt's outcome, on its way to the database, with the
/// sender's permit for a delivered message (given back once committed).
pub struct Outcome {
    pub message: Stored,
    pub delivery: Delivery,
    pub permit: Option<tokio::sync::OwnedSemaphorePermit>,
}

/// How long a group waits to fill before what it has is committed: at the
/// production pace (`max_per_minute`) every outcome waits this long, alone.
const LINGER: Duration = Duration::from_millis(20);

/// Serves leases as they are asked for, and records outcomes as they come,
/// `group` per transaction, or fewer when no other comes within LINGER;
/// returns the tally once the sender is done.
///
/// On an error (the database locked past its timeout, the disk full) the
/// sender's `window` is closed before the unrecorded outcomes' permits are
/// dropped: the sender then sends nothing more, so that no more than
/// UNRECORDED_AT_MOST delivered messages are left unrecorded.
pub fn run(
    ledger: &mut Ledger,
    jobs: Receiver<Job>,
    group: usize,
    window: &Semaphore,
) -> Result<Summary, EngineError> {
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(group);
    let served = serve(ledger, jobs, group, &mut outcomes);
    if served.is_err() {
        window.close();
    }
    served
}

fn serve(
    ledger: &mut Ledger,
    jobs: Receiver<Job>,
    group: usize,
    outcomes: &mut Vec<Outcome>,
) -> Result<Summary, EngineError> {
    let mut summary = Summary::default();
    let mut until = Instant::now();
    loop {
        let job = if outcomes.is_empty() {
            match jobs.recv() {
                Ok(job) => job,
                Err(_) => break,
            }
        } else {
            match jobs.recv_timeout(until.saturating_duration_since(Instant::now())) {
                Ok(job) => job,
                Err(RecvTimeoutError::Timeout) => {
                    record(ledger, outcomes, &mut summary)?;
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
        };
        match job {
            Job::Lease(job) => lease(ledger, job),
            Job::Outcome(outcome) => {
                if outcomes.is_empty() {
                    until = Instant::now() + LINGER;
                }
                outcomes.push(outcome);
                if outcomes.len() >= group {
                    record(ledger, outcomes, &mut summary)?;
                }
            }
        }
    }
    record(ledger, outcomes, &mut summary)?;
    Ok(summary)
}

/// Leases a chunk and answers with it, or with the error.
fn lease(ledger: &mut Ledger, job: LeaseJob) {
    let LeaseJob {
        chunk,
        ahead,
        attempt,
        now,
        mut taken,
        reply,
    } = job;
    if reply.is_closed() {
        return; // the sender stopped
    }
    let at = Instant::now();
    let asks: Vec<Lease> = chunk
        .iter()
        .zip(1..)
        .map(|(m, k)| Lease {
            message_id: &m.message_id,
            seconds: attempt * (ahead + k),
            check_settled: m.created < now,
        })
        .collect();
    let leased = ledger.lease(&asks, Timestamp::now(), now, &mut taken);
    drop(asks);
    let _ = reply.send(leased.map(|()| Leased { chunk, taken, at }));
}

/// Commits a group of outcomes, gives their permits back, and tallies them.
fn record(
    ledger: &mut Ledger,
    outcomes: &mut Vec<Outcome>,
    summary: &mut Summary,
) -> Result<(), EngineError> {
    if outcomes.is_empty() {
        return Ok(());
    }
    let rows: Vec<(String, Delivery)> = outcomes
        .iter()
        .map(|o| (o.message.message_id.clone(), o.delivery.clone()))
        .collect();
    ledger.record(&rows)?;
    for Outcome {
        message: m,
        delivery,
        permit,
    } in outcomes.drain(..)
    {
        drop(permit); // committed: the sender may have another in flight
        let id = &m.message_id;
        // The office digest is the one message with no agency.
        let agency = if m.agency.is_empty() {
            "(digest)"
        } else {
            &m.agency
        };
        match delivery {
            Delivery::Sent(_) => {
                tracing::info!(%agency, message_id = %id, "delivered");
                summary.sent += 1;
            }
            Delivery::Failed(error) => {
                tracing::warn!(%agency, message_id = %id, %error, "delivery failed for good");
                summary.failed += 1;
            }
            Delivery::Retry(error, next) => {
                tracing::info!(%agency, message_id = %id, %error, retry_at = %next, "delivery will be retried");
                summary.retrying += 1;
            }
            Delivery::Cancelled => summary.cancelled += 1,
        }
    }
    Ok(())
}
