//! The reminder policy over real Vietnamese calendars, table-driven.

use jiff::civil::{Date, date};
use jiff::tz::TimeZone;

use super::*;
use crate::calendar;
use crate::config::testing::{MAIN, config};
use crate::dates::parse_moment;
use crate::ledger::{PairKey, SentStep, Submission, Waiver};
use crate::policy::{Snapshot, Step};

/// Due Tuesday 29/04/2025 ("trước ngày 30/4/2025"), with the second
/// release's busier policy, to exercise every kind of step: before [7, 3, 1],
/// on due, every 3 working days × 5, escalate at 7, stop at 60.
const OBLIGATION: &str = "[[obligation]]\nid = \"o\"\ntitle = \"O\"\nagencies = [\"so-y-te\"]\nbefore = \"30/04/2025\"\n\
    [obligation.reminders]\nbefore = [7, 3, 1]\noverdue_every = 3\noverdue_max = 5\nescalate_after = 7\n";

fn tz() -> TimeZone {
    TimeZone::get("Asia/Ho_Chi_Minh").unwrap()
}

fn key(period: Date) -> PairKey {
    PairKey {
        plan: "p".into(),
        obligation: "o".into(),
        period,
        agency: "so-y-te".into(),
    }
}

/// The reminders at `moment` for an obligation, with a sent-log of `sent`
/// steps and an optional submission time.
fn decide(
    obligation: &str,
    moment: &str,
    sent: &[&str],
    submitted: Option<&str>,
    waived: bool,
) -> Vec<Reminder> {
    let c = config(MAIN, obligation, None);
    let list = calendar::instances(&c, date(2030, 1, 1));
    let period = list[0].period;
    let subs: Vec<Submission> = submitted
        .map(|t| Submission {
            key: key(period),
            submitted_at: parse_moment(t, &tz()).unwrap().timestamp(),
            reference: None,
            note: None,
        })
        .into_iter()
        .collect();
    let waivers: Vec<Waiver> = waived
        .then(|| Waiver {
            key: key(period),
            note: None,
        })
        .into_iter()
        .collect();
    let sent: Vec<SentStep> = sent
        .iter()
        .map(|s| SentStep {
            key: key(period),
            step: Step::parse(s).expect("a step"),
        })
        .collect();
    let snap = Snapshot::with_sent(&c, &subs, &waivers, &sent);
    let at = parse_moment(moment, &tz()).unwrap().timestamp();
    due_reminders(&c, &list, &snap, at, &tz())
}

fn step_at(moment: &str, sent: &[&str]) -> Option<(String, bool, usize)> {
    let r = decide(OBLIGATION, moment, sent, None, false);
    assert!(r.len() <= 1);
    r.first()
        .map(|r| (r.step.to_string(), r.escalate, r.ordinal))
}

#[test]
fn each_step_falls_on_its_working_day() {
    let c = config(MAIN, OBLIGATION, None);
    let cal = &c.workdays;
    let days: Vec<(String, Date)> = steps(
        &c.plans[0].obligations[0].policy,
        Target {
            due: date(2025, 4, 29),
            aim: date(2025, 4, 29),
        },
        cal,
    )
    .into_iter()
    .map(|(s, d)| (s.to_string(), d))
    .collect();
    let want = [
        ("before-7", date(2025, 4, 18)), // over the weekend of 19–20/4
        ("before-3", date(2025, 4, 24)),
        ("before-1", date(2025, 4, 28)),
        ("due", date(2025, 4, 29)),
        ("overdue-1", date(2025, 5, 6)), // 30/4 and 1/5 are holidays: 2/5, 5/5, 6/5
        ("overdue-2", date(2025, 5, 9)),
        ("overdue-3", date(2025, 5, 14)),
        ("overdue-4", date(2025, 5, 19)),
        ("overdue-5", date(2025, 5, 22)),
    ];
    let want: Vec<(String, Date)> = want.iter().map(|(s, d)| (s.to_string(), *d)).collect();
    assert_eq!(days, want);
}

