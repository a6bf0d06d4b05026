//! Helpers for the tests that record submissions and read states.

use std::fs;

use serde_json::Value;

use super::{dondoc, fixture_config};

/// A config dir (base fixture; database under it) and its path as a string.
pub fn setup() -> (tempfile::TempDir, String) {
    let dir = fixture_config(None);
    let path = dir.path().to_str().unwrap().to_string();
    (dir, path)
}

pub fn status(cfg: &str, at: &str) -> Vec<Value> {
    let out = dondoc(&["--config", cfg, "status", "--at", at, "--format", "json"]);
    assert!(out.status.success(), "{}", out.stderr);
    serde_json::from_str::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

pub fn pair<'a>(rows: &'a [Value], agency: &str) -> &'a Value {
    rows.iter()
        .find(|r| r["agency"] == agency)
        .unwrap_or_else(|| panic!("no {agency}"))
}

/// Writes a CSV (with an Excel BOM) of `rows` after the header.
pub fn csv(dir: &std::path::Path, rows: &[&str]) -> String {
    let mut text = String::from("\u{feff}plan,obligation,period,agency,submitted_on,ref,note\r\n");
    for r in rows {
        text.push_str(r);
        text.push_str("\r\n");
    }
    let path = dir.join("nop.csv");
    fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// Imports `rows` (as a CSV after the header) and asserts that it worked.
pub fn import_ok(dir: &std::path::Path, cfg: &str, rows: &[&str]) {
    let file = csv(dir, rows);
    let out = dondoc(&["--config", cfg, "import", &file]);
    assert!(out.status.success(), "{}", out.stderr);
}

pub fn two_agency_config() -> (tempfile::TempDir, String) {
    let (dir, cfg) = setup();
    let plan = fs::read_to_string(dir.path().join("plans/p.toml")).unwrap();
    fs::write(
        dir.path().join("plans/p.toml"),
        plan.replace("[\"@so-nganh\"]", "[\"so-y-te\", \"cong-an-tinh\"]"),
    )
    .unwrap();
    fs::write(
        dir.path().join("plans/q.toml"),
        "[plan]\nid = \"q\"\nnumber = \"2/KH\"\ntitle = \"Q\"\n\n[[obligation]]\nid = \"bao-cao-thang\"\n\
         title = \"Báo cáo tháng\"\nagencies = [\"so-y-te\", \"cong-an-tinh\"]\nevery = \"1 month\"\n\
         first_due = \"31/01/2025\"\nuntil = \"31/12/2025\"\n",
    )
    .unwrap();
    (dir, cfg)
}

/// The options naming the base fixture's pair (so-y-te, due 29/04/2025).
pub const PAIR: [&str; 8] = [
    "--plan",
    "p",
    "--obligation",
    "bao-cao",
    "--period",
    "29/04/2025",
    "--agency",
    "so-y-te",
];
