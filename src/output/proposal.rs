//! A proposal from the mailbox as the office reads it (the console's
//! `/inbox`, `dondoc inbox show`): each item by its obligation's title and
//! the period as the office names it, the message's date as dd/mm/yyyy HH:MM.

use jiff::civil::Date;

use crate::config::Config;
use crate::ledger::inbox::Proposal;
use crate::{calendar, dates};

/// One item a proposal records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub plan: String,
    pub obligation: String,
    pub period: Date,
    /// The obligation's title (its ids when no longer configured).
    pub title: String,
    /// The period's label (*6 tháng đầu năm 2025*), else its date.
    pub period_name: String,
}

/// The items of `p`, named.
pub fn items(config: &Config, p: &Proposal) -> Vec<Item> {
    p.items
        .iter()
        .map(|(plan, ob, period)| {
            let found = calendar::lookup::find_pair(config, plan, ob, *period, &p.agency).ok();
            Item {
                plan: plan.clone(),
                obligation: ob.clone(),
                period: *period,
                title: found.as_ref().map_or_else(
                    || format!("{plan}/{ob}"),
                    |(inst, _)| inst.obligation(config).title.clone(),
                ),
                period_name: found.as_ref().map_or_else(
                    || dates::vn(*period),
                    |(inst, _)| calendar::period_name(config, inst),
                ),
            }
        })
        .collect()
}

/// When the message was sent, in the office's zone: dd/mm/yyyy HH:MM.
pub fn received(config: &Config, p: &Proposal) -> Option<String> {
    p.received.map(|t| {
        let z = t.to_zoned(config.settings.timezone.clone());
        dates::vn_time(&z)
    })
}
