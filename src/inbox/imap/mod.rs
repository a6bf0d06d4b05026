//! Reading `[inbox]` over IMAP (async-imap on tokio, rustls): the unseen
//! messages of the folder, each read into the ledger exactly once
//! ([`super::ingest`]). The mailbox is never changed except for the `\Seen`
//! flag on what became a proposal; everything else stays unread.
//!
//! - `connect`: the connection (TLS or STARTTLS, login, folder) and the
//!   time limit on each command;
//! - `reader`: the configuration, ledger and clock a read works with, and
//!   the blocking pool it runs on;
//! - `read`: one read of the unseen messages, in bounded batches;
//! - `watch`: the daemon's watch, with IDLE where the server offers it.

mod connect;
mod read;
mod reader;
mod watch;

pub use connect::Connection;
pub use read::{Fetched, fetch};
pub use reader::Reader;
pub use watch::{Watch, watch};
