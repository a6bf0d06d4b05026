//! SPEC "The letter and the law", rule by rule, through the real binary on
//! the shipped examples: lateness judged by Civil Code art. 148, `remind =
//! false`, `provisional` dates warned about. (The emails' words, citations,
//! subjects and dated office details are read in `tests/examples.rs`.)

mod common;

use common::{dondoc, dondoc_in, example_copy};
use serde_json::Value;

const NB: &str = "config/examples/ninh-binh-2023";
const PLAN: &str = "ninh-binh-thang-hanh-dong-2023";

fn json(args: &[&str]) -> Vec<Value> {
    let out = dondoc(args);
    assert!(out.status.success(), "{args:?}: {}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

/// *trước ngày 03/7/2023*: the letter's last day is Sunday 02/07, so by art.
/// 148 the deadline ends at the end of Monday 03/07. A unit that sends its
/// report on Sunday evening is on time — in the status, the verdict `submit`
/// prints, and the year's ranking — and one that sends on Tuesday is late
/// by one day, though the reminders aimed at Friday 30/06.
#[test]
fn a_report_sent_on_the_sunday_is_on_time_by_the_law() {
    let dir = example_copy(NB, "vi");
    let cfg = dir.path().to_str().unwrap();
    let submit = |agency: &str, on: &str| {
        let out = dondoc_in(
            &[],
            &[
                "--config",
                cfg,
                "submit",
                "--plan",
                PLAN,
                "--obligation",
                "bao-cao-ket-qua",
                "--period",
                "02/07/2023",
                "--agency",
                agency,
                "--on",
                on,
            ],
        );
        assert!(out.status.success(), "{}", out.stderr);
        out.stdout
    };
    let sunday = submit("so-y-te", "02/07/2023 20:00");
    assert!(sunday.contains("đúng hạn (hạn 03/07/2023)"), "{sunday}");
    let tuesday = submit("so-gddt", "04/07/2023 09:00");
    assert!(
        tuesday.contains("nộp muộn 1 ngày (hạn 03/07/2023)"),
        "{tuesday}"
    );

    let rows = json(&[
        "--config",
        cfg,
        "status",
        "--at",
        "05/07/2023",
        "--format",
        "json",
    ]);
    let row = |agency: &str| {
        rows.iter()
            .find(|r| r["obligation"] == "bao-cao-ket-qua" && r["agency"] == agency)
            .unwrap()
            .clone()
    };
    assert_eq!(
        (
            row("so-y-te")["state"].as_str(),
            row("so-y-te")["due"].as_str()
        ),
        (Some("on_time"), Some("2023-07-03"))
    );
    assert_eq!(row("so-gddt")["state"], "late");
    assert_eq!(row("so-gddt")["days_late"], 1);

    let report = json(&[
        "--config",
        cfg,
        "report",
        "--year",
        "2023",
        "--at",
        "31/12/2023",
        "--format",
        "json",
    ]);
    let syt = report.iter().find(|r| r["agency"] == "so-y-te").unwrap();
    assert_eq!(
        (syt["on_time"].as_i64(), syt["late"].as_i64()),
        (Some(1), Some(0)),
        "{syt}"
    );
    assert_eq!(syt["on_time_rate"].as_f64(), Some(1.0), "{syt}");
}

/// `remind = false`: Công an tỉnh is the office's own parent. Its upward
/// report is tracked, shown and counted, but no email goes to it.
#[test]
fn the_office_s_parent_is_tracked_and_never_emailed() {
    let dir = example_copy(NB, "vi");
    let cfg = dir.path().to_str().unwrap();
    for at in ["03/07/2023 08:00", "10/07/2023 08:00", "17/07/2023 08:00"] {
        let planned = json(&["--config", cfg, "preview", "--at", at, "--format", "json"]);
        assert!(
            !planned.iter().any(|e| e["agency"] == "cong-an-tinh"),
            "{at}: {planned:?}"
        );
    }
    let rows = json(&[
        "--config",
        cfg,
        "status",
        "--at",
        "11/07/2023",
        "--format",
        "json",
    ]);
    let up = rows
        .iter()
        .find(|r| r["obligation"] == "bao-cao-tong-hop")
        .unwrap();
    assert_eq!(
        (up["agency"].as_str(), up["state"].as_str()),
        (Some("cong-an-tinh"), Some("overdue"))
    );
    assert_eq!(up["inputs"]["owed"], 26);
}

/// A date no document sets (`provisional = true`) is a warning of `check`
/// that says what to do, and the calendar's rows still carry it.
#[test]
fn check_warns_about_provisional_dates() {
    let out = dondoc(&["--config", "config/examples/hai-duong-2024", "check"]);
    assert!(out.status.success(), "{}", out.stderr);
    let all = format!("{}{}", out.stdout, out.stderr);
    assert!(
        all.contains("obligation bao-cao-6-thang")
            && all.contains("provisional = true: no document sets its dates yet"),
        "{all}"
    );
    assert!(all.contains("name that document in date_basis"), "{all}");
}

/// A date no document sets is not one to copy an agency's leaders over:
/// Khánh Hòa's 6-month report (`provisional`, due Monday 16/06/2025) at its
/// second overdue reminder, 10 working days late, copies nobody.
#[test]
fn a_provisional_date_never_escalates() {
    let dir = example_copy("config/examples/khanh-hoa-2025", "vi");
    let cfg = dir.path().to_str().unwrap();
    let loaded = dondoc::engine::load(dir.path()).unwrap();
    let planned = json(&[
        "--config",
        cfg,
        "preview",
        "--at",
        "30/06/2025 08:00",
        "--format",
        "json",
    ]);
    let mut overdue_2 = 0;
    for e in &planned {
        let agency = loaded.config.agency(e["agency"].as_str().unwrap()).unwrap();
        for item in e["items"].as_array().unwrap() {
            if item["step"] == "overdue-2" {
                overdue_2 += 1;
            }
        }
        for leader in &agency.escalate_to {
            assert!(
                !e["cc"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c == leader.as_str()),
                "{leader} copied: {e}"
            );
        }
    }
    assert!(overdue_2 > 10, "{planned:?}");
    assert!(
        loaded
            .config
            .agencies
            .iter()
            .any(|a| !a.escalate_to.is_empty()),
        "some agency has leaders to copy"
    );
}
