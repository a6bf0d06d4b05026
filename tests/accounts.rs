//! The web console's accounts through the real binary: `[web]` read by the
//! loader with values that differ from the defaults, `passwd` and `token`
//! writing users.toml in place, and `check` reporting a broken one.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use common::dondoc;
use common::records::setup;
use dondoc::config::users::{self, Role};

/// `dondoc --lang en ARGS` with `input` on stdin (not a terminal).
fn with_stdin(args: &[&str], input: &str) -> (i32, String, String) {
    let out = common::dondoc_with_stdin(args, input);
    (out.code, out.stdout, out.stderr)
}

/// Adds a `[web]` table with a port, accounts file and public address that
/// are not the defaults.
fn with_web(cfg: &str) {
    let main = Path::new(cfg).join("dondoc.toml");
    let text = fs::read_to_string(&main).unwrap();
    fs::write(
        &main,
        format!(
            "{text}\n[web]\nlisten = \"127.0.0.1:18138\"\nusers = \"secrets/accounts.toml\"\n\
             base_url = \"https://dondoc.example.gov.vn/\"\n"
        ),
    )
    .unwrap();
    fs::create_dir(Path::new(cfg).join("secrets")).unwrap();
}

fn accounts(cfg: &str) -> users::Accounts {
    let path = Path::new(cfg).join("secrets/accounts.toml");
    users::load(&path, &path).unwrap()
}

#[test]
fn passwd_and_token_write_what_the_loader_reads() {
    let (_dir, cfg) = setup();
    with_web(&cfg);
    let file = Path::new(&cfg).join("secrets/accounts.toml");

    // No account yet: check says how to make the first one.
    let out = dondoc(&["--config", &cfg, "check"]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains("secrets/accounts.toml: [web] is configured but this file does not exist; create the first account with `dondoc passwd NAME --role admin`"),
        "{}",
        out.stderr
    );

    // A new user needs a role; a short password is refused; nothing written.
    let (code, _, err) = with_stdin(&["--config", &cfg, "passwd", "thuky"], "mat-khau-dai-du\n");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("thuky is a new user: add --role viewer|clerk|admin"),
        "{err}"
    );
    let (code, _, err) = with_stdin(
        &["--config", &cfg, "passwd", "thuky", "--role", "clerk"],
        "ngan\n",
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("the password needs 10 to 1024 characters (got 4)"),
        "{err}"
    );
    let (code, _, err) = with_stdin(
        &["--config", &cfg, "passwd", "Thu Ky", "--role", "clerk"],
        "mat-khau-dai-du\n",
    );
    assert_eq!(code, 2, "{err}");
    assert!(!file.exists());

    let (code, out, err) = with_stdin(
        &[
            "--config",
            &cfg,
            "passwd",
            "thuky",
            "--role",
            "clerk",
            "--display-name",
            "Nguyễn Thị Thư",
        ],
        "mật khẩu văn thư 2025\n",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("User thuky (clerk) created in"), "{out}");
    assert_eq!(
        fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o640
    );
    let a = accounts(&cfg);
    let u = a.user("thuky").unwrap();
    assert_eq!(
        (u.role, u.display_name.as_str()),
        (Role::Clerk, "Nguyễn Thị Thư")
    );
    assert!(u.verify("mật khẩu văn thư 2025"));

    // The admin's comment and file mode survive a password change.
    let text = fs::read_to_string(&file).unwrap();
    fs::write(&file, format!("# Tài khoản của Văn phòng\n{text}")).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
    // So does the group the daemon reads it through (as root the test can
    // give it any group; as another user, it keeps its own).
    use std::os::unix::fs::MetadataExt;
    let meta = fs::metadata(&file).unwrap();
    let group = if meta.uid() == 0 { 4 } else { meta.gid() };
    std::os::unix::fs::chown(&file, None, Some(group)).unwrap();
    let (code, out, err) = with_stdin(
        &["--config", &cfg, "passwd", "thuky"],
        "mật khẩu mới hơn 2026\n",
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Password of thuky changed"), "{out}");
    let text = fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("# Tài khoản của Văn phòng\n"), "{text}");
    assert_eq!(text.matches("[[user]]").count(), 1, "{text}");
    assert_eq!(
        fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o600
    );
    assert_eq!(fs::metadata(&file).unwrap().gid(), group);
    let a = accounts(&cfg);
    let u = a.user("thuky").unwrap();
    assert!(u.verify("mật khẩu mới hơn 2026") && !u.verify("mật khẩu văn thư 2025"));
    assert_eq!(u.display_name, "Nguyễn Thị Thư", "kept");

    // A token is printed once; the file keeps its hash; a new one replaces it.
    let token = |role: &str| {
        let out = dondoc(&["--config", &cfg, "token", "qlvb", "--role", role]);
        assert!(out.status.success(), "{}", out.stderr);
        assert!(
            out.stderr.contains("shown only this once"),
            "{}",
            out.stderr
        );
        out.stdout.trim().to_string()
    };
    let first = token("clerk");
    assert!(!fs::read_to_string(&file).unwrap().contains(&first));
    assert_eq!(
        accounts(&cfg).token(&first).map(|t| t.role),
        Some(Role::Clerk)
    );
    let second = token("viewer");
    let a = accounts(&cfg);
    assert!(a.token(&first).is_none(), "the old token no longer works");
    assert_eq!(a.token(&second).map(|t| t.role), Some(Role::Viewer));
    assert_eq!(a.tokens.len(), 1);

    // check reads [web] as written, not its defaults.
    let out = dondoc(&["--config", &cfg, "check"]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout
            .contains("Web console: 127.0.0.1:18138, 1 users, 1 tokens ("),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("secrets/accounts.toml)"),
        "{}",
        out.stdout
    );
    // No warning about the console: it has accounts and listens on loopback.
    assert!(
        !out.stdout.contains("nobody can log in") && !out.stdout.contains("not loopback"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_broken_web_table_or_accounts_file_is_refused_with_line_and_key() {
    let (_dir, cfg) = setup();
    let main = Path::new(&cfg).join("dondoc.toml");
    let text = fs::read_to_string(&main).unwrap();
    fs::write(
        &main,
        format!("{text}\n[web]\nlisten = \"localhost\"\nbase_url = \"dondoc.example.gov.vn\"\n"),
    )
    .unwrap();
    let out = dondoc(&["--config", &cfg, "check"]);
    assert_eq!(out.code, 2);
    let line = text.lines().count() + 3;
    for want in [
        format!(
            "dondoc.toml:{line}:10: web.listen: \"localhost\" is not an address and port; write e.g. \"127.0.0.1:8138\""
        ),
        format!(
            "dondoc.toml:{}:12: web.base_url: \"dondoc.example.gov.vn\" is not an http(s) address",
            line + 1
        ),
    ] {
        assert!(
            out.stderr.contains(&want),
            "missing {want:?} in\n{}",
            out.stderr
        );
    }

    fs::write(&main, format!("{text}\n[web]\n")).unwrap();
    fs::write(
        Path::new(&cfg).join("users.toml"),
        "[[user]]\nname = \"thuky\"\nrole = \"clerk\"\npassword_hash = \"123456\"\n",
    )
    .unwrap();
    let out = dondoc(&["--config", &cfg, "check"]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains("users.toml:4:17: user[0].password_hash: not an Argon2id hash; set the password with `dondoc passwd NAME`"),
        "{}",
        out.stderr
    );
}
