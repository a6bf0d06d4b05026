//! What the daemon tells systemd (`STATUS=`): the next send moment and how
//! many pairs are overdue.

use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use tokio_cron_scheduler::JobScheduler;

use crate::config::Config;
use crate::dates;
use crate::engine::{self, Clock};
use crate::ledger::Ledger;

/// The next moment one of `jobs` fires, on the daemon's clock (which may
/// run ahead of the real one: `--clock-start`).
pub(super) async fn next_send(
    scheduler: &JobScheduler,
    jobs: &[uuid::Uuid],
    clock: &Clock,
) -> Option<Timestamp> {
    let offset = clock.now().duration_since(Timestamp::now());
    let mut next: Option<Timestamp> = None;
    let mut scheduler = scheduler.clone();
    for id in jobs {
        if let Ok(Some(t)) = scheduler.next_tick_for_job(*id).await {
            let real = Timestamp::from_second(t.timestamp()).ok();
            if let Some(virt) = real.and_then(|r| r.checked_add(offset).ok()) {
                next = Some(next.map_or(virt, |n| n.min(virt)));
            }
        }
    }
    next
}

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
