//! Submissions from the mailbox (SPEC, "Submissions from the mailbox"): an
//! agency's reply to a reminder becomes a proposal to record its
//! submission. In progress: what is here reads one message (who sent it,
//! what it answers, whether a person wrote it, the document number it
//! gives) and records it exactly once ([`ingest`]): proposals, bounces,
//! attachments; `dondoc inbox` lists and decides them. The `[inbox]`
//! settings, the IMAP watcher and the console's confirmation page come next.

pub mod imap;
pub mod ingest;
pub mod matching;
pub mod message;
pub mod reference;
