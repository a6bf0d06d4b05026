//! Table-driven tests of instance generation over real Vietnamese calendars.

use jiff::civil::{Date, date};

use super::*;
use crate::config::testing::{MAIN, config};

/// The (period, due) pairs of a single obligation with schedule `schedule`.
fn dates_of(schedule: &str, holidays: Option<&str>, through: Date) -> Vec<(Date, Date)> {
    let ob = format!(
        "[[obligation]]\nid = \"o\"\ntitle = \"O\"\nagencies = [\"so-y-te\"]\n{schedule}\n"
    );
    let c = config(MAIN, &ob, holidays);
    instances(&c, through)
        .into_iter()
        .map(|i| (i.period, i.due))
        .collect()
}

const HOLIDAYS_2025: &str = r#"
[[year]]
year = 2025
off = ["01/01", "25/01..02/02", "07/04", "30/04..04/05", "30/08..02/09"]
working = ["15/02", "26/04"]
"#;

#[test]
fn once_forms_and_shifts() {
    let far = date(2030, 1, 1);
    let cases: &[(&str, Option<&str>, (Date, Date))] = &[
        // trước ngày 20/3/2024: the last on-time day is the day before (a Tuesday).
        (
            "before = \"20/03/2024\"",
            None,
            (date(2024, 3, 19), date(2024, 3, 19)),
        ),
        // trước ngày 03/7/2023: 2/7 is a Sunday → Monday 3/7.
        (
            "before = \"03/07/2023\"",
            None,
            (date(2023, 7, 2), date(2023, 7, 3)),
        ),
        (
            "before = 2023-07-10",
            None,
            (date(2023, 7, 9), date(2023, 7, 10)),
        ),
        // trước tháng 5/2024: 30/4, and 30/4 and 1/5 are holidays → 2/5.
        (
            "before = \"05/2024\"",
            None,
            (date(2024, 4, 30), date(2024, 5, 2)),
        ),
        // chậm nhất ngày: inclusive.
        (
            "due = \"15/06/2025\"",
            None,
            (date(2025, 6, 15), date(2025, 6, 16)),
        ),
        // due in June 2024: the 30th is a Sunday → 1/7.
        (
            "due = \"06/2024\"",
            None,
            (date(2024, 6, 30), date(2024, 7, 1)),
        ),
        // Over Tết Ất Tỵ with built-in rules: off 28/1–1/2 and make-up 3/2.
        (
            "due = \"29/01/2025\"",
            None,
            (date(2025, 1, 29), date(2025, 2, 4)),
        ),
        // The announced calendar instead: off 25/1–2/2, then a working Monday.
        (
            "due = \"29/01/2025\"",
            Some(HOLIDAYS_2025),
            (date(2025, 1, 29), date(2025, 2, 3)),
        ),
        // 30/4–4/5/2025 off by the file; built in, 2/5 would be a working day.
        (
            "due = \"30/04/2025\"",
            None,
            (date(2025, 4, 30), date(2025, 5, 2)),
        ),
        (
            "due = \"30/04/2025\"",
            Some(HOLIDAYS_2025),
            (date(2025, 4, 30), date(2025, 5, 5)),
        ),
        // A make-up working Saturday is a working day: no shift.
        (
            "due = \"26/04/2025\"",
            Some(HOLIDAYS_2025),
            (date(2025, 4, 26), date(2025, 4, 26)),
        ),
        (
            "due = \"26/04/2025\"",
            None,
            (date(2025, 4, 26), date(2025, 4, 28)),
        ),
        // Leap day.
        (
            "due = \"29/02/2024\"",
            None,
            (date(2024, 2, 29), date(2024, 2, 29)),
        ),
    ];
    for (schedule, holidays, want) in cases {
        assert_eq!(
            dates_of(schedule, *holidays, far),
            vec![*want],
            "{schedule}"
        );
    }
}

