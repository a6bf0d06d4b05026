//! The JSON Schemas: `config/schema/` is what `dondoc generate` writes today
//! (so the `#:schema` lines of the shipped files point at current schemas),
//! every shipped file validates against them with an independent validator
//! (Python's tomllib and `jsonschema`), and a wrong file does not.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::dondoc;

fn shipped_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![PathBuf::from("config")];
    for e in fs::read_dir("config/examples").unwrap() {
        dirs.push(e.unwrap().path());
    }
    for d in dirs {
        for name in ["dondoc.toml", "agencies.toml", "holidays.toml"] {
            out.push(d.join(name));
        }
        for p in fs::read_dir(d.join("plans")).unwrap() {
            out.push(p.unwrap().path());
        }
    }
    out
}

#[test]
fn the_committed_schemas_are_what_generate_writes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dondoc(&["generate", dir.path().to_str().unwrap()]);
    assert!(out.status.success(), "{}", out.stderr);
    for e in fs::read_dir(dir.path().join("schema")).unwrap() {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap();
        let committed = Path::new("config/schema").join(name);
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            fs::read_to_string(&committed).unwrap_or_default(),
            "{} is stale: run `cargo run -- generate target/assets && cp target/assets/schema/*.json config/schema/`",
            committed.display()
        );
    }
    // Every shipped file names its schema, by a path that exists from it.
    for file in shipped_files() {
        let text = fs::read_to_string(&file).unwrap();
        let line = text.lines().next().unwrap();
        let rel = line
            .strip_prefix("#:schema ")
            .unwrap_or_else(|| panic!("{}: no #:schema line", file.display()));
        let target = file.parent().unwrap().join(rel);
        assert!(
            target.exists(),
            "{}: {rel} does not resolve",
            file.display()
        );
    }
}

fn validate(files: &[PathBuf]) -> Option<(bool, String)> {
    let mut cmd = Command::new("python3");
    cmd.arg("tests/scripts/validate_schemas.py")
        .arg("config/schema")
        .args(files);
    let out = cmd.output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    if out.status.code() == Some(3) {
        assert!(
            std::env::var("DONDOC_REQUIRE_JSONSCHEMA").is_err(),
            "jsonschema is required here: {text}"
        );
        eprintln!("SKIPPED: {text}");
        return None;
    }
    Some((out.status.success(), text))
}

#[test]
fn every_shipped_file_validates_and_a_wrong_one_does_not() {
    let files = shipped_files();
    let Some((ok, text)) = validate(&files) else {
        return;
    };
    assert!(ok, "{text}");
    assert_eq!(
        text.lines().filter(|l| l.starts_with("ok ")).count(),
        files.len(),
        "{text}"
    );

    // A typo in a key, a number where a list goes: both invalid.
    let dir = tempfile::tempdir().unwrap();
    let plans = dir.path().join("plans");
    fs::create_dir(&plans).unwrap();
    let plan = plans.join("sai.toml");
    fs::write(
        &plan,
        "[plan]\nid = \"p\"\ntitle = \"K\"\n\n[[obligation]]\nid = \"o\"\ntitle = \"B\"\n\
         agencies = [\"so-y-te\"]\nbefor = \"30/04/2025\"\n",
    )
    .unwrap();
    let main = dir.path().join("dondoc.toml");
    fs::write(
        &main,
        "[office]\nname = \"VP\"\nemail = \"vp@example.gov.vn\"\n[reminders]\nbefore = 7\n",
    )
    .unwrap();
    let (ok, text) = validate(&[plan, main]).unwrap();
    assert!(!ok, "{text}");
    assert!(
        text.contains("invalid") && text.contains("sai.toml") && text.contains("befor"),
        "{text}"
    );
    assert!(text.contains("dondoc.toml: reminders/before"), "{text}");
}
