//! dondoc — chases agencies for the plans and reports that provincial plans
//! (*kế hoạch phòng, chống ma túy*) oblige them to send, by fixed dates and on
//! cycles.
//!
//! The data flows one way, and the modules follow it:
//!
//! - [`config`]: the TOML directory → one validated [`config::Config`]
//!   (agencies, plans, obligations, reminder policy, holidays). The only loader;
//!   `check`, every command and the daemon call it.
//! - [`calendar`]: pure. Config → instances with scheduled and due dates, over
//!   working days, Vietnam's statutory holidays (lunar ones computed) and the
//!   admin's holidays file.
//! - [`workdays`]: which days are working days (weekly rest, statutory
//!   holidays with the lunar ones computed, `holidays.toml`), for `calendar`.
//! - [`dates`]: the date forms Vietnamese offices write (`dd/mm/yyyy`, `mm/yyyy`,
//!   `dd/mm`) and the moments commands take (`--at`).
//! - [`ledger`]: the SQLite database — submissions, waivers, the sent-log and
//!   the messages behind it. The only module with SQL.
//! - [`policy`]: pure. (instances, ledger snapshot, moment) → the state of every
//!   pair, and the reminder steps due at a send moment.
//! - [`mail`]: render (minijinja templates, built in and overridable) and
//!   deliver (outbox directory or SMTP via lettre; transient vs permanent).
//! - [`engine`]: what every entry point shares — the configuration loaded
//!   once, the states of every pair at a moment, a send moment (plan, claim,
//!   deliver, retry), recording with its checks and verdict, the digest's
//!   figures, when the next send, digest and retry moments are — so that
//!   `preview`, `tick`, `status`, the console and the daemon agree by
//!   construction.
//! - [`daemon`]: the long-running loop: an alarm at the next moment, the
//!   mailbox watcher, the console, reloads, systemd's notify and watchdog.
//! - [`inbox`]: what an agency's message says (whom it answers, whether a
//!   person wrote it, the plan and period it names, its document number),
//!   read into the ledger exactly once as a proposal; IMAP fetch and the
//!   daemon's IDLE watcher.
//! - [`output`]: status rows, the workbook, iCalendar — shared by the
//!   command line and the console.
//! - [`web`]: the web console and its JSON API, served by the daemon.
//! - [`cli`]: one small function per subcommand, reusing the code paths above.
//!
//! Beside the flow: [`lang`] (Vietnamese or English for what a person
//! reads: a value chosen at the edge and passed down, never a global), [`collate`] (Vietnamese alphabetical order), [`suggest`] ("did you
//! mean"), [`files`] (0600 files and 0700 folders whatever the umask).

pub mod calendar;
pub mod cli;
pub mod collate;
pub mod config;
pub mod daemon;
pub mod dates;
pub mod engine;
pub mod files;
pub mod inbox;
pub mod lang;
pub mod ledger;
pub mod mail;
pub mod output;
pub mod policy;
pub mod suggest;
pub mod web;
pub mod workdays;
