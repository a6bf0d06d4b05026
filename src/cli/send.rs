//! `dondoc preview`, `tick` and `send-test`: a send moment shown, a send
//! moment run, and the transport tried — all through the daemon's own code.

use std::sync::atomic::AtomicBool;

use serde::Serialize;

use super::CliError;
use crate::config::Config;
use crate::dates;
use crate::engine::{self, Loaded};
use crate::lang::{Lang, say};
use crate::mail::{Deliverer, compose};

#[derive(Debug, clap::Args)]
pub struct PreviewArgs {
    /// The send moment (default: now).
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Show the digest the office's leaders would get at --at instead
    /// (`[digest]` must be configured).
    #[arg(long)]
    digest: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct TickArgs {
    /// The send moment (default: now).
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct SendTestArgs {
    /// The address to send the test email to.
    #[arg(long, value_name = "ADDR")]
    to: String,
}

#[derive(Serialize)]
struct Email<'a> {
    agency: &'a str,
    to: Vec<String>,
    cc: Vec<String>,
    subject: String,
    text: String,
    items: Vec<Item<'a>>,
}

/// An email as `preview` shows it (its HTML part left out).
fn email<'a>(
    config: &'a Config,
    instances: &[crate::calendar::Instance],
    inputs: &[Option<crate::policy::Inputs>],
    o: engine::Outgoing,
) -> Email<'a> {
    Email {
        agency: &config.agencies[o.agency].id,
        to: o.to,
        cc: o.cc,
        subject: o.rendered.subject,
        text: o.rendered.text,
        items: o
            .items
            .iter()
            .map(|r| {
                let i = &instances[r.instance];
                Item {
                    plan: &config.plans[i.plan].id,
                    obligation: &i.obligation(config).id,
                    period: i.period.to_string(),
                    due: r.due.to_string(),
                    step: r.step.to_string(),
                    inputs: inputs[r.instance],
                }
            })
            .collect(),
    }
}

#[derive(Serialize)]
struct Item<'a> {
    plan: &'a str,
    obligation: &'a str,
    period: String,
    due: String,
    step: String,
    /// An upward report's inputs (`after`), else null.
    inputs: Option<crate::policy::Inputs>,
}

pub fn preview(loaded: &Loaded, args: &PreviewArgs, lang: Lang) -> Result<(), CliError> {
    let config = &loaded.config;
    let at = super::moment(config, args.at.as_deref(), lang)?;
    let ledger = super::open_ledger(config)?;
    if args.digest {
        return preview_digest(loaded, &ledger, &at, args.format);
    }
    if let Format::Json = args.format {
        // Rendered, written and dropped one email at a time: a national
        // moment has thousands of emails of 40 KB each.
        let decided = engine::decide(config, &ledger, &at).map_err(anyhow::Error::from)?;
        let rows = decided
            .outgoing(config, &loaded.templates)
            .filter_map(|o| match o {
                Ok(o) => Some(email(config, &decided.instances, &decided.inputs, o)),
                Err(e) => {
                    eprintln!("error: cannot render the reminder of {e}");
                    None
                }
            });
        return super::print_json_rows(rows);
    }
    let planned =
        engine::plan(config, &loaded.templates, &ledger, &at).map_err(anyhow::Error::from)?;
    for e in &planned.errors {
        eprintln!("error: cannot render the reminder of {e}");
    }
    let engine::Planned {
        instances,
        inputs,
        outgoing,
        ..
    } = planned;
    let emails: Vec<Email> = outgoing
        .into_iter()
        .map(|o| email(config, &instances, &inputs, o))
        .collect();
    match args.format {
        Format::Json => unreachable!("streamed above"),
        Format::Text => {
            let n = emails.len();
            for (k, e) in emails.iter().enumerate() {
                println!("──── {}/{n} · {} ────", k + 1, config.agency_name(e.agency));
                println!("To: {}", e.to.join(", "));
                if !e.cc.is_empty() {
                    println!("Cc: {}", e.cc.join(", "));
                }
                println!("Subject: {}\n\n{}", e.subject, e.text.trim_end());
                println!();
            }
            let reminders: usize = emails.iter().map(|e| e.items.len()).sum();
            let when = format!("{} {}", dates::vn(at.date()), at.strftime("%H:%M"));
            let plural = |k: usize| if k == 1 { "" } else { "s" };
            match lang {
                Lang::Vi => println!(
                    "Lúc {when} sẽ gửi {n} thư ({reminders} lượt nhắc); chưa gửi, chưa ghi gì."
                ),
                Lang::En => println!(
                    "A send moment at {when} would send {n} email{} ({reminders} reminder{}); \
                     nothing was sent or recorded.",
                    plural(n),
                    plural(reminders)
                ),
            }
            print_failures(config, &ledger, lang)
        }
    }
}

