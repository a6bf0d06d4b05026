//! The console's door: how connections are let in and how long each may
//! hold on (README, "Limits of the console").
//!
//! A stranger's idle connections must not take the console away from the
//! office (the attack of issue 21: 1 100 half-open connections under a file
//! limit of 1 024 made `/healthz` time out and filled the log with `Too many
//! open files`). So:
//!
//! - a connection must send a request's headers within [`HEADER_READ`] of
//!   opening, or of its previous answer (an idle keep-alive connection is
//!   closed after as long);
//! - a request has [`REQUEST`] to be answered, else 503;
//! - at most [`cap`] connections are open (512, or fewer under a low file
//!   limit); when they are all open, the one idle the longest is closed to
//!   let the new one in, so `/healthz` still answers. Only when every one of
//!   them is busy answering does a new one wait, in the kernel's queue.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, watch};
use tower::ServiceExt as _;

/// How long a client has to send a request's headers, from the moment its
/// connection opens or its previous answer is written.
pub const HEADER_READ: Duration = Duration::from_secs(10);
/// How long a request may take to be answered (its body read included).
pub const REQUEST: Duration = Duration::from_secs(30);
/// The most connections open at once, whatever the file limit.
pub const MAX_CONNECTIONS: usize = 512;
/// Files left for everything but the console's connections: the database
/// and its journal on each connection, SMTP and IMAP, the log, the runtime.
const FILES_KEPT: u64 = 128;
/// The wait after a failed `accept` (the error is logged once per wait).
const ACCEPT_PAUSE: Duration = Duration::from_millis(250);

/// How many connections may be open: [`MAX_CONNECTIONS`], or the process's
/// file limit less [`FILES_KEPT`] when that is lower (at least 16). Also
/// returns the limit, for the log.
pub fn cap() -> (usize, u64) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit(2) writes the struct it is given, nothing else.
    let files = if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } == 0 {
        limit.rlim_cur
    } else {
        1024
    };
    let room = usize::try_from(files.saturating_sub(FILES_KEPT)).unwrap_or(usize::MAX);
    (room.clamp(16, MAX_CONNECTIONS), files)
}

/// The open connections: a permit each, and which of them are idle.
struct Door {
    permits: Arc<Semaphore>,
    cap: usize,
    state: Mutex<Open>,
    next_id: AtomicU64,
    /// Wakes the accept loop, waiting for room, when a connection goes idle.
    went_idle: Notify,
}

#[derive(Default)]
struct Open {
    by_id: HashMap<u64, Connection>,
    /// Connections told to close whose permits are not back yet.
    closing: usize,
}

struct Connection {
    /// Requests being answered on it.
    busy: u32,
    idle_since: Instant,
    close: Arc<Notify>,
}

/// One open connection's place at the [`Door`]: removed, and its permit
/// returned, when the last reference goes (its task and its service).
struct Place {
    door: Arc<Door>,
    id: u64,
    close: Arc<Notify>,
    _permit: OwnedSemaphorePermit,
}

impl Door {
    fn new(cap: usize) -> Arc<Door> {
        Arc::new(Door {
            permits: Arc::new(Semaphore::new(cap)),
            cap,
            state: Mutex::new(Open::default()),
            next_id: AtomicU64::new(0),
            went_idle: Notify::new(),
        })
    }

    fn enter(self: &Arc<Self>, permit: OwnedSemaphorePermit) -> Arc<Place> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let close = Arc::new(Notify::new());
        self.state.lock().expect("not poisoned").by_id.insert(
            id,
            Connection {
                busy: 0,
                idle_since: Instant::now(),
                close: close.clone(),
            },
        );
        Arc::new(Place {
            door: self.clone(),
            id,
            close,
            _permit: permit,
        })
    }

    /// Closes the connection idle the longest, unless one is closing already.
    fn close_idlest(&self) {
        let mut open = self.state.lock().expect("not poisoned");
        if open.closing > 0 {
            return;
        }
        let idlest = open
            .by_id
            .iter()
            .filter(|(_, c)| c.busy == 0)
            .min_by_key(|(_, c)| c.idle_since)
            .map(|(id, _)| *id);
        if let Some(c) = idlest.and_then(|id| open.by_id.remove(&id)) {
            open.closing += 1;
            c.close.notify_one();
        }
    }

    /// Waits for a permit to let one more connection in, closing idle ones
    /// to make room; `None` when `stop` comes first.
    async fn room(&self, stop: &mut watch::Receiver<bool>) -> Option<OwnedSemaphorePermit> {
        loop {
            if let Ok(p) = self.permits.clone().try_acquire_owned() {
                return Some(p);
            }
            self.close_idlest();
            tokio::select! {
                p = self.permits.clone().acquire_owned() => return p.ok(),
                () = self.went_idle.notified() => {}
                _ = stop.wait_for(|s| *s) => return None,
            }
        }
    }
}

impl Place {
    /// Marks a request under way; idle again when the guard goes.
    fn busy(self: &Arc<Self>) -> Busy {
        if let Some(c) = self
            .door
            .state
            .lock()
            .expect("not poisoned")
            .by_id
            .get_mut(&self.id)
        {
            c.busy += 1;
        }
        Busy(self.clone())
    }

