//! The shipped configurations: `config/` (Khánh Hòa, the quick start) and one
//! directory per seed plan under `config/examples/`. Each passes `check`, and
//! the emails each would send at three moments of its plan — rendered by the
//! real binary into `.eml` files and read back with a MIME parser — cite
//! nothing that is a placeholder and name weekdays in the mail's language.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{dondoc, example_copy as copy};

/// Example directory, and three send moments: a reminder before the due
/// date (or at the aim of a `backward` deadline), the due date, an overdue
/// reminder (dates worked out in the plan files' comments; the default
/// policy: before 5 and 1 working days, on the due date, then every 5).
const MOMENTS: [(&str, [&str; 3]); 5] = [
    // Units: trước ngày 03/7/2023, aim Fri 30/06 (before-5 = 23/06), overdue-1 Mon 10/07.
    (
        "config/examples/ninh-binh-2023",
        ["23/06/2023 08:00", "30/06/2023 08:00", "10/07/2023 08:00"],
    ),
    // Kế hoạch due Tue 19/03/2024; quy chế aim Fri 26/04/2024; the 6-month
    // report (provisional) due Fri 14/06/2024, overdue-1 five working days later.
    (
        "config/examples/hai-duong-2024",
        ["12/03/2024 08:00", "26/04/2024 08:00", "21/06/2024 08:00"],
    ),
    (
        "config/examples/binh-duong-ctr-128",
        ["07/06/2024 08:00", "14/06/2024 08:00", "21/06/2024 08:00"],
    ),
    // The 6-month report (before 16/06/2025); the year's report due Mon 15/12/2025.
    (
        "config/examples/khanh-hoa-2025",
        ["09/06/2025 08:00", "15/12/2025 08:00", "22/12/2025 08:00"],
    ),
    (
        "config",
        ["09/06/2025 08:00", "15/12/2025 08:00", "22/12/2025 08:00"],
    ),
];

const VI_WEEKDAYS: [&str; 7] = [
    "Thứ Hai",
    "Thứ Ba",
    "Thứ Tư",
    "Thứ Năm",
    "Thứ Sáu",
    "Thứ Bảy",
    "Chủ nhật",
];
const EN_WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// Text that must never reach an agency: undefined values, blanks from an
/// unsigned draft, a bare date offered as a reporting period.
const PLACEHOLDERS: [&str; 8] = [
    "none",
    "None",
    "…/",
    "/KH-BCĐ",
    "số KH-",
    "xxx",
    "Kỳ báo cáo: 0",
    "Kỳ báo cáo: 1",
];

struct Email {
    subject: String,
    text: String,
    html: String,
}

/// Runs `tick --at` and returns the emails it wrote.
fn tick(dir: &Path, at: &str, seen: &mut Vec<PathBuf>) -> Vec<Email> {
    let cfg = dir.to_str().unwrap();
    let out = dondoc(&["--config", cfg, "tick", "--at", at]);
    assert!(
        out.status.success(),
        "tick {at}: {}{}",
        out.stdout,
        out.stderr
    );
    let outbox = dir.join("state/outbox");
    let mut new = Vec::new();
    for entry in fs::read_dir(&outbox).into_iter().flatten() {
        let path = entry.unwrap().path();
        if seen.contains(&path) {
            continue;
        }
        let raw = fs::read(&path).unwrap();
        let m = mail_parser::MessageParser::default().parse(&raw).unwrap();
        new.push(Email {
            subject: m.subject().unwrap_or_default().to_string(),
            text: m.body_text(0).unwrap().to_string(),
            html: m.body_html(0).unwrap().to_string(),
        });
        seen.push(path);
    }
    new
}

#[test]
fn every_shipped_config_passes_check() {
    for (example, _) in MOMENTS {
        let out = dondoc(&["--config", example, "check"]);
        assert!(out.status.success(), "{example}: {}", out.stderr);
        assert!(out.stdout.starts_with("OK: "), "{example}: {}", out.stdout);
    }
}

