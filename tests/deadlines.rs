//! Deadlines as offices write them, through the real binary: a time of day
//! (*trước 17 giờ*), and extensions (*gia hạn*).

mod common;

use std::fs;

use common::dondoc;
use common::records::{PAIR, pair, setup, status};
use serde_json::Value;

/// *trước 17 giờ ngày 03/7/2023*: `submit` judges on-time as `status` does,
/// to the minute; JSON `due` stays a date; the reminder names the hour.
#[test]
fn a_deadline_with_a_time_of_day_through_the_binary() {
    let (dir, cfg) = setup();
    fs::write(
        dir.path().join("plans/p.toml"),
        "[plan]\nid = \"p\"\nnumber = \"85/KH-UBND\"\ntitle = \"Kế hoạch\"\n\n[[obligation]]\n\
         id = \"bao-cao\"\ntitle = \"Báo cáo kết quả\"\nagencies = [\"@so-nganh\"]\n\
         before = \"03/07/2023 17:00\"\n",
    )
    .unwrap();
    let which = [
        "--plan",
        "p",
        "--obligation",
        "bao-cao",
        "--period",
        "03/07/2023",
        "--agency",
        "so-y-te",
    ];
    let submit = |on: &str| {
        let args = [
            &["--config", cfg.as_str(), "submit"],
            &which[..],
            &["--on", on, "--replace"],
        ]
        .concat();
        let out = dondoc(&args);
        assert!(out.status.success(), "{}", out.stderr);
        out.stdout
    };
    assert!(submit("03/07/2023 16:59").contains("on time (due 03/07/2023)"));
    assert!(submit("03/07/2023 17:00").contains("0 days late"));
    let rows = status(&cfg, "05/07/2023");
    let row = pair(&rows, "so-y-te");
    assert_eq!(row["due"], "2023-07-03");
    assert_eq!(row["state"], "late");
    let out = dondoc(&["--config", &cfg, "preview", "--at", "03/07/2023 08:00"]);
    assert!(
        out.stdout
            .contains("Thời hạn: trước 17 giờ ngày 03/7/2023.\n   - Hôm nay là ngày cuối cùng"),
        "{}",
        out.stdout
    );
}

/// *Gia hạn*: "trước ngày 30/4/2025" makes so-y-te's report due Tuesday
/// 29/04/2025; on 05/05 it is 6 days overdue. Extended to Thursday 15/05, it
/// is pending again; the reminders count from 15/05 (before-1 on Wednesday
/// 14/05); a submission on 14/05 is on time; `--undo` restores 29/04.
#[test]
fn an_extension_moves_one_pair_s_due_date() {
    let (_dir, cfg) = setup();
    let run = |args: &[&str]| {
        let out = dondoc(&[&["--config", cfg.as_str()][..], args].concat());
        (out.code, out.stdout, out.stderr)
    };
    let syt = |at: &str| pair(&status(&cfg, at), "so-y-te").clone();
    assert_eq!(syt("05/05/2025")["state"], "overdue");
    assert_eq!(syt("05/05/2025")["days_late"], 6);
    assert_eq!(syt("05/05/2025")["extended_from"], Value::Null);

    let extend = [&["extend"][..], &PAIR[..]].concat();
    let (code, out, err) =
        run(&[&extend[..], &["--to", "15/05/2025", "--note", "CV 12/VP"]].concat());
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("due 29/04/2025 → 15/05/2025"), "{out}");
    let row = syt("05/05/2025");
    assert_eq!(row["state"], "pending");
    assert_eq!(row["due"], "2025-05-15");
    assert_eq!(row["extended_from"], "2025-04-29");
    // Reminders follow the extended date, for this agency only.
    let (_, out, _) = run(&["preview", "--at", "14/05/2025 08:00", "--format", "json"]);
    let emails: Vec<Value> = serde_json::from_str(&out).unwrap();
    let mine: Vec<&Value> = emails.iter().filter(|e| e["agency"] == "so-y-te").collect();
    assert_eq!(mine.len(), 1, "{out}");
    assert_eq!(mine[0]["items"][0]["step"], "before-1");
    assert_eq!(mine[0]["items"][0]["due"], "2025-05-15");
    // Not later than the due date: refused.
    let (code, _, err) = run(&[&extend[..], &["--to", "20/04/2025"]].concat());
    assert_eq!(code, 2);
    assert!(
        err.contains("not later than the due date 29/04/2025"),
        "{err}"
    );
    // A submission on 14/05 is on time under the extension.
    let submit = [&["submit"][..], &PAIR[..], &["--on", "14/05/2025"]].concat();
    let (code, out, err) = run(&submit);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("on time (due 15/05/2025)"), "{out}");
    assert_eq!(syt("20/05/2025")["state"], "on_time");
    // Lifted: the submission on 14/05 is late against 29/04.
    let (code, out, _) = run(&[&extend[..], &["--undo"]].concat());
    assert_eq!(code, 0);
    assert!(out.contains("due 29/04/2025 again"), "{out}");
    let row = syt("20/05/2025");
    assert_eq!(
        (row["state"].as_str(), row["days_late"].as_i64()),
        (Some("late"), Some(15))
    );
}
