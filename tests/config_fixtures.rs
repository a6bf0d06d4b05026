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
    // The counts, taken from the files themselves rather than from dondoc.
    let count = |path: &Path, what: &str| {
        fs::read_to_string(path)
            .unwrap()
            .lines()
            .filter(|l| l.trim() == what)
            .count()
    };
    let plans: Vec<_> = fs::read_dir("config/plans")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    let obligations: usize = plans.iter().map(|p| count(p, "[[obligation]]")).sum();
    let agencies = count(Path::new("config/agencies.toml"), "[[agency]]");
    let summary = format!(
        "{agencies} agencies, {} plans, {obligations} obligations",
        plans.len()
    );
    let out = dondoc(&["--config", "config", "check"]);
    assert!(
        out.stdout.contains(&summary),
        "want {summary}:\n{}",
        out.stdout
    );
}

#[test]
fn no_config_value_can_forge_a_line_of_output() {
    let dir = fixture_config(Some(Path::new("tests/fixtures/bad/control-characters")));
    let out = dondoc(&["--config", dir.path().to_str().unwrap(), "check"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr.lines().count(), 3, "{}", out.stderr);
    assert!(
        !out.stderr
            .lines()
            .any(|l| l.starts_with("plans/p.toml:1:1")),
        "{}",
        out.stderr
    );
    assert!(
        !out.stderr.contains('\u{1b}'),
        "a raw ESC: {:?}",
        out.stderr
    );
}

#[test]
fn a_five_megabyte_value_is_one_short_error() {
    let dir = fixture_config(None);
    let plan = dir.path().join("plans/p.toml");
    let huge = "so-y-te".repeat(750_000);
    let text = fs::read_to_string(&plan).unwrap().replace(
        "agencies = [\"@so-nganh\"]",
        &format!("agencies = [\"{huge}\"]"),
    );
    fs::write(&plan, text).unwrap();
    let out = dondoc(&["--config", dir.path().to_str().unwrap(), "check"]);
    assert_eq!(out.code, 2);
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(
        lines.len(),
        2,
        "{}",
        &out.stderr[..out.stderr.len().min(500)]
    );
    assert!(
        lines[0].starts_with("plans/p.toml:9:13: obligation[0].agencies[0]: \"so-y-teso-y-te"),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains("…\" (5250000 characters) is longer than 1000 characters"),
        "{}",
        lines[0]
    );
    assert!(lines[0].len() < 300, "the value is quoted, not printed");
}

#[test]
fn invalid_utf8_is_named_by_line_and_byte() {
    let dir = fixture_config(None);
    // "Sở Y tế" as Windows-1258 would write the 'ở' (0xFD is not UTF-8 here).
    let mut bytes = b"[[agency]]\nid = \"so-y-te\"\nname = \"S".to_vec();
    bytes.push(0xFD);
    bytes.extend_from_slice(b" Y t\"\nemail = [\"a@b.example.gov.vn\"]\n");
    fs::write(dir.path().join("agencies.toml"), bytes).unwrap();
    let out = dondoc(&["--config", dir.path().to_str().unwrap(), "check"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.starts_with(
            "agencies.toml:3:10: not UTF-8 from byte offset 35 (0xFD) on; save the file as UTF-8"
        ),
        "{}",
        out.stderr
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
