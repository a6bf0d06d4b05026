//! The language of what a clerk reads — the command line's output and the
//! messages about a pair, a row or a date: Vietnamese for the office by
//! default, English with `--lang en` or `DONDOC_LANG=en`. JSON keys and
//! values, CSV headers and the configuration's error messages (read by the
//! admin) are the same in both. Emails have their own `[mail] lang`.

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
        match $crate::lang::get() {
            $crate::lang::Lang::Vi => format!($vi $(, $arg)*),
            $crate::lang::Lang::En => format!($en $(, $arg)*),
        }
    };
}
pub(crate) use say;

/// "1 day" / "3 days"; Vietnamese has no plural.
pub fn days(n: i32) -> String {
    if n == 1 {
        say!("{n} ngày", "{n} day")
    } else {
        say!("{n} ngày", "{n} days")
    }
}
