//! The web console (SPEC, "The web console"): the office's clerks and
//! leaders see who is late and record what came in, from a browser; the
//! province's document system records submissions through the JSON API.
//!
//! Served by the daemon on the runtime it shares with the send moments and
//! the mailbox watcher (`run`, when `[web]` is set; all database work on the
//! blocking pool), or alone (`dondoc web`), from the same [`Loaded`] configuration and the same
//! engine as every command: a page shows what `status` shows, a form records
//! what `submit` records, with the same checks and the same messages.
//!
//! - [`server`]: the accept loop and its limits (timeouts, the connection cap);
//! - [`host`]: the `Host` names the console answers to; [`refused`]: what a
//!   person is told when a name or an `Origin` is refused;
//! - [`auth`]: accounts, sessions, tokens, `Origin`; [`roles`]: who may do
//!   what, as extractors; [`throttle`]: failed logins;
//! - [`pages`]: the HTML pages (the overview and its cache, an instance);
//!   [`agencies`]: the agencies' list and one agency; [`filter`]: who is
//!   late first, and the pages' filters; [`leaders`]: the year's ranking and
//!   the printable list of who has not sent; [`zalo`]: the text a clerk
//!   pastes into a chat; [`forms`]: the record form and
//!   what it posts; [`admin`]: the mail queue; [`export`]: the downloads;
//!   [`render`]: the templates;
//! - [`calls`]: whom to phone today; [`writes`]: the bulk record, notes, undo;
//! - [`api`]: `/api/status` and `/api/submissions`;
//! - [`inbox`]: the mailbox's proposals, accepted or dropped by a clerk;
//! - [`ops`]: `/healthz`, `/metrics`, the calendar feeds (their secret
//!   addresses: [`feeds`]), static files; [`contact`]: whom to call at an
//!   agency, for every page that names one.
//!
//! Database work runs on the blocking pool, on connections kept between
//! requests, so that a page never holds up a send moment.

// A refusal is an axum `Response`, as every handler's answer is: built once
// per request, its size does not matter.
#![allow(clippy::result_large_err)]

/// The console's language, and its API's: Vietnamese, the office's. Its
/// labels are written in it; every message the engine words for it (a
/// refused date, an unknown agency) is asked for in it, whatever `--lang`
/// the daemon was started with.
pub const LANG: crate::lang::Lang = crate::lang::Lang::Vi;

pub mod admin;
pub mod agencies;
pub mod api;
pub mod auth;
pub mod calls;
mod contact;
pub mod export;
mod feeds;
pub mod filter;
pub mod forms;
pub mod host;
pub mod inbox;
pub mod leaders;
pub mod ops;
pub mod pages;
mod refused;
pub mod render;
pub mod roles;
pub mod server;
pub mod throttle;
mod view;
pub mod writes;
pub mod zalo;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::config::{Config, Web, users};
use crate::engine::{Clock, Loaded};
use crate::ledger::{Ledger, LedgerError};

pub use feeds::{feed_secret, feed_url, legacy_feed_secret};

/// How long in-flight requests may take to finish once the server is asked to stop.
pub const DRAIN: Duration = Duration::from_secs(10);

/// What a reload replaces: the configuration and the accounts.
pub struct Current {
    pub loaded: Arc<Loaded>,
    pub accounts: users::Accounts,
    pub web: Web,
    /// 1 at start, +1 at each reload that applied (`/metrics`).
    pub generation: u64,
    /// Each agency's place in Vietnamese alphabetical order.
    pub agency_rank: Vec<usize>,
}

impl Current {
    pub fn config(&self) -> &Config {
        &self.loaded.config
    }
}

/// The console's state, shared by every request.
pub struct Console {
    current: RwLock<Arc<Current>>,
    sessions: auth::Sessions,
    throttle: throttle::Throttle,
    /// What `PRAGMA quick_check` found wrong at start (`/healthz` says so).
    damage: Option<String>,
    /// Idle database connections, reused between requests.
    ledgers: Mutex<Vec<Ledger>>,
    /// The key the feeds' secret URLs are made from (kept in the database).
    feed_key: RwLock<Vec<u8>>,
    pages: render::Templates,
    clock: Clock,
    overview: pages::OverviewCache,
    /// A heap trim is scheduled ([`Console::trim_soon`]).
    trim_pending: AtomicBool,
}

impl Console {
    /// Reads `users.toml` and the feed key: a console ready to serve
    /// `loaded`, which must have `[web]`.
    pub fn new(loaded: Arc<Loaded>, clock: Clock) -> anyhow::Result<Arc<Console>> {
        let current = current(loaded, 1)?;
        let feed_key = feeds::feed_key(current.config())?;
        let damage = damage(current.config());
        Ok(Arc::new(Console {
            current: RwLock::new(Arc::new(current)),
            sessions: auth::Sessions::default(),
            throttle: throttle::Throttle::default(),
            damage,
            ledgers: Mutex::new(Vec::new()),
            feed_key: RwLock::new(feed_key),
            pages: render::Templates::new(),
            clock,
            overview: pages::OverviewCache::default(),
            trim_pending: AtomicBool::new(false),
        }))
    }

