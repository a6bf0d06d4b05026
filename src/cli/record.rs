//! `dondoc submit`, `unsubmit` and `exempt`: one pair at a time.

use jiff::Zoned;

use super::CliError;
use crate::calendar::Instance;
use crate::calendar::lookup::find_pair;
use crate::config::Config;
use crate::dates;
use crate::lang::say;
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
    check_date(config, &instance, &on, args.force)?;
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
        CliError::Usage(say!(
            "đơn vị này đã có bản nộp cho kỳ này: {}; thêm --replace để thay bằng bản mới",
            "a submission is already recorded for this pair: {}; pass --replace to replace it",
            describe(config, &c.existing)
        ))
    })?;
    let verb = if outcome.replaced > 0 {
        say!("đã thay", "replaced")
    } else if outcome.unchanged > 0 {
        say!("đã có, không đổi", "already recorded, unchanged")
    } else {
        say!("đã ghi nhận", "recorded")
    };
    // The rule `status` applies: deadlines with a time of day, extensions.
    let extended = extension_of(&ledger, &submission.key)?;
    let due = extended.unwrap_or(due);
    let timing = if on_time_for(&instance, extended, on.timestamp(), on.date()) {
        say!("đúng hạn (hạn {})", "on time (due {})", dates::vn(due))
    } else {
        let late = crate::lang::days(crate::dates::days_between(due, on.date()));
        say!(
            "trễ {late} (hạn {})",
            "{late} late (due {})",
            dates::vn(due)
        )
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
        let what = pair_text(config, &key);
        println!(
            "{}",
            say!(
                "đã xóa bản nộp của {what}",
                "removed the submission of {what}"
            )
        );
        Ok(())
    } else {
        let what = pair_text(config, &key);
        Err(CliError::Usage(say!(
            "chưa có bản nộp nào của {what}; không có gì để hoàn tác",
            "no submission is recorded for {what}; nothing to undo"
        )))
    }
}

pub fn exempt(config: &Config, args: &ExemptArgs) -> Result<(), CliError> {
    let (key, _) = resolve(config, &args.pair)?;
    let mut ledger = super::open_ledger(config)?;
    let what = pair_text(config, &key);
    if args.undo {
        if ledger.remove_waiver(&key).map_err(anyhow::Error::from)? {
            println!(
                "{}",
                say!("đã bỏ miễn nộp: {what}", "lifted the waiver of {what}")
            );
            Ok(())
        } else {
            Err(CliError::Usage(say!(
                "{what} không được miễn; không có gì để hoàn tác",
                "{what} is not exempt; nothing to undo"
            )))
        }
    } else if ledger
        .add_waiver(&key, args.note.as_deref())
        .map_err(anyhow::Error::from)?
    {
        println!("{}", say!("đã miễn nộp: {what}", "exempted {what}"));
        Ok(())
    } else {
        println!(
            "{}",
            say!(
                "{what} đã được miễn từ trước; không đổi",
                "{what} was already exempt; unchanged"
            )
        );
        Ok(())
    }
}

/// "Sở Y tế — p/bao-cao kỳ 29/04/2025, nộp 29/04/2025 15:30, số 125/BC-SYT".
pub fn describe(config: &Config, s: &Submission) -> String {
    let local = s.submitted_at.to_zoned(config.settings.timezone.clone());
    let when = format!("{} {}", dates::vn(local.date()), local.strftime("%H:%M"));
    let mut text = say!(
        "{}, nộp {when}",
        "{}, submitted {when}",
        pair_text(config, &s.key)
    );
    if let Some(r) = &s.reference {
        text.push_str(&say!(", số {r}", ", ref {r}"));
    }
    text
}

/// A submission date a clerk rarely means: more than a day ahead, or before
/// the plan was issued, needs `--force`; before 2000 is always refused.
fn check_date(
    config: &Config,
    instance: &Instance,
    on: &Zoned,
    force: bool,
) -> Result<(), CliError> {
    let now = super::moment(config, None)?;
    if let Err(e) = sane_date(on, &now) {
        if on.date().year() < 2000 || !force {
            let hint = if on.date().year() < 2000 {
                String::new()
            } else {
                say!(
                    "; nếu đúng là vậy, thêm --force",
                    "; if that is right, pass --force"
                )
            };
            return Err(CliError::Usage(format!("--on: {e}{hint}")));
        }
    }
    let issued = config.plans[instance.plan].issued;
    if let Some(issued) = issued.filter(|d| on.date() < *d && !force) {
        return Err(CliError::Usage(say!(
            "--on: {} là trước ngày ban hành kế hoạch ({}); kiểm tra lại ngày, hoặc thêm --force nếu đúng",
            "--on: {} is before the plan was issued ({}); check the date, or pass --force if it is right",
            dates::vn(on.date()),
            dates::vn(issued)
        )));
    }
    Ok(())
}

pub fn extend(config: &Config, args: &ExtendArgs) -> Result<(), CliError> {
    let (key, instance) = resolve(config, &args.pair)?;
    let mut ledger = super::open_ledger(config)?;
    let what = pair_text(config, &key);
    if args.undo {
        let due = dates::vn(instance.due);
        return if ledger.remove_extension(&key).map_err(anyhow::Error::from)? {
            println!(
                "{}",
                say!(
                    "đã bỏ gia hạn {what}: hạn lại là {due}",
                    "lifted the extension of {what}: due {due} again"
                )
            );
            Ok(())
        } else {
            Err(CliError::Usage(say!(
                "{what} chưa được gia hạn; không có gì để hoàn tác",
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
        return Err(CliError::Usage(say!(
            "--to: {} không sau hạn {}; gia hạn là dời hạn về sau",
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
    let (from, to) = (dates::vn(instance.due), dates::vn(to));
    println!(
        "{}",
        say!(
            "đã gia hạn {what}: hạn {from} → {to}",
            "extended {what}: due {from} → {to}"
        )
    );
    Ok(())
}

/// The extended due date of a pair, if the office granted one.
fn extension_of(ledger: &Ledger, key: &PairKey) -> Result<Option<jiff::civil::Date>, CliError> {
    let all = ledger.extensions().map_err(anyhow::Error::from)?;
    Ok(all.into_iter().find(|e| e.key == *key).map(|e| e.due))
}

/// "Sở Y tế — p/bao-cao kỳ 29/04/2025", as the messages name a pair.
fn pair_text(config: &Config, key: &PairKey) -> String {
    let name = config
        .agency(&key.agency)
        .map_or(key.agency.as_str(), |a| a.name.as_str());
    say!(
        "{name} — {}/{} kỳ {}",
        "{name} — {}/{} period {}",
        key.plan,
        key.obligation,
        dates::vn(key.period)
    )
}

/// A submission date a clerk could not have meant: more than a day ahead of
/// now, or before 2000 (a year typed as 0025 or 1925).
pub fn sane_date(on: &jiff::Zoned, now: &jiff::Zoned) -> Result<(), String> {
    use jiff::ToSpan;
    let tomorrow = now.checked_add(1.day()).unwrap_or_else(|_| now.clone());
    if *on > tomorrow {
        return Err(say!(
            "{} là ngày trong tương lai (hôm nay là {}); kiểm tra lại ngày và năm",
            "{} is in the future (today is {}); check the day and the year",
            dates::vn(on.date()),
            dates::vn(now.date())
        ));
    }
    if on.date().year() < 2000 {
        return Err(say!(
            "{} là trước năm 2000; kiểm tra lại năm",
            "{} is before 2000; check the year",
            dates::vn(on.date())
        ));
    }
    Ok(())
}
