//! The configuration directory → one validated [`Config`] value.
//!
//! There is one loader, [`load`], and it is what `check`, every command and the
//! daemon's reload call: a config that `check` accepts is exactly a config the
//! daemon runs. Files are parsed with unknown keys denied, then validated as a
//! whole; every problem found is returned at once, each naming its file, line,
//! column, key and what would be valid.

mod agencies;
mod error;
mod holidays_file;
pub mod labels;
mod mail;
mod model;
mod moments;
mod plans;
mod raw;
mod schedules;
pub mod schema;
mod settings;
pub mod users;
mod values;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::workdays::WorkCalendar;
pub use error::{ConfigError, ConfigErrors, escape, quote};
use error::{SourceFile, file_error, read_text};
pub use mail::is_loopback;
pub use model::*;
pub use moments::{SendAt, parse_cron};
pub use values::is_email;

/// Where the office's config lives unless `--config` says otherwise.
pub const DEFAULT_DIR: &str = "/etc/dondoc";

/// Loads and validates the configuration directory `dir`, then resolves it:
/// every derived value (policies inherited from `[reminders]`, the work
/// calendar, mailboxes, send moments) is computed here, once.
pub fn load(dir: &Path) -> Result<Config, ConfigErrors> {
    let mut errors = Vec::new();
    if !dir.is_dir() {
        errors.push(file_error(
            dir,
            "the configuration directory does not exist or is not a directory; \
             pass --config DIR (default /etc/dondoc)",
        ));
        return Err(ConfigErrors(errors));
    }
    let main_text = read(dir, "dondoc.toml", true, &mut errors);
    let agencies_text = read(dir, "agencies.toml", true, &mut errors);
    let holidays_text = read(dir, "holidays.toml", false, &mut errors);

    let settings = main_text
        .as_deref()
        .and_then(|text| settings::validate(dir, &mut src("dondoc.toml", text, &mut errors)));
    let before_agencies = errors.len();
    let agencies = agencies_text
        .as_deref()
        .map(|text| agencies::validate(&mut src("agencies.toml", text, &mut errors)));
    // One mistake, one error: with agencies.toml broken, a plan's reference
    // to an agency it would have defined is not reported again.
    let agencies_ok = agencies.is_some() && errors.len() == before_agencies;
    let holidays = holidays_text.as_deref().map_or_else(BTreeMap::new, |text| {
        holidays_file::validate(&mut src("holidays.toml", text, &mut errors))
    });
    let agencies = agencies.unwrap_or_default();
    // Every obligation starts from [reminders], key by key, and shifts as
    // [calendar] shift_to_working_day says unless it sets its own `shift`;
    // `within` counts working days on the calendar the config defines.
    let base = plans::Inherited {
        policy: settings
            .as_ref()
            .map_or_else(Policy::default, |s| s.reminders.clone()),
        shift: match settings.as_ref().is_none_or(|s| s.shift_to_working_day) {
            true => Shift::Forward,
            false => Shift::None,
        },
        workdays: WorkCalendar::new(
            settings
                .as_ref()
                .map_or(&settings::DEFAULT_WORKING_DAYS[..], |s| &s.working_days),
            holidays,
        ),
    };
    let (plans, stray_plan_files) =
        plans::load_dir(dir, &agencies, agencies_ok, &base, &mut errors);

    let templates = dir.join("templates");
    match settings {
        Some(settings) if errors.is_empty() => Ok(Config {
            dir: dir.to_path_buf(),
            workdays: base.workdays,
            settings,
            agencies,
            plans,
            templates_dir: templates.is_dir().then_some(templates),
            stray_plan_files,
        }),
        _ => Err(ConfigErrors(errors)),
    }
}

/// A path from the config (or `default`), relative ones resolved against
/// the config directory, so that the daemon and an admin's CLI agree.
fn resolve_path(dir: &Path, value: Option<&str>, default: &str) -> PathBuf {
    let p = PathBuf::from(value.unwrap_or(default));
    if p.is_absolute() { p } else { dir.join(p) }
}

fn src<'a>(name: &str, text: &'a str, errors: &'a mut Vec<ConfigError>) -> SourceFile<'a> {
    SourceFile {
        name: PathBuf::from(name),
        text,
        errors,
        line_starts: Default::default(),
    }
}

/// Reads `dir/name`; a missing required file is an error, a missing optional one is `None`.
fn read(dir: &Path, name: &str, required: bool, errors: &mut Vec<ConfigError>) -> Option<String> {
    match read_text(&dir.join(name), Path::new(name)) {
        Ok(Some(text)) => Some(text),
        Ok(None) if !required => None,
        Ok(None) => {
            errors.push(file_error(
                Path::new(name),
                format!(
                    "this file is required in {}; see config/ for an example",
                    dir.display()
                ),
            ));
            None
        }
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

/// Builds configs from TOML text through the real loader, for tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use std::fs;

    pub const MAIN: &str = r#"
[office]
name = "Văn phòng Thường trực BCĐ 138 tỉnh"
email = "vptt138@example.gov.vn"
"#;

    pub const AGENCIES: &str = r#"
[[agency]]
id = "so-y-te"
name = "Sở Y tế"
email = ["vanthu@syt.example.gov.vn"]
groups = ["so-nganh"]

[[agency]]
id = "ubnd-huyen"
name = "UBND huyện"
email = ["vanthu@huyen.example.gov.vn"]
groups = ["so-nganh"]
active_until = 2025-06-30
"#;

    /// Loads a config made of `main`, `agencies`, one plan file with these
    /// obligations, and an optional holidays file. Panics with the errors.
    pub fn config(main: &str, obligations: &str, holidays: Option<&str>) -> Config {
        let dir = tempfile::tempdir().expect("tempdir");
        fs::create_dir(dir.path().join("plans")).unwrap();
        fs::write(dir.path().join("dondoc.toml"), main).unwrap();
        fs::write(dir.path().join("agencies.toml"), AGENCIES).unwrap();
        let plan = format!(
            "[plan]\nid = \"p\"\nnumber = \"1/KH\"\ntitle = \"Kế hoạch\"\nissued = \"20/03/2025\"\n{obligations}"
        );
        fs::write(dir.path().join("plans/p.toml"), plan).unwrap();
        if let Some(h) = holidays {
            fs::write(dir.path().join("holidays.toml"), h).unwrap();
        }
        load(dir.path()).unwrap_or_else(|e| panic!("{e}"))
    }
}
