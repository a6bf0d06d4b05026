//! The resolved configuration, proven key by key.
//!
//! `tests/fixtures/golden` sets every key of every file to a value that
//! differs from its default. Three tests hold it to that:
//!
//! - the resolved config equals, field by field, what the fixture says
//!   (obligation policies inherit `[reminders]` key by key, not the defaults);
//! - removing any one key changes the resolved config (a key that nothing
//!   reads fails here, naming the key);
//! - the fixture sets every key the loader accepts (found by asking the loader
//!   itself, through its unknown-key error), so a new key must join it.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use dondoc::config::{
    Config, Cycle, Lang, PasswordSource, Policy, Schedule, Security, Shift, Transport,
};
use jiff::civil::{Weekday, date};

const GOLDEN: &str = "tests/fixtures/golden";
const FILES: [&str; 4] = [
    "dondoc.toml",
    "agencies.toml",
    "holidays.toml",
    "plans/golden.toml",
];

/// A private copy of the golden fixture (the loader checks the secret files).
fn golden_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(Path::new(GOLDEN), dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn load(dir: &Path) -> Result<dondoc::engine::Loaded, String> {
    dondoc::engine::load(dir).map_err(|e| e.to_string())
}

fn policy(before: &[i32], on_due: bool, every: i32, max: i32, esc: i32, stop: i32) -> Policy {
    Policy {
        before: before.to_vec(),
        on_due,
        overdue_every: every,
        overdue_max: max,
        escalate_after: esc,
        stop_after_days: stop,
    }
}

#[test]
fn the_golden_fixture_resolves_to_what_it_says() {
    let dir = golden_copy();
    let loaded = load(dir.path()).unwrap();
    let c: &Config = &loaded.config;
    let s = &c.settings;
    let at = |p: &str| dir.path().join(p);

    assert_eq!(s.timezone_name, "Asia/Bangkok");
    assert_eq!(s.database, at("data/ledger.db"));
    assert_eq!(
        s.office.name,
        "Văn phòng Thường trực BCĐ 138 tỉnh Ninh Bình"
    );
    assert_eq!(s.office.email, "vptt138@ninhbinh.example.gov.vn");
    assert_eq!(
        s.office.address.as_deref(),
        Some("Số 1 đường Trần Hưng Đạo, thành phố Hoa Lư")
    );
    assert_eq!(s.office.phone.as_deref(), Some("0229.3871.000"));
    assert_eq!(
        s.office.contact.as_deref(),
        Some("Đ/c Đinh Văn Hùng, Phòng Tham mưu, 0912 345 678")
    );
    assert_eq!(
        (s.office.parent.as_deref(), s.office.place.as_deref()),
        (Some("Ban Chỉ đạo 138 tỉnh Ninh Bình"), Some("Ninh Bình"))
    );
    // [[office.from]]: the office as it is on a day.
    let before = s.office.on(date(2025, 6, 30));
    assert_eq!(before.email, "vptt138@ninhbinh.example.gov.vn");
    let after = s.office.on(date(2025, 7, 1));
    assert_eq!(
        (after.parent.as_deref(), after.place.as_deref()),
        (
            Some("Ban Chỉ đạo 138 tỉnh Ninh Bình (mới)"),
            Some("Ninh Bình")
        )
    );
    assert_eq!(
        (
            after.name.as_str(),
            after.email.as_str(),
            after.address.as_deref(),
            after.phone.as_deref(),
            after.contact.as_deref()
        ),
        (
            "Văn phòng Thường trực BCĐ 138 tỉnh Ninh Bình (mới)",
            "vptt138@nb.example.gov.vn",
            Some("Số 2 đường Lê Hồng Phong, phường Hoa Lư"),
            Some("0229.3871.999"),
            Some("Đ/c Trần Thị Mai, 0987 654 321")
        )
    );
    use Weekday::*;
    assert_eq!(
        s.working_days,
        [Monday, Tuesday, Wednesday, Thursday, Friday, Saturday]
    );
    assert!(!s.shift_to_working_day);
    let crons: Vec<&str> = s.send_at.iter().map(|m| m.cron.as_str()).collect();
    assert_eq!(crons, ["0 15 7 * * *", "0 30 13 * * Mon-Fri"]);

    let base = policy(&[2], false, 2, 4, 4, 45);
    assert_eq!(s.reminders, base);

    let m = &s.mail;
    assert_eq!(m.transport, Transport::Smtp);
    assert_eq!(m.outbox, at("data/thu-di"));
    assert_eq!(
        m.from.to_string(),
        "VPTT 138 Ninh Bình <gui@ninhbinh.example.gov.vn>"
    );
    assert_eq!(
        m.reply_to.as_ref().map(|r| r.to_string()).as_deref(),
        Some("Phòng Tham mưu <thammuu@ninhbinh.example.gov.vn>")
    );
    assert_eq!(m.lang, Lang::En);
    assert_eq!((m.retry_seconds, m.give_up_hours), (90, 48));
    let smtp = m.smtp.as_ref().unwrap();
    assert_eq!(smtp.host, "smtp.ninhbinh.example.gov.vn");
    assert_eq!((smtp.port, smtp.security), (2525, Security::Tls));
    assert_eq!(smtp.username.as_deref(), Some("vptt138"));
    assert_eq!(
        smtp.password,
        Some(PasswordSource::File(at("secrets/smtp-password")))
    );
    assert_eq!((smtp.max_per_minute, smtp.timeout_seconds), (30, 15));
    assert_eq!(
        smtp.ca_file.as_deref(),
        Some(at("secrets/ca.pem").as_path())
    );
    let digest = s.digest.as_ref().unwrap();
    assert_eq!(
        digest.to,
        [
            "lanhdao@ninhbinh.example.gov.vn",
            "chanhvp@ninhbinh.example.gov.vn"
        ]
    );
    let crons: Vec<&str> = digest.send_at.iter().map(|m| m.cron.as_str()).collect();
    assert_eq!(crons, ["0 0 16 * * Fri"]);
    let inbox = s.inbox.as_ref().unwrap();
    assert_eq!(
        (inbox.host.as_str(), inbox.port, inbox.security),
        ("imap.ninhbinh.example.gov.vn", 1993, Security::StartTls)
    );
    assert_eq!(inbox.username, "vptt138-nhan");
    assert_eq!(
        inbox.password,
        PasswordSource::File(at("secrets/imap-password"))
    );
    assert_eq!(
        inbox.ca_file.as_deref(),
        Some(at("secrets/ca.pem").as_path())
    );
    assert_eq!(inbox.folder, "Bao cao");
    assert!(inbox.auto_accept);
    assert_eq!(
        inbox.trusted_authserv_id.as_deref(),
        Some("mx.ninhbinh.example.gov.vn")
    );
    let web = s.web.as_ref().unwrap();
    assert_eq!(web.listen.to_string(), "[::1]:8443");
    assert_eq!(web.users, at("secrets/users.toml"));
    assert_eq!(
        web.base_url.as_deref(),
        Some("https://dondoc.ninhbinh.example.gov.vn"),
        "no trailing slash"
    );
    // An IPv4 proxy written as IPv6 is the IPv4 address its peers show.
    let proxies: Vec<String> = web
        .trusted_proxies
        .iter()
        .map(|ip| ip.to_string())
        .collect();
    assert_eq!(proxies, ["127.0.0.1", "10.0.0.7"]);

    // Agencies, sorted by id.
    let ids: Vec<&str> = c.agencies.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["cong-an-tinh", "so-y-te"]);
    let syt = c.agency("so-y-te").unwrap();
    assert_eq!(syt.name, "Sở Y tế tỉnh Ninh Bình");
    assert_eq!(syt.email, ["vanthu@syt.ninhbinh.example.gov.vn"]);
    assert_eq!(syt.cc, ["tonghop@syt.ninhbinh.example.gov.vn"]);
    assert_eq!(syt.escalate_to, ["giamdoc@syt.ninhbinh.example.gov.vn"]);
    assert_eq!(syt.groups, ["so-nganh", "thanh-vien-bcd"]);
    assert_eq!(syt.successors, ["cong-an-tinh"]);
    assert_eq!(syt.active_from, Some(date(2023, 1, 1)));
    assert_eq!(syt.active_until, Some(date(2027, 6, 30)));
    assert!(syt.remind && !c.agency("cong-an-tinh").unwrap().remind);
    assert_eq!(syt.contact.as_deref(), Some("Chị Nguyễn Thị Lan, văn thư"));
    assert_eq!(syt.phone.as_deref(), Some("0229 3871 234, +84 912 345 678"));
    let ca = c.agency("cong-an-tinh").unwrap();
    assert_eq!((ca.contact.as_deref(), ca.phone.as_deref()), (None, None));

    // The plan and its obligations.
    let plan = c.plan("thang-hanh-dong").unwrap();
    assert_eq!(plan.number.as_deref(), Some("85/KH-UBND"));
    assert_eq!(
        plan.title,
        "Kế hoạch triển khai Tháng hành động phòng, chống ma túy"
    );
    assert_eq!(plan.issuer.as_deref(), Some("UBND tỉnh Ninh Bình"));
    assert_eq!(plan.issued, Some(date(2025, 6, 5)));
    assert_eq!(
        plan.submit_to.as_deref(),
        Some("UBND tỉnh (qua Công an tỉnh)")
    );
    let ob = |id: &str| plan.obligations.iter().find(|o| o.id == id).unwrap();
    let first = ob("bao-cao-ket-qua");
    assert_eq!(first.title, "Báo cáo kết quả Tháng hành động");
    assert_eq!(first.basis.as_deref(), Some("Mục IV.2"));
    assert_eq!(
        first.submit_to.as_deref(),
        Some("Công an tỉnh (Phòng Tham mưu)")
    );
    assert_eq!(first.agencies.len(), 2);
    assert_eq!(first.schedule, Schedule::Once(date(2025, 7, 2)));
    assert_eq!(first.shift, Shift::Backward);
    // The override layers on [reminders], key by key — not on the defaults.
    assert_eq!(first.policy, policy(&[5, 1], false, 1, 4, 4, 45));
    assert!(first.remind && !first.provisional && first.date_basis.is_none());
    let quarterly = ob("bao-cao-quy");
    assert_eq!(
        quarterly.date_basis.as_deref(),
        Some("Thông báo số 12/TB-VPTT ngày 02/01/2025")
    );
    assert!(!quarterly.provisional && !quarterly.remind);
    assert!(ob("bao-cao-6-thang").provisional);
    let up = ob("bao-cao-len");
    assert_eq!(up.schedule, Schedule::Once(date(2025, 7, 10)));
    assert_eq!(up.policy, policy(&[2], true, 2, 2, 1, 10));
    // No `shift`: from shift_to_working_day = false.
    assert_eq!(up.shift, Shift::None);
    assert_eq!(up.after, Some(0), "built from bao-cao-ket-qua");
    let six = ob("bao-cao-6-thang");
    assert_eq!(
        six.schedule,
        Schedule::Yearly {
            days: vec![(14, 6), (14, 12)],
            from: date(2025, 1, 1),
            until: Some(date(2026, 12, 31)),
        }
    );
    assert_eq!(six.policy, base, "no override: exactly [reminders]");
    assert_eq!(six.data_period, Some(Cycle::Months(6)));
    assert_eq!(
        six.period_label.as_deref(),
        Some("'6 tháng đầu năm ' ~ year if month == 6 else 'năm ' ~ year")
    );
    assert_eq!(
        ob("bao-cao-quy").schedule,
        Schedule::Every {
            cycle: Cycle::Months(3),
            first_due: date(2025, 3, 31),
            until: Some(date(2025, 12, 31)),
        }
    );

    assert_eq!(
        ob("ke-hoach-trien-khai").schedule,
        Schedule::Once(date(2025, 6, 11)),
        "5 working days of a Monday–Saturday week after Thursday 05/06"
    );

    // The work calendar: Saturdays work, the file's 2025 replaces the rules.
    let w = &c.workdays;
    assert!(w.is_working_day(date(2025, 7, 5)), "a Saturday");
    assert!(!w.is_working_day(date(2025, 7, 6)), "a Sunday");
    assert!(!w.is_working_day(date(2025, 5, 2)) && w.is_working_day(date(2025, 4, 26)));
    assert!(w.year_from_file(2025) && !w.year_from_file(2026));
    assert_eq!(c.templates_dir.as_deref(), Some(at("templates").as_path()));
}

