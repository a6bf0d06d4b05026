//! `dondoc init`: a new province's starting configuration passes `check` as
//! written and once its plan template is copied in, validates against the
//! schemas, and never overwrites an existing directory.

mod common;

use std::fs;
use std::process::Command;

use common::{dondoc, dondoc_in};

#[test]
fn init_writes_a_config_that_passes_check() {
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join("quang-tri");
    let cfg = dir.to_str().unwrap();
    let out = dondoc_in(&[], &["init", cfg, "--province", "Quảng Trị"]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains("rồi chạy: dondoc --config"),
        "{}",
        out.stdout
    );
    let main = fs::read_to_string(dir.join("dondoc.toml")).unwrap();
    assert!(main.contains("Ban Chỉ đạo 138 tỉnh Quảng Trị"), "{main}");

    let check = dondoc(&["--config", cfg, "check"]);
    assert!(check.status.success(), "{}", check.stderr);
    assert!(
        check.stdout.starts_with("OK: 17 agencies, 0 plans"),
        "{}",
        check.stdout
    );

    // The plan template, copied in as the comment says, is a valid plan.
    fs::copy(
        dir.join("mau-ke-hoach.toml.example"),
        dir.join("plans/ke-hoach-2026.toml"),
    )
    .unwrap();
    let check = dondoc(&["--config", cfg, "check"]);
    assert!(check.status.success(), "{}", check.stderr);
    assert!(
        check.stdout.contains("1 plans, 2 obligations"),
        "{}",
        check.stdout
    );

    // Next year's built-in days are there, commented and marked provisional.
    let holidays = fs::read_to_string(dir.join("holidays.toml")).unwrap();
    assert_eq!(holidays.matches("#:schema").count(), 1, "one #:schema line");
    assert!(holidays.contains("# PROVISIONAL"), "{holidays}");

    // The files validate against the schemas (when jsonschema is installed).
    let files = [
        "dondoc.toml",
        "agencies.toml",
        "holidays.toml",
        "plans/ke-hoach-2026.toml",
    ];
    let out = Command::new("python3")
        .arg("tests/scripts/validate_schemas.py")
        .arg("config/schema")
        .args(files.iter().map(|f| dir.join(f)))
        .output()
        .unwrap();
    if out.status.code() != Some(3) {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }

    // Never over an existing configuration.
    let again = dondoc(&["init", cfg, "--province", "Quảng Trị"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("not empty"), "{}", again.stderr);
}
