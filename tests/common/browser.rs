//! The browser tests' tools: Debian's chromium and chromedriver, and
//! Python's Selenium.

use std::path::Path;
use std::process::Command;

/// Whether chromium, chromedriver and Selenium are here; without them the
/// browser tests say so and pass, unless `DONDOC_REQUIRE_BROWSER=1` (as
/// `.ci/run` sets).
pub fn available() -> bool {
    let have = Path::new("/usr/bin/chromium").exists()
        && Path::new("/usr/bin/chromedriver").exists()
        && Command::new("python3")
            .args(["-c", "import selenium"])
            .status()
            .is_ok_and(|s| s.success());
    if !have {
        assert!(
            std::env::var("DONDOC_REQUIRE_BROWSER").is_err(),
            "chromium, chromedriver and selenium are required: \
             apt-get install chromium chromium-driver; pip install selenium"
        );
        eprintln!("SKIPPED: chromium, chromedriver or python3's selenium not found");
    }
    have
}

/// Runs `tests/scripts/SCRIPT BASE SHOTS ARGS…`, which drives the console
/// at `base` and saves its screenshots in `shots` (emptied first); panics
/// with its output and the console's `log` if it fails.
pub fn run(script: &str, base: &str, shots: &Path, args: &[&str], log: impl Fn() -> String) {
    let _ = std::fs::remove_dir_all(shots);
    let out = Command::new("python3")
        .arg(Path::new("tests/scripts").join(script))
        .arg(base)
        .arg(shots)
        .args(args)
        .env("SE_OFFLINE", "true")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}\n{}\nconsole log:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
        log()
    );
}

/// Each of `names` is a PNG screenshot in `shots`, with something on it.
pub fn screenshots(shots: &Path, names: &[&str]) {
    for name in names {
        let png = std::fs::read(shots.join(format!("{name}.png"))).unwrap();
        assert!(
            png.starts_with(b"\x89PNG") && png.len() > 5_000,
            "{name}.png"
        );
    }
}
