//! Helpers shared by the integration tests: run the real binary, build
//! config directories from the fixtures.

#![allow(dead_code)]

use std::fs;
use std::path::Path;
use std::process::Command;

/// What a run of the binary printed and returned.
pub struct Output {
    pub code: i32,
    pub status: std::process::ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `dondoc ARGS…` and waits for it, with English messages (the tests
/// predate the Vietnamese default; `tests/vietnamese.rs` checks that one).
pub fn dondoc(args: &[&str]) -> Output {
    dondoc_in(&["--lang", "en"], args)
}

/// Runs `dondoc GLOBAL… ARGS…` (the default language unless `GLOBAL` sets one).
pub fn dondoc_in(global: &[&str], args: &[&str]) -> Output {
    output(command(global, args).output().expect("run dondoc"))
}

/// Runs `dondoc ARGS…` in English with `input` on its standard input (the
/// password prompts).
pub fn dondoc_with_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = command(&["--lang", "en"], args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run dondoc");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    output(child.wait_with_output().expect("run dondoc"))
}

/// `dondoc GLOBAL… ARGS…`, in the same environment on every machine.
fn command(global: &[&str], args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dondoc"));
    c.args(global)
        .args(args)
        .env_remove("DONDOC_CONFIG")
        .env_remove("DONDOC_LANG")
        // `recorded_by` is `cli:` + this user: the same on every machine.
        .env_remove("SUDO_USER")
        .env("USER", "thuky");
    c
}

fn output(out: std::process::Output) -> Output {
    Output {
        code: out.status.code().unwrap_or(-1),
        status: out.status,
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

/// A temporary copy of `tests/fixtures/base`, with `overlay`'s files on top.
pub fn fixture_config(overlay: Option<&Path>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(Path::new("tests/fixtures/base"), dir.path());
    if let Some(o) = overlay {
        copy_tree(o, dir.path());
    }
    dir
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).expect("fixture dir") {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else if entry.file_name() != "expect" {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of a shipped example (`config/examples/NAME` or `config`) writing to its own database and outbox, in `lang`.
pub fn example_copy(example: &str, lang: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(Path::new(example), dir.path());
    let _ = fs::remove_dir_all(dir.path().join("examples"));
    let main = dir.path().join("dondoc.toml");
    let text = fs::read_to_string(&main).unwrap();
    let text: String = text
        .lines()
        .map(|l| match l.split_whitespace().next() {
            Some("database") => "database = \"state/dondoc.db\"".to_string(),
            Some("outbox") => "outbox = \"state/outbox\"".to_string(),
            Some("lang") => format!("lang = \"{lang}\""),
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(&main, text).unwrap();
    dir
}

pub mod browser;
pub mod console;
pub mod http;
pub mod records;
pub mod smtp;

/// Agencies for the reminder tests: two in the group, one with cc and
/// escalation addresses.
pub const AGENCIES: &str = r#"
[[agency]]
id = "so-y-te"
name = "Sở Y tế"
email = ["vanthu@syt.example.gov.vn"]
cc = ["tonghop@syt.example.gov.vn"]
escalate_to = ["giamdoc@syt.example.gov.vn", "VanThu@syt.example.gov.vn"]
groups = ["so-nganh"]

[[agency]]
id = "so-tu-phap"
name = "Sở Tư pháp"
email = ["vanthu@stp.example.gov.vn"]
groups = ["so-nganh"]
"#;

/// Two obligations: due Tuesday 29/04/2025 and Monday 16/06/2025.
pub const PLAN: &str = r#"
[plan]
id = "kh-2025"
number = "3212/KH-UBND"
title = "Kế hoạch phòng, chống ma túy năm 2025"
issued = "20/03/2025"
submit_to = "Văn phòng Thường trực BCĐ 138 tỉnh"

[[obligation]]
id = "kien-toan"
title = "Kiện toàn Ban Chỉ đạo 138 tỉnh"
basis = "Mục II.1.h"
agencies = ["@so-nganh"]
before = "30/04/2025"

[[obligation]]
id = "bao-cao-6-thang"
title = "Báo cáo định kỳ 6 tháng"
agencies = ["@so-nganh"]
yearly = ["14/06"]
until = "31/12/2025"
"#;

/// A config directory for the reminder tests; `mail` is the `[mail]` table
/// (and `[mail.smtp]`) to use.
pub fn reminder_config(mail: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::create_dir(dir.path().join("plans")).unwrap();
    fs::write(
        dir.path().join("dondoc.toml"),
        format!(
            "database = \"state/dondoc.db\"\n\n[office]\nname = \"Văn phòng Thường trực BCĐ 138 tỉnh\"\n\
             email = \"vptt138@example.gov.vn\"\naddress = \"Số 80 Trần Phú, Nha Trang\"\nphone = \"069.4401.565\"\n\n{mail}\n"
        ),
    )
    .unwrap();
    fs::write(dir.path().join("agencies.toml"), AGENCIES).unwrap();
    fs::write(dir.path().join("plans/kh-2025.toml"), PLAN).unwrap();
    dir
}

/// `agencies.toml` with `n` agencies of the group `so-nganh` (the one
/// [`reminder_config`]'s plan reminds), `don-vi-000`…, each with an address
/// of its own.
pub fn many_agencies(n: usize) -> String {
    (0..n)
        .map(|i| {
            format!(
                "[[agency]]\nid = \"don-vi-{i:03}\"\nname = \"Đơn vị {i}\"\n\
                 email = [\"vanthu{i}@dv{i}.example.gov.vn\"]\ngroups = [\"so-nganh\"]\n\n"
            )
        })
        .collect()
}

/// `[mail]` for the SMTP server on `port`, plain (loopback), quick retries.
pub fn smtp_mail(port: u16) -> String {
    format!(
        "[mail]\ntransport = \"smtp\"\nretry_seconds = 1\n\n[mail.smtp]\nhost = \"127.0.0.1\"\nport = {port}\n\
         security = \"none\"\ntimeout_seconds = 10\n"
    )
}

/// `preview --at AT --format json`, parsed.
pub fn preview_json(cfg: &str, at: &str) -> Vec<serde_json::Value> {
    let out = dondoc(&["--config", cfg, "preview", "--at", at, "--format", "json"]);
    assert!(out.status.success(), "preview: {}", out.stderr);
    serde_json::from_str::<serde_json::Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// Compares `got` with `tests/golden/NAME`; `DONDOC_BLESS=1` rewrites the
/// file instead (then review the diff).
pub fn golden(name: &str, got: &str) {
    let path = Path::new("tests/golden").join(name);
    if std::env::var_os("DONDOC_BLESS").is_some() {
        fs::write(&path, got).unwrap();
    }
    let want = fs::read_to_string(&path).unwrap_or_else(|_| panic!("{} missing", path.display()));
    assert_eq!(
        got,
        want,
        "{} differs (DONDOC_BLESS=1 rewrites it)",
        path.display()
    );
}

/// A port free on loopback now (for a server a test starts).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The Message-ID (without brackets) of the reminder in `outbox` sent to `to`.
pub fn reminder_to(outbox: &Path, to: &str) -> String {
    for entry in fs::read_dir(outbox).unwrap() {
        let raw = fs::read(entry.unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&raw);
        if text.contains(&format!("To: {to}")) || text.contains(&format!("<{to}>")) {
            return dondoc::inbox::message::read(&raw).unwrap().id;
        }
    }
    panic!("no reminder to {to}");
}

/// A message from Sở Y tế holding messages each inside the one before,
/// `depth` deep (<deep@syt.example.gov.vn>): dropping such a tree
/// recursively overflows a thread's stack.
pub fn nested_messages(depth: usize) -> String {
    let mut deep = String::from(
        "From: vanthu@syt.example.gov.vn\r\nTo: vptt138@example.gov.vn\r\nSubject: x\r\n\
         Message-ID: <deep@syt.example.gov.vn>\r\nMIME-Version: 1.0\r\n",
    );
    for n in 0..depth {
        deep.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"b{n}\"\r\n\r\n--b{n}\r\n\
             Content-Type: message/rfc822\r\n\r\n"
        ));
    }
    deep.push_str("Subject: in\r\n\r\nhi");
    for n in (0..depth).rev() {
        deep.push_str(&format!("\r\n--b{n}--\r\n"));
    }
    deep
}
