//! From a message to what it means for the ledger: a reply to one of our
//! reminders, from one of that agency's addresses, proposes that the agency
//! submitted the reminder's items; a bounce marks a reminder undelivered;
//! everything else is left alone.

use crate::config::Config;
use crate::ledger::{Ledger, LedgerError, PairKey};

use super::message::{Incoming, Kind};
use super::reference::document_number;

/// What a message means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Meaning {
    /// The agency submitted these items (a reply to a reminder from one of
    /// its addresses).
    Submitted(Proposal),
    /// A reminder of ours (its Message-ID, with angle brackets) bounced.
    Bounced(String),
    /// Nothing to do, and why (for the log).
    Ignored(&'static str),
}

/// A submission the message proposes, for a clerk (or `accept = "auto"`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub agency: String,
    pub items: Vec<PairKey>,
    /// The document number the message gives, if it gives one.
    pub reference: Option<String>,
    /// When it was sent (its `Date`), as Unix seconds.
    pub received: Option<i64>,
    pub from: String,
    pub subject: String,
}

/// What `m` means, given the reminders the ledger sent.
pub fn meaning(config: &Config, ledger: &Ledger, m: &Incoming) -> Result<Meaning, LedgerError> {
    match &m.kind {
        Kind::AutoReply => return Ok(Meaning::Ignored("an automatic answer")),
        Kind::Bounce { original } => {
            let ours = match original {
                Some(id) => {
                    let id = format!("<{id}>");
                    ledger.message_agency(&id)?.map(|_| id)
                }
                None => None,
            };
            return Ok(match ours {
                Some(id) => Meaning::Bounced(id),
                None => Meaning::Ignored("a bounce of a message that is not a reminder"),
            });
        }
        Kind::Written => {}
    }
    let Some(from) = &m.from else {
        return Ok(Meaning::Ignored("no sender address"));
    };
    for id in &m.replies_to {
        let id = format!("<{id}>");
        let Some(agency_id) = ledger.message_agency(&id)? else {
            continue;
        };
        let Some(agency) = config.agency(&agency_id) else {
            return Ok(Meaning::Ignored(
                "a reply about an agency no longer configured",
            ));
        };
        let known = agency
            .email
            .iter()
            .chain(&agency.cc)
            .chain(&agency.escalate_to)
            .any(|a| a.eq_ignore_ascii_case(from));
        if !known {
            return Ok(Meaning::Ignored(
                "a reply to a reminder from an address that is not the agency's",
            ));
        }
        let plan_numbers: Vec<&str> = config
            .plans
            .iter()
            .filter_map(|p| p.number.as_deref())
            .collect();
        return Ok(Meaning::Submitted(Proposal {
            agency: agency_id,
            items: ledger.message_pairs(&id)?,
            reference: document_number(&m.subject, &m.text, &plan_numbers),
            received: m.date,
            from: from.clone(),
            subject: m.subject.clone(),
        }));
    }
    Ok(Meaning::Ignored("not a reply to a reminder"))
}
