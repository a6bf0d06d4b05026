//! The variables templates see. Optional values are `none`, never undefined.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Office {
    pub name: String,
    pub email: String,
    pub address: Option<String>,
    pub phone: Option<String>,
    /// The contact person, when `[office] contact` names one.
    pub contact: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Agency {
    pub id: String,
    pub name: String,
}

/// One obligation in a reminder.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub plan_id: String,
    /// None while the plan has no number (the office has no signed copy).
    pub plan_number: Option<String>,
    pub plan_title: String,
    /// The title without its leading "Kế hoạch", for *Kế hoạch số … về …*.
    pub plan_about: String,
    pub plan_issuer: Option<String>,
    /// dd/mm/yyyy
    pub plan_issued: Option<String>,
    pub obligation_id: String,
    pub obligation_title: String,
    pub basis: Option<String>,
    /// The plan cited as a letter cites it, with the section: *Mục II.1.h
    /// Kế hoạch số 3212/KH-UBND ngày 20/3/2025 của UBND tỉnh Khánh Hòa về …*.
    pub cite: String,
    /// The deadline in the plan's words: *trước ngày 03/7/2023*.
    pub deadline: String,
    /// Where a date the plan does not give comes from (`date_basis`, or the
    /// office's provisional date); none when the words are the plan's.
    pub deadline_source: Option<String>,
    /// What the law or an extension makes of it: *ngày 02/7/2023 là Chủ
    /// nhật: nhận đến hết Thứ Hai, 03/7/2023*.
    pub deadline_effective: Option<String>,
    /// The letter's last day (*03/7/2023* style) and its weekday.
    pub last_day: String,
    pub last_day_weekday: String,
    /// Today is the aim of a `shift = "backward"` deadline: the last working
    /// day before the letter's last day (a day off).
    pub at_aim: bool,
    /// A draft the office puts to a decision (*Dự thảo … trình … ban hành*).
    pub draft: bool,
    /// The reporting period as the office names it (`period_label`), else
    /// the scheduled date, dd/mm/yyyy.
    pub period: String,
    /// The same when the obligation names its periods (`period_label`),
    /// else none: a one-off report has no period to name.
    pub period_label: Option<String>,
    /// With `data_period`: the first and last day the report covers.
    pub period_from: Option<String>,
    pub period_to: Option<String>,
    /// dd/mm/yyyy
    pub due: String,
    /// In the mail language: *Thứ Hai* / *Monday*.
    pub due_weekday: String,
    /// In the mail language: *Thứ Hai, ngày 10/07/2023* / *Monday 10 July 2023*.
    pub due_long: String,
    /// "17:00" for a deadline with a time of day, else none.
    pub due_time: Option<String>,
    /// On time at `due_time` itself (*chậm nhất*), or only before it (*trước*).
    pub due_time_inclusive: bool,
    /// For an upward report (`after`): the reports received from the
    /// units it is built from (`submitted` of `owed`).
    pub inputs: Option<crate::policy::Inputs>,
    /// `before-3`, `due`, `overdue-2`
    pub step: String,
    /// Calendar days until the due date (0 on it; negative once overdue).
    pub days_left: i32,
    /// Calendar days past the due date (0 until then).
    pub days_overdue: i32,
    /// 1 for the first reminder of this pair (*lần 1*), 2 for the second…
    pub ordinal: usize,
    pub submit_to: String,
    /// Whether `submit_to` is the office itself (no `submit_to` configured).
    pub to_office: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Reminder {
    pub office: Office,
    pub agency: Agency,
    /// The send moment's date, dd/mm/yyyy.
    pub today: String,
    /// The same in the mail language's long form.
    pub today_long: String,
    pub any_overdue: bool,
    /// Every item is overdue (else the letter urges the overdue ones and
    /// reminds of the others).
    pub all_overdue: bool,
    /// Whether every item goes to the office (else each says where).
    pub all_to_office: bool,
    pub escalated: bool,
    /// What the subject names when it fits: the one item's title (first
    /// letter lowered) and period.
    pub topic: String,
    /// What it names otherwise: *02 báo cáo theo Kế hoạch số 3212/KH-UBND*.
    pub counted: String,
    /// What the office does with what it asks for: *để tổng hợp, báo cáo
    /// theo quy định*, or for drafts *để trình cấp có thẩm quyền xem xét,
    /// ban hành*; none when the recipient line says it already.
    pub purpose: Option<String>,
    pub items: Vec<Item>,
}

