//! The web console through the real binary (`dondoc web`, and `run` with
//! `[web]`), over real HTTP on loopback: the API's status codes and
//! all-or-nothing batches, `recorded_by`, and the security rules of SPEC's
//! "The web console" — anonymous clients sent to `/login`, session ids new at
//! each login, cookie flags, `Origin` on writes, the login throttle, escaping
//! of what comes from the config and the ledger, no path out of `/static/`.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::console::{ADMIN, CLERK, Console, VIEWER, launch, start, start_with, with_stdin};
use common::dondoc;
use common::http::{self, Response, form};
use serde_json::{Value, json};

fn row<'a>(rows: &'a [Value], agency: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["agency"] == agency)
        .unwrap_or_else(|| panic!("no row for {agency}"))
}

fn submission(agency: &str, on: &str, reference: &str) -> Value {
    json!({"plan": "p", "obligation": "bao-cao", "period": "29/04/2025",
           "agency": agency, "submitted_on": on, "ref": reference})
}

#[test]
fn the_api_records_all_or_nothing_with_the_status_codes_of_spec() {
    let c = start();
    let token = c.clerk_token.clone();

    // One object: 201 with its row, recorded by the token's name.
    let r = c.api(
        "POST",
        &token,
        &submission("so-y-te", "28/04/2025 08:30", "125/BC-SYT"),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let rows: Vec<Value> = serde_json::from_str(&r.body).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["state"], "on_time");
    assert_eq!(rows[0]["ref"], "125/BC-SYT");
    assert_eq!(rows[0]["recorded_by"], "he-thong-van-ban");
    assert_eq!(rows[0]["submitted_on"], "2025-04-28T08:30:00+07:00");

    // A batch with one bad row: 422 naming it, and nothing of the batch recorded.
    let batch = json!([
        submission("cong-an-tinh", "27/04/2025", "77/BC-CAT"),
        submission("so-khong-co", "27/04/2025", "1/BC"),
        submission("so-xss", "31/02/2025", "2/BC"),
    ]);
    let r = c.api("POST", &token, &batch);
    assert_eq!(r.status, 422, "{}", r.body);
    let body: Value = serde_json::from_str(&r.body).unwrap();
    let errors = body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{}", r.body);
    assert_eq!(errors[0]["index"], 1);
    assert_eq!(errors[0]["field"], "agency");
    assert_eq!(errors[1]["index"], 2);
    assert_eq!(errors[1]["field"], "submitted_on");
    assert_eq!(row(&c.status(&token), "cong-an-tinh")["state"], "pending");

    // A different submission for a recorded pair: 409, unless replace.
    let other = submission("so-y-te", "28/04/2025 08:45", "126/BC-SYT");
    let r = c.api(
        "POST",
        &token,
        &json!([submission("cong-an-tinh", "27/04/2025", "77/BC-CAT"), other]),
    );
    assert_eq!(r.status, 409, "{}", r.body);
    let body: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(body["index"], 1);
    assert_eq!(body["existing"]["ref"], "125/BC-SYT");
    assert_eq!(
        row(&c.status(&token), "cong-an-tinh")["state"],
        "pending",
        "all or nothing"
    );
    let mut replacing = other.clone();
    replacing["replace"] = json!(true);
    let r = c.api("POST", &token, &replacing);
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(row(&c.status(&token), "so-y-te")["ref"], "126/BC-SYT");
    // The same again changes nothing and is not a conflict.
    assert_eq!(c.api("POST", &token, &other).status, 201);

    // DELETE: all or nothing too.
    let pair = |a: &str| json!({"plan": "p", "obligation": "bao-cao", "period": "2025-04-29", "agency": a});
    let r = c.api(
        "DELETE",
        &token,
        &json!([pair("so-y-te"), pair("cong-an-tinh")]),
    );
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("no submission is recorded"), "{}", r.body);
    assert_eq!(row(&c.status(&token), "so-y-te")["state"], "on_time");
    // The same object as was posted (its date, number and note are read
    // and ignored: SPEC's "DELETE of the same"); an unknown field is not.
    let mut typo = other.clone();
    typo["agencyy"] = json!("so-y-te");
    let r = c.api("DELETE", &token, &typo);
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("\"field\":\"agencyy\""), "{}", r.body);
    let r = c.api("DELETE", &token, &other);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        serde_json::from_str::<Value>(&r.body).unwrap()["deleted"],
        1
    );
    assert_eq!(row(&c.status(&token), "so-y-te")["state"], "pending");

    // Who may: a viewer's token reads but does not write; no token, or a
    // wrong one, is 401; a body that is not JSON is 400.
    assert_eq!(c.api("POST", &c.viewer_token, &other).status, 403);
    assert_eq!(c.status(&c.viewer_token).len(), 3);
    assert_eq!(c.api("POST", "ddt_0000", &other).status, 401);
    let r = http::request(
        c.port,
        "POST",
        "/api/submissions",
        &[],
        other.to_string().as_bytes(),
    );
    assert_eq!(r.status, 401);
    let auth = format!("Bearer {token}");
    let r = http::request(
        c.port,
        "POST",
        "/api/submissions",
        &[("Authorization", auth.as_str())],
        b"{plan",
    );
    assert_eq!(r.status, 400);
}

