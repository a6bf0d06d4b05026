//! Pure decisions: (instances, ledger snapshot, moment) → the state of every
//! pair, and (later) the reminder steps due at a send moment.
//!
//! Nothing here reads the clock or the disk; the moment is an argument. That
//! is what lets `status`, `preview` and the daemon agree by construction.

pub mod reminders;
pub mod states;

pub use reminders::{Batch, Reminder, Step, batches, due_reminders};
pub use states::{PairState, Snapshot, State, evaluate};
