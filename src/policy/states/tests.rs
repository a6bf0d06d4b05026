//! Every state boundary, table-driven.

use jiff::Timestamp;
use jiff::civil::{Date, date};
use jiff::tz::TimeZone;

use super::*;
use crate::calendar::{self, Instance};
use crate::config::testing::{MAIN, config};
use crate::dates::days_between;
use crate::dates::parse_moment;
use crate::ledger::{PairKey, Submission, Waiver};
use crate::policy::Snapshot;

const OBLIGATIONS: &str = r#"
[[obligation]]
id = "kien-toan"
title = "Kiện toàn"
agencies = ["so-y-te"]
before = "30/04/2025"             # due Tuesday 29/04/2025

[[obligation]]
id = "bao-cao"
title = "Báo cáo 6 tháng"
agencies = ["@so-nganh"]
yearly = ["14/06", "14/12"]       # 14/06/2025 is a Saturday: due Monday 16/06
until = "31/12/2025"
"#;

fn tz() -> TimeZone {
    TimeZone::get("Asia/Ho_Chi_Minh").unwrap()
}

fn at(text: &str) -> Timestamp {
    parse_moment(text, &tz()).unwrap().timestamp()
}

fn key(obligation: &str, period: Date, agency: &str) -> PairKey {
    PairKey {
        plan: "p".into(),
        obligation: obligation.into(),
        period,
        agency: agency.into(),
    }
}

fn submitted(obligation: &str, period: Date, agency: &str, when: &str) -> Submission {
    Submission {
        key: key(obligation, period, agency),
        submitted_at: at(when),
        reference: None,
        note: None,
    }
}

/// The state, days_late of one pair at `moment`, or None when the pair is not owed.
fn state_of(
    subs: &[Submission],
    waivers: &[Waiver],
    moment: &str,
    obligation: &str,
    period: Date,
    agency: &str,
) -> Option<(State, Option<i32>)> {
    let c = config(MAIN, OBLIGATIONS, None);
    let list: Vec<Instance> = calendar::instances(&c, date(2030, 1, 1));
    let snap = Snapshot::new(&c, subs, waivers);
    evaluate(&list, &snap, at(moment), &tz())
        .into_iter()
        .find(|s| {
            let i = &list[s.instance];
            i.obligation(&c).id == obligation
                && i.period == period
                && c.agencies[s.agency].id == agency
        })
        .map(|s| (s.state, s.days_late))
}

/// (name, submissions (obligation, period, agency, when), moment, obligation,
/// period, agency, expected state and days_late)
type Case<'a> = (
    &'a str,
    &'a [(&'a str, Date, &'a str, &'a str)],
    &'a str,
    &'a str,
    Date,
    &'a str,
    (State, Option<i32>),
);

#[test]
fn state_boundaries() {
    let p1 = date(2025, 4, 29);
    let p2 = date(2025, 6, 14);
    use State::*;
    #[rustfmt::skip]
    let cases: &[Case] = &[
        ("nothing submitted, on the due date", &[], "29/04/2025 23:59", "kien-toan", p1, "so-y-te", (Pending, None)),
        ("nothing submitted, the day after", &[], "30/04/2025 00:00", "kien-toan", p1, "so-y-te", (Overdue, Some(1))),
        ("nothing submitted, three days after", &[], "02/05/2025 08:00", "kien-toan", p1, "so-y-te", (Overdue, Some(3))),
        ("submitted on the due date", &[("kien-toan", p1, "so-y-te", "29/04/2025 16:30")], "05/05/2025", "kien-toan", p1, "so-y-te", (OnTime, None)),
        ("submitted the day after (date only)", &[("kien-toan", p1, "so-y-te", "30/04/2025")], "05/05/2025", "kien-toan", p1, "so-y-te", (Late, Some(1))),
        ("late in UTC terms: 20:00Z is 03:00 the next day", &[("kien-toan", p1, "so-y-te", "2025-04-29T20:00:00Z")], "05/05/2025", "kien-toan", p1, "so-y-te", (Late, Some(1))),
        ("submitted after the moment asked about", &[("kien-toan", p1, "so-y-te", "29/04/2025 10:00")], "29/04/2025 09:00", "kien-toan", p1, "so-y-te", (Pending, None)),
        ("…and at the moment itself", &[("kien-toan", p1, "so-y-te", "29/04/2025 10:00")], "29/04/2025 10:00", "kien-toan", p1, "so-y-te", (OnTime, None)),
        ("late submission not yet made at T", &[("kien-toan", p1, "so-y-te", "06/05/2025")], "02/05/2025", "kien-toan", p1, "so-y-te", (Overdue, Some(3))),
        ("on a Sunday before the shifted due date", &[("bao-cao", p2, "so-y-te", "15/06/2025")], "20/06/2025", "bao-cao", p2, "so-y-te", (OnTime, None)),
        ("on the shifted due date (Monday)", &[("bao-cao", p2, "so-y-te", "16/06/2025 17:00")], "20/06/2025", "bao-cao", p2, "so-y-te", (OnTime, None)),
        ("the day after the shifted due date", &[("bao-cao", p2, "so-y-te", "17/06/2025")], "20/06/2025", "bao-cao", p2, "so-y-te", (Late, Some(1))),
        ("pending through the shifted due date", &[], "16/06/2025 23:00", "bao-cao", p2, "ubnd-huyen", (Pending, None)),
    ];
    for (name, subs, moment, ob, period, agency, want) in cases {
        let subs: Vec<Submission> = subs
            .iter()
            .map(|(o, p, a, w)| submitted(o, *p, a, w))
            .collect();
        assert_eq!(
            state_of(&subs, &[], moment, ob, *period, agency),
            Some(*want),
            "{name}"
        );
    }
}