#[test]
fn api_status_is_the_status_command() {
    let c = start();
    let r = c.api(
        "POST",
        &c.clerk_token,
        &submission("so-y-te", "29/04/2025 08:00", "125/BC-SYT"),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let auth = format!("Bearer {}", c.clerk_token);
    for query in [
        "at=2025-05-02T09:00:00%2B07:00",
        "at=2025-05-02T09:00:00%2B07:00&state=overdue",
        "at=2025-05-02T09:00:00%2B07:00&agency=so-y-te",
    ] {
        let r = c.get(
            &format!("/api/status?{query}"),
            &[("Authorization", auth.as_str())],
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let api: Value = serde_json::from_str(&r.body).unwrap();
        let mut args = vec![
            "--config",
            &c.cfg,
            "status",
            "--format",
            "json",
            "--at",
            "2025-05-02T09:00:00+07:00",
        ];
        if query.contains("state=") {
            args.extend(["--state", "overdue"]);
        }
        if query.contains("agency=") {
            args.extend(["--agency", "so-y-te"]);
        }
        let out = dondoc(&args);
        let cli: Value = serde_json::from_str(&out.stdout).unwrap();
        assert_eq!(api, cli, "{query}");
    }
    // At the console's own clock (28/04, before the submission's time) the
    // pair is still pending; on 02/05 it is on time, recorded by the token.
    assert_eq!(
        row(&c.status(&c.clerk_token), "so-y-te")["state"],
        "pending"
    );
    let r = c.get(
        "/api/status?at=02/05/2025%2009:00&agency=so-y-te",
        &[("Authorization", auth.as_str())],
    );
    let rows: Vec<Value> = serde_json::from_str(&r.body).unwrap();
    assert_eq!(rows[0]["state"], "on_time");
    assert_eq!(rows[0]["recorded_by"], "he-thong-van-ban");
    // A wrong query parameter is a bad request (it was 422, which the
    // API keeps for bad rows of a body).
    let r = c.get(
        "/api/status?state=lost",
        &[("Authorization", auth.as_str())],
    );
    assert_eq!(r.status, 400);
}

/// SPEC: dates from outside are taken from 01/01/2000 to 31/12/2100 — a
/// year typed wrong is refused with a message, not computed with (the API
/// answered `at=01/01/9000` with 7 000 years of working days).
#[test]
fn dates_outside_2000_to_2100_are_refused_by_the_api_and_the_forms() {
    let c = start();
    let auth = format!("Bearer {}", c.clerk_token);
    for at in ["01/01/9000", "31/12/1999", "2101-01-01T00:00:00%2B07:00"] {
        let r = c.get(
            &format!("/api/status?at={at}"),
            &[("Authorization", auth.as_str())],
        );
        assert_eq!(r.status, 400, "{at}: {}", r.body);
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["errors"][0]["field"], "at", "{}", r.body);
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.contains(&at.replace("%2B", "+"))
                && message.contains("từ 01/01/2000 đến 31/12/2100"),
            "{message}"
        );
    }
    // The API's submitted_on: 422 naming the row and the field.
    for on in ["01/01/1999", "01/01/2101"] {
        let r = c.api(
            "POST",
            &c.clerk_token,
            &submission("so-y-te", on, "125/BC-SYT"),
        );
        assert_eq!(r.status, 422, "{}", r.body);
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["errors"][0]["field"], "submitted_on", "{}", r.body);
        assert!(r.body.contains(on), "{}", r.body);
    }
    // The form comes back naming the field, with the message.
    let cookie = c.login(CLERK);
    let r = c.post_form(
        "/record/submit",
        &[
            ("plan", "p"),
            ("obligation", "bao-cao"),
            ("period", "2025-04-29"),
            ("agency", "so-y-te"),
            ("on", "31/12/9999"),
            ("back", "/instances/p/bao-cao/2025-04-29"),
        ],
        Some(&cookie),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let form = c.get(
        r.header("location").unwrap(),
        &[("Cookie", cookie.as_str())],
    );
    assert!(
        form.body.contains("31&#x2f;12&#x2f;9999")
            && form.body.contains("nằm ngoài khoảng ngày dondoc nhận"),
        "{}",
        form.body
    );
    assert_eq!(
        row(&c.status(&c.clerk_token), "so-y-te")["state"],
        "pending"
    );
}

#[test]
fn an_anonymous_client_sees_only_login_healthz_and_static_files() {
    let c = start();
    for path in [
        "/",
        "/?all=1",
        "/instances/p/bao-cao/2025-04-29",
        "/agencies/so-y-te",
        "/admin",
        "/record?plan=p&obligation=bao-cao&period=2025-04-29&agency=so-y-te",
        "/export/status.csv",
        "/export/status.xlsx",
        "/no-such-page",
    ] {
        let r = c.get(path, &[]);
        assert_eq!(r.status, 303, "{path}");
        assert!(
            r.header("location").unwrap().starts_with("/login?next="),
            "{path}"
        );
    }
    for path in ["/api/status", "/metrics"] {
        assert_eq!(c.get(path, &[]).status, 401, "{path}");
    }
    assert_eq!(c.get("/calendar.ics", &[]).status, 404);
    assert_eq!(c.get("/agencies/so-y-te.ics", &[]).status, 404);
    let r = c.get("/login", &[]);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("name=\"username\"") && r.body.contains("name=\"password\""));
    assert_eq!(c.get("/healthz", &[]).body, "ok\n");
    let css = c.get("/static/dondoc.css", &[]);
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    // No way out of /static/, however the dots are written.
    for path in [
        "/static/../dondoc.toml",
        "/static/..%2fdondoc.toml",
        "/static/%2e%2e%2fusers.toml",
        "/static/..%5cusers.toml",
        "/static/%2e%2e/%2e%2e/etc/passwd",
        "/static/dondoc.css%00.toml",
    ] {
        let r = c.get(path, &[]);
        assert!(
            r.status == 404 || r.status == 303 || r.status == 400,
            "{path}: {}",
            r.status
        );
        assert!(
            !r.body.contains("password_hash")
                && !r.body.contains("[office]")
                && !r.body.contains("root:"),
            "{path}"
        );
    }
    // A write without a session is refused and records nothing.
    let r = http::request(
        c.port,
        "POST",
        "/record/submit",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", c.origin().as_str()),
        ],
        form(&[
            ("plan", "p"),
            ("obligation", "bao-cao"),
            ("period", "2025-04-29"),
            ("agency", "so-y-te"),
        ])
        .as_bytes(),
    );
    assert_eq!(r.status, 401);
    assert_eq!(
        row(&c.status(&c.clerk_token), "so-y-te")["state"],
        "pending"
    );
}

#[test]
fn login_makes_a_new_session_with_strict_cookies() {
    let c = start();
    let planted = "a".repeat(64);
    let planted_cookie = format!("dondoc_session={planted}");
    let r = c.post_form(
        "/login",
        &[
            ("username", CLERK.0),
            ("password", CLERK.1),
            ("next", "/agencies/so-y-te"),
        ],
        Some(&planted_cookie),
    );
    assert_eq!(r.status, 303);
    assert_eq!(r.header("location"), Some("/agencies/so-y-te"));
    let id = r.session().unwrap();
    assert_ne!(
        id, planted,
        "a session id chosen by someone else is never kept"
    );
    assert_eq!(id.len(), 64);
    let set = r.header("set-cookie").unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/"),
        "{set}"
    );
    assert!(!set.contains("Secure"), "no https base_url: {set}");
    // The planted id lets nobody in; the new one does.
    assert_eq!(
        c.get("/", &[("Cookie", planted_cookie.as_str())]).status,
        303
    );
    let cookie = format!("dondoc_session={id}");
    let page = c.get("/", &[("Cookie", cookie.as_str())]);
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Tình hình gửi kế hoạch, báo cáo"));
    assert_eq!(page.header("x-frame-options"), Some("DENY"));
    assert!(
        page.header("content-security-policy")
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    // A login elsewhere is a second session; logging out ends only this one.
    let second = c.login(CLERK);
    let r = c.post_form("/logout", &[], Some(&cookie));
    assert_eq!(r.status, 303);
    assert_eq!(c.get("/", &[("Cookie", cookie.as_str())]).status, 303);
    assert_eq!(c.get("/", &[("Cookie", second.as_str())]).status, 200);
    // Never redirected off the site after login.
    let r = c.post_form(
        "/login",
        &[
            ("username", CLERK.0),
            ("password", CLERK.1),
            ("next", "//evil.example/"),
        ],
        None,
    );
    assert_eq!(r.header("location"), Some("/"));
}

