//! The daemon: the loop that wakes for send moments, retries, reloads and
//! shutdown, and tells systemd about it. What a moment does is
//! [`crate::engine`]'s.

pub mod run;
pub mod systemd;

pub use run::{Options, run};