#[test]
fn example_emails_cite_no_placeholder_and_no_weekday_of_the_other_language() {
    for (lang, other) in [("vi", EN_WEEKDAYS), ("en", VI_WEEKDAYS)] {
        for (example, moments) in MOMENTS {
            let dir = copy(example, lang);
            let mut seen = Vec::new();
            for at in moments {
                let emails = tick(dir.path(), at, &mut seen);
                assert!(!emails.is_empty(), "{example} {lang} {at}: no email");
                for e in &emails {
                    let all = format!("{}\n{}\n{}", e.subject, e.text, e.html);
                    let context = format!("{example} {lang} {at}:\n{all}");
                    for p in PLACEHOLDERS {
                        assert!(!all.contains(p), "{p:?} in {context}");
                    }
                    for w in other {
                        assert!(!all.contains(w), "{w:?} in {context}");
                    }
                    assert!(
                        e.subject.chars().count() <= 120,
                        "long subject in {context}"
                    );
                }
            }
        }
    }
}

/// The texts of the emails `example` sends at `at` (Vietnamese), by the
/// agency named after *Kính gửi:*.
fn emails_at(example: &str, moments: &[&str]) -> Vec<(String, Email)> {
    let dir = copy(example, "vi");
    let mut seen = Vec::new();
    let mut last = Vec::new();
    for at in moments {
        last = tick(dir.path(), at, &mut seen);
    }
    last.into_iter()
        .map(|e| {
            let to = e.text.lines().next().unwrap_or_default();
            (to.trim_start_matches("Kính gửi: ").to_string(), e)
        })
        .collect()
}

#[test]
fn the_examples_say_what_their_plans_say() {
    // Ninh Bình, 10/07/2023: the units' reports were due *trước ngày
    // 03/7/2023* (by art. 148 the end of Monday 03/07); none is recorded, so
    // each of the 26 units is chased — but not Công an tỉnh, the office's own
    // parent, whose upward report is tracked without email (`remind = false`).
    let nb = emails_at("config/examples/ninh-binh-2023", &["10/07/2023 08:00"]);
    assert!(
        !nb.iter().any(|(to, _)| to == "Công an tỉnh"),
        "no mail to the parent"
    );
    assert_eq!(nb.len(), 26);
    for (_, e) in &nb {
        assert!(
            e.text.contains("Gửi về: UBND tỉnh (qua Công an tỉnh)."),
            "{}",
            e.text
        );
        assert!(e.text.contains("Đã quá hạn 7 ngày"), "{}", e.text);
        // The plan has neither number nor date: cited by issuer and title.
        assert!(
            e.text.contains(
                "Căn cứ: Mục III.1 Kế hoạch của UBND tỉnh Ninh Bình tổ chức các hoạt động hưởng \
                 ứng Tháng hành động phòng, chống ma túy năm 2023."
            ),
            "{}",
            e.text
        );
        assert!(e.text.contains(
            "Thời hạn: trước ngày 03/7/2023; ngày 02/7/2023 là Chủ nhật: nhận đến hết Thứ Hai, 03/7/2023."
        ), "{}", e.text);
    }

    // Hải Dương: "trước tháng 5/2024": 30/4 is a holiday, so the law accepts
    // it through Thursday 02/05; the reminders aim at Friday 26/04.
    let hd = emails_at("config/examples/hai-duong-2024", &["26/04/2024 08:00"]);
    let (_, syt) = hd.iter().find(|(to, _)| to == "Sở Y tế").unwrap();
    assert!(
        syt.text.contains(
            "Thời hạn: trước tháng 5/2024; ngày 30/4/2024 là ngày nghỉ lễ: nhận đến hết Thứ Năm, 02/5/2024."
        ),
        "{}",
        syt.text
    );
    assert!(
        syt.text
            .contains("Hôm nay (Thứ Sáu, ngày 26/04/2024) là ngày làm việc cuối cùng trước thời hạn ghi trong kế hoạch; đề nghị gửi trong ngày"),
        "{}",
        syt.text
    );

    // Bình Dương: the period named as a period, with its data span; the
    // date is the office's provisional one, never the plan's.
    let bd = emails_at("config/examples/binh-duong-ctr-128", &["14/06/2024 08:00"]);
    assert!(bd.len() >= 25, "{}", bd.len());
    assert!(bd.iter().all(|(_, e)| e.text.contains(
        "Kỳ báo cáo: 6 tháng đầu năm 2024 (số liệu từ ngày 15/12/2023 đến ngày 14/06/2024)."
    ) && e.text.contains("kế hoạch không quy định ngày gửi")));

    // Khánh Hòa after the reform: the year's report of 2025 goes to the new
    // xã, phường and đặc khu, not to the dissolved districts, from the
    // office's address as it is after 01/07/2025.
    let kh = emails_at("config/examples/khanh-hoa-2025", &["15/12/2025 08:00"]);
    let names: Vec<&str> = kh.iter().map(|(to, _)| to.as_str()).collect();
    assert!(names.contains(&"UBND đặc khu Trường Sa"), "{names:?}");
    assert!(names.contains(&"UBND phường Nha Trang"), "{names:?}");
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with("UBND huyện") || n.starts_with("UBND thành phố"))
    );
    assert!(names.contains(&"Bộ Chỉ huy Quân sự tỉnh"), "{names:?}");
    let text = &kh[0].1.text;
    assert!(text.contains(
        "Căn cứ: Mục III.1 Kế hoạch số 3212/KH-UBND ngày 20/3/2025 của UBND tỉnh Khánh Hòa về thực hiện"
    ), "{text}");
    assert!(
        text.contains("phường Nha Trang, tỉnh Khánh Hòa") && !text.contains("Lộc Thọ"),
        "{text}"
    );
    let june = emails_at("config/examples/khanh-hoa-2025", &["09/06/2025 08:00"]);
    assert!(
        june[0].1.text.contains("phường Lộc Thọ"),
        "{}",
        june[0].1.text
    );
}

