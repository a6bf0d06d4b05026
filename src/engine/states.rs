//! The state of every owed pair at a moment, as `status`, the digest, the
//! daemon's STATUS= line and the web console see it.

use jiff::Zoned;

use super::summary::EngineError;
use crate::calendar::{self, Instance};
use crate::config::Config;
use crate::ledger::Ledger;
use crate::policy;

/// The instances, the state of every owed pair and each upward report's
/// inputs at a moment.
#[derive(Debug)]
pub struct States {
    pub instances: Vec<Instance>,
    /// In instance order and, within an instance, agency order.
    pub pairs: Vec<policy::PairState>,
    /// Per instance: the progress of what feeds it (`after`), else none.
    pub inputs: Vec<Option<policy::Inputs>>,
}

/// The state of every owed pair at `at`, with the instances they index:
/// what `status`, the office digest and the daemon's STATUS= line report.
pub fn states_at(config: &Config, ledger: &Ledger, at: &Zoned) -> Result<States, EngineError> {
    let instances = calendar::instances(config, calendar::horizon(at.date(), None));
    let snapshot = policy::Snapshot::new(config, &ledger.submissions()?, &ledger.waivers()?)
        .with_extensions(config, &ledger.extensions()?);
    let states = policy::evaluate(
        &instances,
        &snapshot,
        at.timestamp(),
        &config.settings.timezone,
    );
    let inputs = policy::inputs(&instances, &snapshot, at.timestamp());
    Ok(States {
        instances,
        pairs: states,
        inputs,
    })
}

/// The same, one instance at a time, for outputs that stream.
pub struct Lazy {
    pub instances: Vec<Instance>,
    pub inputs: Vec<Option<policy::Inputs>>,
    snapshot: policy::Snapshot,
    at: jiff::Timestamp,
    today: jiff::civil::Date,
}

/// The instances and inputs at `at`, their pairs' states evaluated on demand.
pub fn lazy_states_at(config: &Config, ledger: &Ledger, at: &Zoned) -> Result<Lazy, EngineError> {
    let instances = calendar::instances(config, calendar::horizon(at.date(), None));
    let snapshot = policy::Snapshot::new(config, &ledger.submissions()?, &ledger.waivers()?)
        .with_extensions(config, &ledger.extensions()?);
    let inputs = policy::inputs(&instances, &snapshot, at.timestamp());
    Ok(Lazy {
        instances,
        inputs,
        snapshot,
        at: at.timestamp(),
        today: at.date(),
    })
}

impl Lazy {
    /// Replaces `out` with the states of instance `n`'s pairs (agency order).
    pub fn instance(&self, n: usize, out: &mut Vec<policy::PairState>) {
        out.clear();
        policy::evaluate_instance(
            n,
            &self.instances[n],
            &self.snapshot,
            self.at,
            self.today,
            out,
        );
    }

    /// How many pairs are in each state: one instance at a time through one
    /// buffer, so the footprint does not grow with the number of pairs (a
    /// national config has millions).
    pub fn tally(&self) -> policy::Tally {
        let mut tally = policy::Tally::default();
        let mut buffer = Vec::new();
        for n in 0..self.instances.len() {
            self.instance(n, &mut buffer);
            for s in &buffer {
                tally.add(s.state);
            }
        }
        tally
    }
}

/// The agencies that owe `instance` and, at `at`, have neither submitted it
/// nor been exempted: whom its fill-in sheet lists (`dondoc sheet`, the
/// console's download), in agency order.
pub fn not_submitted(
    config: &Config,
    ledger: &Ledger,
    at: &Zoned,
    instance: &Instance,
) -> Result<Vec<usize>, EngineError> {
    let snapshot = policy::Snapshot::new(config, &ledger.submissions()?, &ledger.waivers()?)
        .with_extensions(config, &ledger.extensions()?);
    let mut out = Vec::new();
    policy::evaluate_instance(0, instance, &snapshot, at.timestamp(), at.date(), &mut out);
    Ok(out
        .iter()
        .filter(|s| matches!(s.state, policy::State::Pending | policy::State::Overdue))
        .map(|s| s.agency)
        .collect())
}
