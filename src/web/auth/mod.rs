//! Who is asking, and whether they may: sessions for people (a cookie made
//! at login, `HttpOnly`, `SameSite=Strict`, `Secure` behind https), bearer
//! tokens for programs, logins (through [`super::throttle`]), where a login
//! may lead (`next`), and the `Origin` check on every write.
//!
//! Sessions live in memory: a restart logs everyone out, a reload does not
//! (a session stays valid while its user exists with the same password; the
//! role is read from `users.toml` at each request).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Console, Current, throttle};
use crate::config::users::{self, Role};

/// The session cookie's name.
pub const COOKIE: &str = "dondoc_session";
/// A session unused this long ends.
const IDLE: Duration = Duration::from_secs(8 * 3600);
/// At most this many sessions are kept; the least recently used go first.
const MAX_SESSIONS: usize = 10_000;
/// Who a request comes from.
#[derive(Debug, Clone)]
pub struct Who {
    /// The user's or the token's name: what `recorded_by` says.
    pub name: String,
    pub display_name: String,
    pub role: Role,
    /// The session id, for a person logged in.
    pub session: Option<String>,
}

impl Who {
    pub fn may_record(&self) -> bool {
        self.role >= Role::Clerk
    }

    pub fn is_admin(&self) -> bool {
        self.role >= Role::Admin
    }
}

/// A message shown once on the next page (after a form was sent).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Flash {
    pub ok: bool,
    pub text: String,
    /// What a refused form held, to show it again in its fields: the clerk
    /// corrects what was typed rather than a default put in its place.
    pub typed: Option<Typed>,
    /// The journal entry of the write it confirms, which its author may
    /// undo from here for 10 minutes.
    pub undo: Option<i64>,
}

/// The fields a clerk typed in a record form (`action`: `submit`, `extend`,
/// …). The checkboxes are not kept: a confirmation is given again, seeing
/// the message.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Typed {
    pub action: &'static str,
    pub on: Option<String>,
    pub reference: Option<String>,
    pub note: Option<String>,
    pub to: Option<String>,
    /// The rows ticked for a bulk record.
    pub agencies: Vec<String>,
}

struct Session {
    user: String,
    fingerprint: [u8; 8],
    last_seen: Instant,
    flash: Option<Flash>,
}

#[derive(Default)]
pub struct Sessions {
    map: Mutex<HashMap<String, Session>>,
}

impl Sessions {
    /// A new session for `user`: always a fresh id (no fixation).
    fn create(&self, user: &users::User) -> String {
        let id = users::hex(&users::random_bytes());
        let mut map = self.map.lock().expect("not poisoned");
        map.retain(|_, s| s.last_seen.elapsed() < IDLE);
        if map.len() >= MAX_SESSIONS {
            let oldest = map
                .iter()
                .min_by_key(|(_, s)| s.last_seen)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                map.remove(&k);
            }
        }
        map.insert(
            id.clone(),
            Session {
                user: user.name.clone(),
                fingerprint: user.fingerprint(),
                last_seen: Instant::now(),
                flash: None,
            },
        );
        id
    }

    fn remove(&self, id: &str) {
        self.map.lock().expect("not poisoned").remove(id);
    }

    /// The user of a live session, whose password has not changed since.
    fn user<'a>(&self, id: &str, current: &'a Current) -> Option<&'a users::User> {
        let mut map = self.map.lock().expect("not poisoned");
        let session = map.get_mut(id)?;
        let user = current
            .accounts
            .user(&session.user)
            .filter(|u| u.fingerprint() == session.fingerprint);
        if session.last_seen.elapsed() >= IDLE || user.is_none() {
            map.remove(id);
            return None;
        }
        session.last_seen = Instant::now();
        user
    }

    pub fn set_flash(&self, id: &str, flash: Flash) {
        if let Some(s) = self.map.lock().expect("not poisoned").get_mut(id) {
            s.flash = Some(flash);
        }
    }

    pub fn take_flash(&self, id: &str) -> Option<Flash> {
        self.map
            .lock()
            .expect("not poisoned")
            .get_mut(id)
            .and_then(|s| s.flash.take())
    }
}

/// The session id a request's cookie carries.
fn session_id(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE)
        .and_then(|c| c.value_raw())
        .filter(|id| id.len() == 64)
}

/// Who a request comes from: a bearer token, else a session cookie.
pub fn who(console: &Console, headers: &HeaderMap) -> Option<Who> {
    let current = console.current();
    if let Some(auth) = headers.get(header::AUTHORIZATION) {
        let token = auth.to_str().ok()?.strip_prefix("Bearer ")?.trim();
        let t = current.accounts.token(token)?;
        return Some(Who {
            name: t.name.clone(),
            display_name: t.name.clone(),
            role: t.role,
            session: None,
        });
    }
    let id = session_id(headers)?;
    let user = console.sessions.user(id, &current)?;
    Some(Who {
        name: user.name.clone(),
        display_name: user.display_name.clone(),
        role: user.role,
        session: Some(id.to_string()),
    })
}

/// A page's reader, or the redirect to `/login` that brings them back.
pub fn reader(console: &Console, headers: &HeaderMap, back: &str) -> Result<Who, Response> {
    who(console, headers).ok_or_else(|| {
        let next: String = url_escape(back);
        Redirect::to(&format!("/login?next={next}")).into_response()
    })
}

