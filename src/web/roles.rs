//! Who may do what, as types: a handler that takes a [`Reader`], a
//! [`Clerk`] or an [`Admin`] runs only for such a person (or token), and
//! the refusal is decided here, once:
//!
//! - nobody logged in: a page (`GET`) sends them to `/login`, to come back
//!   to the same address; a write gets 401;
//! - a write (any other method) must come from the console's own origin
//!   ([`auth::origin_ok`]);
//! - a role too low: 403, as a page for a page, as text for a write.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, StatusCode};
use axum::response::Response;

use super::Console;
use super::auth::{self, Who};
use crate::config::users::Role;

/// Anyone logged in, or a token.
pub struct Reader(pub Who);

/// Someone allowed to record: a clerk or an admin, or a token of that role.
pub struct Clerk(pub Who);

/// An admin.
pub struct Admin(pub Who);

impl FromRequestParts<Arc<Console>> for Reader {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        console: &Arc<Console>,
    ) -> Result<Self, Response> {
        at_least(parts, console, Role::Viewer, "").map(Reader)
    }
}

impl FromRequestParts<Arc<Console>> for Clerk {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        console: &Arc<Console>,
    ) -> Result<Self, Response> {
        at_least(
            parts,
            console,
            Role::Clerk,
            "Tài khoản này chỉ được xem (viewer); việc ghi nhận cần quyền văn thư (clerk).",
        )
        .map(Clerk)
    }
}

impl FromRequestParts<Arc<Console>> for Admin {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        console: &Arc<Console>,
    ) -> Result<Self, Response> {
        at_least(
            parts,
            console,
            Role::Admin,
            "Trang này dành cho quản trị viên (admin).",
        )
        .map(Admin)
    }
}

/// The requester, if their role is at least `role`; else the refusal,
/// `denied` saying why the role falls short.
fn at_least(parts: &Parts, console: &Console, role: Role, denied: &str) -> Result<Who, Response> {
    let page = parts.method == Method::GET || parts.method == Method::HEAD;
    let who = if page {
        let back = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        auth::reader(console, &parts.headers, back)?
    } else {
        let Some(who) = auth::who(console, &parts.headers) else {
            return Err(auth::refuse(
                StatusCode::UNAUTHORIZED,
                "Cần đăng nhập (hoặc mã API) để ghi nhận",
            ));
        };
        auth::origin_ok(console, &parts.headers, who.session.is_some())?;
        who
    };
    if who.role >= role {
        return Ok(who);
    }
    Err(if page {
        console.pages.error(
            &console.current(),
            Some(&who),
            StatusCode::FORBIDDEN,
            denied,
        )
    } else {
        auth::refuse(StatusCode::FORBIDDEN, denied)
    })
}
