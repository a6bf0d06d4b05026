//! Recording submissions and reading states through the real binary and a
//! real SQLite file.

mod common;

use std::fs;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::dondoc;
use common::records::{PAIR, csv, import_ok, pair, setup, status, two_agency_config};
use serde_json::Value;

#[test]
fn submit_then_status_shows_on_time() {
    let (_dir, cfg) = setup();
    let before = status(&cfg, "30/04/2025 08:00");
    assert_eq!(pair(&before, "so-y-te")["state"], "overdue");
    assert_eq!(pair(&before, "so-y-te")["days_late"], 1);

    let out = dondoc(
        &[
            &["--config", &cfg, "submit"],
            &PAIR[..],
            &["--on", "29/04/2025 15:30", "--ref", "125/BC-SYT"],
        ]
        .concat(),
    );
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout.contains("on time (due 29/04/2025)"),
        "{}",
        out.stdout
    );

    let rows = status(&cfg, "30/04/2025 08:00");
    let r = pair(&rows, "so-y-te");
    assert_eq!(r["state"], "on_time");
    assert_eq!(r["submitted_on"], "2025-04-29T15:30:00+07:00");
    assert_eq!(r["days_late"], Value::Null);
    assert_eq!(r["due"], "2025-04-29");
    assert_eq!(
        r.as_object().unwrap().keys().collect::<Vec<_>>(),
        [
            "agency",
            "days_late",
            "due",
            "extended_from",
            "inputs",
            "last_note",
            "note",
            "obligation",
            "period",
            "plan",
            "recorded_by",
            "ref",
            "state",
            "submitted_on"
        ]
    );
    // What was recorded is shown: the document number, no note, and who
    // recorded it (`cli:` + the Unix user; the test runs as "thuky").
    assert_eq!(r["ref"], "125/BC-SYT");
    assert_eq!(r["recorded_by"], "cli:thuky");
    assert_eq!(r["note"], Value::Null);
    // Before the submission's time it does not count, nor does its number show.
    let early = status(&cfg, "29/04/2025 15:00");
    assert_eq!(pair(&early, "so-y-te")["state"], "pending");
    assert_eq!(pair(&early, "so-y-te")["ref"], Value::Null);
}

