//! The command line: one small function per subcommand, each reusing the
//! library's own code paths (the same loader, the same calendar), so that what
//! a command shows is what the daemon does.

mod accounts;
mod backup;
mod calendar;
mod check;
mod daemon;
mod generate;
mod grid;
mod holidays;
mod import;
mod inbox;
mod init;
use crate::lang::{Lang, say};
mod calls;
mod record;
mod report;
mod send;
mod sheet;
mod status;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use jiff::Zoned;
use jiff::civil::Date;

use crate::config::{self, Config, ConfigErrors};
use crate::dates;

/// dondoc — reminds agencies of the plans and reports they owe, before, on and
/// after each deadline.
#[derive(Debug, Parser)]
#[command(name = "dondoc", version, about, long_about = None)]
#[command(
    after_help = "Exit codes: 0 ok, 1 runtime failure, 2 bad configuration or usage.\n\
    Dates: dd/mm/yyyy or yyyy-mm-dd; moments: \"dd/mm/yyyy HH:MM\" (local) or RFC 3339."
)]
pub struct Cli {
    /// The configuration directory (dondoc.toml, agencies.toml, plans/, holidays.toml).
    #[arg(long, global = true, value_name = "DIR", env = "DONDOC_CONFIG", default_value = config::DEFAULT_DIR)]
    pub config: PathBuf,

    /// The language of messages and tables (JSON and CSV are the same in both).
    #[arg(
        long,
        global = true,
        value_enum,
        env = "DONDOC_LANG",
        default_value = "vi"
    )]
    pub lang: Lang,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the daemon: send reminders at the configured moments; SIGHUP reloads,
    /// SIGTERM stops (systemd: Type=notify).
    Run(daemon::Args),
    /// Validate the configuration: a one-line summary, or every error (exit 2).
    Check,
    /// List every instance with its scheduled and due dates.
    Calendar(calendar::Args),
    /// Show the days off dondoc uses for a year (built-in or from holidays.toml).
    Holidays(holidays::Args),
    /// The state of every (instance, agency) pair at a moment.
    Status(status::Args),
    /// Record that an agency submitted an instance.
    Submit(record::SubmitArgs),
    /// Remove a recorded submission (the undo of `submit`).
    Unsubmit(record::PairArgs),
    /// Waive an instance for an agency (or lift the waiver with --undo).
    Exempt(record::ExemptArgs),
    /// Move one pair's due date later (gia hạn), or lift the extension with --undo.
    Extend(record::ExtendArgs),
    /// Record many submissions from a .csv or .xlsx file, all or none (columns
    /// plan,obligation,period,agency,submitted_on[,ref,note] or kế hoạch, nội dung,
    /// kỳ, đơn vị, ngày nộp[, số ký hiệu, ghi chú]; names as offices write them)
    Import(import::Args),
    /// Write the fill-in sheet of one instance: the agencies that have not
    /// submitted it, by name, to fill in and give back to `import`.
    Sheet(sheet::Args),
    /// Whom to phone today: every agency with a report overdue, the longest
    /// overdue first, with its contact, phone and the office's last note.
    Calls(calls::Args),
    /// Per agency, how it kept the deadlines of a year (on-time rate, mean days
    /// late): the table for the year-end review.
    Report(report::Args),
    /// Write a commented starting configuration for a province into DIR.
    Init(init::Args),
    /// Write man pages, shell completions and JSON Schemas into DIR (for packaging).
    #[command(hide = true)]
    Generate(generate::Args),
    /// Show the emails a send moment at --at would send, without sending or recording.
    Preview(send::PreviewArgs),
    /// Run one send moment at --at (taken as given, even on a day off): send, record, exit.
    Tick(send::TickArgs),
    /// Send one test email through the configured transport.
    SendTest(send::SendTestArgs),
    /// Set a web console user's password (creating the user with --role):
    /// asks twice on a terminal, else reads one line from stdin.
    Passwd(accounts::PasswdArgs),
    /// Make an API token for a program (printed once; users.toml keeps its hash).
    Token(accounts::TokenArgs),
    /// Serve the web console alone, without sending reminders (`run` serves
    /// it too when [web] is set); SIGHUP reloads users and settings.
    Web(daemon::Args),
    /// Submissions from the mailbox: list the proposals agencies' replies
    /// made, accept or reject them, or read saved messages (.eml).
    Inbox(inbox::Args),
    /// Copy the database to FILE while the daemon runs (SQLite's online
    /// backup): consistent, checked, mode 0600.
    Backup(backup::Args),
    /// Print the secret address of a calendar feed to subscribe to in Outlook
    /// or Google Calendar: every deadline, or one agency's with --agency.
    FeedUrl(FeedUrlArgs),
}

