//! The web console through the real binary, for the tests that use it:
//! a copy of the web fixture with three accounts and two tokens, served by
//! `dondoc web` or `dondoc run` on a free loopback port, its clock at
//! 28/04/2025 09:00.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::http::{self, Response, form};
use super::{dondoc, fixture_config, free_port};

pub const CLERK: (&str, &str) = ("thuky", "mật khẩu văn thư 2025");
pub const VIEWER: (&str, &str) = ("lanhdao", "mật khẩu lãnh đạo 2025");
pub const ADMIN: (&str, &str) = ("quantri", "mật khẩu quản trị 2025");

/// A console serving a copy of the web fixture, killed when dropped.
pub struct Console {
    pub dir: tempfile::TempDir,
    pub cfg: String,
    pub port: u16,
    pub child: Child,
    /// A clerk's and a viewer's API tokens.
    pub clerk_token: String,
    pub viewer_token: String,
}

impl Drop for Console {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `dondoc ARGS` with `input` on stdin.
pub fn with_stdin(args: &[&str], input: &str) -> String {
    let out = super::dondoc_with_stdin(args, input);
    assert!(out.status.success(), "{}", out.stderr);
    out.stdout
}

/// Writes `[web]` (with `extra` lines), three users and two tokens, then
/// starts `dondoc COMMAND` with the clock at 28/04/2025 09:00 (the day
/// before the fixture's deadline); its `/healthz` must say `ok`.
pub fn start_with(command: &str, extra: &str) -> Console {
    let c = launch(command, extra, |_| {}, None);
    assert_eq!(c.get("/healthz", &[]).status, 200, "{}", c.log());
    c
}

/// [`start_with`], with `prepare` run on the config directory just before
/// the console starts, and at most `files` open files for it; returns once
/// `/healthz` answers, whatever it says.
pub fn launch(
    command: &str,
    extra: &str,
    prepare: impl FnOnce(&Path),
    files: Option<u64>,
) -> Console {
    launch_at(command, extra, prepare, files, "28/04/2025 09:00")
}

/// [`launch`] with the console's clock starting at `clock` (`dd/mm/yyyy HH:MM`).
pub fn launch_at(
    command: &str,
    extra: &str,
    prepare: impl FnOnce(&Path),
    files: Option<u64>,
    clock: &str,
) -> Console {
    let dir = fixture_config(Some(Path::new("tests/fixtures/web")));
    let cfg = dir.path().to_str().unwrap().to_string();
    let port = free_port();
    let main = dir.path().join("dondoc.toml");
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(
        &main,
        format!("{text}\n[web]\nlisten = \"127.0.0.1:{port}\"\nusers = \"users.toml\"\n{extra}"),
    )
    .unwrap();
    for ((name, password), role) in [CLERK, VIEWER, ADMIN]
        .into_iter()
        .zip(["clerk", "viewer", "admin"])
    {
        with_stdin(
            &["--config", &cfg, "passwd", name, "--role", role],
            &format!("{password}\n"),
        );
    }
    let token = |name: &str, role: &str| {
        let out = dondoc(&["--config", &cfg, "token", name, "--role", role]);
        assert!(out.status.success(), "{}", out.stderr);
        out.stdout
            .lines()
            .find(|l| l.starts_with("ddt_"))
            .expect("the token")
            .to_string()
    };
    let clerk_token = token("he-thong-van-ban", "clerk");
    let viewer_token = token("bang-tin", "viewer");
    prepare(dir.path());
    let log = std::fs::File::create(dir.path().join("console.log")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dondoc"));
    child
        .args(["--config", &cfg, command, "--clock-start", clock])
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(log);
    if let Some(n) = files {
        use std::os::unix::process::CommandExt as _;
        // SAFETY: setrlimit(2) only, between fork and exec.
        unsafe {
            child.pre_exec(move || {
                let limit = libc::rlimit {
                    rlim_cur: n,
                    rlim_max: n,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            });
        }
    }
    let console = Console {
        dir,
        cfg,
        port,
        child: child.spawn().unwrap(),
        clerk_token,
        viewer_token,
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "the console did not start: {}",
            console.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    console
}

pub fn start() -> Console {
    start_with("web", "")
}

impl Console {
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("console.log")).unwrap_or_default()
    }

    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        http::request(self.port, "GET", path, headers, b"")
    }

    /// A logged-in session's cookie header.
    pub fn login(&self, (name, password): (&str, &str)) -> String {
        let r = self.post_form(
            "/login",
            &[("username", name), ("password", password), ("next", "/")],
            None,
        );
        assert_eq!(r.status, 303, "{}", r.body);
        format!("dondoc_session={}", r.session().expect("a session cookie"))
    }

    pub fn post_form(&self, path: &str, fields: &[(&str, &str)], cookie: Option<&str>) -> Response {
        let origin = self.origin();
        let mut headers = vec![
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", origin.as_str()),
        ];
        if let Some(c) = cookie {
            headers.push(("Cookie", c));
        }
        http::request(self.port, "POST", path, &headers, form(fields).as_bytes())
    }

    pub fn api(&self, method: &str, token: &str, body: &Value) -> Response {
        let auth = format!("Bearer {token}");
        http::request(
            self.port,
            method,
            "/api/submissions",
            &[
                ("Authorization", auth.as_str()),
                ("Content-Type", "application/json"),
            ],
            body.to_string().as_bytes(),
        )
    }

    pub fn status(&self, token: &str) -> Vec<Value> {
        let auth = format!("Bearer {token}");
        let r = self.get("/api/status", &[("Authorization", auth.as_str())]);
        assert_eq!(r.status, 200, "{}", r.body);
        serde_json::from_str::<Value>(&r.body)
            .unwrap()
            .as_array()
            .unwrap()
            .clone()
    }
}
