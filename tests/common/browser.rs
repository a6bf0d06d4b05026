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

/// Runs `tests/scripts/SCRIPT BASE SHOTS NAME PASSWORD`, which drives the
/// console at `base` as the user `(name, password)`, saving screenshots in
/// `shots`; panics with its output and the console's `log` if it fails.
pub fn run(
    script: &str,
    base: &str,
    shots: &Path,
    (name, password): (&str, &str),
    log: impl Fn() -> String,
) {
    let _ = std::fs::remove_dir_all(shots);
    let out = Command::new("python3")
        .arg(Path::new("tests/scripts").join(script))
        .arg(base)
        .arg(shots)
        .args([name, password])
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