    fn is_idle(&self) -> bool {
        let open = self.door.state.lock().expect("not poisoned");
        open.by_id.get(&self.id).is_none_or(|c| c.busy == 0)
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut open = self.door.state.lock().expect("not poisoned");
        if open.by_id.remove(&self.id).is_none() {
            open.closing = open.closing.saturating_sub(1);
        }
    }
}

struct Busy(Arc<Place>);

impl Drop for Busy {
    fn drop(&mut self) {
        let door = &self.0.door;
        if let Some(c) = door
            .state
            .lock()
            .expect("not poisoned")
            .by_id
            .get_mut(&self.0.id)
        {
            c.busy -= 1;
            if c.busy == 0 {
                c.idle_since = Instant::now();
            }
        }
        door.went_idle.notify_one();
    }
}

/// Serves `app` on `listener` until `stop` turns true; then closes the idle
/// connections, lets the busy ones finish for at most `drain`, and returns.
pub async fn run(
    app: Router,
    listener: tokio::net::TcpListener,
    mut stop: watch::Receiver<bool>,
    drain: Duration,
) {
    let (cap, files) = cap();
    tracing::info!(
        connections = cap,
        file_limit = files,
        header_read_seconds = HEADER_READ.as_secs(),
        request_seconds = REQUEST.as_secs(),
        "web console limits"
    );
    let door = Door::new(cap);
    while let Some(permit) = door.room(&mut stop).await {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stop.wait_for(|s| *s) => break,
        };
        match accepted {
            Ok((stream, peer)) => {
                let place = door.enter(permit);
                tokio::spawn(connection(stream, peer, place, app.clone(), stop.clone()));
            }
            Err(e) => {
                tracing::warn!(error = %e, "web console: accept failed; pausing");
                tokio::time::sleep(ACCEPT_PAUSE).await;
            }
        }
    }
    drop(listener);
    let all = u32::try_from(door.cap).unwrap_or(u32::MAX);
    if tokio::time::timeout(drain, door.permits.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!(
            seconds = drain.as_secs(),
            "web console: requests still running after the drain time; closing them"
        );
    }
}

/// Serves one connection: HTTP/1.1 with the header-read timeout, until the
/// client leaves, the door closes it to make room, or the console stops.
async fn connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    place: Arc<Place>,
    app: Router,
    mut stop: watch::Receiver<bool>,
) {
    let serving = place.clone();
    let service = hyper::service::service_fn(move |request: Request<hyper::body::Incoming>| {
        let busy = serving.busy();
        let app = app.clone();
        async move {
            let mut request = request;
            request.extensions_mut().insert(ConnectInfo(peer));
            let response = answer(app, request).await;
            drop(busy);
            Ok::<_, Infallible>(response)
        }
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ);
    let conn = builder.serve_connection(TokioIo::new(stream), service);
    let mut conn = std::pin::pin!(conn);
    tokio::select! {
        served = conn.as_mut() => {
            if let Err(e) = served {
                tracing::debug!(error = %e, %peer, "web console: connection ended");
            }
            return;
        }
        // Idle the longest while the console is full: dropped.
        () = place.close.notified() => return,
        _ = stop.wait_for(|s| *s) => {}
    }
    if place.is_idle() {
        return;
    }
    conn.as_mut().graceful_shutdown();
    let _ = conn.await;
}

/// `app`'s answer to `request`, or 503 once [`REQUEST`] has passed.
async fn answer<B>(app: Router, request: Request<B>) -> Response
where
    B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let path = request.uri().path().to_string();
    match tokio::time::timeout(REQUEST, app.oneshot(request)).await {
        Ok(Ok(response)) => response,
        Ok(Err(never)) => match never {},
        Err(_) => {
            tracing::warn!(
                path,
                seconds = REQUEST.as_secs(),
                "web console: a request took too long; answered 503"
            );
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(axum::http::header::RETRY_AFTER, "5")],
                "Yêu cầu chạy quá lâu; xin thử lại\n",
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;

    #[tokio::test(start_paused = true)]
    async fn a_request_that_takes_too_long_is_answered_503() {
        let app = Router::new()
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    "late"
                }),
            )
            .route("/quick", get(|| async { "ok" }));
        let get = |path: &str| Request::get(path).body(Body::empty()).unwrap();
        let started = tokio::time::Instant::now();
        let slow = answer(app.clone(), get("/slow")).await;
        assert_eq!(slow.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(started.elapsed(), REQUEST);
        assert_eq!(answer(app, get("/quick")).await.status(), StatusCode::OK);
    }

    #[test]
    fn the_idlest_connection_makes_room_and_busy_ones_stay() {
        let door = Door::new(2);
        let first = door.enter(door.permits.clone().try_acquire_owned().unwrap());
        let second = door.enter(door.permits.clone().try_acquire_owned().unwrap());
        let busy = first.busy();
        door.close_idlest();
        // The second (idle) is told to close, not the first (busy)…
        assert!(!door.state.lock().unwrap().by_id.contains_key(&second.id));
        assert!(door.state.lock().unwrap().by_id.contains_key(&first.id));
        // … and no other while it has not closed.
        drop(busy);
        door.close_idlest();
        assert!(door.state.lock().unwrap().by_id.contains_key(&first.id));
        drop(second);
        assert_eq!(door.state.lock().unwrap().closing, 0);
        assert_eq!(door.permits.available_permits(), 1);
    }
}
