//! One send moment S, as `tick` and the daemon run it: decide what is due
//! (pure policy over a ledger snapshot), render one email per agency, claim
//! each (pair, step) in the sent-log, then deliver what is due — these and
//! earlier retries. `preview` is [`super::plan::plan`] alone.

use std::sync::atomic::AtomicBool;

use jiff::{Timestamp, Zoned};

use super::claim::claim_all;
use super::deliver::deliver_due;
use super::plan::plan;
use super::summary::{EngineError, Summary};
use crate::config::Config;
use crate::ledger::Ledger;
use crate::mail::{Deliverer, Templates};

/// One send moment: plans, claims and stores each email, then delivers every
/// message that is due (these and earlier retries). `now` is the engine's
/// clock (the daemon's time; `--at` for `tick`): it dates the claims and
/// schedules retries.
pub async fn send(
    config: &Config,
    templates: &Templates,
    ledger: &mut Ledger,
    deliverer: &mut Deliverer,
    at: &Zoned,
    now: Timestamp,
    stop: &AtomicBool,
) -> Result<Summary, EngineError> {
    let (claimed, already_claimed) = claim(config, templates, ledger, at, now)?;
    let delivered = deliver_due(config, ledger, deliverer, now, stop).await?;
    Ok(Summary {
        claimed,
        already_claimed,
        ..delivered
    })
}

/// The first half of a send moment, with no network: plans the moment's
/// emails and claims them into the queue. Returns (emails stored,
/// reminders another sender had claimed). CPU and disk only, so the daemon
/// runs it on the blocking pool.
pub fn claim(
    config: &Config,
    templates: &Templates,
    ledger: &mut Ledger,
    at: &Zoned,
    now: Timestamp,
) -> Result<(usize, usize), EngineError> {
    let planned = plan(config, templates, ledger, at)?;
    claim_all(config, templates, ledger, &planned, now)
}
