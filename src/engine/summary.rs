//! What a send moment did, and how one can fail as a whole.

use crate::ledger::LedgerError;

/// A failure of a send moment as a whole (a reminder that cannot be rendered
/// or delivered is not one: it is recorded and the moment goes on).
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// What a send moment did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Emails claimed and stored at this moment.
    pub claimed: usize,
    /// Reminders another sender had already claimed.
    pub already_claimed: usize,
    pub sent: usize,
    pub retrying: usize,
    pub failed: usize,
    /// Emails dropped before sending because every pair was settled meanwhile.
    pub cancelled: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} new emails; delivered {}, will retry {}, failed {}, cancelled {}",
            self.claimed, self.sent, self.retrying, self.failed, self.cancelled
        )?;
        if self.already_claimed > 0 {
            write!(
                f,
                "; {} reminders were already claimed by another sender",
                self.already_claimed
            )?;
        }
        Ok(())
    }
}
