//! The real binary over good and bad configuration fixtures.
//!
//! `tests/fixtures/base` is a small valid config. Each `tests/fixtures/bad/CASE`
//! overlays files on it and lists in `expect` the error lines `check` must print
//! (each a prefix-exact substring naming file, line, column and key); the run
//! must exit 2 and report exactly that many errors, all in one run.

mod common;

use std::fs;
use std::path::Path;

use common::{dondoc, fixture_config};

#[test]
fn the_base_fixture_and_the_shipped_config_pass() {
    for dir in [Path::new("tests/fixtures/base"), Path::new("config")] {
        let out = dondoc(&["--config", dir.to_str().unwrap(), "check"]);
        assert!(out.status.success(), "{}: {}", dir.display(), out.stderr);
        assert!(out.stdout.starts_with("OK: "), "{}", out.stdout);
    }
    let out = dondoc(&["--config", "config", "check"]);
    assert!(
        out.stdout.contains("33 agencies, 4 plans, 11 obligations"),
        "{}",
        out.stdout
    );
}

#[test]
fn every_bad_fixture_names_file_line_key_and_exits_2() {
    let mut cases: Vec<_> = fs::read_dir("tests/fixtures/bad")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(cases.len() >= 10, "fixtures missing");
    for case in cases {
        let dir = fixture_config(Some(&case));
        let out = dondoc(&["--config", dir.path().to_str().unwrap(), "check"]);
        let name = case.file_name().unwrap().to_string_lossy();
        assert_eq!(out.code, 2, "{name}: exit code; stderr:\n{}", out.stderr);
        assert!(out.stdout.is_empty(), "{name}: printed {}", out.stdout);
        let expect = fs::read_to_string(case.join("expect")).unwrap();
        let expected: Vec<&str> = expect.lines().filter(|l| !l.is_empty()).collect();
        for line in &expected {
            assert!(
                out.stderr.lines().any(|l| l.starts_with(line)),
                "{name}: missing\n  {line}\nin\n{}",
                out.stderr
            );
        }
        let n = expected.len();
        let summary = format!(
            "{n} error{} in the configuration",
            if n == 1 { "" } else { "s" }
        );
        assert!(
            out.stderr.trim_end().ends_with(&summary),
            "{name}: want {summary}:\n{}",
            out.stderr
        );
    }
}

#[test]
fn a_missing_directory_or_file_is_a_config_error() {
    let out = dondoc(&["--config", "/nonexistent/dondoc", "check"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("/nonexistent/dondoc: the configuration directory does not exist")
    );

    let dir = fixture_config(None);
    fs::remove_file(dir.path().join("agencies.toml")).unwrap();
    let out = dondoc(&["--config", dir.path().to_str().unwrap(), "check"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("agencies.toml: this file is required"),
        "{}",
        out.stderr
    );
}

#[test]
fn usage_errors_exit_2() {
    let out = dondoc(&["--config", "config", "calendar", "--from", "31/02/2025"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("--from: \"31/02/2025\" is not a real date"),
        "{}",
        out.stderr
    );
    let out = dondoc(&["--config", "config", "calendar", "--format", "xml"]);
    assert_eq!(out.code, 2);
    let out = dondoc(&["--config", "config", "holidays", "--year", "1800"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("1900 to 2100"));
}
