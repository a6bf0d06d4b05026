//! The resolved configuration: what every command and the daemon read,
//! every derived value (inherited policies, the work calendar, mailboxes,
//! send moments) already computed by [`super::load`].

use std::path::PathBuf;

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use lettre::message::Mailbox;

use super::SendAt;
use crate::workdays::WorkCalendar;

/// A loaded, validated configuration. Cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct Config {
    /// The directory it was loaded from; relative paths resolve against it.
    pub dir: PathBuf,
    pub settings: Settings,
    /// All agencies, sorted by id.
    pub agencies: Vec<Agency>,
    /// All plans, sorted by id.
    pub plans: Vec<Plan>,
    /// The working days: `[calendar] working_days`, the years listed in
    /// `holidays.toml`, the built-in holidays for the others.
    pub workdays: WorkCalendar,
    /// `templates/` when it exists.
    pub templates_dir: Option<PathBuf>,
    /// Files in `plans/` not ending in `.toml`, relative to `dir`: not read.
    pub stray_plan_files: Vec<PathBuf>,
}

/// `dondoc.toml`, with defaults filled in.
#[derive(Debug)]
pub struct Settings {
    pub timezone_name: String,
    pub timezone: TimeZone,
    pub database: PathBuf,
    pub office: Office,
    pub working_days: Vec<Weekday>,
    pub shift_to_working_day: bool,
    pub send_at: Vec<SendAt>,
    /// The default reminder policy.
    pub reminders: Policy,
    pub mail: Mail,
    pub digest: Option<Digest>,
    /// `[web]`: absent when the console is not configured.
    pub web: Option<Web>,
    /// `[inbox]`: absent when replies are not read.
    pub inbox: Option<Inbox>,
}

/// `[inbox]`: the IMAP mailbox agencies reply to.
#[derive(Debug, Clone)]
pub struct Inbox {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: String,
    pub password: PasswordSource,
    pub ca_file: Option<PathBuf>,
    pub folder: String,
    /// `accept = "auto"`: certain proposals are recorded at once.
    pub auto_accept: bool,
    /// The office's mail server's `authserv-id`: its `Authentication-Results`
    /// verdict on a sender is read, and a failing one makes a doubt.
    pub trusted_authserv_id: Option<String>,
}

/// `[web]`: where the console listens and whom it lets in.
#[derive(Debug, Clone)]
pub struct Web {
    pub listen: std::net::SocketAddr,
    /// `users.toml`, resolved against the config directory.
    pub users: PathBuf,
    /// The public address (`https://…`), without a trailing slash.
    pub base_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (the login
    /// throttle's per-address limit); empty: the TCP peer is the client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// The sender, shown in every email.
#[derive(Debug, Clone)]
pub struct Office {
    pub name: String,
    pub email: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// The person agencies can call: *Đ/c Nguyễn Văn A, 0912 345 678*.
    pub contact: Option<String>,
    /// The direct superior (*cơ quan chủ quản*), written above the office's
    /// name in a document's header (Nghị định 30/2020/NĐ-CP); none: none.
    pub parent: Option<String>,
    /// The place a document is dated at (*Khánh Hòa, ngày …*); none: the
    /// date alone.
    pub place: Option<String>,
    /// `[[office.from]]`: details that change on a date, by date.
    pub changes: Vec<OfficeChange>,
}

/// One `[[office.from]]` entry: the keys it sets take effect on `date`.
#[derive(Debug, Clone, Default)]
pub struct OfficeChange {
    pub date: Date,
    pub name: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub contact: Option<String>,
    pub parent: Option<String>,
    pub place: Option<String>,
}

impl Office {
    /// The office as it is on `day`: every change dated on or before it
    /// applied in date order.
    pub fn on(&self, day: Date) -> Office {
        let mut o = Office {
            changes: Vec::new(),
            ..self.clone()
        };
        for c in self.changes.iter().filter(|c| c.date <= day) {
            let set = |field: &mut Option<String>, value: &Option<String>| {
                if value.is_some() {
                    field.clone_from(value);
                }
            };
            if let Some(name) = &c.name {
                o.name.clone_from(name);
            }
            if let Some(email) = &c.email {
                o.email.clone_from(email);
            }
            set(&mut o.address, &c.address);
            set(&mut o.phone, &c.phone);
            set(&mut o.contact, &c.contact);
            set(&mut o.parent, &c.parent);
            set(&mut o.place, &c.place);
        }
        o
    }

    /// The domain of the office's address, for Message-IDs.
    pub fn mail_domain(&self) -> &str {
        self.email.rsplit_once('@').map_or("dondoc", |(_, d)| d)
    }
}

/// When reminders go out for one obligation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    /// Working days before the due date, largest first.
    pub before: Vec<i32>,
    pub on_due: bool,
    /// Working days between overdue reminders (≥ 1).
    pub overdue_every: i32,
    pub overdue_max: i32,
    /// Working days overdue from which the agency's `escalate_to` is copied.
    pub escalate_after: i32,
    /// Calendar days overdue after which nothing more is sent.
    pub stop_after_days: i32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            // Restraint: at most 5 emails to an agency about one report.
            before: vec![5, 1],
            on_due: true,
            overdue_every: 5,
            overdue_max: 2,
            escalate_after: 10,
            stop_after_days: 60,
        }
    }
}

