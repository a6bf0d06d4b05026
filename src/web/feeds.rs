//! The calendar feeds' secret addresses (`/calendar.ics?key=…`,
//! `/agencies/ID.ics?key=…`, `dondoc feed-url`): an HMAC of the feed's
//! scope under a key made once and kept in the database.

use anyhow::Context as _;

use super::base;
use crate::config::{Config, users};
use crate::ledger::Ledger;

/// The feed key: made once, kept in the database.
pub(super) fn feed_key(config: &Config) -> anyhow::Result<Vec<u8>> {
    let mut ledger = Ledger::open(&config.settings.database, "web")?;
    Ok(ledger.secret("feed", &users::random_bytes())?)
}

/// The secret of a feed (`calendar`, or `agency:ID`): HMAC-SHA-256 of the
/// scope under the database's feed key, its first 128 bits in hex.
pub fn feed_secret(key: &[u8], scope: &str) -> String {
    use hmac::Mac as _;
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(scope.as_bytes());
    users::hex(&mac.finalize().into_bytes()[..16])
}

/// The secret the feed addresses given before HMAC had: SHA-256 of the key,
/// a NUL and the scope. Still accepted, so that calendars subscribed then
/// keep working; `dondoc feed-url` gives the new one.
pub fn legacy_feed_secret(key: &[u8], scope: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(key);
    h.update([0]);
    h.update(scope.as_bytes());
    users::hex(&h.finalize()[..16])
}

/// The subscribable URL of a feed: `dondoc feed-url`.
pub fn feed_url(config: &Config, agency: Option<&str>) -> anyhow::Result<String> {
    let web = config
        .settings
        .web
        .as_ref()
        .context("[web] is not configured")?;
    let key = feed_key(config)?;
    Ok(match agency {
        Some(id) => format!(
            "{}/agencies/{id}.ics?key={}",
            base(web),
            feed_secret(&key, &format!("agency:{id}"))
        ),
        None => format!(
            "{}/calendar.ics?key={}",
            base(web),
            feed_secret(&key, "calendar")
        ),
    })
}
