//! Pure decisions: (instances, ledger snapshot, moment) → the state of every
//! pair, and (later) the reminder steps due at a send moment.
//!
//! Nothing here reads the clock or the disk; the moment is an argument. That
//! is what lets `status`, `preview` and the daemon agree by construction.

pub mod reminders;
pub mod snapshot;
pub mod states;

pub use crate::ledger::Step;
pub use reminders::{Batch, Reminder, batches, due_reminders};
pub use snapshot::Snapshot;
pub use states::{Inputs, PairState, State, Tally, evaluate, evaluate_instance, inputs};
