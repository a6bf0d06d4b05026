//! Submissions from the mailbox (SPEC, "Submissions from the mailbox"): an
//! agency's reply to a reminder, or a message that names a plan and period,
//! becomes a proposal to record its submission.
//!
//! - [`message`]: one message read (sender, what it answers, its text and
//!   attachments, whether it is an automatic answer or a bounce);
//! - [`bounce`]: what a delivery status notification reports;
//! - [`reference`]: the document number it gives;
//! - [`matching`]: what it means (a proposal, certain or not; a bounce;
//!   nothing), with [`verdict`] (what the office's server found of the
//!   sender) and [`text`] (the office's names searched in its text);
//! - [`ingest`]: recorded exactly once, attachments kept, accepted;
//!   [`left_out`]: the files not kept, and why; [`ignored`]: why a message
//!   was left alone, worded;
//! - [`imap`]: the folder read over IMAP, once or watched with IDLE.

pub mod bounce;
pub mod ignored;
pub mod imap;
pub mod ingest;
pub mod left_out;
pub mod matching;
pub mod message;
pub mod reference;
pub mod text;
pub mod verdict;
