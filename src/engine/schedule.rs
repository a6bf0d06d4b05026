//! When things happen next: the one place that turns the configured send
//! moments (`[calendar] send_at`, `[digest] send_at`) and the message queue
//! into moments on a clock. The daemon arms its timer from [`next_moments`],
//! its `STATUS=` line shows what it gives, and the digest's start-up catch-up
//! asks [`latest_digest`]; no other module reads a cron expression.
//!
//! Every moment here is on one time axis, the [`Clock`]'s: real time, or
//! real time shifted by `--clock-start`. A lease written by another sender is
//! in real time and is moved onto that axis ([`Queued::read`]), so a daemon
//! started with `--clock-start` keeps every appointment on its own clock.
//!
//! The expressions were compiled by the loader with tokio-cron-scheduler's
//! own parser (croner); they are evaluated here in the zone's UTC offset at
//! `after`, as the scheduler itself does when it creates a cron job.

use jiff::Timestamp;

use super::clock::Clock;
use crate::config::{Config, SendAt};
use crate::dates;
use crate::ledger::{Ledger, LedgerError};

/// The next moments, each strictly after the moment asked about (the
/// retry excepted: a message may be deliverable already).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Moments {
    /// The next `[calendar] send_at` moment.
    pub send: Option<Timestamp>,
    /// The next `[digest] send_at` moment; `None` without a `[digest]`.
    pub digest: Option<Timestamp>,
    /// When a stored message next becomes deliverable: its retry, or another
    /// sender's lease running out; `None` when nothing is queued.
    pub retry: Option<Timestamp>,
}

impl Moments {
    /// The next configured moment, send or digest (what `STATUS=` shows as
    /// "next send"): `None` only when neither has one.
    pub fn scheduled(&self) -> Option<Timestamp> {
        earliest(self.send, self.digest)
    }
}

/// What the message queue holds, on the clock's time axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Queued {
    /// The earliest retry of a message no sender holds.
    pub retry: Option<Timestamp>,
    /// The earliest lease (held by another sender) to run out.
    pub lease: Option<Timestamp>,
}

impl Queued {
    /// Reads the queue: retries are stored on the clock that scheduled them
    /// (the engine's), leases in real time, moved here onto `clock`'s.
    pub fn read(ledger: &Ledger, clock: &Clock) -> Result<Queued, LedgerError> {
        let (retry, lease) = ledger.next_delivery()?;
        Ok(Queued {
            retry,
            lease: lease.and_then(|l| l.checked_add(clock.offset()).ok()),
        })
    }
}

/// The next send, digest and retry moments after `after` (the clock's now,
/// or the moment the daemon has just handled).
pub fn next_moments(config: &Config, queued: Queued, after: Timestamp) -> Moments {
    let next = |moments: &[SendAt]| {
        moments
            .iter()
            .filter_map(|m| occurrence(m, config, after, Direction::Next))
            .min()
    };
    Moments {
        send: next(&config.settings.send_at),
        digest: config
            .settings
            .digest
            .as_ref()
            .and_then(|d| next(&d.send_at)),
        retry: earliest(queued.retry, queued.lease),
    }
}

/// The latest scheduled digest moment at or before `now`; `None` without a
/// `[digest]` (or when none of its expressions has a past moment).
pub fn latest_digest(config: &Config, now: Timestamp) -> Option<Timestamp> {
    let digest = config.settings.digest.as_ref()?;
    digest
        .send_at
        .iter()
        .filter_map(|m| occurrence(m, config, now, Direction::LatestAtOrBefore))
        .max()
}

enum Direction {
    /// Strictly after.
    Next,
    /// At or before.
    LatestAtOrBefore,
}

/// One expression's occurrence next to `at`, counted in whole seconds (a
/// moment is a whole second; `at`'s fraction is dropped first, so that
/// 08:00:00.3 is after the 08:00 moment, not before it).
fn occurrence(
    moment: &SendAt,
    config: &Config,
    at: Timestamp,
    direction: Direction,
) -> Option<Timestamp> {
    let whole = Timestamp::from_second(at.as_second()).ok()?;
    let at = dates::to_chrono(whole, &config.settings.timezone);
    let found = match direction {
        Direction::Next => moment.schedule.find_next_occurrence(&at, false),
        Direction::LatestAtOrBefore => moment.schedule.find_previous_occurrence(&at, true),
    };
    found.ok().map(|t| dates::from_chrono(&t))
}