#[test]
fn every_n_months_keeps_the_day_and_clamps() {
    let far = date(2030, 1, 1);
    let periods = |s: &str| -> Vec<String> {
        dates_of(s, None, far)
            .into_iter()
            .map(|(p, _)| p.to_string())
            .collect()
    };
    assert_eq!(
        periods("every = \"1 month\"\nfirst_due = \"31/01/2025\"\nuntil = \"31/05/2025\""),
        [
            "2025-01-31",
            "2025-02-28",
            "2025-03-31",
            "2025-04-30",
            "2025-05-31"
        ]
    );
    // Leap year February, then back to the 31st: no drift.
    assert_eq!(
        periods("every = \"1 month\"\nfirst_due = \"31/01/2024\"\nuntil = \"31/03/2024\""),
        ["2024-01-31", "2024-02-29", "2024-03-31"]
    );
    assert_eq!(
        periods("every = \"2 months\"\nfirst_due = \"31/01/2025\"\nuntil = \"31/05/2025\""),
        ["2025-01-31", "2025-03-31", "2025-05-31"]
    );
    assert_eq!(
        periods("every = \"3 months\"\nfirst_due = \"31/03/2025\"\nuntil = \"31/12/2025\""),
        ["2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"]
    );
    assert_eq!(
        periods("every = \"1 year\"\nfirst_due = \"29/02/2024\"\nuntil = \"01/03/2028\""),
        [
            "2024-02-29",
            "2025-02-28",
            "2026-02-28",
            "2027-02-28",
            "2028-02-29"
        ]
    );
    // `until` is inclusive and compared with the scheduled date.
    assert_eq!(
        periods("every = \"6 months\"\nfirst_due = \"14/06/2024\"\nuntil = \"14/12/2024\""),
        ["2024-06-14", "2024-12-14"]
    );
}

#[test]
fn yearly_days_from_issued_or_from() {
    let far = date(2030, 1, 1);
    let periods = |s: &str| -> Vec<String> {
        dates_of(s, None, far)
            .into_iter()
            .map(|(p, _)| p.to_string())
            .collect()
    };
    // Starts at the plan's issued date (20/03/2025).
    assert_eq!(
        periods("yearly = [\"14/12\", \"14/06\"]\nuntil = \"31/12/2026\""),
        ["2025-06-14", "2025-12-14", "2026-06-14", "2026-12-14"]
    );
    assert_eq!(
        periods("yearly = [\"14/06\", \"14/12\"]\nfrom = \"15/06/2025\"\nuntil = \"14/06/2026\""),
        ["2025-12-14", "2026-06-14"]
    );
    assert_eq!(
        periods("yearly = [\"29/02\"]\nfrom = \"01/01/2027\"\nuntil = \"31/12/2028\""),
        ["2027-02-28", "2028-02-29"]
    );
}

#[test]
fn open_ended_schedules_reach_two_years_past_the_anchor() {
    assert_eq!(horizon(date(2026, 11, 23), None), date(2028, 11, 23));
    assert_eq!(
        horizon(date(2026, 11, 23), Some(date(2030, 1, 1))),
        date(2030, 1, 1)
    );
    assert_eq!(
        horizon(date(2026, 11, 23), Some(date(2027, 1, 1))),
        date(2028, 11, 23)
    );
    let got = dates_of(
        "every = \"6 months\"\nfirst_due = \"14/06/2025\"",
        None,
        date(2028, 11, 23),
    );
    let last = got.last().unwrap().0;
    assert_eq!(last, date(2028, 6, 14));
    assert_eq!(got.len(), 7);
}

#[test]
fn an_agency_stops_owing_when_it_is_dissolved() {
    let ob = "[[obligation]]\nid = \"o\"\ntitle = \"O\"\nagencies = [\"@so-nganh\"]\n\
              every = \"6 months\"\nfirst_due = \"14/06/2025\"\nuntil = \"31/12/2025\"\n";
    let c = config(MAIN, ob, None);
    let list = instances(&c, date(2030, 1, 1));
    let owing: Vec<Vec<&str>> = list
        .iter()
        .map(|i| {
            i.agencies
                .iter()
                .map(|&a| c.agencies[a].id.as_str())
                .collect()
        })
        .collect();
    // 14/06/2025 is a Saturday: due 16/06, before the district's 30/06 end.
    assert_eq!(list[0].due, date(2025, 6, 16));
    assert_eq!(owing, [vec!["so-y-te", "ubnd-huyen"], vec!["so-y-te"]]);
}

#[test]
fn no_shift_when_the_office_says_so() {
    let main = format!("{MAIN}\n[calendar]\nshift_to_working_day = false\n");
    let ob = "[[obligation]]\nid = \"o\"\ntitle = \"O\"\nagencies = [\"so-y-te\"]\nbefore = \"03/07/2023\"\n";
    let c = config(&main, ob, None);
    let list = instances(&c, date(2030, 1, 1));
    assert_eq!(
        (list[0].period, list[0].due),
        (date(2023, 7, 2), date(2023, 7, 2))
    );
}