#[test]
fn a_second_submit_needs_replace_and_unsubmit_undoes() {
    let (_dir, cfg) = setup();
    let submit =
        |extra: &[&str]| dondoc(&[&["--config", &cfg, "submit"], &PAIR[..], extra].concat());
    assert!(submit(&["--on", "30/04/2025"]).status.success());
    let again = submit(&["--on", "29/04/2025"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("--replace"), "{}", again.stderr);
    assert_eq!(
        pair(&status(&cfg, "05/05/2025"), "so-y-te")["state"],
        "late"
    );
    assert!(
        submit(&["--on", "29/04/2025", "--replace"])
            .status
            .success()
    );
    assert_eq!(
        pair(&status(&cfg, "05/05/2025"), "so-y-te")["state"],
        "on_time"
    );

    let undo = dondoc(&[&["--config", &cfg, "unsubmit"], &PAIR[..]].concat());
    assert!(undo.status.success(), "{}", undo.stderr);
    assert_eq!(
        pair(&status(&cfg, "05/05/2025"), "so-y-te")["state"],
        "overdue"
    );
    let undo = dondoc(&[&["--config", &cfg, "unsubmit"], &PAIR[..]].concat());
    assert_eq!(undo.code, 2);
}

#[test]
fn exempt_wins_and_can_be_lifted() {
    let (_dir, cfg) = setup();
    assert!(
        dondoc(
            &[
                &["--config", &cfg, "submit"],
                &PAIR[..],
                &["--on", "02/05/2025"]
            ]
            .concat()
        )
        .status
        .success()
    );
    // The head of office waives it through sudo: recorded as the login
    // behind sudo, not root.
    let out = Command::new(env!("CARGO_BIN_EXE_dondoc"))
        .args(
            [
                &["--config", &cfg, "exempt"],
                &PAIR[..],
                &["--note", "sáp nhập"],
            ]
            .concat(),
        )
        .env("SUDO_USER", "truongphong")
        .env("USER", "root")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r = status(&cfg, "05/05/2025");
    assert_eq!(pair(&r, "so-y-te")["recorded_by"], "cli:truongphong");
    assert_eq!(pair(&r, "so-y-te")["state"], "exempt");
    assert_eq!(pair(&r, "so-y-te")["submitted_on"], Value::Null);
    // The waiver's note is shown; the submission under it (and its number) is not.
    assert_eq!(pair(&r, "so-y-te")["note"], "sáp nhập");
    assert_eq!(pair(&r, "so-y-te")["ref"], Value::Null);
    assert!(
        dondoc(&[&["--config", &cfg, "exempt"], &PAIR[..], &["--undo"]].concat())
            .status
            .success()
    );
    let r = status(&cfg, "05/05/2025");
    assert_eq!(pair(&r, "so-y-te")["state"], "late");
    assert_eq!(pair(&r, "so-y-te")["recorded_by"], "cli:thuky");
}

#[test]
fn wrong_references_are_usage_errors_naming_the_field() {
    let (_dir, cfg) = setup();
    let run = |pair: &[&str]| dondoc(&[&["--config", cfg.as_str(), "submit"], pair].concat());
    let out = run(&[
        "--plan",
        "p",
        "--obligation",
        "bao-cao",
        "--period",
        "30/04/2025",
        "--agency",
        "so-y-te",
    ]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--period: 30/04/2025 is not a period of \"Báo cáo\"; the nearest periods are 2025-04-29"), "{}", out.stderr);
    let out = run(&[
        "--plan",
        "p",
        "--obligation",
        "bao-cao",
        "--period",
        "29/04/2025",
        "--agency",
        "cong-an-tinh",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("--agency: \"Công an tỉnh\" is not one of the agencies"),
        "{}",
        out.stderr
    );
    let out = run(&[
        "--plan",
        "x",
        "--obligation",
        "bao-cao",
        "--period",
        "29/04/2025",
        "--agency",
        "so-y-te",
    ]);
    assert!(
        out.stderr.contains("--plan: unknown plan \"x\""),
        "{}",
        out.stderr
    );
    let out = run(&[
        "--plan",
        "p",
        "--obligation",
        "bao-cao",
        "--period",
        "31/02/2025",
        "--agency",
        "so-y-te",
    ]);
    assert!(
        out.stderr
            .contains("--period: \"31/02/2025\" is not a real date"),
        "{}",
        out.stderr
    );
}

#[test]
fn import_is_all_or_nothing_and_names_the_line() {
    let (dir, cfg) = two_agency_config();
    let file = csv(
        dir.path(),
        &[
            "p,bao-cao,29/04/2025,so-y-te,29/04/2025,125/BC-SYT,", // line 2
            "p,bao-cao,2025-04-29,cong-an-tinh,2025-04-30T09:00:00+07:00,88/BC-CAT,\"trễ, có lý do\"", // 3
            "q,bao-cao-thang,31/01/2025,so-y-te,03/02/2025,,", // 4
            "q,bao-cao-thang,28/02/2025,so-y-te,28/02/2025 16:00,,", // 5
            "q,bao-cao-thang,31/03/2025,so-y-te,31/03/2025,,", // 6
            "q,bao-cao-thang,30/04/2025,so-y-tee,30/04/2025,,", // 7: unknown agency
            "q,bao-cao-thang,31/05/2025,cong-an-tinh,02/06/2025,,", // 8
        ],
    );
    let out = dondoc(&["--config", &cfg, "import", &file]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("nop.csv: line 7, column D (agency): unknown agency \"so-y-tee\""),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("1 bad rows; nothing was imported"),
        "{}",
        out.stderr
    );
    assert!(
        status(&cfg, "30/06/2025")
            .iter()
            .all(|r| r["submitted_on"].is_null()),
        "nothing recorded"
    );

    // Fixed: all seven rows go in, in one run.
    let fixed = fs::read_to_string(&file)
        .unwrap()
        .replace("so-y-tee", "so-y-te");
    fs::write(&file, fixed).unwrap();
    let out = dondoc(&["--config", &cfg, "import", &file]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout
            .contains("imported 7 rows: 7 new, 0 replaced, 0 already recorded"),
        "{}",
        out.stdout
    );
    let rows = status(&cfg, "30/06/2025");
    let find = |plan: &str, period: &str, agency: &str| {
        rows.iter()
            .find(|r| r["plan"] == plan && r["period"] == period && r["agency"] == agency)
            .unwrap()
            .clone()
    };
    assert_eq!(find("p", "2025-04-29", "cong-an-tinh")["state"], "late");
    // The import's verdict is status's: as many on time and late.
    let submitted: Vec<&serde_json::Value> = rows
        .iter()
        .filter(|r| !r["submitted_on"].is_null())
        .collect();
    let count = |state: &str| submitted.iter().filter(|r| r["state"] == state).count();
    assert_eq!(
        (submitted.len(), count("on_time"), count("late")),
        (7, 6, 1)
    );
    assert!(out.stdout.contains("— 6 on time, 1 late"), "{}", out.stdout);
    assert_eq!(find("q", "2025-01-31", "so-y-te")["state"], "on_time"); // 31/01 is inside Tết in the fixture: due Monday 03/02
    assert_eq!(find("q", "2025-05-31", "cong-an-tinh")["state"], "on_time"); // 31/05 is a Saturday: due 02/06

    // The same file again changes nothing and says so.
    let out = dondoc(&["--config", &cfg, "import", &file]);
    assert!(out.status.success(), "{}", out.stderr);
    assert!(
        out.stdout
            .contains("nothing to import; all 7 rows are already recorded"),
        "{}",
        out.stdout
    );
}

#[test]
fn import_reports_every_bad_row_and_conflicts() {
    let (dir, cfg) = two_agency_config();
    let file = csv(
        dir.path(),
        &[
            "p,bao-cao,29/04/2025,so-y-te,,125/BC-SYT,", // 2: a number, no date
            "p,bao-cao,30/04/2025,so-y-te,30/04/2025,,", // 3: not a period
            "p,bao-cao,29/04/2025,so-y-te,32/04/2025,,", // 4: bad date
            "p,bao-cao,29/04/2025,so-y-te",              // 5: no date: skipped
            "p,bao-cao,29/04/2025,cong-an-tinh,29/04/2025,,", // 6: ok
            "p,bao-cao,29/04/2025,cong-an-tinh,28/04/2025,,", // 7: same pair twice
        ],
    );
    let out = dondoc(&["--config", &cfg, "import", &file]);
    assert_eq!(out.code, 2);
    for want in [
        "line 2, column E (submitted_on): is empty",
        "line 3, column C (period): 30/04/2025 is not a period",
        "line 4, column E (submitted_on): \"32/04/2025\" is not a real date (no day 32 in month 4 of 2025)",
        "line 7, column D (agency): the same pair is already on line 6",
        "4 bad rows; nothing was imported",
    ] {
        assert!(
            out.stderr.contains(want),
            "missing {want:?} in\n{}",
            out.stderr
        );
    }

    // A differing submission already recorded: refused unless --replace.
    import_ok(
        dir.path(),
        &cfg,
        &["p,bao-cao,29/04/2025,so-y-te,29/04/2025,,"],
    );
    let file = csv(dir.path(), &["p,bao-cao,29/04/2025,so-y-te,30/04/2025,,"]);
    let out = dondoc(&["--config", &cfg, "import", &file]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("line 2: a different submission is already recorded"),
        "{}",
        out.stderr
    );
    let out = dondoc(&["--config", &cfg, "import", "--replace", &file]);
    assert!(out.stdout.contains("1 replaced"), "{}", out.stdout);
}

#[test]
fn a_submission_survives_sigkill_right_after_submit_returns() {
    let (_dir, cfg) = setup();
    for _ in 0..5 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dondoc"))
            .env("DONDOC_LANG", "en")
            .args(
                [
                    &["--config", cfg.as_str(), "submit"],
                    &PAIR[..],
                    &["--on", "29/04/2025", "--replace"],
                ]
                .concat(),
            )
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        // The success line is printed after the commit, with the database still open.
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(
            line.starts_with("recorded") || line.starts_with("already recorded"),
            "{line}"
        );
        assert_eq!(
            pair(&status(&cfg, "05/05/2025"), "so-y-te")["state"],
            "on_time"
        );
    }
}