#[derive(Debug, clap::Args)]
pub struct FeedUrlArgs {
    /// The agency whose deadlines the feed holds (default: every instance).
    #[arg(long, value_name = "ID")]
    agency: Option<String>,
}

/// A failed command, classified for the exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The configuration is invalid (exit 2); the errors list every problem.
    #[error("{0}")]
    Config(#[from] ConfigErrors),
    /// A bad argument (exit 2).
    #[error("error: {0}")]
    Usage(String),
    /// Something failed at run time (exit 1).
    #[error("error: {0:#}")]
    Runtime(#[from] anyhow::Error),
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Config(_) | CliError::Usage(_) => 2,
            CliError::Runtime(_) => 1,
        }
    }
}

/// Runs one command.
pub fn run(cli: Cli) -> Result<(), CliError> {
    let lang = cli.lang;
    // The two commands that need no configuration (they write one, or files
    // from the command line's own definitions).
    match &cli.command {
        Command::Init(args) => return init::run(args, lang),
        Command::Generate(args) => return generate::run(args),
        _ => {}
    }
    let loaded = crate::engine::load(&cli.config)?;
    match &cli.command {
        Command::Run(args) => return daemon::run(&cli.config, loaded, args),
        Command::Web(args) => return daemon::web(&cli.config, loaded, args, lang),
        _ => {}
    }
    daemon::init_logging("warn");
    let loaded = std::sync::Arc::new(loaded);
    let config = &loaded.config;
    match cli.command {
        Command::Run(_) | Command::Web(_) | Command::Init(_) | Command::Generate(_) => {
            unreachable!("handled above")
        }
        Command::Check => check::run(config, lang),
        Command::Preview(args) => send::preview(&loaded, &args, lang),
        Command::Tick(args) => send::tick(&loaded, &args, lang),
        Command::SendTest(args) => send::send_test(config, &args, lang),
        Command::Passwd(args) => accounts::passwd(config, &args, lang),
        Command::Token(args) => accounts::token(config, &args, lang),
        Command::FeedUrl(args) => feed_url(config, &args, lang),
        Command::Inbox(args) => inbox::run(&loaded, &args, lang),
        Command::Calendar(args) => calendar::run(config, &args, lang),
        Command::Holidays(args) => holidays::run(config, &args, lang),
        Command::Status(args) => status::run(config, &args, lang),
        Command::Submit(args) => record::submit(config, &args, lang),
        Command::Unsubmit(args) => record::unsubmit(config, &args, lang),
        Command::Exempt(args) => record::exempt(config, &args, lang),
        Command::Extend(args) => record::extend(config, &args, lang),
        Command::Import(args) => import::run(config, &args, lang),
        Command::Sheet(args) => sheet::run(config, &args, lang),
        Command::Calls(args) => calls::run(config, &args, lang),
        Command::Backup(args) => backup::run(config, &args, lang),
        Command::Report(args) => report::run(config, &args, lang),
    }
}

/// `dondoc feed-url [--agency ID]`.
fn feed_url(config: &Config, args: &FeedUrlArgs, lang: Lang) -> Result<(), CliError> {
    if config.settings.web.is_none() {
        return Err(CliError::Usage(say!(
            lang,
            "chưa có mục [web] trong dondoc.toml; lịch chỉ được phục vụ khi có trang quản trị",
            "dondoc.toml has no [web] table; the feeds are served by the web console"
        )));
    }
    if let Some(id) = args
        .agency
        .as_deref()
        .filter(|a| config.agency(a).is_none())
    {
        return Err(CliError::Usage(say!(
            lang,
            "--agency: không có đơn vị \"{id}\"{}",
            "--agency: unknown agency \"{id}\"{}",
            crate::suggest::hint(lang, id, config.agencies.iter().map(|x| x.id.as_str()))
        )));
    }
    let url = crate::web::feed_url(config, args.agency.as_deref()).map_err(CliError::Runtime)?;
    println!("{url}");
    Ok(())
}

