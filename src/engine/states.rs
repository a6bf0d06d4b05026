//! The state of every owed pair at a moment, as `status`, the digest, the
//! daemon's STATUS= line and the web console see it.

use jiff::Zoned;

use super::summary::EngineError;
use crate::calendar::{self, Instance};
use crate::config::Config;
use crate::ledger::Ledger;
use crate::policy;

/// The state of every owed pair at `at`, with the instances they index:
/// what `status`, the office digest and the daemon's STATUS= line report.
pub fn states_at(
    config: &Config,
    ledger: &Ledger,
    at: &Zoned,
) -> Result<(Vec<Instance>, Vec<policy::PairState>), EngineError> {
    let instances = calendar::instances(config, calendar::horizon(at.date(), None));
    let snapshot = policy::Snapshot::new(config, &ledger.submissions()?, &ledger.waivers()?)
        .with_extensions(config, &ledger.extensions()?);
    let states = policy::evaluate(
        &instances,
        &snapshot,
        at.timestamp(),
        &config.settings.timezone,
    );
    Ok((instances, states))
}