/// Many clerks (or scripts) recording at once on a new database: every write
/// waits its turn (immediate transactions, the busy timeout) and none fails
/// with "database is locked".
#[test]
fn concurrent_submits_all_succeed() {
    const N: usize = 24;
    let (_dir, cfg) = two_agency_config();
    let children: Vec<_> = (0..N)
        .map(|i| {
            let agency = if i % 2 == 0 {
                "so-y-te"
            } else {
                "cong-an-tinh"
            };
            Command::new(env!("CARGO_BIN_EXE_dondoc"))
                .env("DONDOC_LANG", "en")
                .args([
                    "--config",
                    cfg.as_str(),
                    "submit",
                    "--plan",
                    "p",
                    "--obligation",
                    "bao-cao",
                    "--period",
                    "29/04/2025",
                    "--agency",
                    agency,
                    "--on",
                    &format!("2025-04-{:02}T08:00:00+07:00", 1 + i % 28),
                    "--replace",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let failures: Vec<String> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .filter(|o| !o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {N} failed: {failures:?}",
        failures.len()
    );
    let rows: Vec<Value> = status(&cfg, "05/05/2025")
        .into_iter()
        .filter(|r| r["plan"] == "p")
        .collect();
    assert_eq!(pair(&rows, "so-y-te")["state"], "on_time");
    assert_eq!(pair(&rows, "cong-an-tinh")["state"], "on_time");
}

/// Issue 24: with no `$USER` (a cron job, `env -i`), `recorded_by` was
/// `cli:unknown`; it is the login of the process's uid, from /etc/passwd.
#[test]
fn the_recorder_is_named_without_user_in_the_environment() {
    let (_dir, cfg) = setup();
    let out = Command::new(env!("CARGO_BIN_EXE_dondoc"))
        .args(["--config", &cfg, "submit"])
        .args(PAIR)
        .args(["--on", "28/04/2025"])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let whoami = Command::new("id").arg("-un").output().unwrap();
    let login = String::from_utf8_lossy(&whoami.stdout).trim().to_string();
    let rows = status(&cfg, "29/04/2025");
    assert_eq!(
        pair(&rows, "so-y-te")["recorded_by"],
        format!("cli:{login}")
    );
}

/// A note typed with combining accents (as some keyboards and PDFs give
/// them) is kept composed, as `import` reads cells: the status workbook
/// with it re-imports unchanged.
#[test]
fn notes_are_kept_composed_so_an_export_reimports_unchanged() {
    let (dir, cfg) = setup();
    let decomposed = "to\u{302}\u{309} ho\u{31b}\u{323}p";
    let out = dondoc(
        &[
            &["--config", &cfg, "submit"],
            &PAIR[..],
            &[
                "--on",
                "29/04/2025 15:30",
                "--ref",
                "125/BC",
                "--note",
                decomposed,
            ],
        ]
        .concat(),
    );
    assert!(out.status.success(), "{}", out.stderr);
    let rows = status(&cfg, "30/04/2025 08:00");
    assert_eq!(pair(&rows, "so-y-te")["note"], "tổ hợp");
    let xlsx = dir.path().join("status.xlsx");
    let out = dondoc(&[
        "--config",
        &cfg,
        "status",
        "--at",
        "30/04/2025 08:00",
        "--format",
        "xlsx",
        "--output",
        xlsx.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    let out = dondoc(&["--config", &cfg, "import", xlsx.to_str().unwrap()]);
    assert!(out.status.success(), "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("already recorded") || out.stdout.contains("unchanged"),
        "{}",
        out.stdout
    );
}