#[test]
fn instances_are_sorted_by_due_then_plan_obligation_period() {
    let ob = "[[obligation]]\nid = \"z\"\ntitle = \"Z\"\nagencies = [\"so-y-te\"]\ndue = \"16/06/2025\"\n\
              [[obligation]]\nid = \"a\"\ntitle = \"A\"\nagencies = [\"so-y-te\"]\ndue = \"14/06/2025\"\n\
              [[obligation]]\nid = \"m\"\ntitle = \"M\"\nagencies = [\"so-y-te\"]\ndue = \"01/06/2025\"\n";
    let c = config(MAIN, ob, None);
    let list = instances(&c, date(2030, 1, 1));
    let order: Vec<(&str, String)> = list
        .iter()
        .map(|i| (i.obligation(&c).id.as_str(), i.due.to_string()))
        .collect();
    // a (14/6 Sat → 16/6) and z (16/6) share a due date: by obligation id.
    assert_eq!(
        order,
        [
            ("m", "2025-06-02".into()),
            ("a", "2025-06-16".into()),
            ("z", "2025-06-16".into())
        ]
    );
}

/// *trước tháng 5/2024*: the scheduled date (the letter's last day) is
/// 30/04/2024. The government announced 27/04 (Sat) – 01/05 (Wed) off, with
/// Saturday 04/05 worked. By Civil Code art. 148 the deadline ends at the
/// end of the next working day, Thu 02/05, whatever the shift but `none`;
/// `backward` moves only the reminders' aim, to Fri 26/04, the last working
/// day the wording allows.
#[test]
fn the_law_sets_the_due_date_and_backward_moves_only_the_aim() {
    let announced =
        "[[year]]\nyear = 2024\noff = [\"01/01\", \"27/04..01/05\"]\nworking = [\"04/05\"]\n";
    let far = date(2030, 1, 1);
    let period = date(2024, 4, 30);
    let of = |schedule: &str| {
        let ob = format!(
            "[[obligation]]\nid = \"o\"\ntitle = \"O\"\nagencies = [\"so-y-te\"]\n{schedule}\n"
        );
        let c = config(MAIN, &ob, Some(announced));
        instances(&c, far)
            .into_iter()
            .map(|i| (i.period, i.due, i.aim))
            .collect::<Vec<_>>()
    };
    for (shift, due, aim) in [
        ("", date(2024, 5, 2), date(2024, 5, 2)),
        ("shift = \"forward\"\n", date(2024, 5, 2), date(2024, 5, 2)),
        (
            "shift = \"backward\"\n",
            date(2024, 5, 2),
            date(2024, 4, 26),
        ),
        ("shift = \"none\"\n", date(2024, 4, 30), date(2024, 4, 30)),
    ] {
        let schedule = format!("before = \"05/2024\"\n{shift}");
        assert_eq!(of(&schedule), [(period, due, aim)], "{shift}");
    }
    // A working day is not moved, whatever the shift: 29/03/2024 is a Friday.
    let schedule = "before = \"30/03/2024\"\nshift = \"backward\"\n";
    let friday = date(2024, 3, 29);
    assert_eq!(of(schedule), [(friday, friday, friday)]);
}

#[test]
fn an_unknown_shift_is_an_error_naming_the_key() {
    let e = load_errors(
        "[plan]\nid = \"p\"\nnumber = \"1\"\ntitle = \"K\"\n[[obligation]]\nid = \"o\"\ntitle = \"O\"\n\
         agencies = [\"so-y-te\"]\nbefore = \"05/2024\"\nshift = \"lui\"\n",
    );
    assert!(
        e.starts_with(
            "plans/p.toml:10:9: obligation[0].shift: \"lui\" is not a shift; use \"forward\""
        ),
        "{e}"
    );
}

