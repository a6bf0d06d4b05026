//! Claiming a send moment's emails: each (pair, step) goes into the sent-log
//! and each message's exact bytes into the queue, in one transaction, before
//! anything is delivered.

use jiff::Timestamp;

use super::plan::{Outgoing, Planned, render};
use super::summary::EngineError;
use crate::calendar::Instance;
use crate::config::Config;
use crate::ledger::{Body, Claim, Ledger, NewMessage, PairKey};
use crate::mail::Templates;
use crate::mail::compose::{self, Addressing, Composed, Thread};
use crate::mail::templates::Rendered;
use crate::policy::{Batch, Reminder};

/// One email ready to claim: its Message-ID, thread history and full message.
struct Prepared {
    message_id: String,
    earlier: Vec<String>,
    full: Composed,
}

/// Claims every planned email's (pair, step)s and stores the messages, in one
/// transaction. Returns (emails stored, reminders another sender had claimed).
pub fn claim_all(
    config: &Config,
    templates: &Templates,
    ledger: &mut Ledger,
    planned: &Planned,
    now: Timestamp,
) -> Result<(usize, usize), EngineError> {
    let domain = config.settings.office.mail_domain();
    let moment = planned.at.timestamp();
    let mut prepared: Vec<Prepared> = Vec::new();
    let mut outgoing: Vec<&Outgoing> = Vec::new();
    for out in &planned.outgoing {
        let earlier = ledger.thread(&out.thread)?;
        let message_id = compose::new_message_id(
            &format!(
                "{}.{}.{}",
                out.thread,
                earlier.len() + 1,
                moment.as_second()
            ),
            domain,
        );
        match compose_items(
            config,
            out,
            &out.items,
            &out.rendered,
            &message_id,
            &earlier,
            moment,
        ) {
            Ok(full) => {
                prepared.push(Prepared {
                    message_id,
                    earlier,
                    full,
                });
                outgoing.push(out);
            }
            Err(e) => {
                tracing::error!(agency = %config.agencies[out.agency].id, error = %e, "cannot compose the reminder; skipped");
            }
        }
    }
    let claims: Vec<Claim> = outgoing
        .iter()
        .zip(&prepared)
        .map(|(out, p)| Claim {
            message: NewMessage {
                message_id: &p.message_id,
                agency: &config.agencies[out.agency].id,
                thread: &out.thread,
                moment,
                created: now,
            },
            items: out
                .items
                .iter()
                .map(|r| (pair_key(config, &planned.instances, r), r.step))
                .collect(),
        })
        .collect();
    let claimed = ledger.claim_all(&claims, |n, claimed| {
        let (out, p) = (outgoing[n], &prepared[n]);
        // Another sender may have claimed some items meanwhile: the email
        // then lists only the ones claimed here.
        let composed = if claimed.len() == out.items.len() {
            p.full.clone()
        } else {
            let items: Vec<Reminder> = claimed.iter().map(|&i| out.items[i]).collect();
            let batch = Batch {
                agency: out.agency,
                items: items.clone(),
            };
            render(
                config,
                templates,
                &planned.instances,
                &planned.inputs,
                &batch,
                &planned.at,
            )
            .map_err(|e| e.to_string())
            .and_then(|r| compose_items(config, out, &items, &r, &p.message_id, &p.earlier, moment))
            .unwrap_or_else(|_| p.full.clone())
        };
        Body {
            sender: composed.sender,
            recipients: composed.recipients,
            raw: composed.raw,
        }
    })?;
    let stored = claimed.iter().filter(|c| !c.is_empty()).count();
    let already = outgoing
        .iter()
        .zip(&claimed)
        .map(|(o, c)| o.items.len() - c.len())
        .sum();
    Ok((stored, already))
}

/// The message for `items` of an outgoing email.
fn compose_items(
    config: &Config,
    out: &Outgoing,
    items: &[Reminder],
    rendered: &Rendered,
    message_id: &str,
    earlier: &[String],
    moment: Timestamp,
) -> Result<Composed, String> {
    let agency = &config.agencies[out.agency];
    let batch = Batch {
        agency: out.agency,
        items: items.to_vec(),
    };
    let cc = compose::copies(
        &agency.email,
        &agency.cc,
        &agency.escalate_to,
        batch.escalated(),
    );
    let addressing = Addressing {
        from: &config.settings.mail.from,
        reply_to: config.settings.mail.reply_to.as_ref(),
        to_name: &agency.name,
        to: &agency.email,
        cc: &cc,
    };
    let thread = Thread {
        earlier: earlier.to_vec(),
    };
    compose::compose_reminder(
        message_id,
        &moment.to_zoned(config.settings.timezone.clone()),
        &addressing,
        &thread,
        rendered,
    )
}

fn pair_key(config: &Config, instances: &[Instance], r: &Reminder) -> PairKey {
    let i = &instances[r.instance];
    PairKey {
        plan: config.plans[i.plan].id.clone(),
        obligation: i.obligation(config).id.clone(),
        period: i.period,
        agency: config.agencies[r.agency].id.clone(),
    }
}
