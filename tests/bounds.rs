//! What a stranger can put in (issue 21), through the real binary: dates
//! outside 2000–2100 refused with a message where they enter.

mod common;

use common::records::{PAIR, setup, status};
use common::{dondoc, dondoc_in};

/// Runs `dondoc` in the default language (Vietnamese) and asserts the
/// refusal: exit 2, the message naming `given` and the range, no panic.
fn refused(args: &[&str], given: &str) {
    let out = dondoc_in(&[], args);
    assert_eq!(out.code, 2, "{args:?}: {}{}", out.stdout, out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    let want =
        format!("\"{given}\" nằm ngoài khoảng ngày dondoc nhận (từ 01/01/2000 đến 31/12/2100)");
    assert!(out.stderr.contains(&want), "{args:?}: {}", out.stderr);
}

#[test]
fn dates_outside_2000_to_2100_exit_2_with_the_range_not_a_panic() {
    let (_dir, cfg) = setup();
    let c = cfg.as_str();
    refused(
        &["--config", c, "preview", "--at", "31/12/9999"],
        "31/12/9999",
    );
    refused(
        &["--config", c, "preview", "--at", "31/12/9999 23:59"],
        "31/12/9999 23:59",
    );
    refused(
        &["--config", c, "status", "--at", "01/01/9000"],
        "01/01/9000",
    );
    refused(&["--config", c, "tick", "--at", "31/12/1999"], "31/12/1999");
    refused(
        &["--config", c, "calendar", "--from", "01/01/1999"],
        "01/01/1999",
    );
    // RFC 3339 too, by the local date: 20:00 UTC is 2101 in Vietnam.
    refused(
        &["--config", c, "status", "--at", "2100-12-31T20:00:00Z"],
        "2100-12-31T20:00:00Z",
    );
    for on in ["01/01/1999", "01/01/2101"] {
        let args = [
            &["--config", c, "submit"],
            &PAIR[..],
            &["--on", on, "--force"],
        ]
        .concat();
        refused(&args, on);
        refused(
            &[
                "--config",
                c,
                "submit",
                "--plan",
                "p",
                "--obligation",
                "bao-cao",
                "--period",
                on,
                "--agency",
                "so-y-te",
            ],
            on,
        );
    }
    // Nothing was recorded; the edges themselves are taken.
    let rows = status(c, "31/12/2100 23:59");
    assert!(rows.iter().all(|r| r["submitted_on"].is_null()), "{rows:?}");
    let out = dondoc(&["--config", c, "preview", "--at", "01/01/2000"]);
    assert!(out.status.success(), "{}", out.stderr);
    // English with --lang en.
    let out = dondoc(&["--config", c, "status", "--at", "01/01/9000"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "--at: \"01/01/9000\" is outside the dates dondoc accepts (01/01/2000 to 31/12/2100)"
        ),
        "{}",
        out.stderr
    );
}