fn earliest(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use jiff::tz::TimeZone;

    use super::*;
    use crate::config::testing::{MAIN, config};

    const OB: &str = "[[obligation]]\nid = \"bc\"\ntitle = \"Báo cáo\"\nagencies = [\"so-y-te\"]\n\
                      due = \"16/06/2025\"\n";

    fn at(y: i16, m: i8, d: i8, h: i8, min: i8, s: i8) -> Timestamp {
        date(y, m, d)
            .at(h, min, s, 0)
            .to_zoned(TimeZone::get("Asia/Ho_Chi_Minh").unwrap())
            .unwrap()
            .timestamp()
    }

    fn with(settings: &str) -> Config {
        config(&format!("{MAIN}{settings}"), OB, None)
    }

    #[test]
    fn the_next_moments_are_strictly_after_and_in_the_configured_zone() {
        let c = with(
            "[calendar]\nsend_at = [\"08:00\", \"14:00\"]\n\
             [digest]\nto = [\"lanhdao@example.gov.vn\"]\nsend_at = [\"mon 07:30\"]\n",
        );
        let none = Queued::default();
        // Thursday 12/06/2025.
        for (after, send, digest) in [
            (
                at(2025, 6, 12, 7, 59, 58),
                at(2025, 6, 12, 8, 0, 0),
                at(2025, 6, 16, 7, 30, 0),
            ),
            (
                at(2025, 6, 12, 8, 0, 0),
                at(2025, 6, 12, 14, 0, 0),
                at(2025, 6, 16, 7, 30, 0),
            ),
            (
                at(2025, 6, 12, 23, 59, 59),
                at(2025, 6, 13, 8, 0, 0),
                at(2025, 6, 16, 7, 30, 0),
            ),
            (
                at(2025, 6, 16, 7, 30, 0),
                at(2025, 6, 16, 8, 0, 0),
                at(2025, 6, 23, 7, 30, 0),
            ),
        ] {
            let m = next_moments(&c, none, after);
            assert_eq!(m.send, Some(send), "send after {after}");
            assert_eq!(m.digest, Some(digest), "digest after {after}");
            assert_eq!(m.retry, None);
            assert_eq!(m.scheduled(), Some(send.min(digest)));
        }
        // A fraction of a second past a moment is past it.
        let just_after = at(2025, 6, 12, 8, 0, 0)
            .checked_add(jiff::SignedDuration::from_millis(300))
            .unwrap();
        assert_eq!(
            next_moments(&c, none, just_after).send,
            Some(at(2025, 6, 12, 14, 0, 0))
        );
    }

    #[test]
    fn without_a_digest_only_the_send_moments_and_the_queue() {
        let c = with("");
        let queued = Queued {
            retry: Some(at(2025, 6, 12, 9, 0, 0)),
            lease: Some(at(2025, 6, 12, 8, 30, 0)),
        };
        let m = next_moments(&c, queued, at(2025, 6, 12, 8, 0, 0));
        assert_eq!(m.send, Some(at(2025, 6, 13, 8, 0, 0)), "08:00 by default");
        assert_eq!(m.digest, None);
        assert_eq!(m.retry, Some(at(2025, 6, 12, 8, 30, 0)));
        assert_eq!(latest_digest(&c, at(2025, 6, 12, 8, 0, 0)), None);
        let retry_only = Queued {
            retry: Some(at(2025, 6, 12, 9, 0, 0)),
            lease: None,
        };
        assert_eq!(
            next_moments(&c, retry_only, at(2025, 6, 12, 8, 0, 0)).retry,
            Some(at(2025, 6, 12, 9, 0, 0))
        );
    }

    #[test]
    fn the_latest_digest_is_at_or_before_now() {
        let c = with(
            "[digest]\nto = [\"lanhdao@example.gov.vn\"]\nsend_at = [\"mon 07:30\", \"thu 16:00\"]\n",
        );
        for (now, latest) in [
            (at(2025, 6, 16, 7, 30, 0), at(2025, 6, 16, 7, 30, 0)),
            (at(2025, 6, 16, 7, 29, 59), at(2025, 6, 12, 16, 0, 0)),
            (at(2025, 6, 19, 23, 0, 0), at(2025, 6, 19, 16, 0, 0)),
        ] {
            assert_eq!(latest_digest(&c, now), Some(latest), "at {now}");
        }
    }
}
