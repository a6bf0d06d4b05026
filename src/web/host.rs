//! The names the console answers to. A page asked for under another `Host`
//! is refused (421): a site whose name an attacker points at 127.0.0.1 (DNS
//! rebinding) would otherwise read the console from the victim's browser,
//! its `Origin` matching the `Host` it chose.
//!
//! With `base_url`, pages answer to its host and port only; without it, to
//! the listening address and the loopback names (`localhost`, `127.0.0.1`,
//! `[::1]`) with the listening port. `/healthz` and `/metrics` also answer to
//! the loopback names whatever `base_url` says: the machines that ask for
//! them run beside the console; `/static/` answers to any name (the
//! stylesheet, which the refusal's page uses, is no secret). The feeds' links are made from `base_url`
//! (else the listening address): they stay reachable.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;

use super::Console;
use crate::config::Web;

/// Paths that answer to loopback names even when `base_url` is set.
const MACHINE_PATHS: [&str; 2] = ["/healthz", "/metrics"];

/// The middleware: refuses a request whose `Host` is not one of ours.
/// `bound` is the address the console listens on.
pub async fn check(
    State((console, bound)): State<(Arc<Console>, SocketAddr)>,
    request: Request,
    next: Next,
) -> Response {
    let current = console.current();
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    if allowed(&current.web, bound, host, request.uri().path()) {
        return next.run(request).await;
    }
    tracing::warn!(
        host,
        path = request.uri().path(),
        "web console: a request for another host name was refused"
    );
    let port = bound.port();
    super::refused::host(&console, &current, request.headers(), host, port)
}

/// Whether a request for `path` under `host` is ours.
fn allowed(web: &Web, bound: SocketAddr, host: &str, path: &str) -> bool {
    let Some((name, port)) = split(host) else {
        return false;
    };
    // The stylesheet is the same for everyone: the refusal page uses it.
    if path.starts_with("/static/") {
        return true;
    }
    let local = || {
        let listen = match bound.ip() {
            std::net::IpAddr::V4(ip) => ip.to_string(),
            std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        };
        let names = ["localhost", "127.0.0.1", "[::1]", listen.as_str()];
        names.contains(&name.as_str()) && port.unwrap_or(80) == bound.port()
    };
    match public(web) {
        Some((public_name, public_port, default_port)) => {
            (name == public_name && port.unwrap_or(default_port) == public_port)
                || (MACHINE_PATHS.contains(&path) && local())
        }
        None => local(),
    }
}

/// `base_url`'s host, its port and its scheme's default port.
fn public(web: &Web) -> Option<(String, u16, u16)> {
    let (scheme, rest) = web.base_url.as_deref()?.split_once("://")?;
    let default = if scheme.eq_ignore_ascii_case("https") {
        443
    } else {
        80
    };
    let (name, port) = split(rest.split('/').next()?)?;
    Some((name, port.unwrap_or(default), default))
}

/// A `Host` value as a lowercase name (an IPv6 address in brackets) and a
/// port if it names one; `None` when it is not a host name.
fn split(host: &str) -> Option<(String, Option<u16>)> {
    let host = host.to_ascii_lowercase();
    let (name, port) = if host.starts_with('[') {
        let end = host.find(']')?;
        let (name, rest) = host.split_at(end + 1);
        (name.to_string(), rest.strip_prefix(':'))
    } else {
        match host.rsplit_once(':') {
            Some((name, port)) => (name.to_string(), Some(port)),
            None => (host.clone(), None),
        }
    };
    let plain = |c: char| c.is_ascii_alphanumeric() || "-.:[]".contains(c);
    if name.is_empty() || !name.chars().all(plain) {
        return None;
    }
    match port {
        None => Some((name, None)),
        Some(p) => Some((name, Some(p.parse().ok()?))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn web(base_url: Option<&str>) -> Web {
        Web {
            listen: "127.0.0.1:8138".parse().unwrap(),
            users: "users.toml".into(),
            base_url: base_url.map(String::from),
            trusted_proxies: Vec::new(),
        }
    }

    #[test]
    fn without_base_url_only_the_listening_address_and_loopback_names() {
        let w = web(None);
        let bound: SocketAddr = "127.0.0.1:8138".parse().unwrap();
        for ok in [
            "127.0.0.1:8138",
            "localhost:8138",
            "LOCALHOST:8138",
            "[::1]:8138",
        ] {
            assert!(allowed(&w, bound, ok, "/"), "{ok}");
        }
        for no in [
            "evil.example:8138",
            "127.0.0.1:8139",
            "127.0.0.1",
            "localhost.evil.example:8138",
            "",
            "127.0.0.1:8138/x",
            "[::1]x:8138",
        ] {
            assert!(!allowed(&w, bound, no, "/"), "{no}");
        }
        let any: SocketAddr = "0.0.0.0:8138".parse().unwrap();
        assert!(allowed(&w, any, "0.0.0.0:8138", "/"));
        assert!(!allowed(&w, any, "192.168.1.5:8138", "/"));
    }

    #[test]
    fn with_base_url_its_host_and_the_machines_on_loopback() {
        let w = web(Some("https://dondoc.example.gov.vn"));
        let bound: SocketAddr = "127.0.0.1:8138".parse().unwrap();
        for ok in ["dondoc.example.gov.vn", "Dondoc.Example.gov.vn:443"] {
            assert!(allowed(&w, bound, ok, "/"), "{ok}");
        }
        for no in [
            "dondoc.example.gov.vn:8443",
            "127.0.0.1:8138",
            "evil.example",
        ] {
            assert!(!allowed(&w, bound, no, "/"), "{no}");
        }
        assert!(allowed(&w, bound, "127.0.0.1:8138", "/healthz"));
        assert!(allowed(&w, bound, "localhost:8138", "/metrics"));
        assert!(!allowed(&w, bound, "evil.example", "/healthz"));
        // The stylesheet, which the refusal's page uses, answers to any name.
        assert!(allowed(&w, bound, "127.0.0.1:8138", "/static/dondoc.css"));
        let port = web(Some("http://dondoc.example.gov.vn:8080/console"));
        assert!(allowed(&port, bound, "dondoc.example.gov.vn:8080", "/"));
        assert!(!allowed(&port, bound, "dondoc.example.gov.vn", "/"));
    }
}
