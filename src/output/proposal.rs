//! A proposal from the mailbox as the office reads it (the console's
//! `/inbox`, `dondoc inbox show`): each item by its obligation's title and
//! the period as the office names it, the message's date as dd/mm/yyyy HH:MM.

use jiff::civil::Date;

use crate::config::Config;
use crate::lang::Lang;
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

/// Why `p` is not certain, as a clerk reads it (none for a certain one).
/// An uncertain proposal read before the reasons were kept named a plan
/// and period without replying: the only kind there was.
pub fn doubts(p: &Proposal, lang: Lang) -> Vec<String> {
    use crate::inbox::matching::Doubt;
    match (&p.doubt, p.certain) {
        (Some(codes), _) => Doubt::parse_all(codes)
            .iter()
            .map(|d| d.words(lang))
            .collect(),
        (None, false) => vec![Doubt::Cited.words(lang)],
        (None, true) => Vec::new(),
    }
}

/// The attachments of `p` that were not kept, and why.
pub fn left_out(p: &Proposal, lang: Lang) -> Vec<String> {
    use crate::inbox::ingest::LeftOut;
    p.left_out
        .as_deref()
        .map(|l| {
            LeftOut::parse_lines(l)
                .iter()
                .map(|x| x.words(lang))
                .collect()
        })
        .unwrap_or_default()
}
