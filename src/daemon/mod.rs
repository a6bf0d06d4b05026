//! The daemon's moving parts: one send moment (decide, claim, deliver, retry),
//! shared by `preview`, `tick` and `run`, so that they agree by construction.

pub mod moment;

pub use moment::{Outgoing, Planned, Summary, deliver_due, plan, send};