    /// The configuration and accounts in force.
    pub fn current(&self) -> Arc<Current> {
        self.current.read().expect("not poisoned").clone()
    }

    /// Swaps in a reloaded configuration and re-reads `users.toml`; on an
    /// error the running ones stay. Sessions whose user still exists with
    /// the same password stay logged in.
    pub fn reload(&self, loaded: Arc<Loaded>) -> anyhow::Result<()> {
        let old = self.current();
        let new = current(loaded, old.generation + 1)?;
        if new.web.listen != old.web.listen {
            tracing::warn!(
                old = %old.web.listen,
                new = %new.web.listen,
                "[web] listen changed: the console keeps listening on the old address until a restart"
            );
        }
        let database_moved = new.config().settings.database != old.config().settings.database;
        if database_moved {
            let key = feeds::feed_key(new.config())?;
            *self.feed_key.write().expect("not poisoned") = key;
            self.ledgers.lock().expect("not poisoned").clear();
        }
        tracing::info!(
            users = new.accounts.users.len(),
            tokens = new.accounts.tokens.len(),
            "web console: configuration and users reloaded"
        );
        *self.current.write().expect("not poisoned") = Arc::new(new);
        Ok(())
    }

    /// Runs `work` with a database connection on the blocking pool.
    pub async fn with_ledger<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&Current, &mut Ledger) -> T + Send + 'static,
    ) -> Result<(Arc<Current>, T), Failure> {
        let console = self.clone();
        let out = tokio::task::spawn_blocking(move || {
            let current = console.current();
            let pooled = console.ledgers.lock().expect("not poisoned").pop();
            let mut ledger = match pooled {
                Some(l) => l,
                None => Ledger::open(&current.config().settings.database, "web")?,
            };
            let out = work(&current, &mut ledger);
            let mut pool = console.ledgers.lock().expect("not poisoned");
            if pool.len() < 4 {
                pool.push(ledger);
            }
            Ok((current, out))
        })
        .await
        .map_err(|e| Failure::Internal(format!("{e}")))?
        .map_err(|e: LedgerError| Failure::from(e));
        self.trim_soon();
        out
    }

    /// Gives the heap freed by requests back to the system a moment after
    /// they are answered (once for a burst): a page or an export of a large
    /// province allocates for every pair, and glibc would keep it. Nothing
    /// runs while the console is idle.
    fn trim_soon(self: &Arc<Self>) {
        if self.trim_pending.swap(true, Ordering::AcqRel) {
            return;
        }
        let console = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(TRIM_AFTER).await;
            console.trim_pending.store(false, Ordering::Release);
            // The idle connections' page caches first (up to 2 MiB each).
            for ledger in console.ledgers.lock().expect("not poisoned").iter() {
                if let Err(e) = ledger.shrink_memory() {
                    tracing::warn!(error = %e, "cannot shrink the database cache");
                }
            }
            crate::engine::memory::trim_heap();
            // A minute later, an overview nobody asked for again goes too.
            tokio::time::sleep(FORGET_AFTER).await;
            if console.overview.forget_older(FORGET_AFTER) {
                crate::engine::memory::trim_heap();
            }
        });
    }
}

/// How long after a request the freed heap is given back: the answer has
/// been sent by then, its buffers freed.
const TRIM_AFTER: Duration = Duration::from_secs(2);

/// How long an overview nobody asks for is kept (it is made again in
/// milliseconds for a province, 0.2 s for 3 400 agencies).
const FORGET_AFTER: Duration = Duration::from_secs(45);

/// Reads `users.toml` for a configuration with `[web]`.
fn current(loaded: Arc<Loaded>, generation: u64) -> anyhow::Result<Current> {
    let web = loaded
        .config
        .settings
        .web
        .clone()
        .context("[web] is not configured")?;
    let accounts = users::load(&web.users, &web.users).map_err(|e| anyhow::anyhow!("{e}"))?;
    let agency_rank = crate::collate::ranks(loaded.config.agencies.iter().map(|a| a.name.as_str()));
    Ok(Current {
        loaded,
        accounts,
        web,
        generation,
        agency_rank,
    })
}

