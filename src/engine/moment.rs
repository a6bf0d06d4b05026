//! One send moment S, as `tick` and the daemon run it: decide what is due
//! (pure policy over a ledger snapshot), render one email per agency, claim
//! each (pair, step) in the sent-log, and deliver what is due — these and
//! earlier retries. The claimer works on a thread of its own, a chunk of
//! emails per transaction, and the sender starts on the first chunk while
//! the rest are claimed. `preview` is [`super::plan::plan`] alone.

use std::sync::atomic::AtomicBool;

use jiff::{Timestamp, Zoned};
use tokio::runtime::Runtime;

use super::claim::claim_in_chunks;
use super::deliver::{deliver, due_now};
use super::loaded::Loaded;
use super::summary::{EngineError, Summary};
use crate::ledger::Ledger;
use crate::mail::Deliverer;

/// One send moment, delivered on `runtime`: claims and stores each email,
/// and delivers every message that is due (earlier retries first, then this
/// moment's, a chunk as soon as it is claimed). `now` is the engine's clock
/// (the daemon's time; `--at` for `tick`): it dates the claims and
/// schedules retries.
pub fn send(
    loaded: &Loaded,
    ledger: &mut Ledger,
    deliverer: &mut Deliverer,
    at: &Zoned,
    now: Timestamp,
    stop: &AtomicBool,
    runtime: &Runtime,
) -> Result<Summary, EngineError> {
    // What was due before this moment is read before the claimer starts:
    // what it claims then reaches the sender once, through the channel.
    let (config, templates) = (&loaded.config, &loaded.templates);
    let due = due_now(ledger, now)?;
    let mut claimer = ledger.reopen()?;
    let (chunks, more) = tokio::sync::mpsc::unbounded_channel();
    std::thread::scope(|scope| {
        let claiming = scope.spawn(move || {
            claim_in_chunks(config, templates, &mut claimer, at, now, |chunk| {
                chunks.send(chunk).is_ok()
            })
        });
        let delivered = runtime.block_on(deliver(
            config,
            ledger,
            deliverer,
            now,
            stop,
            due,
            Some(more),
        ));
        // A panic in the claimer is a bug: let it surface as one.
        let claimed = claiming.join().expect("the claimer thread panicked");
        summary(claimed, delivered)
    })
}

/// A send moment's summary from its claimer's (emails stored, reminders
/// another sender had claimed) and its sender's; the claimer's error first.
pub fn summary(
    claimed: Result<(usize, usize), EngineError>,
    delivered: Result<Summary, EngineError>,
) -> Result<Summary, EngineError> {
    let (claimed, already_claimed) = claimed?;
    Ok(Summary {
        claimed,
        already_claimed,
        ..delivered?
    })
}
