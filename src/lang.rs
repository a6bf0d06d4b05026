//! The language of what a person reads — the command line's output and the
//! messages about a pair, a row or a date: Vietnamese for the office by
//! default, English with `--lang en` or `DONDOC_LANG=en`. It is a value,
//! chosen at the edge (the command line's `--lang`, the console — always
//! Vietnamese — the config's `[mail] lang` for emails) and passed down to
//! whatever words a message; there is no process-wide language. JSON keys
//! and values, CSV headers and the configuration's error messages (read by
//! the admin) are the same in both.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

/// `format!` in `lang`: `say!(lang, "… {x} …", "… {x} …")`, the Vietnamese
/// text first.
macro_rules! say {
    ($lang:expr, $vi:literal, $en:literal $(, $arg:expr)* $(,)?) => {
        match $lang {
            $crate::lang::Lang::Vi => format!($vi $(, $arg)*),
            $crate::lang::Lang::En => format!($en $(, $arg)*),
        }
    };
}
pub(crate) use say;

/// "1 day" / "3 days"; Vietnamese has no plural.
pub fn days(lang: Lang, n: i32) -> String {
    if n == 1 {
        say!(lang, "{n} ngày", "{n} day")
    } else {
        say!(lang, "{n} ngày", "{n} days")
    }
}
