//! A configuration directory, loaded: the resolved config and its compiled
//! email templates. The templates sit beside the config rather than inside
//! it because compiling and checking them is `mail`'s work, and `mail`
//! depends on `config`, never the reverse.

use std::path::Path;

use crate::config::{self, ConfigErrors};
use crate::mail;

/// What `check` validates and what every command and the daemon run.
#[derive(Debug)]
pub struct Loaded {
    pub config: config::Config,
    pub templates: mail::Templates,
}

/// Loads and resolves `dir`: config files, then templates; every error at once.
pub fn load(dir: &Path) -> Result<Loaded, ConfigErrors> {
    let config = config::load(dir)?;
    let templates = mail::Templates::load(&config)?;
    Ok(Loaded { config, templates })
}