/// A transport that is failing, and deliveries that failed for good: shown
/// so that the office can fix the mail settings, or phone the agency.
pub fn print_failures(
    config: &Config,
    ledger: &crate::ledger::Ledger,
    lang: Lang,
) -> Result<(), CliError> {
    let tz = &config.settings.timezone;
    if let Some(h) = ledger.delivery_failing().map_err(anyhow::Error::from)? {
        let since = h.since.to_zoned(tz.clone());
        let queued = ledger.queued().map_err(anyhow::Error::from)?;
        let what = if h.refused {
            "Máy chủ thư từ chối dondoc (đăng nhập hoặc TLS) — kiểm tra [mail.smtp] và mật khẩu"
        } else {
            "Không gửi được thư (máy chủ thư không trả lời), đang thử lại"
        };
        println!(
            "\n{what}: từ {} {}; {queued} thư đang chờ gửi.\n  {}",
            dates::vn(since.date()),
            since.strftime("%H:%M"),
            crate::config::escape(&h.last_error)
        );
    }
    let failures = ledger.failures().map_err(anyhow::Error::from)?;
    if failures.is_empty() {
        return Ok(());
    }
    println!(
        "\n{}",
        say!(
            lang,
            "Thư không gửi được (đã thôi gửi lại):",
            "Delivery failures (not retried):"
        )
    );
    for f in failures {
        let when = f.moment.to_zoned(tz.clone());
        let steps: Vec<String> = f
            .items
            .iter()
            .map(|(k, step)| {
                say!(
                    lang,
                    "{}/{} kỳ {} ({})",
                    "{}/{} period {} ({})",
                    k.plan,
                    k.obligation,
                    dates::vn(k.period),
                    step.words(lang)
                )
            })
            .collect();
        println!(
            "  {} {} · {}: {} — {}",
            dates::vn(when.date()),
            when.strftime("%H:%M"),
            if f.agency.is_empty() {
                "(báo cáo tổng hợp / digest)"
            } else {
                &f.agency
            },
            steps.join(", "),
            crate::config::escape(&f.error)
        );
    }
    Ok(())
}

/// `preview --digest`: the digest's subject and text (JSON: with its HTML).
fn preview_digest(
    loaded: &Loaded,
    ledger: &crate::ledger::Ledger,
    at: &jiff::Zoned,
    format: Format,
) -> Result<(), CliError> {
    let Some(digest) = &loaded.config.settings.digest else {
        return Err(CliError::Usage(
            "--digest: no [digest] in dondoc.toml; add one with `to` and `send_at`".into(),
        ));
    };
    let rendered = engine::digest::render(&loaded.config, &loaded.templates, ledger, at)
        .map_err(anyhow::Error::from)?
        .ok_or_else(|| anyhow::anyhow!("the digest template did not render; see the log"))?;
    match format {
        Format::Json => super::print_json(&serde_json::json!({
            "to": digest.to,
            "subject": rendered.subject,
            "text": rendered.text,
            "html": rendered.html,
        })),
        Format::Text => {
            println!(
                "To: {}\nSubject: {}\n\n{}",
                digest.to.join(", "),
                rendered.subject,
                rendered.text
            );
            Ok(())
        }
    }
}

pub fn tick(loaded: &Loaded, args: &TickArgs, lang: Lang) -> Result<(), CliError> {
    let config = &loaded.config;
    let at = super::moment(config, args.at.as_deref(), lang)?;
    let mut ledger = super::open_ledger(config)?;
    let runtime = runtime()?;
    let mut deliverer = runtime.block_on(async { deliverer(config) })?;
    // `--at` is the clock for everything the moment decides, retries
    // included: `tick --at` later than a failure retries it.
    let (now, never) = (at.timestamp(), AtomicBool::new(false));
    let summary = engine::send(
        loaded,
        &mut ledger,
        &mut deliverer,
        &at,
        now,
        &never,
        &runtime,
    );
    runtime.block_on(deliverer.close());
    let summary = summary.map_err(|e| CliError::Runtime(e.into()))?;
    let when = dates::vn_time(&at);
    match lang {
        Lang::En => println!("send moment {when}: {summary}"),
        Lang::Vi => {
            println!(
                "lượt gửi {when}: {} thư mới; đã gửi {}, sẽ gửi lại {}, không gửi được {}, hủy {}",
                summary.claimed, summary.sent, summary.retrying, summary.failed, summary.cancelled
            );
            if summary.already_claimed > 0 {
                println!(
                    "({} lượt nhắc đã do tiến trình khác gửi)",
                    summary.already_claimed
                );
            }
        }
    }
    Ok(())
}

pub fn send_test(config: &Config, args: &SendTestArgs, lang: Lang) -> Result<(), CliError> {
    let to = args.to.trim();
    if !crate::config::is_email(to) {
        return Err(CliError::Usage(format!(
            "--to: \"{to}\" is not an email address"
        )));
    }
    let now = jiff::Timestamp::now();
    let domain = config.settings.office.mail_domain();
    let id = format!(
        "<dondoc.test.{}.{}@{domain}>",
        now.as_second(),
        std::process::id()
    );
    let office = &config.settings.office.name;
    let message = compose::compose_test(
        &id,
        &now.to_zoned(config.settings.timezone.clone()),
        &config.settings.mail.from,
        to,
        office,
    )
    .map_err(|e| CliError::Runtime(anyhow::anyhow!(e)))?;
    let via = runtime()?.block_on(async {
        let mut deliverer = deliverer(config)?;
        deliverer
            .send(&id, &message.sender, &message.recipients, &message.raw)
            .await
            .map_err(|e| {
                CliError::Runtime(anyhow::anyhow!("the test email to {to} was not sent: {e}"))
            })?;
        Ok::<_, CliError>(format!("{deliverer:?}"))
    })?;
    println!(
        "{}",
        say!(
            lang,
            "đã gửi thư thử tới {to} ({id}) qua {via}",
            "sent a test email to {to} ({id}) via {via}"
        )
    );
    Ok(())
}

/// The configured transport (call inside the runtime).
fn deliverer(config: &Config) -> Result<Deliverer, CliError> {
    Deliverer::new(&config.settings.mail).map_err(|e| CliError::Runtime(anyhow::anyhow!(e)))
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Runtime(e.into()))
}
