//! The files as written: serde shapes with spans, before validation.
//!
//! Fields whose values dondoc checks itself (dates, ids, addresses, names of
//! things) stay loose here (`toml::Value`, `String`) so that every such error in
//! a file is reported in one run; only the shape (unknown keys, a list where a
//! string was expected) stops a file's parse.

use serde::Deserialize;
use toml::{Spanned, Value};

pub type S<T> = Spanned<T>;

/// `dondoc.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Main {
    pub timezone: Option<S<String>>,
    pub database: Option<S<String>>,
    pub office: Option<S<Office>>,
    #[serde(default)]
    pub calendar: Calendar,
    #[serde(default)]
    pub reminders: Policy,
    #[serde(default)]
    pub mail: Mail,
    pub digest: Option<S<Digest>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Office {
    pub name: S<String>,
    pub email: S<String>,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub contact: Option<S<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    pub working_days: Option<S<Vec<S<String>>>>,
    pub shift_to_working_day: Option<bool>,
    pub send_at: Option<S<Vec<S<String>>>>,
}

/// `[reminders]` and `[obligation.reminders]`: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    pub before: Option<S<Vec<S<i64>>>>,
    pub on_due: Option<bool>,
    pub overdue_every: Option<S<i64>>,
    pub overdue_max: Option<S<i64>>,
    pub escalate_after: Option<S<i64>>,
    pub stop_after_days: Option<S<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mail {
    pub transport: Option<S<String>>,
    pub outbox: Option<S<String>>,
    pub from: Option<S<String>>,
    pub reply_to: Option<S<String>>,
    pub lang: Option<S<String>>,
    pub smtp: Option<S<Smtp>>,
    pub retry_seconds: Option<S<i64>>,
    pub give_up_hours: Option<S<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    pub host: S<String>,
    pub port: Option<S<i64>>,
    pub security: Option<S<String>>,
    pub username: Option<String>,
    pub password_file: Option<S<String>>,
    pub password_env: Option<S<String>>,
    pub max_per_minute: Option<S<i64>>,
    pub timeout_seconds: Option<S<i64>>,
    pub ca_file: Option<S<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Digest {
    pub to: S<Vec<S<String>>>,
    pub send_at: Option<S<Vec<S<String>>>>,
}

/// `agencies.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agencies {
    #[serde(default)]
    pub agency: Vec<S<Agency>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    pub id: S<String>,
    pub name: S<String>,
    pub email: S<Vec<S<String>>>,
    #[serde(default)]
    pub cc: Vec<S<String>>,
    #[serde(default)]
    pub escalate_to: Vec<S<String>>,
    #[serde(default)]
    pub groups: Vec<S<String>>,
    #[serde(default)]
    pub successors: Vec<S<String>>,
    pub active_from: Option<S<Value>>,
    pub active_until: Option<S<Value>>,
}

/// `plans/NAME.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    pub plan: S<Plan>,
    #[serde(default)]
    pub obligation: Vec<S<Obligation>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub id: S<String>,
    pub number: Option<S<String>>,
    pub title: S<String>,
    pub issuer: Option<String>,
    pub issued: Option<S<Value>>,
    pub submit_to: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Obligation {
    pub id: S<String>,
    pub title: S<String>,
    pub basis: Option<String>,
    pub agencies: S<Vec<S<String>>>,
    pub submit_to: Option<String>,
    pub due: Option<S<Value>>,
    pub before: Option<S<Value>>,
    pub yearly: Option<S<Vec<S<String>>>>,
    pub every: Option<S<String>>,
    pub within: Option<S<String>>,
    pub first_due: Option<S<Value>>,
    pub from: Option<S<Value>>,
    pub until: Option<S<Value>>,
    pub shift: Option<S<String>>,
    pub after: Option<S<String>>,
    pub period_label: Option<S<String>>,
    pub data_period: Option<S<String>>,
    pub reminders: Option<Policy>,
}

/// `holidays.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Holidays {
    #[serde(default)]
    pub year: Vec<S<HolidayYear>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayYear {
    pub year: S<i64>,
    #[serde(default)]
    pub off: Vec<S<String>>,
    #[serde(default)]
    pub working: Vec<S<String>>,
}
