//! What the daemon tells systemd (`STATUS=`): the next send moment (as
//! [`crate::engine::schedule`] gives it) and how many pairs are overdue.

use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

use crate::config::Config;
use crate::dates;
use crate::engine;
use crate::ledger::Ledger;

/// "next send 24/11/2025 08:00; 12 overdue".
pub(super) fn line(next: Option<Timestamp>, overdue: usize, tz: &TimeZone) -> String {
    match next {
        Some(n) => {
            let z = n.to_zoned(tz.clone());
            format!(
                "next send {} {}; {overdue} overdue",
                dates::vn(z.date()),
                z.strftime("%H:%M")
            )
        }
        None => format!("no send moment scheduled; {overdue} overdue"),
    }
}

pub(super) fn overdue_count(config: &Config, ledger: &Ledger, at: &Zoned) -> usize {
    match engine::lazy_states_at(config, ledger, at) {
        Ok(lazy) => lazy.tally().overdue,
        Err(e) => {
            tracing::warn!(error = %e, "cannot count overdue pairs");
            0
        }
    }
}
