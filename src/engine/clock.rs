//! The clock the daemon and the console read: real time, or (a testing aid,
//! `--clock-start`) real time shifted.

use jiff::{SignedDuration, Timestamp};

/// The daemon's (and the console's) clock: real time, or real time shifted so that it read
/// `--clock-start` when the daemon started.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    offset: SignedDuration,
}

impl Clock {
    pub fn new(start: Option<Timestamp>) -> Clock {
        let offset = start.map_or(SignedDuration::ZERO, |s| s.duration_since(Timestamp::now()));
        Clock { offset }
    }

    /// How far the clock is from real time.
    pub fn offset(&self) -> SignedDuration {
        self.offset
    }

    pub fn now(&self) -> Timestamp {
        Timestamp::now()
            .checked_add(self.offset)
            .unwrap_or_else(|_| Timestamp::now())
    }
}