#[test]
fn behind_https_the_cookie_is_secure_and_the_origin_is_base_url() {
    let c = start_with("web", "base_url = \"https://dondoc.example.gov.vn\"\n");
    let public = ("Host", "dondoc.example.gov.vn");
    let r = http::request(
        c.port,
        "POST",
        "/login",
        &[
            public,
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", "https://dondoc.example.gov.vn"),
        ],
        form(&[("username", CLERK.0), ("password", CLERK.1)]).as_bytes(),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(r.header("set-cookie").unwrap().contains("; Secure"));
    // The console's own host:port is not the public origin…
    let origin = c.origin();
    let r = http::request(
        c.port,
        "POST",
        "/login",
        &[
            public,
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", origin.as_str()),
        ],
        form(&[("username", CLERK.0), ("password", CLERK.1)]).as_bytes(),
    );
    assert_eq!(r.status, 403);
    // … nor, for the pages, its public name (issue 21: only base_url's host).
    let r = c.get("/login", &[]);
    assert_eq!(r.status, 421);
    assert!(
        r.body.contains("https://dondoc.example.gov.vn"),
        "{}",
        r.body
    );
    // The machines beside it still ask on loopback.
    assert_eq!(c.get("/healthz", &[]).status, 200);
    let auth = format!("Bearer {}", c.viewer_token);
    assert_eq!(
        c.get("/metrics", &[("Authorization", auth.as_str())])
            .status,
        200
    );
    // The feed URL uses base_url, and answers under its name.
    let out = dondoc(&["--config", &c.cfg, "feed-url"]);
    let path = out
        .stdout
        .trim()
        .strip_prefix("https://dondoc.example.gov.vn")
        .unwrap_or_else(|| panic!("{}", out.stdout));
    assert!(path.starts_with("/calendar.ics?key="), "{path}");
    assert_eq!(c.get(path, &[public]).status, 200);
}

#[test]
fn writes_from_another_origin_are_refused() {
    let c = start();
    let cookie = c.login(CLERK);
    let fields = form(&[
        ("plan", "p"),
        ("obligation", "bao-cao"),
        ("period", "2025-04-29"),
        ("agency", "so-y-te"),
        ("on", "28/04/2025"),
    ]);
    for origin in [Some("http://evil.example"), Some("null"), None] {
        let mut headers = vec![
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", cookie.as_str()),
        ];
        if let Some(o) = origin {
            headers.push(("Origin", o));
        }
        let r = http::request(
            c.port,
            "POST",
            "/record/submit",
            &headers,
            fields.as_bytes(),
        );
        assert_eq!(r.status, 403, "{origin:?}");
    }
    assert_eq!(
        row(&c.status(&c.clerk_token), "so-y-te")["state"],
        "pending"
    );
    // The same from the console's own origin is recorded, by the clerk.
    let r = http::request(
        c.port,
        "POST",
        "/record/submit",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", cookie.as_str()),
            ("Origin", c.origin().as_str()),
        ],
        fields.as_bytes(),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let s = row(&c.status(&c.clerk_token), "so-y-te").clone();
    assert_eq!(s["state"], "on_time");
    assert_eq!(s["recorded_by"], "thuky");
    // A login from another origin is refused too (no login CSRF).
    let r = http::request(
        c.port,
        "POST",
        "/login",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", "http://evil.example"),
        ],
        form(&[("username", CLERK.0), ("password", CLERK.1)]).as_bytes(),
    );
    assert_eq!(r.status, 403);
}

/// A login from `from` (an `X-Forwarded-For`), its status and `Retry-After`.
fn try_login(c: &Console, (name, password): (&str, &str), from: Option<&str>) -> Response {
    let origin = c.origin();
    let mut headers = vec![
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("Origin", origin.as_str()),
    ];
    if let Some(f) = from {
        headers.push(("X-Forwarded-For", f));
    }
    let body = form(&[("username", name), ("password", password), ("next", "/")]);
    http::request(c.port, "POST", "/login", &headers, body.as_bytes())
}

/// Issue 21: five failures locked the name for 30 s and more, the right
/// password included. Now the name waits 2 s; after that the right password
/// logs in.
#[test]
fn after_five_wrong_passwords_the_name_waits_then_the_right_one_logs_in() {
    let c = start();
    let wrong = (CLERK.0, "sai mật khẩu");
    let codes: Vec<u16> = (0..8).map(|_| try_login(&c, wrong, None).status).collect();
    assert_eq!(codes, [401, 401, 401, 401, 401, 429, 429, 429]);
    // During the wait even the right password waits, and says how long.
    let r = try_login(&c, CLERK, None);
    assert_eq!(r.status, 429);
    let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    assert!(r.body.contains("thử lại sau"), "{}", r.body);
    // Another user is not held up by it.
    c.login(VIEWER);
    std::thread::sleep(Duration::from_secs(wait));
    assert_eq!(try_login(&c, CLERK, None).status, 303, "{}", c.log());
    assert!(c.log().contains("too many failures"));
}

/// Issue 21: a burst of 64 concurrent wrong passwords had 29 of them
/// checked. The count is taken before the hash: 5 at most.
#[test]
fn a_burst_of_64_wrong_passwords_reaches_argon2_at_most_5_times() {
    let c = start();
    let codes: Vec<u16> = std::thread::scope(|s| {
        let tries: Vec<_> = (0..64)
            .map(|_| s.spawn(|| try_login(&c, (ADMIN.0, "đoán bừa"), None).status))
            .collect();
        tries.into_iter().map(|t| t.join().unwrap()).collect()
    });
    let checked = codes.iter().filter(|&&s| s == 401).count();
    assert!(checked <= 5, "{checked} checked: {codes:?}");
    assert!(codes.iter().all(|&s| s == 401 || s == 429), "{codes:?}");
    let logged = c.log().matches("wrong user name or password").count();
    assert_eq!(logged, checked);
}

/// Issue 21: twenty failures from one address (everyone behind the README's
/// nginx is 127.0.0.1) locked out the admin with the right password.
#[test]
fn failures_from_one_address_do_not_lock_out_a_colleague() {
    let c = start();
    for name in ["a", "b", "c", "d"] {
        for _ in 0..5 {
            assert_eq!(try_login(&c, (name, "sai mật khẩu"), None).status, 401);
        }
    }
    assert_eq!(try_login(&c, ADMIN, None).status, 303, "{}", c.log());
    // The address's limit: a name it gets wrong now waits at once.
    assert_eq!(try_login(&c, (VIEWER.0, "sai"), None).status, 401);
    assert_eq!(try_login(&c, (VIEWER.0, "sai"), None).status, 429);
}

/// `[web] trusted_proxies`, set through the loader: the address behind the
/// proxy is the client's, so one busy client does not cost another its free
/// tries; unset, `X-Forwarded-For` is anyone's to write and is ignored.
#[test]
fn trusted_proxies_name_the_client_behind_the_proxy() {
    for (extra, separate) in [("trusted_proxies = [\"127.0.0.1\"]\n", true), ("", false)] {
        let c = start_with("web", extra);
        let busy = Some("203.0.113.7");
        for name in ["a", "b", "c", "d"] {
            for _ in 0..5 {
                assert_eq!(try_login(&c, (name, "sai"), busy).status, 401);
            }
        }
        try_login(&c, ("x", "sai"), busy);
        assert_eq!(try_login(&c, ("x", "sai"), busy).status, 429, "{extra}");
        // Another client behind the proxy: its own free tries, if told apart.
        let other = Some("198.51.100.9, 127.0.0.1");
        try_login(&c, ("y", "sai"), other);
        let second = try_login(&c, ("y", "sai"), other).status;
        assert_eq!(second, if separate { 401 } else { 429 }, "{extra}");
        if separate {
            assert!(c.log().contains("client=198.51.100.9"), "{}", c.log());
        }
    }
}

