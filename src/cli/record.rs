//! `dondoc submit`, `unsubmit` and `exempt`: one pair at a time.

use jiff::Zoned;

use super::CliError;
use crate::calendar::Instance;
use crate::calendar::lookup::find_pair;
use crate::config::Config;
use crate::dates;
use crate::ledger::{Extension, Ledger, PairKey, Submission};
use crate::policy::states::on_time_for;

/// The pair a command is about.
#[derive(Debug, clap::Args)]
pub struct PairArgs {
    /// Plan id (plans/*.toml [plan] id).
    #[arg(long)]
    plan: String,
    /// Obligation id within the plan.
    #[arg(long)]
    obligation: String,
    /// The instance's period: its scheduled date (dd/mm/yyyy or yyyy-mm-dd), as `calendar` shows it.
    #[arg(long, value_name = "DATE")]
    period: String,
    /// Agency id.
    #[arg(long)]
    agency: String,
}

#[derive(Debug, clap::Args)]
pub struct SubmitArgs {
    #[command(flatten)]
    pair: PairArgs,
    /// When it was submitted: a date (counts from 00:00) or "dd/mm/yyyy HH:MM" (default: now).
    #[arg(long, value_name = "TIME")]
    on: Option<String>,
    /// The document number (số văn bản), e.g. 125/BC-SYT.
    #[arg(long = "ref", value_name = "NO")]
    reference: Option<String>,
    /// A free-text note.
    #[arg(long, value_name = "TXT")]
    note: Option<String>,
    /// Replace a submission already recorded for this pair.
    #[arg(long)]
    replace: bool,
}

#[derive(Debug, clap::Args)]
pub struct ExemptArgs {
    #[command(flatten)]
    pair: PairArgs,
    /// Why the agency is exempt.
    #[arg(long, value_name = "TXT")]
    note: Option<String>,
    /// Lift the waiver instead.
    #[arg(long)]
    undo: bool,
}

#[derive(Debug, clap::Args)]
pub struct ExtendArgs {
    #[command(flatten)]
    pair: PairArgs,
    /// The new due date (dd/mm/yyyy or yyyy-mm-dd), later than the instance's own.
    #[arg(long, value_name = "DATE", required_unless_present = "undo")]
    to: Option<String>,
    /// Why (e.g. the office's letter granting it).
    #[arg(long, value_name = "TXT")]
    note: Option<String>,
    /// Lift the extension instead.
    #[arg(long, conflicts_with = "to")]
    undo: bool,
}

/// Resolves the pair against the config; a wrong field is a usage error.
fn resolve(config: &Config, pair: &PairArgs) -> Result<(PairKey, Instance), CliError> {
    let period =
        dates::parse_date(&pair.period).map_err(|e| CliError::Usage(format!("--period: {e}")))?;
    let (instance, _) = find_pair(config, &pair.plan, &pair.obligation, period, &pair.agency)
        .map_err(|e| CliError::Usage(format!("--{e}")))?;
    let key = PairKey {
        plan: pair.plan.clone(),
        obligation: pair.obligation.clone(),
        period,
        agency: pair.agency.clone(),
    };
    Ok((key, instance))
}

pub fn submit(config: &Config, args: &SubmitArgs) -> Result<(), CliError> {
    let (key, instance) = resolve(config, &args.pair)?;
    let due = instance.due;
    let on: Zoned = match &args.on {
        Some(text) => dates::parse_moment(text, &config.settings.timezone)
            .map_err(|e| CliError::Usage(format!("--on: {e}")))?,
        None => super::moment(config, None)?,
    };
    let submission = Submission {
        key,
        submitted_at: on.timestamp(),
        reference: args.reference.clone().filter(|r| !r.trim().is_empty()),
        note: args.note.clone().filter(|n| !n.trim().is_empty()),
    };
    let mut ledger = super::open_ledger(config)?;
    let outcome = ledger
        .record_submissions(std::slice::from_ref(&submission), args.replace)
        .map_err(anyhow::Error::from)?;
    let outcome = outcome.map_err(|c| {
        CliError::Usage(format!(
            "a submission is already recorded for this pair: {}; pass --replace to replace it",
            describe(config, &c.existing)
        ))
    })?;
    let verb = if outcome.replaced > 0 {
        "replaced"
    } else if outcome.unchanged > 0 {
        "already recorded, unchanged"
    } else {
        "recorded"
    };
    // The rule `status` applies: deadlines with a time of day, extensions.
    let extended = extension_of(&ledger, &submission.key)?;
    let due = extended.unwrap_or(due);
    let timing = if on_time_for(&instance, extended, on.timestamp(), on.date()) {
        format!("on time (due {})", dates::vn(due))
    } else {
        let late = crate::dates::days_between(due, on.date());
        let days = if late == 1 { "day" } else { "days" };
        format!("{late} {days} late (due {})", dates::vn(due))
    };
    println!("{verb}: {} — {timing}", describe(config, &submission));
    Ok(())
}

