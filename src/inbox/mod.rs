//! Submissions from the mailbox (SPEC, "Submissions from the mailbox"): an
//! agency's reply to a reminder becomes a proposal to record its
//! submission. In progress: what is here reads a message's text; the IMAP
//! watcher and the proposals come next.

pub mod reference;