#[test]
fn a_viewer_reads_but_cannot_record() {
    let c = start();
    let cookie = c.login(VIEWER);
    let page = c.get(
        "/instances/p/bao-cao/2025-04-29",
        &[("Cookie", cookie.as_str())],
    );
    assert_eq!(page.status, 200);
    assert!(
        !page.body.contains("/record?"),
        "no record link for a viewer"
    );
    // The page quotes the deadline as the plan writes it (SPEC third release).
    assert!(
        page.body
            .contains("Thời hạn: trước ngày 30&#x2f;4&#x2f;2025."),
        "{}",
        page.body
    );
    let form_page = c.get(
        "/record?plan=p&obligation=bao-cao&period=2025-04-29&agency=so-y-te",
        &[("Cookie", cookie.as_str())],
    );
    assert_eq!(form_page.status, 403);
    let r = c.post_form(
        "/record/submit",
        &[
            ("plan", "p"),
            ("obligation", "bao-cao"),
            ("period", "2025-04-29"),
            ("agency", "so-y-te"),
            ("on", "28/04/2025"),
        ],
        Some(&cookie),
    );
    assert_eq!(r.status, 403);
    assert_eq!(
        row(&c.status(&c.clerk_token), "so-y-te")["state"],
        "pending"
    );
    // Admin pages are for admins.
    assert_eq!(c.get("/admin", &[("Cookie", cookie.as_str())]).status, 403);
    assert_eq!(
        c.get("/metrics", &[("Cookie", cookie.as_str())]).status,
        403
    );
    let admin = c.login(ADMIN);
    assert_eq!(c.get("/admin", &[("Cookie", admin.as_str())]).status, 200);
}