/// The digest's totals: [`Tally`] (`totals.all` is `totals.total`).
pub type Totals = crate::policy::Tally;

/// One overdue report of an agency, in the digest.
#[derive(Debug, Clone, Serialize)]
pub struct DigestOverdue {
    pub title: String,
    /// The period's name (`period_label`), none for a one-off report.
    pub period: Option<String>,
    /// dd/mm/yyyy (the pair's, extended or not)
    pub due: String,
    /// Calendar days past the due date.
    pub days: i32,
}

/// An agency that owes overdue reports, in the digest.
#[derive(Debug, Clone, Serialize)]
pub struct DigestAgency {
    pub id: String,
    pub name: String,
    /// All its overdue pairs.
    pub overdue: usize,
    /// The most days any of them is overdue.
    pub max_days: i32,
    /// Those still chased (at most `stop_after_days` overdue), most days first.
    pub items: Vec<DigestOverdue>,
    /// Those overdue longer than `stop_after_days`: counted, not listed.
    pub old: usize,
    pub old_max_days: i32,
    /// The names of the agencies that took over a dissolved one.
    pub successors: Vec<String>,
}

/// Agencies with the same overdue figures, named together (a digest with
/// forty agencies each owing the same two reports stays one paragraph).
#[derive(Debug, Clone, Serialize)]
pub struct DigestAgencyGroup {
    pub overdue: usize,
    pub max_days: i32,
    pub old: usize,
    /// In Vietnamese order.
    pub agencies: Vec<GroupedAgency>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupedAgency {
    pub name: String,
    /// The names of the agencies that took over a dissolved one.
    pub successors: Vec<String>,
}

/// An instance with overdue pairs still chased.
#[derive(Debug, Clone, Serialize)]
pub struct DigestLate {
    /// None for an unnumbered plan (cite `plan_title` then).
    pub plan_number: Option<String>,
    pub plan_title: String,
    /// The plan named short: *Kế hoạch số 3212/KH-UBND*, else by date and
    /// issuer (never a title cut mid-phrase).
    pub plan_short: String,
    pub title: String,
    /// The period's name (`period_label`), none for a one-off report.
    pub period: Option<String>,
    /// dd/mm/yyyy
    pub due: String,
    /// Overdue pairs and the most days one of them is overdue.
    pub overdue: usize,
    pub days: i32,
}

/// An instance due soon, with the state of its pairs.
#[derive(Debug, Clone, Serialize)]
pub struct DigestInstance {
    /// None for an unnumbered plan (cite `plan_title` then).
    pub plan_number: Option<String>,
    pub plan_title: String,
    /// The plan named short, as in [`DigestLate`].
    pub plan_short: String,
    pub obligation_id: String,
    pub obligation_title: String,
    /// The period's name (`period_label`), none for a one-off report.
    pub period: Option<String>,
    pub due: String,
    /// For an upward report: the reports it is built from, received by
    /// today; the row follows the row of what feeds it when that is listed.
    pub inputs: Option<crate::policy::Inputs>,
    /// Whether this row is an upward report listed right after its inputs.
    pub chained: bool,
    pub on_time: usize,
    pub late: usize,
    pub overdue: usize,
    pub pending: usize,
    pub exempt: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Digest {
    pub office: Office,
    pub today: String,
    pub today_long: String,
    /// How many days ahead `upcoming` reaches.
    pub ahead_days: i64,
    /// Over every pair due by then.
    pub totals: Totals,
    /// Agencies with overdue pairs, most first.
    pub agencies: Vec<DigestAgency>,
    /// The same, those with equal figures together.
    pub agency_groups: Vec<DigestAgencyGroup>,
    /// Instances with overdue pairs still chased, latest due first.
    pub late: Vec<DigestLate>,
    /// Instances due from today to `ahead_days` ahead.
    pub upcoming: Vec<DigestInstance>,
    /// The console's address (`[web] base_url`), for the full list; none
    /// when it has none (a command line is no use to a leader).
    pub console: Option<String>,
}