/// (moment, steps already sent, expected (step, escalated, ordinal))
type Case<'a> = (&'a str, &'a [&'a str], Option<(&'a str, bool, usize)>);

#[test]
fn the_candidate_is_the_latest_step_on_or_before_the_moment() {
    #[rustfmt::skip]
    let cases: &[Case] = &[
        ("17/04/2025 08:00", &[], None),
        ("18/04/2025 08:00", &[], Some(("before-7", false, 1))),
        ("21/04/2025 08:00", &["before-7"], None),                   // already sent
        ("24/04/2025 08:00", &["before-7"], Some(("before-3", false, 2))),
        ("28/04/2025 08:00", &["before-7", "before-3"], Some(("before-1", false, 3))),
        ("29/04/2025 08:00", &["before-7", "before-3", "before-1"], Some(("due", false, 4))),
        ("30/04/2025 08:00", &["before-7", "before-3", "before-1", "due"], None), // a holiday, nothing new
        ("06/05/2025 08:00", &["due"], Some(("overdue-1", false, 2))),
        ("09/05/2025 08:00", &["due", "overdue-1"], Some(("overdue-2", false, 3))),
        // 3 × 3 = 9 ≥ 7 working days overdue: the leadership is copied.
        ("14/05/2025 08:00", &["due", "overdue-1", "overdue-2"], Some(("overdue-3", true, 4))),
        ("22/05/2025 08:00", &["overdue-4"], Some(("overdue-5", true, 2))),
        ("23/05/2025 08:00", &["overdue-5"], None),                  // overdue_max reached
    ];
    for (moment, sent, want) in cases {
        let got = step_at(moment, sent);
        let want = want.map(|(s, e, o)| (s.to_string(), e, o));
        assert_eq!(got, want, "at {moment} with {sent:?}");
    }
}

/// SPEC "Restraint": the default policy sends a pair at most 5 emails.
#[test]
fn the_default_policy_sends_a_pair_at_most_five_emails() {
    let plain = "[[obligation]]\nid = \"o\"\ntitle = \"O\"\nagencies = [\"so-y-te\"]\nbefore = \"30/04/2025\"\n";
    let c = config(MAIN, plain, None);
    let policy = &c.plans[0].obligations[0].policy;
    let due = date(2025, 4, 29);
    let all = steps(policy, Target { due, aim: due }, &c.workdays);
    let names: Vec<String> = all.iter().map(|(s, _)| s.to_string()).collect();
    assert_eq!(
        names,
        ["before-5", "before-1", "due", "overdue-1", "overdue-2"]
    );
    // Escalated only at 10 working days overdue: the last one.
    let escalated: Vec<bool> = all.iter().map(|&(s, _)| escalates(policy, s)).collect();
    assert_eq!(escalated, [false, false, false, false, true]);
    // Every day of the season, sending what is due: five emails in all.
    let mut sent: Vec<String> = Vec::new();
    let mut day = date(2025, 4, 1);
    while day < date(2025, 7, 31) {
        let moment = format!("{} 08:00", crate::dates::vn(day));
        let refs: Vec<&str> = sent.iter().map(String::as_str).collect();
        for r in decide(plain, &moment, &refs, None, false) {
            sent.push(r.step.to_string());
        }
        day = day.tomorrow().unwrap();
    }
    assert_eq!(sent.len(), 5, "{sent:?}");
}

/// `shift = "backward"`: *trước ngày 03/7/2023*, the letter's last day Sun
/// 02/07. The due date is Mon 03/07 (art. 148); the reminders aim at Fri
/// 30/06: `before-N` count back from it and `due` goes on it, while the
/// overdue steps count from Monday.
#[test]
fn backward_moves_the_reminders_aim_not_the_due_date() {
    let ob = "[[obligation]]\nid = \"o\"\ntitle = \"O\"\nagencies = [\"so-y-te\"]\nbefore = \"03/07/2023\"\n\
              shift = \"backward\"\n";
    let c = config(MAIN, ob, None);
    let inst = &calendar::instances(&c, date(2030, 1, 1))[0];
    assert_eq!((inst.due, inst.aim), (date(2023, 7, 3), date(2023, 6, 30)));
    let days: Vec<(String, Date)> = steps(
        &c.plans[0].obligations[0].policy,
        Target::of(inst, None),
        &c.workdays,
    )
    .into_iter()
    .map(|(s, d)| (s.to_string(), d))
    .collect();
    let want = [
        ("before-5", date(2023, 6, 23)),
        ("before-1", date(2023, 6, 29)),
        ("due", date(2023, 6, 30)),
        ("overdue-1", date(2023, 7, 10)),
        ("overdue-2", date(2023, 7, 17)),
    ];
    let want: Vec<(String, Date)> = want.iter().map(|(s, d)| (s.to_string(), *d)).collect();
    assert_eq!(days, want);
}

#[test]
fn a_week_of_downtime_sends_exactly_one_reminder() {
    // Sent before-7 on 18/04, then nothing ran until the due date: before-3 and
    // before-1 are skipped, only "due" goes out.
    let r = decide(OBLIGATION, "29/04/2025 08:00", &["before-7"], None, false);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].step, Step::Due);
    assert_eq!(r[0].days_left, 0);
}

#[test]
fn a_submission_between_two_steps_stops_the_next() {
    assert!(
        decide(
            OBLIGATION,
            "28/04/2025 08:00",
            &["before-3"],
            Some("25/04/2025 10:00"),
            false
        )
        .is_empty()
    );
    // …but not when it is recorded as made after the moment.
    assert_eq!(
        decide(
            OBLIGATION,
            "28/04/2025 08:00",
            &["before-3"],
            Some("28/04/2025 10:00"),
            false
        )
        .len(),
        1
    );
    assert!(
        decide(OBLIGATION, "28/04/2025 08:00", &[], None, true).is_empty(),
        "exempt"
    );
}

