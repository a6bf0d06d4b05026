//! Claiming a send moment's emails: each (pair, step) goes into the sent-log
//! and each message's exact bytes into the queue before anything is
//! delivered — a chunk of emails per transaction, each chunk handed to the
//! sender as soon as it is committed, so that the first emails are on the
//! wire while the rest are still being rendered and claimed.

use jiff::{Timestamp, Zoned};

use super::plan::{Decided, Outgoing, decide, render};
use super::summary::EngineError;
use crate::calendar::Instance;
use crate::config::Config;
use crate::ledger::{Body, Claim, Ledger, NewMessage, PairKey, Stored};
use crate::mail::Templates;
use crate::mail::compose::{self, Addressing, Composed, Thread};
use crate::mail::templates::Rendered;
use crate::policy::{Batch, Reminder};

/// Emails claimed by the first transaction: as many as the sender leases at
/// once, so that it starts soon; each later chunk is twice the one before,
/// up to [`LAST_CHUNK`] (a commit, and its `fsync`, per chunk).
const FIRST_CHUNK: usize = 16;
const LAST_CHUNK: usize = 256;

/// One email ready to claim: its Message-ID, thread history and full message.
struct Prepared {
    message_id: String,
    earlier: Vec<String>,
    full: Composed,
}

/// Plans a send moment at `at` and claims its emails a chunk at a time,
/// handing each chunk's stored messages to `hand` once committed; stops
/// early when `hand` says the sender is gone (shutdown: the rest are
/// claimed at the next moment). Returns (emails stored, reminders another
/// sender had claimed). A crash between chunks loses nothing: what was not
/// claimed is still due, and the next moment claims it.
pub fn claim_in_chunks(
    config: &Config,
    templates: &Templates,
    ledger: &mut Ledger,
    at: &Zoned,
    now: Timestamp,
    mut hand: impl FnMut(Vec<Stored>) -> bool,
) -> Result<(usize, usize), EngineError> {
    let decided = decide(config, ledger, at)?;
    let mut emails = decided
        .outgoing(config, templates)
        .filter_map(|email| match email {
            Ok(o) => Some(o),
            Err(e) => {
                tracing::error!(error = %e, "cannot render the reminder; skipped");
                None
            }
        });
    let (mut stored, mut already) = (0, 0);
    let mut size = FIRST_CHUNK;
    loop {
        let chunk: Vec<Outgoing> = emails.by_ref().take(size).collect();
        if chunk.is_empty() {
            break;
        }
        let (messages, taken_elsewhere) =
            claim_chunk(config, templates, ledger, &decided, &chunk, now)?;
        stored += messages.len();
        already += taken_elsewhere;
        if !messages.is_empty() && !hand(messages) {
            break;
        }
        size = (size * 2).min(LAST_CHUNK);
    }
    Ok((stored, already))
}

/// Claims `chunk`'s (pair, step)s and stores its messages, in one
/// transaction. Returns the messages stored, ready to send, and how many
/// reminders another sender had claimed.
fn claim_chunk(
    config: &Config,
    templates: &Templates,
    ledger: &mut Ledger,
    decided: &Decided,
    chunk: &[Outgoing],
    now: Timestamp,
) -> Result<(Vec<Stored>, usize), EngineError> {
    let domain = config.settings.office.mail_domain();
    let moment = decided.at.timestamp();
    let mut prepared: Vec<Prepared> = Vec::with_capacity(chunk.len());
    let mut outgoing: Vec<&Outgoing> = Vec::with_capacity(chunk.len());
    for out in chunk {
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
                .map(|r| (pair_key(config, &decided.instances, r), r.step))
                .collect(),
        })
        .collect();
    let mut stored = Vec::with_capacity(claims.len());
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
                &decided.instances,
                &decided.inputs,
                &batch,
                &decided.at,
            )
            .map_err(|e| e.to_string())
            .and_then(|r| compose_items(config, out, &items, &r, &p.message_id, &p.earlier, moment))
            .unwrap_or_else(|_| p.full.clone())
        };
        stored.push(Stored {
            message_id: p.message_id.clone(),
            agency: config.agencies[out.agency].id.clone(),
            sender: composed.sender.clone(),
            recipients: composed.recipients.clone(),
            attempts: 0,
            moment,
            created: now,
        });
        Body {
            sender: composed.sender,
            recipients: composed.recipients,
            raw: composed.raw,
        }
    })?;
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