#[test]
fn exempt_wins_over_a_submission() {
    let p1 = date(2025, 4, 29);
    let subs = [submitted("kien-toan", p1, "so-y-te", "30/04/2025")];
    let waivers = [Waiver {
        key: key("kien-toan", p1, "so-y-te"),
        note: None,
    }];
    assert_eq!(
        state_of(&subs, &waivers, "05/05/2025", "kien-toan", p1, "so-y-te"),
        Some((State::Exempt, None))
    );
    assert_eq!(
        state_of(&[], &waivers, "05/05/2025", "kien-toan", p1, "so-y-te"),
        Some((State::Exempt, None))
    );
}

#[test]
fn an_agency_outside_its_active_range_owes_nothing() {
    // ubnd-huyen ends on 30/06/2025: it owes June's report, not December's.
    assert!(
        state_of(
            &[],
            &[],
            "20/06/2025",
            "bao-cao",
            date(2025, 6, 14),
            "ubnd-huyen"
        )
        .is_some()
    );
    assert_eq!(
        state_of(
            &[],
            &[],
            "20/12/2025",
            "bao-cao",
            date(2025, 12, 14),
            "ubnd-huyen"
        ),
        None
    );
}

#[test]
fn rows_for_ids_the_config_no_longer_has_are_ignored() {
    let c = config(MAIN, OBLIGATIONS, None);
    let mut gone = submitted("kien-toan", date(2025, 4, 29), "so-y-te", "29/04/2025");
    gone.key.agency = "so-da-giai-the".into();
    let snap = Snapshot::new(&c, &[gone], &[]);
    assert!(snap.is_empty());
}

#[test]
fn days_between_counts_calendar_days() {
    assert_eq!(days_between(date(2025, 4, 29), date(2025, 5, 2)), 3);
    assert_eq!(days_between(date(2024, 2, 28), date(2024, 3, 1)), 2);
    assert_eq!(days_between(date(2025, 12, 31), date(2026, 1, 1)), 1);
}

/// Deadlines with a time of day (Ninh Bình, Tháng hành động 2023):
/// - *trước 17 giờ ngày 03/7/2023* — `before = "03/07/2023 17:00"`: the written
///   day is the period and the due date (Monday); on time strictly before
///   17:00;
/// - *chậm nhất 16 giờ 00 ngày 10/7/2023* — `due = "10/07/2023 16:00"`: on time
///   at 16:00 itself;
/// - `before = "02/07/2023 17:00"` (a Sunday): due Monday 03/07 at 17:00.
#[test]
fn deadlines_with_a_time_of_day() {
    let obligations = r#"
[[obligation]]
id = "don-vi"
title = "Báo cáo của các đơn vị"
agencies = ["so-y-te"]
before = "03/07/2023 17:00"

[[obligation]]
id = "cong-an"
title = "Báo cáo lên"
agencies = ["so-y-te"]
due = "10/07/2023 16:00"

[[obligation]]
id = "chu-nhat"
title = "Hạn rơi vào Chủ nhật"
agencies = ["so-y-te"]
before = "02/07/2023 17:00"
"#;
    let c = config(MAIN, obligations, None);
    let list: Vec<Instance> = calendar::instances(&c, date(2030, 1, 1));
    let find = |id: &str| list.iter().find(|i| i.obligation(&c).id == id).unwrap();
    assert_eq!(
        (find("don-vi").period, find("don-vi").due),
        (date(2023, 7, 3), date(2023, 7, 3))
    );
    assert_eq!(
        (find("chu-nhat").period, find("chu-nhat").due),
        (date(2023, 7, 2), date(2023, 7, 3))
    );
    let state = |id: &str, when: &str| {
        let inst = find(id);
        let sub = submitted(id, inst.period, "so-y-te", when);
        let snap = Snapshot::new(&c, &[sub], &[]);
        evaluate(&list, &snap, at("31/07/2023 08:00"), &tz())
            .into_iter()
            .find(|s| list[s.instance].obligation(&c).id == id)
            .map(|s| (s.state, s.days_late))
            .unwrap()
    };
    assert_eq!(state("don-vi", "03/07/2023 16:59"), (State::OnTime, None));
    assert_eq!(state("don-vi", "03/07/2023 17:00"), (State::Late, Some(0)));
    assert_eq!(state("don-vi", "04/07/2023 08:00"), (State::Late, Some(1)));
    assert_eq!(state("cong-an", "10/07/2023 16:00"), (State::OnTime, None));
    assert_eq!(state("cong-an", "10/07/2023 16:01"), (State::Late, Some(0)));
    assert_eq!(state("chu-nhat", "03/07/2023 16:30"), (State::OnTime, None));
    assert_eq!(
        state("chu-nhat", "03/07/2023 17:30"),
        (State::Late, Some(0))
    );
    // Pending and overdue still go by the due date.
    let none = Snapshot::new(&c, &[], &[]);
    let open = |when: &str| {
        evaluate(&list, &none, at(when), &tz())
            .into_iter()
            .find(|s| list[s.instance].obligation(&c).id == "don-vi")
            .map(|s| s.state)
            .unwrap()
    };
    assert_eq!(open("03/07/2023 23:00"), State::Pending);
    assert_eq!(open("04/07/2023 08:00"), State::Overdue);
}

#[test]
fn index_is_the_place_in_all() {
    for (i, s) in State::ALL.iter().enumerate() {
        assert_eq!(s.index(), i, "{s:?}");
    }
}