#[test]
fn password_env_is_read_in_place_of_password_file() {
    let dir = golden_copy();
    let main = dir.path().join("dondoc.toml");
    let text = fs::read_to_string(&main).unwrap().replace(
        "password_file = \"secrets/smtp-password\"",
        "password_env = \"DONDOC_SMTP_PASSWORD\"",
    );
    fs::write(&main, text).unwrap();
    // Unset, the daemon could not start: neither can the config pass.
    let error = load(dir.path()).unwrap_err();
    assert!(
        error.contains(
            "mail.smtp.password_env: the environment variable \"DONDOC_SMTP_PASSWORD\" is not set"
        ),
        "{error}"
    );
    // A variable every process has stands in for a set one (setting one
    // here would race the other tests' threads).
    let text = fs::read_to_string(&main)
        .unwrap()
        .replace("DONDOC_SMTP_PASSWORD", "PATH");
    fs::write(&main, text).unwrap();
    let loaded = load(dir.path()).unwrap();
    let smtp = loaded.config.settings.mail.smtp.unwrap();
    assert_eq!(smtp.password, Some(PasswordSource::Env("PATH".into())));
}

/// Every leaf key of a TOML document, as paths of (table key | array index).
fn leaves(value: &toml::Value, path: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                path.push(Step::Key(k.clone()));
                leaves(v, path, out);
                path.pop();
            }
        }
        toml::Value::Array(items) if items.iter().all(|i| i.is_table()) && !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                leaves(item, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn remove(doc: &mut toml::Value, path: &[Step]) {
    let (last, parents) = path.split_last().unwrap();
    let mut at = doc;
    for step in parents {
        at = match step {
            Step::Key(k) => at.get_mut(k.as_str()).unwrap(),
            Step::Index(i) => at.get_mut(*i).unwrap(),
        };
    }
    match last {
        Step::Key(k) => {
            at.as_table_mut().unwrap().remove(k);
        }
        Step::Index(_) => unreachable!("leaves end in keys"),
    }
}

fn shown(path: &[Step]) -> String {
    path.iter()
        .map(|s| match s {
            Step::Key(k) => format!(".{k}"),
            Step::Index(i) => format!("[{i}]"),
        })
        .collect::<String>()
        .trim_start_matches('.')
        .to_string()
}

#[test]
fn removing_any_key_changes_the_resolved_config() {
    let dir = golden_copy();
    let resolved = |dir: &Path| load(dir).map(|l| format!("{:?}", l.config));
    let whole = resolved(dir.path()).unwrap();
    let mut checked = 0;
    for file in FILES {
        let path = dir.path().join(file);
        let original = fs::read_to_string(&path).unwrap();
        let doc: toml::Value = toml::from_str(&original).unwrap();
        let mut paths = Vec::new();
        leaves(&doc, &mut Vec::new(), &mut paths);
        for key in paths {
            let mut without = doc.clone();
            remove(&mut without, &key);
            fs::write(&path, toml::to_string(&without).unwrap()).unwrap();
            // An error also shows the key is read (a required key).
            if let Ok(config) = resolved(dir.path()) {
                assert!(
                    config != whole,
                    "{file}: {}: removing it changes nothing: the loader does not read it, \
                     or the fixture sets it to its default",
                    shown(&key)
                );
            }
            checked += 1;
        }
        fs::write(&path, original).unwrap();
    }
    assert!(checked > 70, "only {checked} keys");
}

/// The keys the loader accepts in the table at `table` of `file`: the
/// loader's own unknown-key error lists them.
fn accepted_keys(dir: &Path, file: &str, table: &[Step]) -> BTreeSet<String> {
    let path = dir.join(file);
    let original = fs::read_to_string(&path).unwrap();
    let mut doc: toml::Value = toml::from_str(&original).unwrap();
    let mut at = &mut doc;
    for step in table {
        at = match step {
            Step::Key(k) => at.get_mut(k.as_str()).unwrap(),
            Step::Index(i) => at.get_mut(*i).unwrap(),
        };
    }
    at.as_table_mut()
        .unwrap()
        .insert("zz_unknown".into(), toml::Value::Integer(1));
    fs::write(&path, toml::to_string(&doc).unwrap()).unwrap();
    let error = load(dir).unwrap_err();
    fs::write(&path, original).unwrap();
    let list = error
        .split("unknown field `zz_unknown`, expected ")
        .nth(1)
        .unwrap_or_else(|| panic!("{file} {}: {error}", shown(table)))
        .lines()
        .next()
        .unwrap();
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect()
}

#[test]
fn the_golden_fixture_sets_every_key_the_loader_accepts() {
    let dir = golden_copy();
    let k = |s: &str| Step::Key(s.into());
    let tables: Vec<(&str, Vec<Step>)> = vec![
        ("dondoc.toml", vec![]),
        ("dondoc.toml", vec![k("office")]),
        ("dondoc.toml", vec![k("calendar")]),
        ("dondoc.toml", vec![k("reminders")]),
        ("dondoc.toml", vec![k("mail")]),
        ("dondoc.toml", vec![k("mail"), k("smtp")]),
        ("dondoc.toml", vec![k("digest")]),
        ("dondoc.toml", vec![k("web")]),
        ("dondoc.toml", vec![k("inbox")]),
        ("agencies.toml", vec![]),
        ("agencies.toml", vec![k("agency"), Step::Index(0)]),
        ("holidays.toml", vec![]),
        ("holidays.toml", vec![k("year"), Step::Index(0)]),
        ("plans/golden.toml", vec![]),
        ("plans/golden.toml", vec![k("plan")]),
        ("plans/golden.toml", vec![k("obligation"), Step::Index(0)]),
        (
            "plans/golden.toml",
            vec![k("obligation"), Step::Index(0), k("reminders")],
        ),
    ];
    // Keys the fixture may leave out, and why.
    let elsewhere = [
        // Exclusive with password_file: password_env_is_read_in_place_of_password_file.
        "password_env",
    ];
    for (file, table) in tables {
        let accepted = accepted_keys(dir.path(), file, &table);
        assert!(!accepted.is_empty(), "{file} {}", shown(&table));
        let doc: toml::Value =
            toml::from_str(&fs::read_to_string(dir.path().join(file)).unwrap()).unwrap();
        let mut set: BTreeSet<String> = BTreeSet::new();
        // Every instance of this table in the fixture (all obligations, …).
        collect_keys(&doc, &table, &mut set);
        for key in accepted {
            assert!(
                set.contains(&key) || elsewhere.contains(&key.as_str()),
                "{file}: {}: the loader accepts `{key}` but the golden fixture never sets it; \
                 set it to a non-default value there and check its effect",
                shown(&table)
            );
        }
    }
}

/// The keys set in every table at `table`'s path, arrays of tables widened
/// to all their elements.
fn collect_keys(value: &toml::Value, table: &[Step], out: &mut BTreeSet<String>) {
    match table.split_first() {
        None => out.extend(value.as_table().unwrap().keys().cloned()),
        Some((Step::Key(k), rest)) => {
            if let Some(v) = value.get(k.as_str()) {
                collect_keys(v, rest, out);
            }
        }
        Some((Step::Index(_), rest)) => {
            for item in value.as_array().unwrap() {
                collect_keys(item, rest, out);
            }
        }
    }
}

#[test]
fn golden_paths_are_relative_to_the_config_dir() {
    // The loader resolves relative paths against the config directory, so
    // the daemon and an admin's CLI reach the same files.
    let dir = golden_copy();
    let loaded = load(dir.path()).unwrap();
    let db: PathBuf = loaded.config.settings.database.clone();
    assert!(db.starts_with(dir.path()), "{}", db.display());
}
