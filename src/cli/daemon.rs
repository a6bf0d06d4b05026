//! `dondoc run`: signals and logging, then the daemon's own `run`.

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use super::CliError;
use crate::daemon::{self, Options};
use crate::engine::Loaded;
use crate::lang::{Lang, say};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// TESTING AID, not for production: run as if the clock read TIME at start
    /// (it then advances in real time), so that a dated scenario can be driven
    /// live. Send, digest and retry moments follow this clock too.
    #[arg(long, value_name = "TIME")]
    clock_start: Option<String>,
}

impl Args {
    /// `--clock-start`, read in the configured zone.
    fn clock_start(
        &self,
        config: &crate::config::Config,
    ) -> Result<Option<jiff::Timestamp>, CliError> {
        self.clock_start
            .as_deref()
            .map(|text| {
                crate::dates::parse_moment(text, &config.settings.timezone)
                    .map(|z| z.timestamp())
                    .map_err(|e| CliError::Usage(format!("--clock-start: {e}")))
            })
            .transpose()
    }
}

pub fn run(dir: &std::path::Path, loaded: Loaded, args: &Args) -> Result<(), CliError> {
    crate::engine::memory::limit_arenas();
    init_logging("info,tokio_cron_scheduler=warn");
    ignore_sigpipe();
    let options = Options {
        dir: dir.to_path_buf(),
        clock_start: args.clock_start(&loaded.config)?,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Runtime(e.into()))?;
    rt.block_on(async {
        // Handlers first: SIGHUP's default action would end the process.
        let mut hup = signal(SignalKind::hangup()).map_err(|e| CliError::Runtime(e.into()))?;
        let mut term = signal(SignalKind::terminate()).map_err(|e| CliError::Runtime(e.into()))?;
        let mut int = signal(SignalKind::interrupt()).map_err(|e| CliError::Runtime(e.into()))?;
        let (reload_tx, reload_rx) = mpsc::channel(4);
        tokio::spawn(async move {
            while hup.recv().await.is_some() {
                let _ = reload_tx.send(()).await;
            }
        });
        let shutdown = async move {
            tokio::select! {
                _ = term.recv() => tracing::info!("SIGTERM"),
                _ = int.recv() => tracing::info!("SIGINT"),
            }
        };
        daemon::run(options, loaded, reload_rx, shutdown)
            .await
            .map_err(CliError::Runtime)
    })
}

/// `dondoc web`: the console alone, without sending reminders (another
/// host runs `dondoc run`, or the office only wants the pages for now).
pub fn web(dir: &std::path::Path, loaded: Loaded, args: &Args, lang: Lang) -> Result<(), CliError> {
    crate::engine::memory::limit_arenas();
    init_logging("info");
    ignore_sigpipe();
    let config = &loaded.config;
    let Some(settings) = config.settings.web.clone() else {
        return Err(CliError::Usage(say!(
            lang,
            "{} chưa có mục [web]; thêm [web] (listen, users) rồi chạy lại",
            "{} has no [web] table; add one (listen, users) and run again",
            dir.join("dondoc.toml").display()
        )));
    };
    let shown = settings.users.strip_prefix(dir).unwrap_or(&settings.users);
    crate::config::users::load(&settings.users, shown)?;
    let clock = crate::engine::Clock::new(args.clock_start(config)?);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Runtime(e.into()))?;
    let dir = dir.to_path_buf();
    rt.block_on(async move {
        let console = crate::web::Console::new(std::sync::Arc::new(loaded), clock)?;
        let listener = crate::web::bind(&settings)?;
        let mut hup = signal(SignalKind::hangup())?;
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        let reloading = console.clone();
        tokio::spawn(async move {
            while hup.recv().await.is_some() {
                match crate::engine::load(&dir) {
                    Ok(l) => {
                        if let Err(e) = reloading.reload(std::sync::Arc::new(l)) {
                            tracing::error!(error = %format!("{e:#}"), "keeping the running users and settings");
                        }
                    }
                    Err(errors) => {
                        for e in &errors.0 {
                            tracing::error!("{e}");
                        }
                        tracing::error!("the new configuration is invalid; keeping the running one");
                    }
                }
            }
        });
        crate::daemon::systemd::ready("serving the web console");
        let shutdown = async move {
            tokio::select! {
                _ = term.recv() => tracing::info!("SIGTERM"),
                _ = int.recv() => tracing::info!("SIGINT"),
            }
        };
        crate::web::serve(console, listener, shutdown).await;
        anyhow::Ok(())
    })
    .map_err(CliError::Runtime)
}

/// A server must outlive its peers: `main` restores SIGPIPE's default (so
/// that `dondoc status | head` ends quietly), which would end the daemon the
/// first time a browser or a mail server closed a connection before our
/// write — an error to handle, not a reason to die.
fn ignore_sigpipe() {
    // SAFETY: called before the runtime starts any thread; SIG_IGN is a valid
    // disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
}

/// Logs to journald (structured fields) when systemd gave us a journal
/// stream, to stderr otherwise; `RUST_LOG` filters, `default` when unset.
pub fn init_logging(default: &str) {
    use tracing_subscriber::prelude::*;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let journald = std::env::var_os("JOURNAL_STREAM").and_then(|_| tracing_journald::layer().ok());
    let registry = tracing_subscriber::registry().with(filter);
    let _ = match journald {
        Some(layer) => registry.with(layer).try_init(),
        None => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(std::io::stderr)
                    .with_target(false)
                    .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr())),
            )
            .try_init(),
    };
}
