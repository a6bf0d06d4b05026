//! What every entry point shares, so that `preview`, `tick`, `status`, the
//! digest and the daemon agree by construction:
//!
//! - [`loaded`]: the configuration directory loaded once — the resolved
//!   [`crate::config::Config`] and its compiled templates;
//! - [`states`]: the state of every pair at a moment; [`filter`]: which
//!   pairs (`status`, the API, the console's downloads);
//! - [`plan`]: decide and render a send moment (`preview`);
//! - [`claim`]: record its emails in the sent-log and the message queue;
//! - [`deliver`]: send what is queued, record outcomes, schedule retries;
//! - [`moment`]: the three together (`tick`; the daemon does the same):
//!   the claimer a chunk ahead of the sender, on a thread of its own;
//! - [`digest`]: the office's own summary, queued like any other email, with
//!   its figures from [`overview`];
//! - [`schedule`]: when the next send, digest and retry moments are, on the
//!   [`clock`]'s time — the only reader of the `send_at` expressions;
//! - [`warnings`]: what `check` and the daemon warn about;
//! - [`ranking`]: the year's on-time ranking (`report --year`, the
//!   console's `/leaders`);
//! - [`record`]: the one way to write what the office learns about a pair
//!   (a submission, a waiver, an extension, a batch, an accepted proposal),
//!   with the checks and the verdict every door shares, as the actor given.
//!
//! Submodules import their siblings, never this file.

pub mod calls;
pub mod claim;
pub mod clock;
pub mod deliver;
pub mod digest;
pub mod filter;
pub mod loaded;
pub mod memory;
pub mod moment;
pub mod overview;
pub mod plan;
pub mod ranking;
pub mod record;
mod recorder;
pub mod schedule;
pub mod states;
pub mod summary;
pub mod warnings;

pub use clock::Clock;
pub use filter::Filter;
pub use loaded::{Loaded, load};
pub use moment::send;
pub use plan::{Decided, Outgoing, Planned, decide, plan};
pub use states::{Lazy, States, lazy_states_at, not_submitted, states_at};
pub use summary::{EngineError, Summary};