#[test]
fn config_is_the_khanh_hoa_example_and_holidays_are_one_file() {
    let main = Path::new("config");
    let kh = Path::new("config/examples/khanh-hoa-2025");
    // The same but for the `#:schema` line, whose relative path differs.
    let read = |p: PathBuf| -> String {
        fs::read_to_string(p)
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with("#:schema"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    for file in [
        "agencies.toml",
        "holidays.toml",
        "plans/khanh-hoa-2025.toml",
    ] {
        assert_eq!(
            read(main.join(file)),
            read(kh.join(file)),
            "{file} differs between config/ and {}",
            kh.display()
        );
    }
    let holidays = read(PathBuf::from("config/holidays.toml"));
    for (example, _) in MOMENTS {
        let h = read(Path::new(example).join("holidays.toml"));
        assert_eq!(
            h, holidays,
            "{example}/holidays.toml differs from config/holidays.toml"
        );
    }
    // The two dondoc.toml differ only in where the state lives.
    let strip = |p: &Path| -> Vec<String> {
        fs::read_to_string(p.join("dondoc.toml"))
            .unwrap()
            .lines()
            .filter(|l| {
                !l.starts_with('#') && !l.starts_with("database") && !l.starts_with("outbox")
            })
            .map(str::to_string)
            .collect()
    };
    assert_eq!(strip(main), strip(kh));
}

/// What no letter to an agency or to the office's leaders may say (SPEC
/// "The letter and the law"): the retired state words, *quý cơ quan*, a
/// command line or a file name.
const RETIRED: [&str; 12] = [
    "quý cơ quan",
    "nộp quá hạn",
    "trễ hạn",
    "Trễ hạn",
    "sau hạn",
    "Số ngày trễ",
    "trễ ",
    "dondoc ",
    ".toml",
    " --",
    ".csv",
    "pending",
];

/// Words a cut subject would end on.
const DANGLING: [&str; 10] = [
    "…",
    "...",
    " và",
    " của",
    " về",
    " các",
    " theo",
    " công tác",
    " thực hiện",
    " trong",
];

/// The send moments at each deadline's aim, due date and the day after it,
/// for the first two instances of each obligation.
fn deadline_moments(example: &str) -> Vec<String> {
    let out = dondoc(&[
        "--config",
        example,
        "calendar",
        "--format",
        "json",
        "--from",
        "01/01/2023",
        "--to",
        "31/12/2026",
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out.stdout).unwrap();
    let mut per_obligation: std::collections::BTreeMap<String, usize> = Default::default();
    let mut days = std::collections::BTreeSet::new();
    for r in &rows {
        let n = per_obligation
            .entry(format!("{}/{}", r["plan"], r["obligation"]))
            .or_default();
        *n += 1;
        if *n > 2 {
            continue;
        }
        let day =
            |k: &str| jiff::civil::Date::strptime("%Y-%m-%d", r[k].as_str().unwrap()).unwrap();
        days.insert(day("aim"));
        days.insert(day("due"));
        days.insert(day("due").tomorrow().unwrap());
    }
    days.into_iter()
        .map(|d| format!("{} 08:00", d.strftime("%d/%m/%Y")))
        .collect()
}

/// Every shipped example's emails and digest, at each deadline's aim, due
/// date and first overdue day, in both languages: no retired word, *quý cơ
/// quan*, command or file name; every plan cited with its number and date
/// when the config has them (and its issuer); subjects of at most 120
/// characters that end on a whole phrase.
#[test]
fn every_example_letter_reads_as_the_office_would_sign_it() {
    for (example, _) in MOMENTS {
        let loaded = dondoc::engine::load(Path::new(example)).unwrap();
        let cites: Vec<(Option<String>, Option<String>, Option<String>)> = loaded
            .config
            .plans
            .iter()
            .map(|p| {
                (
                    p.number.clone(),
                    p.issued
                        .map(|d| format!("ngày {:02}/{}/{}", d.day(), d.month(), d.year())),
                    p.issuer.clone(),
                )
            })
            .collect();
        let moments = deadline_moments(example);
        assert!(moments.len() >= 3, "{example}: {moments:?}");
        let mut letters = 0;
        for lang in ["vi", "en"] {
            let dir = copy(example, lang);
            let cfg = dir.path().to_str().unwrap().to_string();
            for at in &moments {
                let _ = fs::remove_dir_all(dir.path().join("state"));
                let mut texts: Vec<(String, String)> = tick(dir.path(), at, &mut Vec::new())
                    .into_iter()
                    .map(|e| {
                        (
                            e.subject,
                            format!("{}\n{}", e.text, e.html.replace("&#x2f;", "/")),
                        )
                    })
                    .collect();
                let digest = dondoc(&[
                    "--config", &cfg, "preview", "--digest", "--at", at, "--format", "json",
                ]);
                assert!(digest.status.success(), "{example} {at}: {}", digest.stderr);
                let d: serde_json::Value = serde_json::from_str(&digest.stdout).unwrap();
                texts.push((
                    d["subject"].as_str().unwrap().to_string(),
                    format!(
                        "{}\n{}",
                        d["text"].as_str().unwrap(),
                        d["html"].as_str().unwrap().replace("&#x2f;", "/")
                    ),
                ));
                for (subject, body) in &texts {
                    letters += 1;
                    let context = format!("{example} {lang} {at}:\n{subject}\n{body}");
                    for word in RETIRED {
                        assert!(
                            !body.contains(word) && !subject.contains(word),
                            "{word:?} in {context}"
                        );
                    }
                    assert!(subject.chars().count() <= 120, "long subject in {context}");
                    for end in DANGLING {
                        assert!(
                            !subject.ends_with(end),
                            "subject ends on {end:?} in {context}"
                        );
                    }
                    if lang == "en" {
                        continue;
                    }
                    for line in body.lines().filter(|l| l.contains("Căn cứ:")) {
                        let cited = cites.iter().any(|(number, issued, issuer)| {
                            number
                                .as_ref()
                                .is_none_or(|n| line.contains(&format!("số {n}")))
                                && issued.as_ref().is_none_or(|d| line.contains(d.as_str()))
                                && issuer.as_ref().is_none_or(|i| line.contains(i.as_str()))
                        });
                        assert!(cited, "{line:?} cites no plan fully in {context}");
                    }
                }
            }
        }
        assert!(letters > 10, "{example}: only {letters} letters");
    }
}
