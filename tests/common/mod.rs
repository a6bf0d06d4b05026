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

/// Runs `dondoc ARGS…` and waits for it.
pub fn dondoc(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_dondoc"))
        .args(args)
        .env_remove("DONDOC_CONFIG")
        .output()
        .expect("run dondoc");
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

fn copy_tree(from: &Path, to: &Path) {
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
