//! `dondoc passwd NAME` and `dondoc token NAME`: the web console's accounts
//! and API tokens in `users.toml` (`[web] users`, default
//! `users.toml` in the config directory). The file is edited in place:
//! comments and the order of entries stay as the admin wrote them.

use std::io::{BufRead, IsTerminal, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::CliError;
use crate::config::Config;
use crate::config::users::{self, Role};
use crate::lang::{Lang, say};

#[derive(Debug, clap::Args)]
pub struct PasswdArgs {
    /// The login name (lower-case letters, digits, '.', '_', '-').
    name: String,
    /// For a new user (required then), or to change one's role.
    #[arg(long, value_parser = Role::NAMES)]
    role: Option<String>,
    /// The name pages show, e.g. "Nguyễn Thị Thư" (default: the login name).
    #[arg(long, value_name = "TEXT")]
    display_name: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// The token's name, recorded as `recorded_by` (e.g. "qlvb" for the
    /// province's document system).
    name: String,
    /// What the token may do.
    #[arg(long, value_parser = Role::NAMES)]
    role: String,
}

/// The shortest password `passwd` accepts, in characters.
const MIN_PASSWORD: usize = 10;

/// Sets a user's password (prompting twice on a terminal, else reading one
/// line from stdin), creating the user when new.
pub fn passwd(config: &Config, args: &PasswdArgs, lang: Lang) -> Result<(), CliError> {
    check_name(&args.name)?;
    let path = users_file(config);
    let doc = read_doc(&path)?;
    let exists = has_entry(&doc, "user", &args.name);
    if !exists && args.role.is_none() {
        return Err(CliError::Usage(say!(
            lang,
            "{} là tài khoản mới: thêm --role viewer|clerk|admin",
            "{} is a new user: add --role viewer|clerk|admin",
            args.name
        )));
    }
    let display_name = args.display_name.as_deref().map(str::trim);
    if display_name.is_some_and(|d| d.is_empty() || d.chars().any(char::is_control)) {
        return Err(CliError::Usage(say!(
            lang,
            "--display-name: ghi họ tên, ví dụ \"Nguyễn Thị Thư\"",
            "--display-name: give a name, e.g. \"Nguyễn Thị Thư\""
        )));
    }
    let password = read_password(lang)?;
    make_dir(&path, lang)?;
    let hash = users::hash_password(&password);
    let fields = [
        ("display_name", display_name.map(str::to_string)),
        ("role", args.role.clone()),
        ("password_hash", Some(hash)),
    ];
    set_entry(&path, doc, "user", &args.name, &fields)?;
    println!(
        "{}",
        if exists {
            say!(
                lang,
                "Đã đổi mật khẩu của {} trong {}.",
                "Password of {} changed in {}.",
                args.name,
                path.display()
            )
        } else {
            say!(
                lang,
                "Đã tạo tài khoản {} ({}) trong {}.",
                "User {} ({}) created in {}.",
                args.name,
                args.role.as_deref().unwrap_or_default(),
                path.display()
            )
        }
    );
    Ok(())
}

/// Makes a new API token, prints it once and keeps its hash (a token of the
/// same name is replaced: the old one stops working).
pub fn token(config: &Config, args: &TokenArgs, lang: Lang) -> Result<(), CliError> {
    check_name(&args.name)?;
    let path = users_file(config);
    let doc = read_doc(&path)?;
    let replaced = has_entry(&doc, "token", &args.name);
    make_dir(&path, lang)?;
    let (token, hash) = users::new_token();
    let fields = [
        ("role", Some(args.role.clone())),
        ("token_hash", Some(hash)),
    ];
    set_entry(&path, doc, "token", &args.name, &fields)?;
    println!("{token}");
    eprintln!(
        "{}",
        say!(
            lang,
            "Mã truy cập {} ({}) đã ghi vào {}{}. Mã chỉ hiện một lần: chép ngay vào phần mềm dùng nó.",
            "Token {} ({}) written to {}{}. It is shown only this once: copy it into the program that uses it now.",
            args.name,
            args.role,
            path.display(),
            if replaced {
                say!(
                    lang,
                    "; mã cũ cùng tên hết hiệu lực",
                    "; the old token of that name no longer works"
                )
            } else {
                String::new()
            }
        )
    );
    Ok(())
}

/// Where the accounts live: `[web] users`, else `users.toml` next to the
/// config (where `[web]` would look by default).
fn users_file(config: &Config) -> PathBuf {
    config
        .settings
        .web
        .as_ref()
        .map_or_else(|| config.dir.join("users.toml"), |w| w.users.clone())
}

/// Makes the directory `path` goes in when it does not exist yet (`var/`
/// on a fresh checkout), readable by this user only, and says so.
fn make_dir(path: &Path, lang: Lang) -> Result<(), CliError> {
    use std::os::unix::fs::DirBuilderExt as _;
    let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(());
    };
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| {
            CliError::Runtime(anyhow::anyhow!(
                "{}",
                say!(
                    lang,
                    "không tạo được thư mục {} để ghi {}: {}; hãy tạo thư mục đó (mkdir -p), \
                     hoặc đặt [web] users là một tệp trong thư mục đã có",
                    "cannot create the directory {} for {}: {}; create it (mkdir -p), or set \
                     [web] users to a file in a directory that exists",
                    dir.display(),
                    path.display(),
                    e
                )
            ))
        })?;
    eprintln!(
        "{}",
        say!(
            lang,
            "Đã tạo thư mục {} (chỉ người dùng này đọc được).",
            "Created the directory {} (readable by this user only).",
            dir.display()
        )
    );
    Ok(())
}