/// A write must come from the console's own origin: `base_url`'s, else the
/// `Host` the request was sent to. A browser always sends `Origin` with a
/// POST; a program with a token may leave it out.
pub fn origin_ok(console: &Console, headers: &HeaderMap, required: bool) -> Result<(), Response> {
    let current = console.current();
    let expected: Vec<String> = match super::public_origin(&current.web) {
        Some(o) => vec![o],
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or_default();
            vec![format!("http://{host}"), format!("https://{host}")]
        }
    };
    let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
    match origin {
        None if !required => return Ok(()),
        Some(o) if expected.iter().any(|e| e.eq_ignore_ascii_case(o)) => return Ok(()),
        Some(o) => tracing::warn!(
            origin = o,
            "web console: a write from another origin was refused"
        ),
        None => {}
    }
    Err(super::refused::origin(
        console,
        &current,
        headers,
        origin,
        &expected[0],
    ))
}

/// A short plain-text refusal.
pub fn refuse(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{text}\n"),
    )
        .into_response()
}

#[derive(Debug, Deserialize)]
pub struct Next {
    next: Option<String>,
}

/// Where to go after login: a path of ours, else `/`.
fn safe_next(next: Option<&str>) -> String {
    next.filter(|n| local_path(n)).unwrap_or("/").to_string()
}

/// The longest `next` kept.
const NEXT_CHARS: usize = 2000;

/// Whether `next` is a path on this site, as written and once or twice
/// percent-decoded: one leading `/` not followed by `/` or `\`, and no
/// backslash, whitespace or control character anywhere (a browser drops a
/// tab or a newline, so `/\t/evil` would become `//evil`: another site).
fn local_path(next: &str) -> bool {
    if next.len() > NEXT_CHARS {
        return false;
    }
    let mut text = next.to_string();
    for _ in 0..3 {
        let plain = text.starts_with('/')
            && !text[1..].starts_with(['/', '\\'])
            && !text
                .chars()
                .any(|c| c == '\\' || c.is_whitespace() || c.is_control());
        if !plain {
            return false;
        }
        match percent_decoded(&text) {
            Some(d) if d == text => return true,
            Some(d) => text = d,
            None => return false,
        }
    }
    // Encoded three times over: no link of ours looks like that.
    false
}

/// `text` with `%XX` decoded; `None` when that is not UTF-8.
fn percent_decoded(text: &str) -> Option<String> {
    percent_encoding::percent_decode_str(text)
        .decode_utf8()
        .ok()
        .map(|t| t.into_owned())
}

/// `GET /login`.
pub async fn login_page(
    State(console): State<Arc<Console>>,
    headers: HeaderMap,
    Query(q): Query<Next>,
) -> Response {
    if who(&console, &headers).is_some_and(|w| w.session.is_some()) {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    console.pages.login(
        &console.current(),
        &safe_next(q.next.as_deref()),
        None,
        StatusCode::OK,
    )
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

/// `POST /login`: a new session on the right password; the throttle counts
/// the wrong ones.
pub async fn login(
    State(console): State<Arc<Console>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let current = console.current();
    if let Err(r) = origin_ok(&console, &headers, true) {
        return r;
    }
    let next = safe_next(form.next.as_deref());
    let name = form.username.trim().to_string();
    let client = throttle::client(peer, &headers, &current.web.trusted_proxies);
    let attempt = match console.throttle.admit(&name, client) {
        Ok(attempt) => attempt,
        Err(wait) => {
            tracing::warn!(user = %name, %client, "web console: login refused, too many failures");
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let text = format!("Đăng nhập sai quá nhiều lần; thử lại sau {seconds} giây");
            let mut r =
                console
                    .pages
                    .login(&current, &next, Some(&text), StatusCode::TOO_MANY_REQUESTS);
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            return r;
        }
    };
    let user = current.accounts.user(&name).cloned();
    let password = form.password;
    // Argon2 takes tens of milliseconds and 19 MiB: off the runtime, a few
    // at a time. An unknown name is checked against a dummy hash, so that it
    // takes as long as a known one.
    let turn = console.throttle.turn().await;
    let verified = tokio::task::spawn_blocking(move || {
        let _turn = turn;
        match user {
            Some(u) if u.verify(&password) => Some(u),
            Some(_) => None,
            None => {
                let _ = dummy_user().verify(&password);
                None
            }
        }
    })
    .await
    .ok()
    .flatten();
    let Some(user) = verified else {
        tracing::warn!(user = %name, %client, "web console: wrong user name or password");
        return console.pages.login(
            &current,
            &next,
            Some("Tên đăng nhập hoặc mật khẩu không đúng"),
            StatusCode::UNAUTHORIZED,
        );
    };
    attempt.passed();
    if let Some(old) = session_id(&headers) {
        console.sessions.remove(old);
    }
    let id = console.sessions.create(&user);
    tracing::info!(user = %user.name, role = %user.role, "web console: logged in");
    let secure = current
        .web
        .base_url
        .as_deref()
        .is_some_and(|b| b.starts_with("https://"));
    let cookie = format!(
        "{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict{}",
        if secure { "; Secure" } else { "" }
    );
    let mut r = Redirect::to(&next).into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).expect("ASCII cookie"),
    );
    r
}

/// `POST /logout`.
pub async fn logout(State(console): State<Arc<Console>>, headers: HeaderMap) -> Response {
    if let Err(r) = origin_ok(&console, &headers, true) {
        return r;
    }
    if let Some(id) = session_id(&headers) {
        console.sessions.remove(id);
    }
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("dondoc_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    r
}

/// A user whose password nobody knows, to spend the time of a real check.
fn dummy_user() -> &'static users::User {
    static DUMMY: OnceLock<users::User> = OnceLock::new();
    DUMMY.get_or_init(|| users::User::unusable(&users::hash_password("dondoc-dummy")))
}

/// Percent-encodes a path for a query value: all but letters, digits and
/// `-_.~/`.
pub fn url_escape(text: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const KEPT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~')
        .remove(b'/');
    utf8_percent_encode(text, KEPT).to_string()
}

#[cfg(test)]
mod tests;