/// `[mail]`.
#[derive(Debug, Clone)]
pub struct Mail {
    pub transport: Transport,
    pub outbox: PathBuf,
    /// The `From:` mailbox (default: the office's name and address).
    pub from: Mailbox,
    pub reply_to: Option<Mailbox>,
    pub lang: Lang,
    pub smtp: Option<Smtp>,
    /// The first retry delay after a transient failure; doubles each time, up to an hour.
    pub retry_seconds: u64,
    /// After this long without success a message is given up (marked failed).
    pub give_up_hours: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Outbox,
    Smtp,
}

/// The language of the built-in templates: the one language value.
pub use crate::lang::Lang;

/// `[mail.smtp]`. The password itself is never in the config, only where to read it.
#[derive(Debug, Clone)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: Option<String>,
    pub password: Option<PasswordSource>,
    pub max_per_minute: u32,
    pub timeout_seconds: u64,
    /// An extra CA certificate (PEM) to trust, e.g. the province's own CA.
    pub ca_file: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    StartTls,
    Tls,
    None,
}

/// Where the SMTP password is read from, at send time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordSource {
    File(PathBuf),
    Env(String),
}

impl PasswordSource {
    /// Reads the password now (a file's trailing newline dropped); the error
    /// names `what` ("SMTP", "inbox") and where, never the value.
    pub fn read(&self, what: &str) -> Result<String, String> {
        match self {
            PasswordSource::File(path) => std::fs::read_to_string(path)
                .map(|s| s.trim_end_matches(['\r', '\n']).to_string())
                .map_err(|e| format!("reading the {what} password from {}: {e}", path.display())),
            PasswordSource::Env(var) => std::env::var(var)
                .map_err(|_| format!("the {what} password variable {var} is not set")),
        }
    }
}

/// `[digest]`: a summary for the office itself.
#[derive(Debug, Clone)]
pub struct Digest {
    pub to: Vec<String>,
    pub send_at: Vec<SendAt>,
}

/// An organisation that must submit.
#[derive(Debug, Clone)]
pub struct Agency {
    pub id: String,
    pub name: String,
    pub email: Vec<String>,
    pub cc: Vec<String>,
    pub escalate_to: Vec<String>,
    pub groups: Vec<String>,
    /// The agencies that took over its work when it was dissolved (ids).
    pub successors: Vec<String>,
    pub active_from: Option<Date>,
    pub active_until: Option<Date>,
    /// `remind = false`: its pairs are tracked, shown and counted, but it is
    /// never emailed (the office's own parent).
    pub remind: bool,
    /// A person the office calls about its reports (*Chị Lan, văn thư*).
    pub contact: Option<String>,
    /// Phone numbers as written (*0258 3822 123*), commas between several.
    pub phone: Option<String>,
}

impl Agency {
    /// Whether the agency owes an instance with this due date: it existed then.
    pub fn owes(&self, due: Date) -> bool {
        self.active_from.is_none_or(|from| from <= due)
            && self.active_until.is_none_or(|until| due <= until)
    }
}

/// One source document.
#[derive(Debug, Clone)]
pub struct Plan {
    pub id: String,
    /// The document's number (*số, ký hiệu*); none while the office has no
    /// signed copy — emails then cite the plan by title, issuer and date.
    pub number: Option<String>,
    pub title: String,
    pub issuer: Option<String>,
    pub issued: Option<Date>,
    pub submit_to: Option<String>,
    /// The file it came from, relative to the config directory.
    pub file: PathBuf,
    pub obligations: Vec<Obligation>,
}

impl Plan {
    /// How tables name the plan: its number, else its id.
    pub fn label(&self) -> &str {
        self.number.as_deref().unwrap_or(&self.id)
    }
}

