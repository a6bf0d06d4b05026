//! dondoc's reminders against an independent model of SPEC's step rules.
//!
//! The model below is written from SPEC.md ("Reminders", "Precise rules"),
//! with its own working-day arithmetic; it calls nothing in `policy` or
//! `calendar`. For seeded random configurations — working weeks, holidays,
//! a `[reminders]` policy, per-obligation overrides of random keys, due
//! dates shifted forward, backward or not (globally or per obligation), plans
//! issued before or after some steps, submissions, days the daemon was
//! down — loaded through the real loader, every day of 2025 the reminders
//! `preview` would
//! show (`engine::plan`) must be exactly the model's, and the day's send
//! moment then runs as `tick` does (`engine::send`, outbox transport).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use jiff::ToSpan;
use jiff::civil::{Date, date};

/// SplitMix64: a small seeded generator, so that a failure names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> i64 {
        (self.next() % n) as i64
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn day_in(&mut self, from: Date, days: i64) -> Date {
        from.checked_add(self.below(days as u64).days()).unwrap()
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Policy {
    before: Vec<i64>,
    on_due: bool,
    overdue_every: i64,
    overdue_max: i64,
    escalate_after: i64,
    stop_after_days: i64,
}

const KEYS: [&str; 6] = [
    "before",
    "on_due",
    "overdue_every",
    "overdue_max",
    "escalate_after",
    "stop_after_days",
];

impl Policy {
    fn random(rng: &mut Rng) -> Policy {
        let mut before: Vec<i64> = (0..rng.below(4)).map(|_| 1 + rng.below(10)).collect();
        before.sort_unstable_by(|a, b| b.cmp(a));
        before.dedup();
        Policy {
            before,
            on_due: rng.chance(70),
            overdue_every: 1 + rng.below(5),
            overdue_max: rng.below(7),
            escalate_after: rng.below(16),
            stop_after_days: rng.below(91),
        }
    }

    fn toml(&self, key: &str) -> String {
        match key {
            "before" => format!("before = {:?}", self.before),
            "on_due" => format!("on_due = {}", self.on_due),
            "overdue_every" => format!("overdue_every = {}", self.overdue_every),
            "overdue_max" => format!("overdue_max = {}", self.overdue_max),
            "escalate_after" => format!("escalate_after = {}", self.escalate_after),
            _ => format!("stop_after_days = {}", self.stop_after_days),
        }
    }

    /// SPEC: an obligation's table overrides `[reminders]` key by key.
    fn with(&self, key: &str, other: &Policy) -> Policy {
        let mut p = self.clone();
        match key {
            "before" => p.before = other.before.clone(),
            "on_due" => p.on_due = other.on_due,
            "overdue_every" => p.overdue_every = other.overdue_every,
            "overdue_max" => p.overdue_max = other.overdue_max,
            "escalate_after" => p.escalate_after = other.escalate_after,
            _ => p.stop_after_days = other.stop_after_days,
        }
        p
    }
}

/// The model's calendar: the weekly working days, and for 2025–2026 exactly
/// the days off and make-up days the holidays file lists.
struct Calendar {
    week: [bool; 7],
    off: BTreeSet<Date>,
    working: BTreeSet<Date>,
}

impl Calendar {
    fn is_working(&self, d: Date) -> bool {
        self.working.contains(&d)
            || (!self.off.contains(&d) && self.week[d.weekday().to_monday_zero_offset() as usize])
    }

    fn add_working_days(&self, mut d: Date, n: i64) -> Date {
        let step = if n < 0 { -1 } else { 1 };
        let mut left = n.abs();
        while left > 0 {
            d = d.checked_add(step.days()).unwrap();
            if self.is_working(d) {
                left -= 1;
            }
        }
        d
    }
}

struct Obligation {
    id: String,
    /// The scheduled date: the instance's period.
    period: Date,
    due: Date,
    /// Where the reminders aim (SPEC third release): `due`, or with
    /// `shift = "backward"` the last working day on or before the period.
    aim: Date,
    /// `remind = false`: tracked, never emailed.
    remind: bool,
    policy: Policy,
}

/// SPEC "Reminders" as the third release amends it: `before-N` count back
/// from the aim and `due` goes on it; `overdue-K` count from the due date.
fn model_steps(p: &Policy, due: Date, aim: Date, cal: &Calendar) -> Vec<(String, Date, bool)> {
    let mut steps: Vec<(String, Date, bool)> = p
        .before
        .iter()
        .map(|&n| (format!("before-{n}"), cal.add_working_days(aim, -n), false))
        .collect();
    if p.on_due {
        steps.push(("due".into(), aim, false));
    }
    for k in 1..=p.overdue_max {
        let escalated = k * p.overdue_every >= p.escalate_after;
        steps.push((
            format!("overdue-{k}"),
            cal.add_working_days(due, k * p.overdue_every),
            escalated,
        ));
    }
    steps
}

/// What a send moment on `day` sends, per SPEC: (agency, obligation, step, escalated).
fn model_moment(
    issued: Date,
    obligations: &[Obligation],
    agencies: &[(&str, Option<Date>, bool)],
    cal: &Calendar,
    day: Date,
    submitted: &BTreeMap<(String, String), Date>,
    sent: &BTreeSet<(String, String, String)>,
) -> BTreeSet<(String, String, String, bool)> {
    let mut out = BTreeSet::new();
    for ob in obligations {
        let overdue_days = ob.due.until(day).unwrap().get_days() as i64;
        if overdue_days > ob.policy.stop_after_days {
            continue;
        }
        if !ob.remind {
            continue;
        }
        let candidate = model_steps(&ob.policy, ob.due, ob.aim, cal)
            .into_iter()
            .filter(|(_, d, _)| *d <= day)
            .max_by_key(|(_, d, _)| *d);
        let Some((step, step_day, escalated)) = candidate else {
            continue;
        };
        // SPEC (second release): no step scheduled before the plan's issue.
        if step_day < issued {
            continue;
        }
        for &(agency, until, remind) in agencies {
            // SPEC "Owed": a pair exists iff the agency exists on the due date;
            // "Agencies that dissolve are not chased" after `active_until`;
            // an agency with `remind = false` is never emailed.
            if !remind || until.is_some_and(|u| ob.due > u || day > u) {
                continue;
            }
            let pair = (agency.to_string(), ob.id.clone());
            if submitted.get(&pair).is_some_and(|on| *on <= day) {
                continue;
            }
            if sent.contains(&(pair.0.clone(), pair.1.clone(), step.clone())) {
                continue;
            }
            out.insert((pair.0, pair.1, step.clone(), escalated));
        }
    }
    out
}

const AGENCIES: &str = r#"
[[agency]]
id = "don-vi-a"
name = "Đơn vị A"
email = ["vanthu@a.example.gov.vn"]
escalate_to = ["lanhdao@a.example.gov.vn"]
groups = ["nhom"]

[[agency]]
id = "don-vi-b"
name = "Đơn vị B"
email = ["vanthu@b.example.gov.vn"]
escalate_to = ["lanhdao@b.example.gov.vn"]
groups = ["nhom"]
"#;

/// Sometimes don-vi-b is dissolved during the year (the 2025 reform).
fn dissolution(rng: &mut Rng) -> Option<Date> {
    rng.chance(40).then(|| rng.day_in(date(2025, 3, 1), 250))
}

/// One random case: writes its config into `dir`, returns the model's view.
fn case(
    rng: &mut Rng,
    dir: &Path,
) -> (Date, Option<Date>, bool, Vec<Obligation>, Calendar, String) {
    let names = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let mut week = [true, true, true, true, true, false, false];
    match rng.below(4) {
        0 => week[5] = true,                      // Saturdays too
        1 => week[rng.below(5) as usize] = false, // a four-day week
        _ => {}
    }
    let days: Vec<&str> = (0..7).filter(|&i| week[i]).map(|i| names[i]).collect();
    let mut off = BTreeSet::new();
    let mut working = BTreeSet::new();
    let mut holidays = String::new();
    for year in [2025, 2026] {
        let mut year_off = Vec::new();
        for _ in 0..rng.below(15) {
            let d = rng.day_in(date(year, 1, 1), 365);
            off.insert(d);
            year_off.push(format!("\"{:02}/{:02}\"", d.day(), d.month()));
        }
        let mut year_working = Vec::new();
        if rng.chance(50) {
            // A make-up working day on a rest day that is not also off.
            let d = rng.day_in(date(year, 1, 1), 365);
            if !week[d.weekday().to_monday_zero_offset() as usize] && !off.contains(&d) {
                working.insert(d);
                year_working.push(format!("\"{:02}/{:02}\"", d.day(), d.month()));
            }
        }
        holidays.push_str(&format!(
            "[[year]]\nyear = {year}\noff = [{}]\nworking = [{}]\n\n",
            year_off.join(", "),
            year_working.join(", ")
        ));
    }
    let cal = Calendar { week, off, working };
    let shift = rng.chance(70);
    let base = Policy::random(rng);
    let main = format!(
        "database = \"ledger.db\"\n\n[office]\nname = \"Văn phòng\"\nemail = \"vp@example.gov.vn\"\n\n\
         [calendar]\nworking_days = {days:?}\nshift_to_working_day = {shift}\n\n\
         [reminders]\n{}\n\n[mail]\noutbox = \"outbox\"\n",
        KEYS.iter()
            .map(|k| base.toml(k))
            .collect::<Vec<_>>()
            .join("\n")
    );
    // Issued early in the year, or (sometimes) after some steps are due.
    let issued = if rng.chance(70) {
        date(2025, 1, 1)
    } else {
        rng.day_in(date(2025, 2, 15), 150)
    };
    let mut plan = format!(
        "[plan]\nid = \"kh\"\nnumber = \"1/KH-UBND\"\ntitle = \"Kế hoạch\"\nissued = \"{:02}/{:02}/{}\"\n",
        issued.day(),
        issued.month(),
        issued.year()
    );
    let mut obligations = Vec::new();
    for n in 0..1 + rng.below(3) {
        let scheduled = rng.day_in(date(2025, 3, 1), 200);
        // SPEC: `shift` per obligation, else forward iff shift_to_working_day.
        let own = ["", "forward", "backward", "none"][rng.below(4) as usize];
        // SPEC third release: a last day off ends at the end of the next
        // working day (art. 148) unless `none`; `backward` moves the aim only.
        let forward = matches!(own, "forward" | "backward") || (own.is_empty() && shift);
        let walk = |step: i64| {
            let mut d = scheduled;
            while !cal.is_working(d) {
                d = d.checked_add(step.days()).unwrap();
            }
            d
        };
        let due = if forward { walk(1) } else { scheduled };
        let aim = if own == "backward" { walk(-1) } else { due };
        plan.push_str(&format!(
            "\n[[obligation]]\nid = \"bc-{n}\"\ntitle = \"Báo cáo {n}\"\nagencies = [\"@nhom\"]\n\
             due = \"{:02}/{:02}/{}\"\n",
            scheduled.day(),
            scheduled.month(),
            scheduled.year()
        ));
        if !own.is_empty() {
            plan.push_str(&format!("shift = \"{own}\"\n"));
        }
        let remind = !rng.chance(10);
        if !remind {
            plan.push_str("remind = false\n");
        }
        let mut policy = base.clone();
        if rng.chance(60) {
            let other = Policy::random(rng);
            plan.push_str("[obligation.reminders]\n");
            for key in KEYS {
                if rng.chance(40) {
                    plan.push_str(&other.toml(key));
                    plan.push('\n');
                    policy = policy.with(key, &other);
                }
            }
        }
        obligations.push(Obligation {
            id: format!("bc-{n}"),
            period: scheduled,
            due,
            aim,
            remind,
            policy,
        });
    }
    fs::create_dir_all(dir.join("plans")).unwrap();
    fs::write(dir.join("dondoc.toml"), &main).unwrap();
    let until = dissolution(rng);
    let mut agencies = match until {
        Some(u) => format!(
            "{AGENCIES}active_until = \"{:02}/{:02}/{}\"\n",
            u.day(),
            u.month(),
            u.year()
        ),
        None => AGENCIES.to_string(),
    };
    // Sometimes don-vi-b is the office's own parent: tracked, never emailed.
    let b_reminded = !rng.chance(15);
    if !b_reminded {
        agencies.push_str("remind = false\n");
    }
    fs::write(dir.join("agencies.toml"), &agencies).unwrap();
    fs::write(dir.join("holidays.toml"), &holidays).unwrap();
    fs::write(dir.join("plans/kh.toml"), &plan).unwrap();
    let shown = format!(
        "{main}\n--- agencies.toml\n{agencies}\n--- holidays.toml\n{holidays}--- plans/kh.toml\n{plan}"
    );
    (issued, until, b_reminded, obligations, cal, shown)
}

/// A scratch directory, on tmpfs when there is one (fsync is free there).
fn scratch() -> tempfile::TempDir {
    if Path::new("/dev/shm").is_dir() {
        if let Ok(dir) = tempfile::tempdir_in("/dev/shm") {
            return dir;
        }
    }
    tempfile::tempdir().unwrap()
}

fn run_case(seed: u64) {
    let mut rng = Rng(seed);
    let dir = scratch();
    let (issued, until, b_reminded, obligations, cal, shown) = case(&mut rng, dir.path());
    let loaded = dondoc::engine::load(dir.path())
        .unwrap_or_else(|e| panic!("seed {seed}: the config does not load: {e}\n{shown}"));
    let config = &loaded.config;
    let tz = config.settings.timezone.clone();
    let mut ledger = dondoc::ledger::Ledger::open(&config.settings.database, "test").unwrap();
    let mut deliverer = dondoc::mail::Deliverer::new(&config.settings.mail).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let agencies = [("don-vi-a", None, true), ("don-vi-b", until, b_reminded)];
    // Some owed pairs are submitted on some day of the year.
    let mut submitted: BTreeMap<(String, String), Date> = BTreeMap::new();
    for ob in &obligations {
        for (a, until, _) in agencies {
            if rng.chance(40) && until.is_none_or(|u| ob.due <= u) {
                let on = rng.day_in(ob.due.checked_sub(20.days()).unwrap(), 60);
                submitted.insert((a.to_string(), ob.id.clone()), on);
            }
        }
    }
    let mut sent: BTreeSet<(String, String, String)> = BTreeSet::new();
    let stop = AtomicBool::new(false);
    for day in date(2025, 1, 2).series(1.day()).take(363) {
        for ((agency, ob), on) in &submitted {
            if *on == day {
                let ob = obligations.iter().find(|o| &o.id == ob).unwrap();
                record(&mut ledger, agency, ob, day, &tz);
            }
        }
        let at = day.at(8, 0, 0, 0).to_zoned(tz.clone()).unwrap();
        let planned = dondoc::engine::plan(config, &loaded.templates, &ledger, &at).unwrap();
        assert!(planned.errors.is_empty(), "{:?}", planned.errors);
        let instances = &planned.instances;
        let got: BTreeSet<(String, String, String, bool)> = planned
            .outgoing
            .iter()
            .flat_map(|o| {
                let agency = &config.agencies[o.agency];
                let escalated = agency.escalate_to.iter().all(|a| o.cc.contains(a));
                o.items.iter().map(move |r| {
                    let ob = instances[r.instance].obligation(config);
                    (
                        agency.id.clone(),
                        ob.id.clone(),
                        r.step.to_string(),
                        escalated && r.escalate,
                    )
                })
            })
            .collect();
        let want = model_moment(
            issued,
            &obligations,
            &agencies,
            &cal,
            day,
            &submitted,
            &sent,
        );
        assert_eq!(
            got, want,
            "seed {seed}, send moment {day} 08:00: dondoc (left) and SPEC's model (right) disagree\n\
             sent before: {sent:?}\nsubmitted: {submitted:?}\n--- dondoc.toml\n{shown}"
        );
        // The daemon sends only on working days, and is sometimes down.
        if want.is_empty() || !cal.is_working(day) || rng.chance(15) {
            continue;
        }
        let summary = dondoc::engine::send(
            &loaded,
            &mut ledger,
            &mut deliverer,
            &at,
            at.timestamp(),
            &stop,
            &runtime,
        )
        .unwrap();
        assert_eq!(summary.failed + summary.retrying, 0, "{summary}");
        for (agency, ob, step, _) in want {
            sent.insert((agency, ob, step));
        }
    }
}

/// Records a submission made on `on` (a date: it counts from 00:00).
fn record(
    ledger: &mut dondoc::ledger::Ledger,
    agency: &str,
    ob: &Obligation,
    on: Date,
    tz: &jiff::tz::TimeZone,
) {
    let submission = dondoc::ledger::Submission {
        key: dondoc::ledger::PairKey {
            plan: "kh".into(),
            obligation: ob.id.clone(),
            period: ob.period,
            agency: agency.into(),
        },
        submitted_at: on.to_zoned(tz.clone()).unwrap().timestamp(),
        reference: None,
        note: None,
    };
    ledger
        .record_submissions(&[submission], false)
        .unwrap()
        .unwrap();
}

#[test]
fn reminders_follow_spec_s_rules_for_random_policies_and_calendars() {
    let cases: u64 = std::env::var("DONDOC_DIFFERENTIAL_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    for seed in 0..cases {
        run_case(seed);
    }
}
