//! One send moment S: decide what is due (pure policy over a ledger snapshot),
//! render one email per agency, claim each (pair, step) in the sent-log, and
//! deliver — then retry what is due for another attempt.
//!
//! `preview` is [`plan`] alone; `tick` and the daemon are [`send`]. Nothing is
//! recorded by `plan`.

use std::sync::atomic::AtomicBool;

use jiff::{Timestamp, Zoned};

use crate::calendar::{self, Instance};
use crate::config::Config;
use crate::dates;
use crate::ledger::{Claim, Ledger, LedgerError, NewMessage, PairKey, Rendered as StoredMessage};
use crate::mail::compose::{self, Addressing, Composed, Thread};
use crate::mail::templates::{Rendered, context};
use crate::mail::{Deliverer, Templates};
use crate::policy::{self, Batch, Reminder};

/// A failure of a send moment as a whole (a reminder that cannot be rendered
/// or delivered is not one: it is recorded and the moment goes on).
#[derive(Debug, thiserror::Error)]
pub enum MomentError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// One email a send moment would send.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub agency: usize,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub rendered: Rendered,
    pub items: Vec<Reminder>,
    /// Groups the reminders of one agency and instance set.
    pub thread: String,
}

/// What a send moment would send.
#[derive(Debug)]
pub struct Planned {
    pub at: Zoned,
    pub instances: Vec<Instance>,
    pub outgoing: Vec<Outgoing>,
    /// Batches that could not be rendered (a template error at run time).
    pub errors: Vec<String>,
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

/// The state of every owed pair at `at`, with the instances they index:
/// what `status`, the office digest and the daemon's STATUS= line report.
pub fn states_at(
    config: &Config,
    ledger: &Ledger,
    at: &Zoned,
) -> Result<(Vec<Instance>, Vec<policy::PairState>), MomentError> {
    let cal = config.work_calendar();
    let instances = calendar::instances(config, &cal, calendar::horizon(at.date(), None));
    let snapshot = policy::Snapshot::new(config, &ledger.submissions()?, &ledger.waivers()?);
    let states = policy::evaluate(
        &instances,
        &snapshot,
        at.timestamp(),
        &config.settings.timezone,
    );
    Ok((instances, states))
}

/// Decides and renders what a send moment at `at` sends. Reads the ledger,
/// writes nothing.
pub fn plan(
    config: &Config,
    templates: &Templates,
    ledger: &Ledger,
    at: &Zoned,
) -> Result<Planned, MomentError> {
    let cal = config.work_calendar();
    let instances = calendar::instances(config, &cal, calendar::horizon(at.date(), None));
    let snapshot = policy::Snapshot::with_sent(
        config,
        &ledger.submissions()?,
        &ledger.waivers()?,
        &ledger.sent_steps()?,
    );
    let tz = &config.settings.timezone;
    let reminders = policy::due_reminders(config, &cal, &instances, &snapshot, at.timestamp(), tz);
    let mut outgoing = Vec::new();
    let mut errors = Vec::new();
    for batch in policy::batches(&reminders) {
        let agency = &config.agencies[batch.agency];
        match render(config, templates, &instances, &batch, at) {
            Ok(rendered) => outgoing.push(Outgoing {
                agency: batch.agency,
                to: agency.email.clone(),
                cc: compose::copies(
                    &agency.email,
                    &agency.cc,
                    &agency.escalate_to,
                    batch.escalated(),
                ),
                rendered,
                thread: thread_id(config, &instances, &batch),
                items: batch.items,
            }),
            Err(e) => errors.push(format!("{}: {e}", agency.id)),
        }
    }
    Ok(Planned {
        at: at.clone(),
        instances,
        outgoing,
        errors,
    })
}

/// One send moment: plans, claims and stores each email, then delivers every
/// message that is due (these and earlier retries). `now` is the real time,
/// for leases and retry schedules.
pub async fn send(
    config: &Config,
    templates: &Templates,
    ledger: &mut Ledger,
    deliverer: &mut Deliverer,
    at: &Zoned,
    now: Timestamp,
    stop: &AtomicBool,
) -> Result<Summary, MomentError> {
    let planned = plan(config, templates, ledger, at)?;
    let (claimed, already_claimed) = claim_all(config, templates, ledger, &planned, now)?;
    let delivered = super::deliver::deliver_due(config, ledger, deliverer, now, stop).await?;
    Ok(Summary {
        claimed,
        already_claimed,
        ..delivered
    })
}

/// One email ready to claim: its Message-ID, thread history and full message.
struct Prepared {
    message_id: String,
    earlier: Vec<String>,
    full: Composed,
}

/// Claims every planned email's (pair, step)s and stores the messages, in one
/// transaction. Returns (emails stored, reminders another sender had claimed).
fn claim_all(
    config: &Config,
    templates: &Templates,
    ledger: &mut Ledger,
    planned: &Planned,
    now: Timestamp,
) -> Result<(usize, usize), MomentError> {
    let domain = config.settings.office.mail_domain();
    let moment = planned.at.timestamp();
    let mut prepared: Vec<Prepared> = Vec::new();
    let mut outgoing: Vec<&Outgoing> = Vec::new();
    for out in &planned.outgoing {
        let earlier = ledger.thread(&out.thread)?;
        let message_id = format!(
            "<dondoc.{}.{}.{}@{domain}>",
            out.thread,
            earlier.len() + 1,
            moment.as_second()
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
                .map(|r| (pair_key(config, &planned.instances, r), r.step.to_string()))
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
            render(config, templates, &planned.instances, &batch, &planned.at)
                .map_err(|e| e.to_string())
                .and_then(|r| {
                    compose_items(config, out, &items, &r, &p.message_id, &p.earlier, moment)
                })
                .unwrap_or_else(|_| p.full.clone())
        };
        StoredMessage {
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
        reply_to: config.settings.mail.reply_to.as_deref(),
        to_name: &agency.name,
        to: &agency.email,
        cc: &cc,
    };
    let thread = Thread {
        earlier: earlier.to_vec(),
    };
    compose::compose_reminder(message_id, moment, &addressing, &thread, rendered)
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

/// The template context of a batch, rendered.
fn render(
    config: &Config,
    templates: &Templates,
    instances: &[Instance],
    batch: &Batch,
    at: &Zoned,
) -> Result<Rendered, minijinja::Error> {
    let agency = &config.agencies[batch.agency];
    let o = &config.settings.office;
    let items: Vec<context::Item> = batch
        .items
        .iter()
        .map(|r| {
            let i = &instances[r.instance];
            let plan = &config.plans[i.plan];
            let ob = i.obligation(config);
            context::Item {
                plan_id: plan.id.clone(),
                plan_number: plan.number.clone(),
                plan_title: plan.title.clone(),
                obligation_id: ob.id.clone(),
                obligation_title: ob.title.clone(),
                basis: ob.basis.clone(),
                period: dates::vn(i.period),
                due: dates::vn(i.due),
                due_weekday: dates::vn_weekday(i.due).to_string(),
                step: r.step.to_string(),
                days_left: r.days_left,
                days_overdue: (-r.days_left).max(0),
                ordinal: r.ordinal,
                submit_to: ob
                    .submit_to
                    .clone()
                    .or_else(|| plan.submit_to.clone())
                    .unwrap_or_else(|| o.name.clone()),
            }
        })
        .collect();
    let ctx = context::Reminder {
        office: office(config),
        agency: context::Agency {
            id: agency.id.clone(),
            name: agency.name.clone(),
        },
        today: dates::vn(at.date()),
        any_overdue: items.iter().any(|i| i.days_overdue > 0),
        escalated: batch.escalated(),
        items,
    };
    templates.render("reminder", &ctx)
}

/// The office, as templates see it.
pub fn office(config: &Config) -> context::Office {
    let o = &config.settings.office;
    context::Office {
        name: o.name.clone(),
        email: o.email.clone(),
        address: o.address.clone(),
        phone: o.phone.clone(),
    }
}

/// A stable id for the reminders of one agency about one set of instances
/// (FNV-1a, so that it is the same across versions and machines).
fn thread_id(config: &Config, instances: &[Instance], batch: &Batch) -> String {
    let mut keys: Vec<String> = batch
        .items
        .iter()
        .map(|r| {
            let i = &instances[r.instance];
            format!(
                "{}/{}/{}",
                config.plans[i.plan].id,
                i.obligation(config).id,
                i.period
            )
        })
        .collect();
    keys.sort();
    keys.dedup();
    let mut hash: u64 = 0xcbf29ce484222325;
    for byte in config.agencies[batch.agency]
        .id
        .bytes()
        .chain(keys.join("\n").bytes())
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x100000001b3);
    }
    format!("{hash:016x}")
}