/// One thing a plan requires.
#[derive(Debug, Clone)]
pub struct Obligation {
    pub id: String,
    pub title: String,
    /// Where in the plan, e.g. `Mục II.1.h`.
    pub basis: Option<String>,
    /// Indices into [`Config::agencies`], sorted by agency id, no repeats.
    pub agencies: std::sync::Arc<[usize]>,
    /// Overrides the plan's `submit_to` for this obligation.
    pub submit_to: Option<String>,
    pub schedule: Schedule,
    /// How the plan words the deadline (*trước ngày 03/7/2023*).
    pub letter: Letter,
    /// Where a due date on a day off moves.
    pub shift: Shift,
    /// `after`: the obligation (index in the same plan) whose submissions this
    /// upward report is built from.
    pub after: Option<usize>,
    /// A minijinja expression naming an instance's reporting period (over
    /// `period`, `due`, `day`, `month`, `year`, `from`, `to`).
    pub period_label: Option<String>,
    /// How long a period a cyclic report covers, ending on its scheduled date.
    pub data_period: Option<Cycle>,
    /// The document that sets the date when the plan does not (a reporting
    /// regime, the office's notice): cited beside the plan for the date.
    pub date_basis: Option<String>,
    /// The date is set by no document yet: `check` warns, and no email
    /// calls it the plan's date.
    pub provisional: bool,
    /// `remind = false`: tracked, shown and counted, never emailed (a task
    /// the office does itself).
    pub remind: bool,
    pub policy: Policy,
}

/// The length of an `every` cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cycle {
    /// N months ("1 year" is 12).
    Months(i32),
    /// N weeks (*báo cáo nhanh hằng tuần*).
    Weeks(i32),
}

/// Where a scheduled date that falls on a day off moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shift {
    /// To the next working day (Civil Code art. 148): the default.
    Forward,
    /// To the last working day before: for *trước ngày/trước tháng*
    /// deadlines that must not slip past the written date.
    Backward,
    /// Not at all: the scheduled date is the due date.
    None,
}

/// How the plan words a deadline, as the config wrote it: what emails and
/// pages quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Letter {
    /// `due = D`: *chậm nhất ngày D*.
    By(Date),
    /// `before = D`: *trước ngày D*.
    Before(Date),
    /// `due = "06/2024"`: *trong tháng 6/2024*.
    ByMonth(i16, i8),
    /// `before = "05/2024"`: *trước tháng 5/2024*.
    BeforeMonth(i16, i8),
    /// `due = "10/07/2023 16:00"`: *chậm nhất 16 giờ 00 ngày 10/7/2023*.
    ByAt(Date, jiff::civil::Time),
    /// `before = "03/07/2023 17:00"`: *trước 17 giờ ngày 03/7/2023*.
    BeforeAt(Date, jiff::civil::Time),
    /// `within = "5 working days"`: *trong 05 ngày làm việc kể từ ngày ban
    /// hành Kế hoạch* (`from_issue`) or from `from`.
    Within {
        n: i32,
        working: bool,
        from: Date,
        from_issue: bool,
    },
    /// `yearly` and `every`: the plan words no date per instance.
    Cycle,
}

/// When an obligation falls due, as scheduled dates (before holiday shifts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    /// `due = D` or `before = D`: one scheduled date (for `before`, the day before D).
    Once(Date),
    /// `due = "10/07/2023 16:00"` / `before = "03/07/2023 17:00"`: one scheduled
    /// date, the written day itself, whose deadline is that time of the (shifted)
    /// due date: on time at or before it (`due`, `inclusive`) or strictly before
    /// it (`before`).
    OnceAt {
        date: Date,
        time: jiff::civil::Time,
        inclusive: bool,
    },
    /// `yearly = ["15/06", …]`, from `from` (or the plan's `issued`) through `until`.
    Yearly {
        days: Vec<(i8, i8)>,
        from: Date,
        until: Option<Date>,
    },
    /// `every = "N months"` (or years, or weeks) from `first_due`; for months
    /// the day of the month is kept (clamped to the month's end).
    Every {
        cycle: Cycle,
        first_due: Date,
        until: Option<Date>,
    },
}

impl Config {
    /// The agency with this id.
    pub fn agency(&self, id: &str) -> Option<&Agency> {
        self.agencies
            .binary_search_by(|a| a.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.agencies[i])
    }

    /// The agency's name, or `id` itself when no agency has it (one removed
    /// from agencies.toml since the ledger recorded it).
    pub fn agency_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.agency(id).map_or(id, |a| a.name.as_str())
    }

    /// The plan with this id.
    pub fn plan(&self, id: &str) -> Option<&Plan> {
        self.plans.iter().find(|p| p.id == id)
    }
}
