//! What a person is told when the console refuses a request for the name it
//! was sent to (421, [`super::host`]) or for the page it came from (403,
//! the `Origin` check of every write): a Vietnamese page that names the
//! address to open — `base_url`'s when it is set — and, when that address is
//! https, that it works only behind a TLS reverse proxy (nginx, caddy), with
//! what to do without one. A program (no `text/html` in `Accept`) gets the
//! same words as plain text.
//!
//! The README's `[web]` block, uncommented as it is, sets an https
//! `base_url`: a newcomer opening `http://127.0.0.1:8138` must learn why
//! nothing answers there, not read a bare *Origin không khớp* (issue 24).

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{Console, Current, base};
use crate::config::Web;

/// Whether the client reads HTML (a browser), from its `Accept`.
fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

/// A refusal: `heading`, `lines` and the address to `open`, as a page for a
/// browser, else as plain text.
pub(super) fn answer(
    console: &Console,
    current: &Current,
    headers: &HeaderMap,
    status: StatusCode,
    heading: &str,
    lines: &[String],
    open: Option<&str>,
) -> Response {
    if wants_html(headers) {
        return console.pages.refusal(current, status, heading, lines, open);
    }
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{}\n", lines.join(" ")),
    )
        .into_response()
}

/// The address the console answers at on this machine, for a person to
/// type: `listen`, with `127.0.0.1` for an unspecified address.
pub(super) fn local_address(web: &Web, port: u16) -> String {
    let ip = web.listen.ip();
    if ip.is_unspecified() {
        format!("http://127.0.0.1:{port}")
    } else if ip.is_ipv6() {
        format!("http://[{ip}]:{port}")
    } else {
        format!("http://{ip}:{port}")
    }
}

/// When `base_url` is https: that the console itself speaks plain HTTP,
/// so the address works only through a TLS reverse proxy, and what to do
/// without one (`local` is the address to open then).
pub(super) fn behind_proxy(web: &Web, local: &str) -> Option<String> {
    let b = web.base_url.as_deref()?;
    b.starts_with("https://").then(|| {
        format!(
            "Địa chỉ {b} chỉ dùng được khi máy chủ có một proxy ngược có TLS (nginx, caddy) \
             nhận https ở đó rồi chuyển vào dondoc, vì dondoc chỉ nghe HTTP thường \
             ({listen}). Nếu chưa có proxy đó, quản trị viên đặt dấu # trước dòng base_url \
             trong [web] của dondoc.toml, nạp lại cấu hình (systemctl reload dondoc, hoặc \
             khởi động lại lệnh dondoc) rồi mở {local}.",
            listen = web.listen,
        )
    })
}

/// 403 for a write whose `Origin` is not the console's own (`expected`, the
/// first of which a person should open), or that has none.
pub(super) fn origin(
    console: &Console,
    current: &Current,
    headers: &HeaderMap,
    origin: Option<&str>,
    expected: &str,
) -> Response {
    let web = &current.web;
    let mut lines = vec![match origin {
        None => "Yêu cầu không có tiêu đề Origin nên không biết được gửi từ trang nào; \
                 đã từ chối. Hãy gửi từ trang của dondoc."
            .to_string(),
        Some(o) if web.base_url.is_some() => format!(
            "Yêu cầu gửi từ trang {o}, không phải từ địa chỉ của trang quản trị ({expected}, \
             theo [web] base_url) (Origin không khớp); đã từ chối, để không trang nào khác \
             thao tác thay bạn được."
        ),
        Some(o) => format!(
            "Yêu cầu gửi từ trang {o}, không phải từ trang của dondoc ({expected}) \
             (Origin không khớp); đã từ chối, để không trang nào khác thao tác thay bạn được."
        ),
    }];
    let open = match &web.base_url {
        Some(_) => base(web),
        None => expected.to_string(),
    };
    lines.push(format!("Hãy mở {open}, đăng nhập và làm lại."));
    let local = local_address(web, web.listen.port());
    lines.extend(behind_proxy(web, &local));
    answer(
        console,
        current,
        headers,
        StatusCode::FORBIDDEN,
        "Yêu cầu bị từ chối",
        &lines,
        Some(&open),
    )
}

/// 421 for a request under a name that is not the console's (`host`);
/// `port` is the port it listens on.
pub(super) fn host(
    console: &Console,
    current: &Current,
    headers: &HeaderMap,
    host: &str,
    port: u16,
) -> Response {
    let web = &current.web;
    let local = local_address(web, port);
    let host = host.escape_default();
    let lines: Vec<String> = match &web.base_url {
        Some(_) => {
            let open = base(web);
            let mut lines = vec![format!(
                "Trang quản trị dondoc không phục vụ tên \"{host}\": theo [web] base_url, \
                 trang dùng tại {open}; hãy mở {open}."
            )];
            lines.extend(behind_proxy(web, &local));
            lines
        }
        None => vec![format!(
            "Trang quản trị dondoc không phục vụ tên \"{host}\"; hãy mở {local} (từ máy \
             khác: đặt [web] base_url là địa chỉ công khai của trang)."
        )],
    };
    let open = match &web.base_url {
        Some(_) => base(web),
        None => local,
    };
    answer(
        console,
        current,
        headers,
        StatusCode::MISDIRECTED_REQUEST,
        "Địa chỉ không đúng",
        &lines,
        Some(&open),
    )
}