/// Runs `PRAGMA quick_check` once: what it found wrong, if anything (logged).
fn damage(config: &Config) -> Option<String> {
    let found = Ledger::open(&config.settings.database, "web")
        .and_then(|ledger| ledger.quick_check())
        .unwrap_or_else(|e| Some(e.to_string()));
    if let Some(problem) = &found {
        tracing::error!(
            database = %config.settings.database.display(),
            problem,
            "the database failed PRAGMA quick_check at start: /healthz answers 503 until \
             it is restored from a backup and dondoc restarted"
        );
    }
    found
}

/// A request that could not be served, as the client sees it.
#[derive(Debug)]
pub enum Failure {
    /// 500: logged, with a generic page for the client.
    Internal(String),
    /// 503 with `Retry-After`: another process held the database locked
    /// past the busy timeout; nothing was written.
    Busy(String),
}

impl From<LedgerError> for Failure {
    fn from(e: LedgerError) -> Failure {
        if e.is_busy() {
            Failure::Busy(e.to_string())
        } else {
            Failure::Internal(e.to_string())
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        match self {
            Failure::Internal(e) => {
                tracing::error!(error = %e, "web console: request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Lỗi máy chủ; xem nhật ký (journalctl -u dondoc)\n",
                )
                    .into_response()
            }
            Failure::Busy(e) => {
                tracing::warn!(error = %e, "web console: the database is locked by another process");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(axum::http::header::RETRY_AFTER, "5")],
                    "Cơ sở dữ liệu đang bị khóa; chưa ghi gì, xin thử lại sau ít giây\n",
                )
                    .into_response()
            }
        }
    }
}

/// Every route, for a console listening on `bound`.
pub fn router(console: Arc<Console>, bound: SocketAddr) -> Router {
    let names = axum::middleware::from_fn_with_state((console.clone(), bound), host::check);
    Router::new()
        .route("/", get(pages::overview))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route(
            "/instances/{plan}/{obligation}/{period}",
            get(pages::instance),
        )
        .route("/agencies", get(agencies::list))
        .route("/calls", get(calls::list))
        .route("/agencies/{id}", get(agencies::one))
        .route("/leaders", get(leaders::ranking))
        .route("/leaders/late", get(leaders::late))
        .route("/admin", get(admin::admin))
        .route("/inbox", get(inbox::list))
        .route("/inbox/{id}/{action}", post(inbox::decide))
        .route("/inbox/{id}/files/{n}", get(inbox::file))
        .route("/record", get(forms::record_form))
        .route("/record/bulk", post(writes::bulk))
        .route("/record/{action}", post(forms::record))
        .route("/notes", post(writes::note))
        .route("/undo/{id}", post(writes::undo))
        .route("/export/sheet.xlsx", get(export::sheet))
        .route("/export/{file}", get(export::export))
        .route("/api/status", get(api::status))
        .route("/api/submissions", post(api::submit).delete(api::unsubmit))
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        .route("/calendar.ics", get(ops::calendar))
        .route("/static/{file}", get(ops::static_file))
        .fallback(pages::not_found)
        .layer(names)
        .layer(axum::middleware::map_response(security_headers))
        .with_state(console)
}

/// Headers on every response: no framing, no sniffing, no caching of pages
/// that show the ledger, and scripts only from here (`/static/dondoc.js`;
/// no inline script or handler runs).
async fn security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "same-origin");
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    );
    set(h, header::CACHE_CONTROL, "no-store");
    response
}

/// Binds `[web] listen`.
pub fn bind(web: &Web) -> anyhow::Result<tokio::net::TcpListener> {
    let listener = std::net::TcpListener::bind(web.listen)
        .with_context(|| format!("cannot listen on {} ([web] listen)", web.listen))?;
    listener.set_nonblocking(true)?;
    Ok(tokio::net::TcpListener::from_std(listener)?)
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish for
/// at most [`DRAIN`] (within [`server`]'s limits).
pub async fn serve(
    console: Arc<Console>,
    listener: tokio::net::TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let bound = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            tracing::error!(error = %e, "web console: the listening socket has no address");
            return;
        }
    };
    tracing::info!(address = %bound, "web console listening");
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let server = server::run(router(console, bound), listener, stop_rx, DRAIN);
    let mut server = std::pin::pin!(server);
    tokio::select! {
        () = &mut server => return,
        () = shutdown => {}
    }
    let _ = stop_tx.send(true);
    server.await;
    tracing::info!("web console stopped");
}

/// The origin the console is reached at: `base_url`'s when set.
pub fn public_origin(web: &Web) -> Option<String> {
    let base = web.base_url.as_deref()?;
    let (scheme, rest) = base.split_once("://")?;
    let host = rest.split('/').next()?;
    Some(format!("{scheme}://{host}"))
}

/// The console's address for links: `base_url`, else `http://` + `listen`.
pub fn base(web: &Web) -> String {
    match &web.base_url {
        Some(b) => b.trim_end_matches('/').to_string(),
        None => format!("http://{}", web.listen),
    }
}
