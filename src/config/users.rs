//! `users.toml`: the web console's accounts and API tokens (SPEC, "The web
//! console").
//!
//! A password is kept as an Argon2id PHC string, written by `dondoc passwd`.
//! A token is 256 random bits shown once by `dondoc token` and kept as its
//! SHA-256: a token is as strong as a key, so a slow hash would only slow
//! every API call. The file is read on its own (not by [`super::load`]): a
//! broken `users.toml` stops the console, not the reminders; `check` reports
//! it with the rest.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use toml::Spanned;

use super::error::{ConfigError, ConfigErrors, SourceFile, file_error, quote, read_text};
use super::values::{check_text, parse};

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Reads every page.
    Viewer,
    /// Also records submissions, waivers and extensions.
    Clerk,
    /// Also sees the sent-log and delivery failures.
    Admin,
}

impl Role {
    pub const NAMES: [&str; 3] = ["viewer", "clerk", "admin"];

    pub fn parse(name: &str) -> Option<Role> {
        match name {
            "viewer" => Some(Role::Viewer),
            "clerk" => Some(Role::Clerk),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Role::Viewer => "viewer",
            Role::Clerk => "clerk",
            Role::Admin => "admin",
        })
    }
}

/// A person who logs in.
#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub display_name: String,
    pub role: Role,
    password_hash: String,
}

impl User {
    /// A user with this hash and no name, whom no login finds: checking a
    /// password against it takes as long as against a real one.
    pub fn unusable(password_hash: &str) -> User {
        User {
            name: String::new(),
            display_name: String::new(),
            role: Role::Viewer,
            password_hash: password_hash.to_string(),
        }
    }

    /// Changes when the password does: a session made with the old one ends.
    pub fn fingerprint(&self) -> [u8; 8] {
        let digest = Sha256::digest(self.password_hash.as_bytes());
        digest[..8].try_into().expect("8 bytes")
    }

    /// Whether `password` is this user's (Argon2id, constant time).
    pub fn verify(&self, password: &str) -> bool {
        PasswordHash::new(&self.password_hash).is_ok_and(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
    }
}

/// A program that calls the API (the province's document system).
#[derive(Debug, Clone)]
pub struct Token {
    pub name: String,
    pub role: Role,
    token_hash: String,
}

/// Everyone `users.toml` lets in.
#[derive(Debug, Clone, Default)]
pub struct Accounts {
    pub users: Vec<User>,
    pub tokens: Vec<Token>,
}

impl Accounts {
    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.iter().find(|u| u.name == name)
    }

    /// The token a bearer presents, if it is one of ours.
    pub fn token(&self, presented: &str) -> Option<&Token> {
        let hash = token_hash(presented);
        self.tokens
            .iter()
            .find(|t| constant_eq(&t.token_hash, &hash))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    user: Vec<Spanned<RawUser>>,
    #[serde(default)]
    token: Vec<Spanned<RawToken>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUser {
    name: Spanned<String>,
    display_name: Option<Spanned<String>>,
    role: Spanned<String>,
    password_hash: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawToken {
    name: Spanned<String>,
    role: Spanned<String>,
    token_hash: Spanned<String>,
}

/// Reads and validates `users.toml` at `path` (shown as `shown`). A missing
/// file is an error: the console would let nobody in.
pub fn load(path: &Path, shown: &Path) -> Result<Accounts, ConfigErrors> {
    let text = match read_text(path, shown) {
        Ok(Some(text)) => text,
        Ok(None) => {
            return Err(ConfigErrors(vec![file_error(
                shown,
                "[web] is configured but this file does not exist; create the first account \
                 with `dondoc passwd NAME --role admin`",
            )]));
        }
        Err(e) => return Err(ConfigErrors(vec![e])),
    };
    let mut errors: Vec<ConfigError> = Vec::new();
    let accounts = validate(&mut SourceFile {
        name: shown.to_path_buf(),
        text: &text,
        errors: &mut errors,
        line_starts: Default::default(),
    });
    if errors.is_empty() {
        Ok(accounts)
    } else {
        Err(ConfigErrors(errors))
    }
}

fn validate(src: &mut SourceFile) -> Accounts {
    let Some(raw) = parse::<RawFile>(src) else {
        return Accounts::default();
    };
    let mut accounts = Accounts::default();
    let mut seen: HashMap<String, String> = HashMap::new();
    for (i, entry) in raw.user.iter().enumerate() {
        let u = entry.get_ref();
        let key = |field: &str| format!("user[{i}].{field}");
        let name = login_name(src, &u.name, &key("name"), &mut seen, "user");
        let role = role(src, &u.role, &key("role"));
        let display_name = u.display_name.as_ref().map_or_else(
            || u.name.get_ref().clone(),
            |d| check_text(src, d, &key("display_name")),
        );
        let hash = u.password_hash.get_ref();
        let hash_ok = hash.starts_with("$argon2id$") && PasswordHash::new(hash).is_ok();
        if !hash_ok {
            src.error(
                u.password_hash.span(),
                key("password_hash"),
                "not an Argon2id hash; set the password with `dondoc passwd NAME` instead of \
                 writing it here",
            );
        }
        if let (Some(name), Some(role), true) = (name, role, hash_ok) {
            accounts.users.push(User {
                name,
                display_name,
                role,
                password_hash: hash.clone(),
            });
        }
    }
    for (i, entry) in raw.token.iter().enumerate() {
        let t = entry.get_ref();
        let key = |field: &str| format!("token[{i}].{field}");
        let name = login_name(src, &t.name, &key("name"), &mut seen, "token");
        let role = role(src, &t.role, &key("role"));
        let hash = t.token_hash.get_ref();
        let hash_ok = hash
            .strip_prefix("sha256:")
            .is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        if !hash_ok {
            src.error(
                t.token_hash.span(),
                key("token_hash"),
                "not a token hash (\"sha256:\" and 64 hex digits); make a token with \
                 `dondoc token NAME --role ROLE`",
            );
        }
        if let (Some(name), Some(role), true) = (name, role, hash_ok) {
            accounts.tokens.push(Token {
                name,
                role,
                token_hash: hash.to_ascii_lowercase(),
            });
        }
    }
    accounts
}

/// A login or token name: lower-case letters, digits, `.`, `_`, `-`;
/// unique across users and tokens (either can be `recorded_by`).
fn login_name(
    src: &mut SourceFile,
    raw: &Spanned<String>,
    key: &str,
    seen: &mut HashMap<String, String>,
    what: &str,
) -> Option<String> {
    let name = raw.get_ref();
    if let Some(problem) = name_problem(name) {
        src.error(raw.span(), key, format!("{} {problem}", quote(name)));
        return None;
    }
    if let Some(first) = seen.insert(name.clone(), key.to_string()) {
        src.error(
            raw.span(),
            key,
            format!(
                "{} is also {first}: a {what} name must be unique among users and tokens",
                quote(name)
            ),
        );
        return None;
    }
    Some(name.clone())
}

/// Why `name` cannot be a login name, if it cannot.
pub fn name_problem(name: &str) -> Option<&'static str> {
    if name.is_empty() || name.len() > 64 {
        return Some("must be 1 to 64 characters long");
    }
    let ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c);
    if !name.chars().all(ok) {
        return Some(
            "may only hold lower-case letters a–z, digits, '.', '_' and '-' (e.g. \"thuky\", \
             \"nguyen.van.a\")",
        );
    }
    None
}

fn role(src: &mut SourceFile, raw: &Spanned<String>, key: &str) -> Option<Role> {
    let role = Role::parse(raw.get_ref());
    if role.is_none() {
        src.error(
            raw.span(),
            key,
            format!(
                "unknown role {}; use one of {}",
                quote(raw.get_ref()),
                Role::NAMES.join(", ")
            ),
        );
    }
    role
}

/// The Argon2id PHC string of `password`, with a fresh salt (the crate's
/// defaults: Argon2id v1.3, 19 MiB, 2 passes, 1 lane — OWASP's parameters).
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("Argon2 with default parameters and a generated salt cannot fail")
        .to_string()
}

