//! Submissions from the mailbox (SPEC, "Submissions from the mailbox"): an
//! agency's reply to a reminder becomes a proposal to record its
//! submission. In progress: what is here reads one message (who sent it,
//! what it answers, whether a person wrote it, the document number it
//! gives); the proposals, the commands and the IMAP watcher come next.

pub mod matching;
pub mod message;
pub mod reference;
