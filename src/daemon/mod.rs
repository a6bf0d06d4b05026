//! The daemon: one send moment (decide, claim, deliver, retry), shared by
//! `preview`, `tick` and `run` so that they agree by construction; the office
//! digest; and the loop that wakes for send moments, retries, reloads and
//! shutdown, and tells systemd about it.

pub mod deliver;
pub mod digest;
pub mod moment;
pub mod run;
pub mod systemd;

pub use deliver::deliver_due;
pub use moment::{Outgoing, Planned, Summary, plan, send};
pub use run::{Options, run};
