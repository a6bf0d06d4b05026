//! Deciding and rendering a send moment: what `preview` shows and what
//! `tick` and the daemon then claim and send. Reads the ledger, writes nothing.

use jiff::Zoned;
use jiff::civil::Date;

use super::summary::EngineError;
use crate::calendar::{self, Instance, letter};
use crate::config::{Config, Lang};
use crate::dates;
use crate::lang::say;
use crate::ledger::Ledger;
use crate::mail::Templates;
use crate::mail::compose;
use crate::mail::templates::{Rendered, context};
use crate::policy::{self, Batch, Reminder};

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
    /// Per instance: an upward report's inputs (`after`), else none.
    pub inputs: Vec<Option<policy::Inputs>>,
    pub outgoing: Vec<Outgoing>,
    /// Batches that could not be rendered (a template error at run time).
    pub errors: Vec<String>,
}

/// What a send moment would send, decided but not yet rendered: the emails
/// are rendered one at a time by [`Decided::outgoing`], so that a caller that
/// writes each one out (`preview --format json`) never holds them all.
#[derive(Debug)]
pub struct Decided {
    pub at: Zoned,
    pub instances: Vec<Instance>,
    /// Per instance: an upward report's inputs (`after`), else none.
    pub inputs: Vec<Option<policy::Inputs>>,
    /// One per email, in agency order.
    pub batches: Vec<Batch>,
}

/// Decides what a send moment at `at` sends. Reads the ledger, writes
/// nothing.
pub fn decide(config: &Config, ledger: &Ledger, at: &Zoned) -> Result<Decided, EngineError> {
    let instances = calendar::instances(config, calendar::horizon(at.date(), None));
    let snapshot = policy::Snapshot::with_sent(
        config,
        &ledger.submissions()?,
        &ledger.waivers()?,
        &ledger.sent_steps()?,
    )
    .with_extensions(config, &ledger.extensions()?);
    let tz = &config.settings.timezone;
    let reminders = policy::due_reminders(config, &instances, &snapshot, at.timestamp(), tz);
    let inputs = policy::inputs(&instances, &snapshot, at.timestamp());
    let batches = policy::batches(&reminders);
    Ok(Decided {
        at: at.clone(),
        instances,
        inputs,
        batches,
    })
}

impl Decided {
    /// The emails, rendered as they are taken; a batch that cannot be
    /// rendered (a template error at run time) is an `Err` naming its agency.
    pub fn outgoing<'a>(
        &'a self,
        config: &'a Config,
        templates: &'a Templates,
    ) -> impl Iterator<Item = Result<Outgoing, String>> + 'a {
        self.batches.iter().map(move |batch| {
            let agency = &config.agencies[batch.agency];
            let rendered = render(
                config,
                templates,
                &self.instances,
                &self.inputs,
                batch,
                &self.at,
            )
            .map_err(|e| format!("{}: {e}", agency.id))?;
            Ok(Outgoing {
                agency: batch.agency,
                to: agency.email.clone(),
                cc: compose::copies(
                    &agency.email,
                    &agency.cc,
                    &agency.escalate_to,
                    batch.escalated(),
                ),
                rendered,
                thread: thread_id(config, &self.instances, batch),
                items: batch.items.clone(),
            })
        })
    }
}

/// Decides and renders what a send moment at `at` sends. Reads the ledger,
/// writes nothing.
pub fn plan(
    config: &Config,
    templates: &Templates,
    ledger: &Ledger,
    at: &Zoned,
) -> Result<Planned, EngineError> {
    let decided = decide(config, ledger, at)?;
    let mut outgoing = Vec::with_capacity(decided.batches.len());
    let mut errors = Vec::new();
    for email in decided.outgoing(config, templates) {
        match email {
            Ok(o) => outgoing.push(o),
            Err(e) => errors.push(e),
        }
    }
    let Decided {
        at,
        instances,
        inputs,
        ..
    } = decided;
    Ok(Planned {
        at,
        instances,
        inputs,
        outgoing,
        errors,
    })
}

