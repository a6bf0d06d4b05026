//! The daemon: the loop that wakes for send moments, retries, reloads and
//! shutdown, and tells systemd about it. What a moment does is
//! [`crate::engine`]'s.
//!
//! - [`run`]: the loop, reloads; `alarm`: the scheduler, armed with the
//!   next moment [`crate::engine::schedule`] gives;
//! - `console`: the web console it serves; `inbox_watch`: the mailbox
//!   watcher, a task of its own; `status`: the line systemd shows;
//! - [`systemd`]: readiness, the watchdog, `STATUS=`.

mod alarm;
mod console;
mod inbox_watch;
pub mod run;
mod status;
pub mod systemd;

pub use run::{Options, run};