#[test]
fn every_field_from_the_config_and_the_ledger_is_escaped() {
    let c = start();
    let out = dondoc(&[
        "--config",
        &c.cfg,
        "submit",
        "--plan",
        "p",
        "--obligation",
        "bao-cao",
        "--period",
        "29/04/2025",
        "--agency",
        "so-xss",
        "--on",
        "28/04/2025",
        "--ref",
        "<b>9</b>/BC",
        "--note",
        "\"><svg onload=alert(2)>",
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    let cookie = c.login(ADMIN);
    for path in ["/", "/instances/p/bao-cao/2025-04-29", "/agencies/so-xss"] {
        let page = c.get(path, &[("Cookie", cookie.as_str())]);
        assert_eq!(page.status, 200, "{path}");
        for raw in ["<script>alert", "<img src=x", "<svg", "<b>9</b>"] {
            assert!(!page.body.contains(raw), "{path} shows {raw} unescaped");
        }
        assert!(
            page.body.contains("&lt;script&gt;") || page.body.contains("&lt;img"),
            "{path}"
        );
    }
    let page = c.get(
        "/instances/p/bao-cao/2025-04-29",
        &[("Cookie", cookie.as_str())],
    );
    assert!(
        page.body.contains("&lt;b&gt;9&lt;&#x2f;b&gt;&#x2f;BC"),
        "the ref, escaped"
    );
    assert!(page.body.contains("cli:thuky"), "recorded_by is shown");
}

#[test]
fn sighup_keeps_valid_sessions_and_ends_those_whose_password_changed() {
    let c = start();
    let clerk = c.login(CLERK);
    let viewer = c.login(VIEWER);
    with_stdin(
        &["--config", &c.cfg, "passwd", VIEWER.0],
        "một mật khẩu mới hẳn\n",
    );
    with_stdin(
        &["--config", &c.cfg, "passwd", "moi", "--role", "viewer"],
        "mật khẩu người mới\n",
    );
    libc_kill(c.child.id() as i32, libc::SIGHUP);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !c.log().contains("users reloaded") {
        assert!(Instant::now() < deadline, "{}", c.log());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        c.get("/", &[("Cookie", clerk.as_str())]).status,
        200,
        "still valid"
    );
    assert_eq!(
        c.get("/", &[("Cookie", viewer.as_str())]).status,
        303,
        "password changed"
    );
    c.login(("moi", "mật khẩu người mới"));
    // A broken users.toml keeps the running accounts.
    std::fs::write(c.dir.path().join("users.toml"), "[[user]]\nname = 1\n").unwrap();
    libc_kill(c.child.id() as i32, libc::SIGHUP);
    let deadline = Instant::now() + Duration::from_secs(10);
    while !c.log().contains("keeping the running") {
        assert!(Instant::now() < deadline, "{}", c.log());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(c.get("/", &[("Cookie", clerk.as_str())]).status, 200);
}

#[test]
fn metrics_and_feeds() {
    let c = start();
    let r = c.api(
        "POST",
        &c.clerk_token,
        &submission("so-y-te", "28/04/2025 08:30", "125/BC-SYT"),
    );
    assert_eq!(r.status, 201);
    let auth = format!("Bearer {}", c.viewer_token);
    let m = c.get("/metrics", &[("Authorization", auth.as_str())]);
    assert_eq!(m.status, 200);
    assert!(
        m.header("content-type")
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    for line in [
        "dondoc_pairs{state=\"on_time\"} 1",
        "dondoc_pairs{state=\"pending\"} 2",
        "dondoc_pairs{state=\"overdue\"} 0",
        "dondoc_messages{state=\"sent\"} 0",
        "dondoc_config_generation 1",
    ] {
        assert!(m.body.lines().any(|l| l == line), "{line} in\n{}", m.body);
    }
    // Served from what the overview counted: the same as `status --format
    // json` at the console's clock, state by state (issue 25).
    let status = dondoc(&[
        "--config",
        &c.cfg,
        "status",
        "--at",
        "28/04/2025 09:00",
        "--format",
        "json",
    ]);
    let out: Vec<Value> = serde_json::from_str(&status.stdout).unwrap();
    for state in ["on_time", "late", "overdue", "pending", "exempt"] {
        let n = out.iter().filter(|r| r["state"] == state).count();
        let line = format!("dondoc_pairs{{state=\"{state}\"}} {n}");
        assert!(m.body.lines().any(|l| l == line), "{line} in\n{}", m.body);
    }
    assert!(
        m.body
            .lines()
            .any(|l| l.starts_with("dondoc_pairs_counted_timestamp_seconds 1")),
        "{}",
        m.body
    );
    // A scrape never waits for a count: after a write it is served what
    // was counted before, and the write's count comes with a later one.
    let r = c.api(
        "POST",
        &c.clerk_token,
        &submission("cong-an-tinh", "27/04/2025", "77/BC-CAT"),
    );
    assert_eq!(r.status, 201);
    let counted = |m: &str| m.lines().any(|l| l == "dondoc_pairs{state=\"on_time\"} 2");
    let mut tries = 0;
    let m = loop {
        let m = c.get("/metrics", &[("Authorization", auth.as_str())]);
        if counted(&m.body) || tries == 100 {
            break m;
        }
        tries += 1;
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(counted(&m.body), "{}", m.body);
    // After a reload, a scrape gets the last count at once, and the count
    // of the new configuration comes with a later one.
    let stamp = |m: &str| -> u64 {
        m.lines()
            .find_map(|l| l.strip_prefix("dondoc_pairs_counted_timestamp_seconds "))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    let before = stamp(&m.body);
    std::thread::sleep(Duration::from_millis(1100));
    libc_kill(c.child.id() as i32, libc::SIGHUP);
    let mut tries = 0;
    let m = loop {
        let m = c.get("/metrics", &[("Authorization", auth.as_str())]);
        let reloaded = m.body.lines().any(|l| l == "dondoc_config_generation 2");
        if (reloaded && stamp(&m.body) > before) || tries == 200 {
            break m;
        }
        tries += 1;
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(stamp(&m.body) > before, "{}", m.body);
    assert!(counted(&m.body), "{}", m.body);
    // No [inbox], never read: no mailbox figures.
    assert!(!m.body.contains("dondoc_inbox"), "{}", m.body);
    // The daemon's watcher failed to read the mailbox (as it records it):
    // /metrics and /admin say so.
    dondoc::ledger::Ledger::open(&c.dir.path().join("state/dondoc.db"), "t")
        .unwrap()
        .inbox_failed("connecting to mail.example.gov.vn:993: Connection refused (os error 111)")
        .unwrap();
    let m = c.get("/metrics", &[("Authorization", auth.as_str())]);
    for line in [
        "dondoc_inbox_last_read_timestamp_seconds 0",
        "dondoc_inbox_failures 1",
        "dondoc_inbox_proposals_waiting 0",
    ] {
        assert!(m.body.lines().any(|l| l == line), "{line} in\n{}", m.body);
    }
    let admin = c.login(ADMIN);
    let page = c.get("/admin", &[("Cookie", admin.as_str())]);
    assert!(
        page.body.contains("Không đọc được hộp thư lúc")
            && page.body.contains(
                "(1 lần liên tiếp): connecting to mail.example.gov.vn:993: Connection refused"
            )
            && page.body.contains("Chưa đọc được lần nào."),
        "{}",
        page.body
    );
    // Feeds: the secret URL works without login; a wrong key does not.
    let out = dondoc(&["--config", &c.cfg, "feed-url"]);
    assert!(out.status.success(), "{}", out.stderr);
    let url = out.stdout.trim();
    let path = url
        .strip_prefix(&c.origin())
        .expect("http://listen without base_url");
    let feed = c.get(path, &[]);
    assert_eq!(feed.status, 200);
    assert!(
        feed.header("content-type")
            .unwrap()
            .starts_with("text/calendar")
    );
    assert!(feed.body.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(feed.body.contains("DTSTART;VALUE=DATE:20250429"));
    let last = if path.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{last}", &path[..path.len() - 1]);
    assert_eq!(c.get(&forged, &[]).status, 404);
    // The key is HMAC-SHA-256 of the scope under the database's feed key;
    // an address given before (SHA-256 of key, NUL, scope) still works.
    let feed_key: Vec<u8> =
        rusqlite::Connection::open(std::path::Path::new(&c.cfg).join("state/dondoc.db"))
            .unwrap()
            .query_row("SELECT value FROM secrets WHERE name = 'feed'", [], |r| {
                r.get(0)
            })
            .unwrap();
    let hmac = {
        use hmac::Mac as _;
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&feed_key).unwrap();
        mac.update(b"calendar");
        hex::encode(&mac.finalize().into_bytes()[..16])
    };
    assert_eq!(path, format!("/calendar.ics?key={hmac}"));
    let legacy = {
        use sha2::Digest as _;
        hex::encode(&sha2::Sha256::digest([&feed_key[..], b"\0calendar"].concat())[..16])
    };
    assert_eq!(
        c.get(&format!("/calendar.ics?key={legacy}"), &[]).status,
        200
    );
    let out = dondoc(&["--config", &c.cfg, "feed-url", "--agency", "so-y-te"]);
    let path = out
        .stdout
        .trim()
        .strip_prefix(&c.origin())
        .unwrap()
        .to_string();
    assert!(path.starts_with("/agencies/so-y-te.ics?key="));
    let feed = c.get(&path, &[]);
    assert_eq!(feed.status, 200);
    assert!(feed.body.contains("BEGIN:VEVENT"));
    // One agency's key opens no other agency's feed.
    let other = path.replace("so-y-te", "cong-an-tinh");
    assert_eq!(c.get(&other, &[]).status, 404);
    let out = dondoc(&["--config", &c.cfg, "feed-url", "--agency", "so-y-tee"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("so-y-te"), "{}", out.stderr);
    // Downloads of what a page shows.
    let cookie = c.login(CLERK);
    let csv = c.get(
        "/export/status.csv?plan=p&obligation=bao-cao&period=2025-04-29",
        &[("Cookie", cookie.as_str())],
    );
    assert_eq!(csv.status, 200);
    assert_eq!(csv.body.lines().count(), 4, "{}", csv.body);
    assert!(csv.body.contains("so-y-te,on_time"));
    let csv = c.get(
        "/export/status.csv?agency=cong-an-tinh",
        &[("Cookie", cookie.as_str())],
    );
    assert_eq!(csv.body.lines().count(), 2, "{}", csv.body);
}

#[test]
fn run_serves_the_console_and_sigterm_stops_both() {
    let c = start_with("run", "");
    let cookie = c.login(CLERK);
    assert_eq!(c.get("/", &[("Cookie", cookie.as_str())]).status, 200);
    let started = Instant::now();
    libc_kill(c.child.id() as i32, libc::SIGTERM);
    let mut c = c;
    let status = loop {
        if let Some(s) = c.child.try_wait().unwrap() {
            break s;
        }
        assert!(started.elapsed() < Duration::from_secs(15), "{}", c.log());
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{}", c.log());
    assert!(c.log().contains("web console stopped"), "{}", c.log());
    assert!(std::net::TcpStream::connect(("127.0.0.1", c.port)).is_err());
}

/// The browser test (`tests/scripts/browser_console.py`): Debian's chromium
/// and chromedriver, driven by Selenium. Without them it says so and passes,
/// unless `DONDOC_REQUIRE_BROWSER=1` (as `.ci/run` sets). The screenshots
/// stay in `target/tmp/browser-screenshots/`.
#[test]
fn a_real_browser_records_a_submission() {
    if !common::browser::available() {
        return;
    }
    let c = start();
    // A message the clerk will find in the inbox: no reply, it names the
    // plan and the deadline (an uncertain proposal).
    let mail = c.dir.path().join("sngv.eml");
    std::fs::write(
        &mail,
        "From: vanthu@sng.example.gov.vn\r\nTo: vptt138@example.gov.vn\r\n\
         Subject: =?UTF-8?Q?B=C3=A1o_c=C3=A1o_k=E1=BA=BFt_qu=E1=BA=A3?=\r\n\
         Date: Mon, 28 Apr 2025 08:30:00 +0700\r\nMessage-ID: <n1@sng.example.gov.vn>\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\n\
         Kính gửi Văn phòng Thường trực,\r\n\r\nThực hiện Kế hoạch số 1/KH-UBND (hạn gửi 29/4/2025), \
         Sở Ngoại vụ gửi Báo cáo số 9/BC-SNgV kèm theo.\r\n\r\nTrân trọng.\r\n",
    )
    .unwrap();
    let out = dondoc(&["--config", &c.cfg, "inbox", "read", mail.to_str().unwrap()]);
    assert!(out.stdout.contains("uncertain"), "{}", out.stdout);
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-screenshots");
    common::browser::run(
        "browser_console.py",
        &c.origin(),
        &shots,
        &[CLERK.0, CLERK.1, VIEWER.0, VIEWER.1],
        || c.log(),
    );
    common::browser::screenshots(
        &shots,
        &[
            "01-login",
            "03-instance",
            "05-recorded",
            "05b-inbox",
            "06-phone",
            "06b-phone-inbox",
            "07-print",
            "08-viewer",
        ],
    );
    let s = row(&c.status(&c.clerk_token), "so-y-te").clone();
    assert_eq!(s["state"], "on_time");
    assert_eq!(s["ref"], "125/BC-SYT");
    assert_eq!(s["recorded_by"], CLERK.0);
    assert_eq!(
        row(&c.status(&c.clerk_token), "cong-an-tinh")["state"],
        "pending"
    );
}

/// Sends `sig` to the console.
fn libc_kill(pid: i32, sig: i32) {
    // SAFETY: kill(2) on a child this test started and has not reaped.
    unsafe {
        libc::kill(pid, sig);
    }
}

#[test]
fn the_overview_shows_the_consoles_own_writes_at_once() {
    let c = start();
    let cookie = c.login(VIEWER);
    let table = |page: &Response| {
        let start = page.body.find("<table").expect("a table");
        let end = page.body.find("</table>").expect("its end");
        page.body[start..end].to_string()
    };
    let before = table(&c.get("/", &[("Cookie", cookie.as_str())]));
    // Cached: the same page again.
    assert_eq!(before, table(&c.get("/", &[("Cookie", cookie.as_str())])));
    let r = c.api(
        "POST",
        &c.clerk_token,
        &submission("so-y-te", "28/04/2025 08:30", "125/BC-SYT"),
    );
    assert_eq!(r.status, 201);
    let after = table(&c.get("/", &[("Cookie", cookie.as_str())]));
    // The instance's row: on time 0 → 1, pending 3 → 2.
    let cells = |t: &str| -> Vec<String> {
        t.split("<td class=\"n")
            .skip(1)
            .map(|c| {
                c.split('>')
                    .nth(1)
                    .unwrap()
                    .split('<')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .filter(|c| c.parse::<u32>().is_ok())
            .collect()
    };
    assert_eq!(cells(&before), ["0", "0", "0", "3", "0"]);
    assert_eq!(cells(&after), ["1", "0", "0", "2", "0"]);
}

/// A client that hangs up before the answer is written (a browser closing
/// a tab, a load tester ending) costs that answer, not the server: the write
/// gets EPIPE, which must not be the SIGPIPE that ends the process — as it
/// did (exit 141) under `oha` before the servers ignored SIGPIPE. Which write
/// meets a closed peer is a race no test here wins every time, so this reads
/// the disposition itself: SIGPIPE (13) is in the process's ignored set.
#[test]
fn the_servers_ignore_sigpipe() {
    for command in ["run", "web"] {
        let c = start_with(command, "");
        let status = std::fs::read_to_string(format!("/proc/{}/status", c.child.id())).unwrap();
        let ignored = status
            .lines()
            .find_map(|l| l.strip_prefix("SigIgn:"))
            .map(|m| u64::from_str_radix(m.trim(), 16).unwrap())
            .unwrap();
        assert_ne!(
            ignored & (1 << (libc::SIGPIPE - 1)),
            0,
            "{command}: {status}"
        );
    }
}

#[test]
fn the_forms_waive_and_extend_as_the_commands_do() {
    let c = start();
    let cookie = c.login(CLERK);
    let pair = [
        ("plan", "p"),
        ("obligation", "bao-cao"),
        ("period", "2025-04-29"),
        ("agency", "cong-an-tinh"),
        ("back", "/instances/p/bao-cao/2025-04-29"),
    ];
    let post = |action: &str, extra: &[(&str, &str)]| {
        let mut fields = pair.to_vec();
        fields.extend_from_slice(extra);
        c.post_form(&format!("/record/{action}"), &fields, Some(&cookie))
    };
    let state = || row(&c.status(&c.clerk_token), "cong-an-tinh").clone();

    // An extension to a date not after the due date is refused, with the
    // command's message naming the field, and the clerk is sent back to the form.
    let r = post("extend", &[("to", "28/04/2025")]);
    assert_eq!(r.status, 303);
    assert!(r.header("location").unwrap().starts_with("/record?"));
    let form = c.get(
        r.header("location").unwrap(),
        &[("Cookie", cookie.as_str())],
    );
    assert!(
        form.body
            .contains("Hạn mới: 28&#x2f;04&#x2f;2025 không sau hạn 29&#x2f;04&#x2f;2025"),
        "{}",
        form.body
    );
    assert_eq!(state()["extended_from"], Value::Null);

    let r = post(
        "extend",
        &[("to", "15/05/2025"), ("note", "Công văn 12/CV")],
    );
    assert_eq!(r.status, 303);
    assert_eq!(
        r.header("location"),
        Some("/instances/p/bao-cao/2025-04-29#row-cong-an-tinh")
    );
    let s = state();
    assert_eq!(s["due"], "2025-05-15");
    assert_eq!(s["extended_from"], "2025-04-29");
    let page = c.get(
        "/instances/p/bao-cao/2025-04-29",
        &[("Cookie", cookie.as_str())],
    );
    assert!(page.body.contains("Đã gia hạn Công an tỉnh"), "the flash");
    assert!(page.body.contains("gia hạn đến 15&#x2f;05&#x2f;2025"));
    post("unextend", &[]);
    assert_eq!(state()["extended_from"], Value::Null);

    post("exempt", &[("note", "Không phát sinh")]);
    let s = state();
    assert_eq!(s["state"], "exempt");
    assert_eq!(s["note"], "Không phát sinh");
    assert_eq!(s["recorded_by"], "thuky");
    post("unexempt", &[]);
    assert_eq!(state()["state"], "pending");
    // Undoing what is not there says so.
    let r = post("unexempt", &[]);
    let form = c.get(
        r.header("location").unwrap(),
        &[("Cookie", cookie.as_str())],
    );
    assert!(
        form.body
            .contains("không được miễn; không có gì để hoàn tác"),
        "{}",
        form.body
    );

    // The workbook of what the page shows.
    let xlsx = c.get("/export/status.xlsx?plan=p", &[("Cookie", cookie.as_str())]);
    assert_eq!(xlsx.status, 200);
    assert_eq!(
        xlsx.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    assert!(xlsx.body.starts_with("PK"));
}

#[test]
fn a_clerk_accepts_a_reply_from_the_inbox_page() {
    let c = start_with("web", "\n[mail]\noutbox = \"state/outbox\"\n");
    let out = dondoc(&["--config", &c.cfg, "tick", "--at", "28/04/2025 08:00"]);
    assert!(out.status.success(), "{}", out.stderr);
    // The reminder to Sở Y tế, as the outbox transport wrote it.
    let mut emls = Vec::new();
    let mut stack = vec![c.dir.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "eml") {
                emls.push(p);
            }
        }
    }
    let reminder = emls
        .iter()
        .map(|p| dondoc::inbox::message::read(&std::fs::read(p).unwrap()).unwrap())
        .find(|m| {
            dondoc::ledger::Ledger::open(&c.dir.path().join("state/dondoc.db"), "t")
                .unwrap()
                .message_agency(&format!("<{}>", m.id))
                .unwrap()
                .as_deref()
                == Some("so-y-te")
        })
        .expect("a reminder to so-y-te");
    let reply = format!(
        "From: vanthu@syt.example.gov.vn\r\nTo: vptt138@example.gov.vn\r\nSubject: Re: nhắc báo cáo\r\n\
         Date: Mon, 28 Apr 2025 08:40:00 +0700\r\nMessage-ID: <r9@syt.example.gov.vn>\r\n\
         In-Reply-To: <{}>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nGửi báo cáo số 125/BC-SYT. <script>alert(1)</script>\r\n\
         --b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"bc.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n",
        reminder.id
    );
    let file = c.dir.path().join("reply.eml");
    std::fs::write(&file, reply).unwrap();
    let out = dondoc(&["--config", &c.cfg, "inbox", "read", file.to_str().unwrap()]);
    assert!(out.stdout.contains("1 proposals"), "{}", out.stdout);

    // A viewer sees it, with its file, but cannot accept it.
    let viewer = c.login(VIEWER);
    let page = c.get("/inbox", &[("Cookie", viewer.as_str())]);
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("125&#x2f;BC-SYT") && page.body.contains("bc.pdf"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("/inbox/1/accept"));
    // The message's text is there to read, escaped.
    assert!(page.body.contains("<summary>Nội dung thư</summary>"));
    assert!(
        page.body
            .contains("Gửi báo cáo số 125&#x2f;BC-SYT. &lt;script&gt;alert(1)&lt;&#x2f;script&gt;"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<script>alert"));
    let pdf = c.get("/inbox/1/files/0", &[("Cookie", viewer.as_str())]);
    assert_eq!(pdf.status, 200);
    assert!(pdf.body.starts_with("%PDF-1.4"));
    assert_eq!(
        c.post_form("/inbox/1/accept", &[], Some(&viewer)).status,
        403
    );
    assert_eq!(c.get("/inbox/1/files/0", &[]).status, 303, "anonymous");

    // Dropping asks first (the button sits behind a confirmation); a
    // dropped proposal is listed with the decided ones, and restored.
    let clerk = c.login(CLERK);
    let page = c.get("/inbox", &[("Cookie", clerk.as_str())]);
    let confirm = page
        .body
        .find("<summary>Bỏ…</summary>")
        .expect("a confirmation");
    assert!(page.body[confirm..].contains("action=\"/inbox/1/reject\""));
    assert_eq!(
        c.post_form("/inbox/1/reject", &[], Some(&clerk)).status,
        303
    );
    let page = c.get("/inbox", &[("Cookie", clerk.as_str())]);
    assert!(page.body.contains("Đã bỏ đề xuất 1"), "{}", page.body);
    assert!(
        page.body.contains("action=\"/undo/"),
        "the drop can be undone"
    );
    let page = c.get("/inbox?all=1", &[("Cookie", clerk.as_str())]);
    assert!(
        page.body.contains("action=\"/inbox/1/restore\""),
        "{}",
        page.body
    );
    assert_eq!(
        c.post_form("/inbox/1/restore", &[], Some(&clerk)).status,
        303
    );
    let page = c.get("/inbox?all=1", &[("Cookie", clerk.as_str())]);
    assert!(
        page.body.contains("Đã khôi phục đề xuất 1"),
        "{}",
        page.body
    );
    assert!(page.body.contains("/inbox/1/accept"), "open again");

    // A clerk accepts it in one click: recorded on the message's date.
    let r = c.post_form("/inbox/1/accept", &[], Some(&clerk));
    assert_eq!(r.status, 303);
    let s = row(&c.status(&c.clerk_token), "so-y-te").clone();
    assert_eq!(s["state"], "on_time");
    assert_eq!(s["submitted_on"], "2025-04-28T08:40:00+07:00");
    assert_eq!(s["ref"], "125/BC-SYT");
    assert_eq!(s["recorded_by"], "thuky");
    let page = c.get("/inbox", &[("Cookie", clerk.as_str())]);
    assert!(
        page.body.contains("Đã ghi nhận đề xuất 1: Sở Y tế"),
        "the flash"
    );
    assert!(page.body.contains("Không có thư nào đang chờ"));
    let at = page.body.find("action=\"/undo/").expect("an undo button") + "action=\"".len();
    let undo = page.body[at..at + page.body[at..].find('"').unwrap()].to_string();
    // Dropping it now is refused (it is decided), and says so.
    let r = c.post_form("/inbox/1/reject", &[], Some(&clerk));
    assert_eq!(r.status, 303);
    let page = c.get("/inbox?all=1", &[("Cookie", clerk.as_str())]);
    assert!(
        page.body.contains("không có đề xuất nào đang chờ số 1"),
        "{}",
        page.body
    );
    assert!(page.body.contains("đã ghi nhận"), "{}", page.body);
    // The accept, the clerk's last write, is undone: the submission goes
    // and the proposal waits again.
    let page = c.get("/", &[("Cookie", clerk.as_str())]);
    assert!(
        !page.body.contains("action=\"/undo/"),
        "shown once, on the confirmation"
    );
    assert_eq!(c.post_form(&undo, &[], Some(&clerk)).status, 303);
    assert_eq!(
        row(&c.status(&c.clerk_token), "so-y-te")["state"],
        "pending"
    );
    let page = c.get("/inbox", &[("Cookie", clerk.as_str())]);
    assert!(
        page.body.contains("Đã hoàn tác: Đã ghi nhận đề xuất 1"),
        "{}",
        page.body
    );
    assert!(page.body.contains("/inbox/1/accept"), "{}", page.body);
}

/// Issue 21: `/login?next=/%09/EVIL` sent a logged-in browser to `//EVIL`
/// (browsers drop a tab). Wherever `next` comes from, it leads home.
#[test]
fn next_never_leads_off_site() {
    let c = start();
    let cookie = c.login(CLERK);
    for next in [
        "/%09/EVIL",
        "/%0A/EVIL",
        "/%5C/EVIL",
        "/%252F%252Fevil",
        "/%2F%2Fevil",
    ] {
        let r = c.get(
            &format!("/login?next={next}"),
            &[("Cookie", cookie.as_str())],
        );
        assert_eq!(r.status, 303, "{next}");
        assert_eq!(r.header("location"), Some("/"), "{next}");
    }
    let r = c.post_form(
        "/login",
        &[
            ("username", CLERK.0),
            ("password", CLERK.1),
            ("next", "/\t/EVIL"),
        ],
        None,
    );
    assert_eq!(r.header("location"), Some("/"));
    let r = c.get(
        "/login?next=/agencies/so-y-te",
        &[("Cookie", cookie.as_str())],
    );
    assert_eq!(r.header("location"), Some("/agencies/so-y-te"));
}

/// Issue 21: without `base_url` any `Host` was served, with an `Origin` to
/// match (a DNS-rebinding page could record submissions). Now only the
/// listening address and the loopback names.
#[test]
fn pages_answer_only_to_the_consoles_own_names() {
    let c = start();
    let evil = format!("evil.example:{}", c.port);
    let r = c.get("/login", &[("Host", evil.as_str())]);
    assert_eq!(r.status, 421);
    assert!(
        r.body.contains("không phục vụ tên") && r.body.contains("base_url"),
        "{}",
        r.body
    );
    let origin = format!("http://{evil}");
    let r = http::request(
        c.port,
        "POST",
        "/login",
        &[
            ("Host", evil.as_str()),
            ("Origin", origin.as_str()),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        form(&[("username", CLERK.0), ("password", CLERK.1)]).as_bytes(),
    );
    assert_eq!(r.status, 421);
    assert_eq!(c.get("/healthz", &[("Host", evil.as_str())]).status, 421);
    for host in [format!("localhost:{}", c.port), format!("[::1]:{}", c.port)] {
        assert_eq!(
            c.get("/login", &[("Host", host.as_str())]).status,
            200,
            "{host}"
        );
    }
}

/// A raw connection to the console on loopback.
fn connect(port: u16) -> std::net::TcpStream {
    std::net::TcpStream::connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        Duration::from_secs(2),
    )
    .expect("connect to the console")
}

/// `GET /healthz`'s status within `within`, or `None`.
fn quick_healthz(port: u16, within: Duration) -> Option<u16> {
    use std::io::{Read as _, Write as _};
    let mut s = std::net::TcpStream::connect_timeout(
        &std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        within,
    )
    .ok()?;
    s.set_read_timeout(Some(within)).unwrap();
    let head =
        format!("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    s.write_all(head.as_bytes()).ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    String::from_utf8_lossy(&raw)
        .split(' ')
        .nth(1)?
        .parse()
        .ok()
}

/// Whether the console has closed `s` (without waiting for it).
fn closed(mut s: &std::net::TcpStream) -> bool {
    use std::io::Read as _;
    s.set_nonblocking(true).unwrap();
    match s.read(&mut [0; 64]) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
    }
}

/// Issue 21: 1 100 idle connections under a file limit of 1 024 made
/// `/healthz` time out and filled the log with `Too many open files`. Under
/// a limit of 256 the console keeps 128 connections, closes the idlest to
/// let a new one in, and `/healthz` answers at once.
#[test]
fn idle_connections_beyond_the_cap_are_closed_and_healthz_answers() {
    let c = launch("web", "", |_| {}, Some(256));
    let idle: Vec<_> = (0..300).map(|_| connect(c.port)).collect();
    let asked = Instant::now();
    assert_eq!(
        quick_healthz(c.port, Duration::from_secs(1)),
        Some(200),
        "{}",
        c.log()
    );
    assert!(asked.elapsed() < Duration::from_secs(1));
    let deadline = Instant::now() + Duration::from_secs(5);
    let open = loop {
        let open = idle.iter().filter(|s| !closed(s)).count();
        if open <= 128 || Instant::now() > deadline {
            break open;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(open <= 128, "{open} of 300 idle connections still open");
    // The newest stay: the oldest made room.
    assert!(!closed(idle.last().unwrap()));
    assert!(!c.log().contains("Too many open files"), "{}", c.log());
    assert!(c.log().contains("connections=128"), "{}", c.log());
}

/// Issue 21: a connection that never sent its headers stayed open forever.
/// It is closed after the header-read timeout (10 s), as are one that sends
/// half its headers and an idle keep-alive connection after its answer.
#[test]
fn connections_that_send_no_headers_are_closed_after_10_s() {
    use std::io::{Read as _, Write as _};
    let c = start();
    let port = c.port;
    // How long the console keeps `conn` open after this moment.
    let kept_open = |conn: std::net::TcpStream| {
        let mut conn = conn;
        let from = Instant::now();
        conn.set_read_timeout(Some(Duration::from_secs(15)))
            .unwrap();
        let end = conn.read(&mut [0; 64]);
        let reset = |e: &std::io::Error| e.kind() == std::io::ErrorKind::ConnectionReset;
        assert!(
            matches!(end, Ok(0)) || end.as_ref().is_err_and(reset),
            "{end:?}"
        );
        from.elapsed()
    };
    let waits: Vec<Duration> = std::thread::scope(|s| {
        let silent = s.spawn(|| kept_open(connect(port)));
        let half = s.spawn(|| {
            let mut s = connect(port);
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.")
                .unwrap();
            kept_open(s)
        });
        let kept = s.spawn(|| {
            let mut s = connect(port);
            let head = format!("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
            s.write_all(head.as_bytes()).unwrap();
            let mut got = Vec::new();
            while !got.ends_with(b"\r\n\r\nok\n") {
                let mut buf = [0; 512];
                let n = s.read(&mut buf).unwrap();
                assert!(n > 0, "closed before the answer");
                got.extend_from_slice(&buf[..n]);
            }
            kept_open(s)
        });
        [silent, half, kept].map(|t| t.join().unwrap()).to_vec()
    });
    for w in waits {
        assert!(
            w > Duration::from_secs(8) && w < Duration::from_secs(13),
            "{w:?}"
        );
    }
}

/// Issue 21: a database with a damaged page still said `ok`. The console
/// runs `PRAGMA quick_check` at start: `/healthz` answers 503 with the
/// reason, and the log says so.
#[test]
fn a_damaged_database_makes_healthz_fail() {
    let damage = |dir: &Path| {
        let db = dir.join("state/dondoc.db");
        drop(dondoc::ledger::Ledger::open(&db, "test").unwrap());
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute_batch(
            "CREATE TABLE filler (x BLOB);
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
             INSERT INTO filler SELECT randomblob(100) FROM n;",
        )
        .unwrap();
        drop(conn);
        assert!(!dir.join("state/dondoc.db-wal").exists());
        let len = std::fs::metadata(&db).unwrap().len();
        let middle = len / 4096 / 2 * 4096;
        use std::os::unix::fs::FileExt as _;
        let file = std::fs::OpenOptions::new().write(true).open(&db).unwrap();
        file.write_all_at(&[0x5a; 4096], middle).unwrap();
    };
    let c = launch("web", "", damage, None);
    let r = c.get("/healthz", &[]);
    assert_eq!(r.status, 503, "{}", r.body);
    assert!(
        r.body
            .starts_with("database damaged (PRAGMA quick_check at start): "),
        "{}",
        r.body
    );
    assert!(
        c.log().contains("failed PRAGMA quick_check at start"),
        "{}",
        c.log()
    );
}