#[test]
fn nothing_after_stop_after_days() {
    // 28/06/2025 is 60 calendar days after 29/04: the last day anything goes out.
    let r = decide(OBLIGATION, "28/06/2025 08:00", &["overdue-4"], None, false);
    assert_eq!(
        (r.len(), r[0].step, r[0].days_left),
        (1, Step::Overdue(5), -60)
    );
    assert!(decide(OBLIGATION, "29/06/2025 08:00", &["overdue-4"], None, false).is_empty());
}

#[test]
fn tet_and_weekends_move_the_before_steps() {
    // Due Wednesday 25/02/2026. Built-in Tết 2026: the last day of the lunar
    // year (Mon 16/02) and mùng 1–4 (Tue 17 – Fri 20/02). Back from 25/02:
    // Tue 24 = 1, Mon 23 = 2, then 20…14 are off or the weekend, Fri 13 = 3.
    let tet = "[[obligation]]\nid = \"o\"\ntitle = \"O\"\nagencies = [\"so-y-te\"]\ndue = \"25/02/2026\"\n\
               [obligation.reminders]\nbefore = [3, 1]\n";
    let step = |m: &str| decide(tet, m, &[], None, false).first().map(|r| r.step);
    assert_eq!(step("12/02/2026 08:00"), None);
    assert_eq!(step("13/02/2026 08:00"), Some(Step::Before(3)));
    assert_eq!(step("23/02/2026 08:00"), Some(Step::Before(3)));
    assert_eq!(step("24/02/2026 08:00"), Some(Step::Before(1)));
    // Due Monday 16/06 (scheduled Saturday 14/06): before-1 is Friday 13/06.
    let weekend = "[[obligation]]\nid = \"o\"\ntitle = \"O\"\nagencies = [\"so-y-te\"]\ndue = \"14/06/2025\"\n";
    let r = decide(weekend, "13/06/2025 08:00", &[], None, false);
    assert_eq!((r[0].step, r[0].days_left), (Step::Before(1), 3));
}

#[test]
fn per_obligation_policy_and_escalation_threshold() {
    let ob = "[[obligation]]\nid = \"o\"\ntitle = \"O\"\nagencies = [\"so-y-te\"]\nbefore = \"30/04/2025\"\n\
              [obligation.reminders]\nbefore = []\non_due = false\noverdue_every = 5\nescalate_after = 5\n";
    let c = config(MAIN, ob, None);
    let p = &c.plans[0].obligations[0].policy;
    assert!(!escalates(p, Step::Due));
    assert!(escalates(p, Step::Overdue(1)));
    assert!(
        decide(ob, "29/04/2025 08:00", &[], None, false).is_empty(),
        "no before, no due step"
    );
    let r = decide(ob, "08/05/2025 08:00", &[], None, false);
    assert_eq!((r[0].step, r[0].escalate), (Step::Overdue(1), true));
}

#[test]
fn steps_parse_and_print() {
    for s in ["before-7", "due", "overdue-12"] {
        assert_eq!(Step::parse(s).unwrap().to_string(), s);
    }
    for bad in ["before", "before-0", "overdue-x", "late-1", ""] {
        assert_eq!(Step::parse(bad), None, "{bad}");
    }
}

#[test]
fn batches_group_by_agency() {
    let r = |instance, agency| Reminder {
        instance,
        agency,
        step: Step::Due,
        escalate: agency == 1,
        ordinal: 1,
        days_left: 0,
        due: date(2025, 4, 29),
        aim: date(2025, 4, 29),
    };
    let b = batches(&[r(0, 1), r(0, 0), r(1, 1)]);
    assert_eq!(b.len(), 2);
    assert_eq!(
        (b[0].agency, b[0].items.len(), b[0].escalated()),
        (0, 1, false)
    );
    assert_eq!(
        (b[1].agency, b[1].items.len(), b[1].escalated()),
        (1, 2, true)
    );
}

/// The plan is issued on 20/03/2025 (the test plan's `issued`); "trước ngày
/// 25/3/2025" makes Monday 24/03 the due date. Counting working days back:
/// before-7 = Thu 13/03, before-3 = Wed 19/03, before-1 = Fri 21/03 — the
/// first two are scheduled before the plan exists, and are never sent.
#[test]
fn no_step_scheduled_before_the_plan_is_issued_is_sent() {
    let ob = "[[obligation]]\nid = \"o\"\ntitle = \"O\"\nagencies = [\"so-y-te\"]\nbefore = \"25/03/2025\"\n";
    let step = |moment: &str| {
        decide(ob, moment, &[], None, false)
            .first()
            .map(|r| r.step.to_string())
    };
    assert_eq!(step("13/03/2025 08:00"), None, "before-7, before the plan");
    assert_eq!(step("19/03/2025 08:00"), None, "before-3, before the plan");
    assert_eq!(
        step("20/03/2025 08:00"),
        None,
        "issued today; before-3 was yesterday"
    );
    assert_eq!(step("21/03/2025 08:00").as_deref(), Some("before-1"));
    assert_eq!(step("24/03/2025 08:00").as_deref(), Some("due"));
}
