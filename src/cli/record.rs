//! `dondoc submit`, `unsubmit` and `exempt`: one pair at a time.

use super::CliError;
use crate::config::Config;
use crate::engine::record::{self, Pair, Refused};
use crate::lang::{Lang, say};

/// The pair a command is about.
#[derive(Debug, clap::Args)]
pub struct PairArgs {
    /// The plan: its id or its number (3212/KH-UBND).
    #[arg(long)]
    plan: String,
    /// The obligation: its id or its title.
    #[arg(long)]
    obligation: String,
    /// The period: its scheduled date (dd/mm/yyyy or yyyy-mm-dd, as `calendar` shows it), its due date or its name (6 tháng đầu năm 2025).
    #[arg(long, value_name = "DATE")]
    period: String,
    /// The agency: its id or its name (Sở Y tế).
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
    /// Accept a date more than a day in the future or before the plan was
    /// issued (each is usually a typo in the day or the year).
    #[arg(long)]
    force: bool,
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

impl PairArgs {
    fn pair(&self) -> Pair<'_> {
        Pair {
            plan: &self.plan,
            obligation: &self.obligation,
            period: &self.period,
            agency: &self.agency,
        }
    }
}

/// A refusal as the command line words it: the option, and what to pass.
fn refused(r: Refused, lang: Lang) -> CliError {
    match r {
        Refused::Field { .. } => CliError::Usage(r.to_string()),
        Refused::Unconfirmed { field, message } => CliError::Usage(say!(
            lang,
            "--{field}: {message}; nếu đúng là vậy, thêm --force",
            "--{field}: {message}; if that is right, pass --force"
        )),
        Refused::Conflict { existing } => CliError::Usage(say!(
            lang,
            "đơn vị này đã có bản nộp cho kỳ này: {existing}; thêm --replace để thay bằng bản mới",
            "a submission is already recorded for this pair: {existing}; pass --replace to replace it"
        )),
        Refused::Nothing(text) => CliError::Usage(text),
        Refused::Ledger(e) => CliError::Runtime(e.into()),
    }
}

pub fn submit(config: &Config, args: &SubmitArgs, lang: Lang) -> Result<(), CliError> {
    let now = super::moment(config, None, lang)?;
    let mut ledger = super::open_ledger(config)?;
    let request = record::Submit {
        pair: args.pair.pair(),
        on: args.on.as_deref(),
        reference: args.reference.as_deref(),
        note: args.note.as_deref(),
        replace: args.replace,
        force: args.force,
    };
    let done = record::submit(config, &mut ledger, &request, &super::actor(), &now, lang)
        .map_err(|r| refused(r, lang))?;
    println!("{done}");
    Ok(())
}

pub fn unsubmit(config: &Config, pair: &PairArgs, lang: Lang) -> Result<(), CliError> {
    let mut ledger = super::open_ledger(config)?;
    let done =
        record::unsubmit(config, &mut ledger, pair.pair(), lang).map_err(|r| refused(r, lang))?;
    println!("{done}");
    Ok(())
}

pub fn exempt(config: &Config, args: &ExemptArgs, lang: Lang) -> Result<(), CliError> {
    let mut ledger = super::open_ledger(config)?;
    let pair = args.pair.pair();
    let done = record::exempt(
        config,
        &mut ledger,
        pair,
        args.note.as_deref(),
        args.undo,
        &super::actor(),
        lang,
    )
    .map_err(|r| refused(r, lang))?;
    println!("{done}");
    Ok(())
}

pub fn extend(config: &Config, args: &ExtendArgs, lang: Lang) -> Result<(), CliError> {
    let mut ledger = super::open_ledger(config)?;
    let to = if args.undo {
        None
    } else {
        Some(
            args.to
                .as_deref()
                .expect("clap requires --to without --undo"),
        )
    };
    let done = record::extend(
        config,
        &mut ledger,
        args.pair.pair(),
        to,
        args.note.as_deref(),
        &super::actor(),
        lang,
    )
    .map_err(|r| refused(r, lang))?;
    println!("{done}");
    Ok(())
}
