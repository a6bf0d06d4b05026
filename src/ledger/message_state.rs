//! What became of a stored email: the `messages.state` column as a type,
//! with the one word each language has for it.

use crate::lang::Lang;

/// A stored email's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MessageState {
    /// Made, not yet handed to the server.
    Pending,
    /// A try failed for a reason that may pass; tried again later.
    Retry,
    /// The server accepted it.
    Sent,
    /// Refused for good, or out of tries: the office must phone.
    Failed,
    /// Not sent: what it reminded of was submitted or waived meanwhile.
    Cancelled,
}

impl MessageState {
    /// Every state, in the order the console and `/metrics` list them.
    pub const ALL: [MessageState; 5] = [
        MessageState::Sent,
        MessageState::Failed,
        MessageState::Pending,
        MessageState::Retry,
        MessageState::Cancelled,
    ];

    /// As the database and `/metrics` write it.
    pub fn code(self) -> &'static str {
        match self {
            MessageState::Pending => "pending",
            MessageState::Retry => "retry",
            MessageState::Sent => "sent",
            MessageState::Failed => "failed",
            MessageState::Cancelled => "cancelled",
        }
    }

    /// The database's code back; an unknown one (a newer dondoc's) reads
    /// as pending.
    pub fn parse(code: &str) -> MessageState {
        MessageState::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .unwrap_or(MessageState::Pending)
    }

    /// What a person reads.
    pub fn words(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (MessageState::Pending, Lang::Vi) => "chờ gửi",
            (MessageState::Retry, Lang::Vi) => "chờ thử lại",
            (MessageState::Sent, Lang::Vi) => "đã gửi",
            (MessageState::Failed, Lang::Vi) => "gửi lỗi",
            (MessageState::Cancelled, Lang::Vi) => "đã hủy (đã nộp hoặc được miễn)",
            (MessageState::Pending, Lang::En) => "waiting",
            (MessageState::Retry, Lang::En) => "to be retried",
            (MessageState::Sent, Lang::En) => "sent",
            (MessageState::Failed, Lang::En) => "failed",
            (MessageState::Cancelled, Lang::En) => "cancelled (submitted or waived)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::MessageState;

    #[test]
    fn each_state_reads_back_from_its_code() {
        for s in MessageState::ALL {
            assert_eq!(MessageState::parse(s.code()), s);
        }
        assert_eq!(MessageState::parse("later"), MessageState::Pending);
    }
}
