//! Email: render (admin-editable templates) and deliver (an outbox directory
//! or SMTP through lettre, with timeouts, a rate limit, and errors classified
//! as transient or permanent so that retrying is a decision, not a guess).

pub mod compose;
pub mod deliver;
mod smtp;
pub mod templates;
mod wire;

pub use compose::{Composed, compose_reminder};
pub use deliver::{Deliverer, SendError};
pub use templates::Templates;