pub fn unsubmit(config: &Config, pair: &PairArgs) -> Result<(), CliError> {
    let (key, _) = resolve(config, pair)?;
    let mut ledger = super::open_ledger(config)?;
    if ledger
        .delete_submission(&key)
        .map_err(anyhow::Error::from)?
    {
        println!(
            "removed the submission of {} for {}/{} period {}",
            key.agency,
            key.plan,
            key.obligation,
            dates::vn(key.period)
        );
        Ok(())
    } else {
        Err(CliError::Usage(format!(
            "no submission is recorded for {} in {}/{} period {}; nothing to undo",
            key.agency,
            key.plan,
            key.obligation,
            dates::vn(key.period)
        )))
    }
}

pub fn exempt(config: &Config, args: &ExemptArgs) -> Result<(), CliError> {
    let (key, _) = resolve(config, &args.pair)?;
    let mut ledger = super::open_ledger(config)?;
    let what = pair_text(&key);
    if args.undo {
        if ledger.remove_waiver(&key).map_err(anyhow::Error::from)? {
            println!("lifted the waiver of {what}");
            Ok(())
        } else {
            Err(CliError::Usage(format!(
                "{what} is not exempt; nothing to undo"
            )))
        }
    } else if ledger
        .add_waiver(&key, args.note.as_deref())
        .map_err(anyhow::Error::from)?
    {
        println!("exempted {what}");
        Ok(())
    } else {
        println!("{what} was already exempt; unchanged");
        Ok(())
    }
}

/// "so-y-te, 15/06/2025 10:00, 125/BC-SYT" for messages.
pub fn describe(config: &Config, s: &Submission) -> String {
    let local = s.submitted_at.to_zoned(config.settings.timezone.clone());
    let mut text = format!(
        "{} submitted {}/{} period {} at {} {}",
        s.key.agency,
        s.key.plan,
        s.key.obligation,
        dates::vn(s.key.period),
        dates::vn(local.date()),
        local.strftime("%H:%M")
    );
    if let Some(r) = &s.reference {
        text.push_str(&format!(", ref {r}"));
    }
    text
}

pub fn extend(config: &Config, args: &ExtendArgs) -> Result<(), CliError> {
    let (key, instance) = resolve(config, &args.pair)?;
    let mut ledger = super::open_ledger(config)?;
    let what = pair_text(&key);
    if args.undo {
        return if ledger.remove_extension(&key).map_err(anyhow::Error::from)? {
            println!(
                "lifted the extension of {what}: due {} again",
                dates::vn(instance.due)
            );
            Ok(())
        } else {
            Err(CliError::Usage(format!(
                "{what} is not extended; nothing to undo"
            )))
        };
    }
    let text = args
        .to
        .as_deref()
        .expect("clap requires --to without --undo");
    let to = dates::parse_date(text).map_err(|e| CliError::Usage(format!("--to: {e}")))?;
    if to <= instance.due {
        return Err(CliError::Usage(format!(
            "--to: {} is not later than the due date {}; an extension moves it later",
            dates::vn(to),
            dates::vn(instance.due)
        )));
    }
    let extension = Extension {
        key,
        due: to,
        note: args.note.clone().filter(|n| !n.trim().is_empty()),
    };
    ledger
        .set_extension(&extension)
        .map_err(anyhow::Error::from)?;
    println!(
        "extended {what}: due {} → {}",
        dates::vn(instance.due),
        dates::vn(to)
    );
    Ok(())
}

/// The extended due date of a pair, if the office granted one.
fn extension_of(ledger: &Ledger, key: &PairKey) -> Result<Option<jiff::civil::Date>, CliError> {
    let all = ledger.extensions().map_err(anyhow::Error::from)?;
    Ok(all.into_iter().find(|e| e.key == *key).map(|e| e.due))
}

/// "so-y-te in plan/obligation period dd/mm/yyyy", as the messages name a pair.
fn pair_text(key: &PairKey) -> String {
    format!(
        "{} in {}/{} period {}",
        key.agency,
        key.plan,
        key.obligation,
        dates::vn(key.period)
    )
}