/// *Báo cáo nhanh hằng tuần*, every Friday from 06/02/2026. Tết 2026 takes
/// Mon 16 – Fri 20/02 off (built in), so the report scheduled on Friday
/// 20/02 is due Monday 23/02 (forward); the others fall on working Fridays.
#[test]
fn a_weekly_cycle_across_tet() {
    let weekly = "every = \"1 week\"\nfirst_due = \"06/02/2026\"\nuntil = \"06/03/2026\"";
    assert_eq!(
        dates_of(weekly, None, date(2030, 1, 1)),
        [
            (date(2026, 2, 6), date(2026, 2, 6)),
            (date(2026, 2, 13), date(2026, 2, 13)),
            (date(2026, 2, 20), date(2026, 2, 23)),
            (date(2026, 2, 27), date(2026, 2, 27)),
            (date(2026, 3, 6), date(2026, 3, 6)),
        ]
    );
    // Every 2 weeks, open-ended: generated through the horizon asked for.
    let fortnightly = "every = \"2 weeks\"\nfirst_due = \"06/02/2026\"";
    let got = dates_of(fortnightly, None, date(2026, 3, 31));
    let periods: Vec<Date> = got.iter().map(|(p, _)| *p).collect();
    assert_eq!(
        periods,
        [
            date(2026, 2, 6),
            date(2026, 2, 20),
            date(2026, 3, 6),
            date(2026, 3, 20)
        ]
    );
}

/// `within`: one instance, counted from the plan's issue (Thursday
/// 20/03/2025 in these tests) or from `from`.
/// - 5 working days: Fri 21, Mon 24, Tue 25, Wed 26, Thu 27/03.
/// - 10 days: Sunday 30/03, due Monday 31/03 (shifted forward).
/// - 3 working days from Monday 28/04/2025: Tue 29, then 30/04 and 01/05 are
///   holidays (built in), Fri 02/05, Mon 05/05.
#[test]
fn within_n_working_days_of_the_plan_s_issue() {
    let far = date(2030, 1, 1);
    assert_eq!(
        dates_of("within = \"5 working days\"", None, far),
        [(date(2025, 3, 27), date(2025, 3, 27))]
    );
    assert_eq!(
        dates_of("within = \"10 days\"", None, far),
        [(date(2025, 3, 30), date(2025, 3, 31))]
    );
    assert_eq!(
        dates_of(
            "within = \"3 working days\"\nfrom = \"28/04/2025\"",
            None,
            far
        ),
        [(date(2025, 5, 5), date(2025, 5, 5))]
    );
}

/// SPEC's example: a 6-month report scheduled 14/06/2025 names "6 tháng đầu
/// năm 2025" and covers 15/12/2024 – 14/06/2025; the December one is the
/// year's report, covering 15/06 – 14/12/2025.
#[test]
fn period_labels_and_data_periods_name_what_a_report_covers() {
    let ob = "[[obligation]]\nid = \"o\"\ntitle = \"O\"\nagencies = [\"so-y-te\"]\n\
              yearly = [\"14/06\", \"14/12\"]\nuntil = \"31/12/2025\"\ndata_period = \"6 months\"\n\
              period_label = \"'6 tháng đầu năm ' ~ year if month == 6 else 'năm ' ~ year\"\n";
    let c = config(MAIN, ob, None);
    let list = instances(&c, date(2030, 1, 1));
    let named: Vec<(String, Option<(Date, Date)>)> = list
        .iter()
        .map(|i| (period_name(&c, i), covered(i.obligation(&c), i.period)))
        .collect();
    assert_eq!(
        named,
        [
            (
                "6 tháng đầu năm 2025".to_string(),
                Some((date(2024, 12, 15), date(2025, 6, 14)))
            ),
            (
                "năm 2025".to_string(),
                Some((date(2025, 6, 15), date(2025, 12, 14)))
            ),
        ]
    );
}

#[test]
fn a_broken_label_or_a_data_period_without_a_cycle_is_an_error() {
    let e = load_errors(
        "[plan]\nid = \"p\"\nnumber = \"1\"\ntitle = \"K\"\n[[obligation]]\nid = \"o\"\ntitle = \"O\"\n\
         agencies = [\"so-y-te\"]\nbefore = \"05/2024\"\ndata_period = \"6 months\"\n\
         period_label = \"'năm ' ~ nam\"\n",
    );
    assert!(
        e.contains(
            "plans/p.toml:10:15: obligation[0].data_period: data_period goes with yearly or every"
        ),
        "{e}"
    );
    assert!(
        e.contains("plans/p.toml:11:16: obligation[0].period_label: undefined value"),
        "{e}"
    );
}

/// What loading prints for a config whose one plan file is `plan`.
fn load_errors(plan: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("plans")).unwrap();
    std::fs::write(dir.path().join("dondoc.toml"), MAIN).unwrap();
    std::fs::write(
        dir.path().join("agencies.toml"),
        crate::config::testing::AGENCIES,
    )
    .unwrap();
    std::fs::write(dir.path().join("plans/p.toml"), plan).unwrap();
    crate::config::load(dir.path()).unwrap_err().to_string()
}