/// 32 bytes from the system's random source (session ids, keys).
pub fn random_bytes() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

/// A new API token and the hash `users.toml` keeps: `ddt_` and 64 hex digits.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = format!("ddt_{}", hex(&bytes));
    let hash = token_hash(&token);
    (token, hash)
}

fn token_hash(token: &str) -> String {
    format!("sha256:{}", hex(&Sha256::digest(token.as_bytes())))
}

/// Lowercase hexadecimal.
pub fn hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn constant_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq as _;
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> (Accounts, Vec<String>) {
        let mut errors = Vec::new();
        let accounts = validate(&mut SourceFile {
            name: "users.toml".into(),
            text,
            errors: &mut errors,
            line_starts: Default::default(),
        });
        (accounts, errors.iter().map(|e| e.to_string()).collect())
    }

    #[test]
    fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let hash = hash_password("mật khẩu đủ dài");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        let text = format!(
            "[[user]]\nname = \"thuky\"\ndisplay_name = \"Nguyễn Thị Thư\"\nrole = \"clerk\"\n\
             password_hash = \"{hash}\"\n"
        );
        let (accounts, errors) = check(&text);
        assert!(errors.is_empty(), "{errors:?}");
        let u = accounts.user("thuky").unwrap();
        assert_eq!(
            (u.role, u.display_name.as_str()),
            (Role::Clerk, "Nguyễn Thị Thư")
        );
        assert!(u.verify("mật khẩu đủ dài"));
        assert!(!u.verify("mật khẩu đủ dàI"));
    }

    #[test]
    fn a_token_is_found_by_its_hash_only() {
        let (token, hash) = new_token();
        assert!(token.starts_with("ddt_") && token.len() == 68, "{token}");
        let text =
            format!("[[token]]\nname = \"qlvb\"\nrole = \"clerk\"\ntoken_hash = \"{hash}\"\n");
        let (accounts, errors) = check(&text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            accounts.token(&token).map(|t| t.name.as_str()),
            Some("qlvb")
        );
        assert!(accounts.token(&hash).is_none());
        assert!(accounts.token("ddt_0").is_none());
    }

    #[test]
    fn every_mistake_names_its_line_key_and_fix() {
        let text = "[[user]]\nname = \"Thu Ky\"\nrole = \"boss\"\npassword_hash = \"123456\"\n\
                    [[token]]\nname = \"thuky2\"\nrole = \"viewer\"\ntoken_hash = \"abc\"\n\
                    [[user]]\nname = \"thuky2\"\nrole = \"viewer\"\npassword_hash = \"x\"\n";
        let (accounts, errors) = check(text);
        assert!(accounts.users.is_empty() && accounts.tokens.is_empty());
        let all = errors.join("\n");
        for want in [
            "users.toml:2:8: user[0].name: \"Thu Ky\" may only hold lower-case letters",
            "users.toml:3:8: user[0].role: unknown role \"boss\"; use one of viewer, clerk, admin",
            "users.toml:4:17: user[0].password_hash: not an Argon2id hash; set the password with `dondoc passwd NAME`",
            "users.toml:8:14: token[0].token_hash: not a token hash",
            "users.toml:6:8: token[0].name: \"thuky2\" is also user[1].name: a token name must be unique",
        ] {
            assert!(all.contains(want), "missing {want:?} in\n{all}");
        }
    }
}
