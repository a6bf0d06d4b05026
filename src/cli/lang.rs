//! The language of the command line's human output: Vietnamese for the
//! office by default, English with `--lang en` or `DONDOC_LANG=en`. JSON keys
//! and values, CSV headers and the configuration's error messages (read by
//! the admin) are the same in both.

use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

static LANG: OnceLock<Lang> = OnceLock::new();

/// Sets the language once, at start-up.
pub fn set(lang: Lang) {
    let _ = LANG.set(lang);
}

pub fn get() -> Lang {
    LANG.get().copied().unwrap_or_default()
}

/// `format!` in the language chosen: `say!("… {x} …", "… {x} …")`, the
/// Vietnamese text first.
macro_rules! say {
    ($vi:literal, $en:literal $(, $arg:expr)* $(,)?) => {
        match $crate::cli::lang::get() {
            $crate::cli::lang::Lang::Vi => format!($vi $(, $arg)*),
            $crate::cli::lang::Lang::En => format!($en $(, $arg)*),
        }
    };
}
pub(crate) use say;

/// A reminder step as the office says it: *nhắc trước 3 ngày làm việc*,
/// *nhắc đúng hạn*, *quá hạn lần 2*.
pub fn step(text: &str) -> String {
    match crate::policy::Step::parse(text) {
        Some(crate::policy::Step::Before(n)) => {
            say!(
                "nhắc trước {n} ngày làm việc",
                "reminder {n} working days before"
            )
        }
        Some(crate::policy::Step::Due) => say!("nhắc đúng hạn", "reminder on the due date"),
        Some(crate::policy::Step::Overdue(k)) => say!("quá hạn lần {k}", "overdue reminder {k}"),
        None => text.to_string(),
    }
}

/// "1 day" / "3 days"; Vietnamese has no plural.
pub fn days(n: i32) -> String {
    if n == 1 {
        say!("{n} ngày", "{n} day")
    } else {
        say!("{n} ngày", "{n} days")
    }
}