/// The template context of a batch, rendered.
pub fn render(
    config: &Config,
    templates: &Templates,
    instances: &[Instance],
    inputs: &[Option<policy::Inputs>],
    batch: &Batch,
    at: &Zoned,
) -> Result<Rendered, minijinja::Error> {
    let agency = &config.agencies[batch.agency];
    let lang = config.settings.mail.lang;
    let sender = office(config, at.date());
    let items: Vec<context::Item> = batch
        .items
        .iter()
        .map(|r| {
            let i = &instances[r.instance];
            let plan = &config.plans[i.plan];
            let ob = i.obligation(config);
            let covered = calendar::covered(ob, i.period);
            let label = calendar::period_label(config, i);
            let submit_to = ob.submit_to.as_ref().or(plan.submit_to.as_ref());
            let wording = letter::wording(config, i, r.due, lang);
            context::Item {
                plan_id: plan.id.clone(),
                plan_number: plan.number.clone(),
                plan_title: plan.title.clone(),
                plan_about: letter::about(&plan.title),
                plan_issuer: plan.issuer.clone(),
                plan_issued: plan.issued.map(dates::vn),
                obligation_id: ob.id.clone(),
                obligation_title: ob.title.clone(),
                basis: ob.basis.clone(),
                cite: match &ob.basis {
                    Some(b) => say!(lang, "{} {}", "{} of {}", b, letter::cite(plan, lang)),
                    None => letter::cite(plan, lang),
                },
                deadline: wording.words,
                deadline_source: wording.source,
                deadline_effective: wording.effective,
                last_day: match lang {
                    Lang::Vi => letter::letter_date(i.period),
                    Lang::En => dates::en_long(i.period),
                },
                last_day_weekday: dates::weekday(lang, i.period).to_string(),
                at_aim: r.aim != r.due && r.aim == at.date(),
                draft: letter::is_draft(&ob.title),
                period: label.clone().unwrap_or_else(|| dates::vn(i.period)),
                period_label: label,
                period_from: covered.map(|c| dates::vn(c.0)),
                period_to: covered.map(|c| dates::vn(c.1)),
                due: dates::vn(r.due),
                due_weekday: dates::weekday(lang, r.due).to_string(),
                due_long: long_date(config, r.due),
                due_time: i.deadline.map(|d| {
                    d.at.to_zoned(config.settings.timezone.clone())
                        .strftime("%H:%M")
                        .to_string()
                }),
                due_time_inclusive: i.deadline.is_some_and(|d| d.inclusive),
                inputs: inputs[r.instance],
                step: r.step.to_string(),
                days_left: r.days_left,
                days_overdue: (-r.days_left).max(0),
                ordinal: r.ordinal,
                submit_to: submit_to.unwrap_or(&sender.name).clone(),
                to_office: submit_to.is_none(),
            }
        })
        .collect();
    let (topic, counted) = subject_words(config, instances, batch, lang);
    // A draft goes to the authority that decides (its title says so: "…,
    // trình Chủ tịch UBND tỉnh ban hành"), not to be compiled and reported.
    let purpose = (!items.iter().any(|i| i.draft)).then(|| {
        say!(
            lang,
            "để tổng hợp, báo cáo theo quy định",
            "so that it can be compiled and reported as required"
        )
    });
    let ctx = context::Reminder {
        office: sender,
        agency: context::Agency {
            id: agency.id.clone(),
            name: agency.name.clone(),
        },
        today: dates::vn(at.date()),
        today_long: long_date(config, at.date()),
        any_overdue: items.iter().any(|i| i.days_overdue > 0),
        all_overdue: items.iter().all(|i| i.days_overdue > 0),
        all_to_office: items.iter().all(|i| i.to_office),
        escalated: batch.escalated(),
        topic,
        counted,
        purpose,
        items,
    };
    templates.render("reminder", &ctx)
}

/// What a reminder's subject names: the one item's title and period (the
/// topic), or the count of reports and the plan (when the topic is long or
/// there are several): *02 báo cáo theo Kế hoạch số 3212/KH-UBND*.
fn subject_words(
    config: &Config,
    instances: &[Instance],
    batch: &Batch,
    lang: Lang,
) -> (String, String) {
    let first = &instances[batch.items[0].instance];
    let title = &first.obligation(config).title;
    let label = calendar::period_label(config, first);
    let topic = match &label {
        Some(label) => format!("{} ({label})", crate::mail::templates::lower_first(title)),
        None => crate::mail::templates::lower_first(title),
    };
    // What is asked for: reports, or documents when a draft is among them.
    let drafts = batch
        .items
        .iter()
        .any(|r| letter::is_draft(&instances[r.instance].obligation(config).title));
    let noun = match (lang, drafts) {
        (Lang::Vi, false) => "báo cáo",
        (Lang::Vi, true) => "văn bản",
        (Lang::En, false) => "report",
        (Lang::En, true) => "document",
    };
    let mut plans: Vec<usize> = batch
        .items
        .iter()
        .map(|r| instances[r.instance].plan)
        .collect();
    plans.dedup();
    let n = batch.items.len();
    let period = label.map_or(String::new(), |l| format!(" {l}"));
    let plan = |p: usize| letter::short(&config.plans[p], lang);
    let counted = match (plans.as_slice(), lang) {
        ([p], Lang::Vi) if n == 1 => format!("{noun}{period} theo {}", plan(*p)),
        ([p], Lang::En) if n == 1 => format!("the {noun}{period} under {}", plan(*p)),
        ([p], Lang::Vi) => format!("{n:02} {noun} theo {}", plan(*p)),
        ([p], Lang::En) => format!("{n} {noun}s under {}", plan(*p)),
        (_, Lang::Vi) => format!("{n:02} {noun} theo {:02} kế hoạch", plans.len()),
        (_, Lang::En) => format!("{n} {noun}s under {} plans", plans.len()),
    };
    (topic, counted)
}

/// `date` in the mail language's long form.
pub fn long_date(config: &Config, date: Date) -> String {
    match config.settings.mail.lang {
        Lang::Vi => dates::vn_long(date),
        Lang::En => dates::en_long(date),
    }
}

/// The office as templates see it on `day`: with the `[[office.from]]`
/// changes in force then.
pub fn office(config: &Config, day: Date) -> context::Office {
    let o = config.settings.office.on(day);
    context::Office {
        name: o.name,
        email: o.email,
        address: o.address,
        phone: o.phone,
        contact: o.contact,
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