/// Opens the config's database (creating it on first use).
fn open_ledger(config: &Config) -> Result<crate::ledger::Ledger, CliError> {
    crate::ledger::Ledger::open(&config.settings.database, &actor())
        .map_err(|e| CliError::Runtime(e.into()))
}

/// Who is recording, for `recorded_by`: `cli:` and the login behind sudo,
/// else the user (SPEC: the web console records its user, the API its token).
pub(crate) fn actor() -> String {
    let user = ["SUDO_USER", "USER", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .or_else(login_of_uid)
        .unwrap_or_else(|| "unknown".into());
    format!("cli:{user}")
}

/// The login of the process's user from `/etc/passwd`, when the
/// environment names none (a cron job, `env -i`, a systemd unit); else
/// `uid-N`.
fn login_of_uid() -> Option<String> {
    // SAFETY: getuid has no preconditions and cannot fail.
    let uid = unsafe { libc::getuid() };
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let named = passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        (fields.nth(1)?.parse::<u32>().ok()? == uid).then(|| name.to_string())
    });
    Some(named.unwrap_or_else(|| format!("uid-{uid}")))
}

/// `--at`, or now, in the configured zone.
fn moment(config: &Config, at: Option<&str>, lang: Lang) -> Result<Zoned, CliError> {
    let tz = &config.settings.timezone;
    match at {
        Some(text) => dates::parse_moment(text, tz)
            .map_err(|e| CliError::Usage(format!("--at: {}", e.message(lang)))),
        None => Ok(Zoned::now().with_time_zone(tz.clone())),
    }
}

/// A date option (`--from`, `--to`): ISO or dd/mm/yyyy.
fn date_arg(name: &str, value: Option<&str>, lang: Lang) -> Result<Option<Date>, CliError> {
    value
        .map(|v| {
            dates::parse_date(v)
                .map_err(|e| CliError::Usage(format!("{name}: {}", e.message(lang))))
        })
        .transpose()
}

/// Prints a JSON array to stdout row by row, one row per line, as the rows
/// come: memory stays flat however many there are (a national `status` has
/// millions).
fn print_json_rows<T: serde::Serialize>(rows: impl Iterator<Item = T>) -> Result<(), CliError> {
    use std::io::Write as _;
    let io = |e: std::io::Error| CliError::Runtime(e.into());
    let mut w = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let mut empty = true;
    w.write_all(b"[").map_err(io)?;
    for r in rows {
        w.write_all(if empty { b"\n  " } else { b",\n  " })
            .map_err(io)?;
        serde_json::to_writer(&mut w, &r).map_err(|e| CliError::Runtime(e.into()))?;
        empty = false;
    }
    w.write_all(if empty { b"]\n" } else { b"\n]\n" })
        .map_err(io)?;
    w.flush().map_err(io)
}

/// Prints JSON to stdout, one array, pretty.
fn print_json<T: serde::Serialize>(value: &T) -> Result<(), CliError> {
    let text = serde_json::to_string_pretty(value).map_err(anyhow::Error::from)?;
    println!("{text}");
    Ok(())
}

/// `--format table|json|csv|xlsx` and, for `xlsx`, `--output FILE`: what
/// `status` and `report` take.
#[derive(Debug, clap::Args)]
pub struct Output {
    /// Output format; `xlsx` writes a workbook (printable on A4) to --output.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// The file for `--format xlsx`.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    Csv,
    Xlsx,
}

impl Output {
    /// `--output` goes with `xlsx`, and only with it.
    fn check(&self) -> Result<(), CliError> {
        if (self.format == Format::Xlsx) == self.output.is_some() {
            return Ok(());
        }
        Err(CliError::Usage(
            "--output FILE goes with --format xlsx, and only with it".into(),
        ))
    }
}

/// A table in the style every human-readable listing uses.
fn table(header: &[&str]) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_header(header);
    t
}