fn check_name(name: &str) -> Result<(), CliError> {
    match users::name_problem(name) {
        Some(problem) => Err(CliError::Usage(format!("{name:?} {problem}"))),
        None => Ok(()),
    }
}

/// Reads a new password: twice, without echo, on a terminal; else one line
/// of stdin (for scripts: `echo "$PW" | dondoc passwd thuky`).
fn read_password(lang: Lang) -> Result<String, CliError> {
    let password = if std::io::stdin().is_terminal() {
        let first = prompt(&say!(lang, "Mật khẩu mới: ", "New password: "))?;
        let second = prompt(&say!(lang, "Nhập lại: ", "Again: "))?;
        if first != second {
            return Err(CliError::Usage(say!(
                lang,
                "hai lần nhập không khớp; chưa đổi gì",
                "the two entries differ; nothing was changed"
            )));
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| CliError::Runtime(e.into()))?;
        line.trim_end_matches(['\n', '\r']).to_string()
    };
    let n = password.chars().count();
    if !(MIN_PASSWORD..=1024).contains(&n) {
        return Err(CliError::Usage(say!(
            lang,
            "mật khẩu cần từ {} đến 1024 ký tự (nhận được {})",
            "the password needs {} to 1024 characters (got {})",
            MIN_PASSWORD,
            n
        )));
    }
    Ok(password)
}

/// Asks on the terminal with echo off (rpassword restores it, and says so
/// when it cannot).
fn prompt(question: &str) -> Result<String, CliError> {
    rpassword::prompt_password(question).map_err(|e| CliError::Runtime(e.into()))
}

/// The file as a document (empty when it does not exist yet).
fn read_doc(path: &Path) -> Result<toml_edit::DocumentMut, CliError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Default::default()),
        Err(e) => {
            return Err(CliError::Runtime(anyhow::anyhow!(
                "{}: {e}",
                path.display()
            )));
        }
    };
    text.parse::<toml_edit::DocumentMut>()
        .map_err(|e| CliError::Usage(format!("{}: {}", path.display(), e.to_string().trim_end())))
}

/// Whether `table` is the entry named `name`.
fn named(table: &toml_edit::Table, name: &str) -> bool {
    table.get("name").and_then(|n| n.as_str()) == Some(name)
}

fn has_entry(doc: &toml_edit::DocumentMut, kind: &str, name: &str) -> bool {
    doc.get(kind)
        .and_then(|v| v.as_array_of_tables())
        .is_some_and(|list| list.iter().any(|t| named(t, name)))
}

/// Sets `fields` (those given) of `doc`'s `[[kind]]` entry named `name`, adding
/// the entry when there is none, and writes the file atomically (a new file
/// is 0640: the daemon's group reads it; an existing one keeps its mode,
/// owner and group).
fn set_entry(
    path: &Path,
    mut doc: toml_edit::DocumentMut,
    kind: &str,
    name: &str,
    fields: &[(&str, Option<String>)],
) -> Result<(), CliError> {
    let runtime = |e: std::io::Error| CliError::Runtime(anyhow::anyhow!("{}: {e}", path.display()));
    if doc.get(kind).is_none() {
        doc.insert(kind, toml_edit::Item::ArrayOfTables(Default::default()));
    }
    let Some(list) = doc.get_mut(kind).and_then(|v| v.as_array_of_tables_mut()) else {
        return Err(CliError::Usage(format!(
            "{}: `{kind}` must be a list of [[{kind}]] tables",
            path.display()
        )));
    };
    let found = list.iter_mut().find(|t| named(t, name));
    let table = match found {
        Some(t) => t,
        None => {
            let mut t = toml_edit::Table::new();
            t.insert("name", toml_edit::value(name));
            list.push(t);
            list.iter_mut().last().expect("just pushed")
        }
    };
    for (key, value) in fields {
        if let Some(v) = value {
            table.insert(key, toml_edit::value(v.as_str()));
        }
    }
    let existing = std::fs::metadata(path).ok();
    let mode = existing
        .as_ref()
        .map_or(0o640, |m| m.permissions().mode() & 0o7777);
    let tmp = path.with_extension("toml.new");
    let _ = std::fs::remove_file(&tmp);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&tmp)
        .map_err(runtime)?;
    // The new file keeps the old one's owner and group (root:dondoc when
    // packaged, so that the daemon can read it).
    if let Some(m) = &existing {
        use std::os::unix::fs::MetadataExt;
        std::os::unix::fs::fchown(&file, Some(m.uid()), Some(m.gid())).map_err(runtime)?;
    }
    file.write_all(doc.to_string().as_bytes())
        .map_err(runtime)?;
    file.sync_all().map_err(runtime)?;
    std::fs::rename(&tmp, path).map_err(runtime)
}
