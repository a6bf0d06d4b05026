//! The office digest: per plan and instance, how many pairs are on time,
//! late, overdue, pending or exempt, and which agencies are overdue.
//!
//! Its figures are [`super::overview`]'s: totals, the agencies ranked by
//! what they owe overdue, and what falls due in the next 14 days.
//!
//! The digest goes through the queue like every other email: claimed once
//! per scheduled moment (`digest_log`), stored, delivered and retried by
//! [`super::deliver`]; only on working days; and a digest missed while the
//! daemon was down is sent once at start-up, if its moment is in the last
//! [`CATCH_UP_DAYS`] days. Its moments are [`super::schedule`]'s.

use jiff::{Timestamp, Zoned};

use super::schedule::latest_digest;
use super::summary::EngineError;
use crate::config::Config;
use crate::ledger::{Body, Ledger, NewMessage};
use crate::mail::Templates;
use crate::mail::compose::{self, Addressing, Thread};
use crate::mail::templates::Rendered;

/// How old a missed digest moment may be for the start-up catch-up to send it.
pub const CATCH_UP_DAYS: i64 = 7;

/// Queues the digest of the scheduled moment `due`, rendered as of `due`;
/// `Ok(false)` when there is no digest then: no `[digest]`, not a working
/// day, or already claimed (by this or another sender).
pub fn queue(
    config: &Config,
    templates: &Templates,
    ledger: &mut Ledger,
    due: Timestamp,
    now: Timestamp,
) -> Result<bool, EngineError> {
    let Some(digest) = &config.settings.digest else {
        return Ok(false);
    };
    let at = due.to_zoned(config.settings.timezone.clone());
    if !config.workdays.is_working_day(at.date()) || ledger.digest_claimed(due)? {
        return Ok(false);
    }
    let Some(rendered) = render(config, templates, ledger, &at)? else {
        return Ok(false);
    };
    let id = crate::mail::compose::new_message_id(
        &format!("digest.{}", due.as_second()),
        config.settings.office.mail_domain(),
    );
    let mail = &config.settings.mail;
    let addressing = Addressing {
        from: &mail.from,
        reply_to: mail.reply_to.as_ref(),
        to_name: &config.settings.office.name,
        to: &digest.to,
        cc: &[],
    };
    let message =
        match compose::compose_reminder(&id, &at, &addressing, &Thread::default(), &rendered) {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(error = %e, "cannot compose the digest");
                return Ok(false);
            }
        };
    let new = NewMessage {
        message_id: &id,
        agency: "",
        thread: "digest",
        moment: due,
        created: now,
    };
    let body = Body {
        sender: message.sender,
        recipients: message.recipients,
        raw: message.raw,
    };
    Ok(ledger.claim_digest(due, &new, &body)?)
}

/// The start-up catch-up: queues the latest digest moment at or before `now`
/// if it was missed and is recent, and the daemon ran here before (on a
/// first start there is nothing it missed: the first digest is the next
/// scheduled one). Returns whether one was queued.
pub fn catch_up(
    config: &Config,
    templates: &Templates,
    ledger: &mut Ledger,
    now: Timestamp,
) -> Result<bool, EngineError> {
    match latest_digest(config, now) {
        Some(due)
            if now.as_second() - due.as_second() <= CATCH_UP_DAYS * 86_400
                && ledger.digest_before(due)? =>
        {
            queue(config, templates, ledger, due, now)
        }
        _ => Ok(false),
    }
}

/// Renders the digest for a moment; `None` when there is no `[digest]`.
pub fn render(
    config: &Config,
    templates: &Templates,
    ledger: &Ledger,
    at: &Zoned,
) -> Result<Option<Rendered>, EngineError> {
    if config.settings.digest.is_none() {
        return Ok(None);
    }
    let ctx = super::overview::overview(config, ledger, at)?;
    Ok(templates
        .render("digest", &ctx)
        .map(Some)
        .unwrap_or_else(|e| {
            tracing::error!(error = %e, "cannot render the digest");
            None
        }))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use jiff::civil::date;

    use super::*;
    use crate::config::testing::config;
    use crate::mail::Deliverer;

    const OB: &str = "[[obligation]]\nid = \"bc\"\ntitle = \"Báo cáo\"\nagencies = [\"so-y-te\"]\n\
                      due = \"16/06/2025\"\n";

    fn at(y: i16, m: i8, d: i8, h: i8, min: i8) -> Timestamp {
        date(y, m, d)
            .at(h, min, 0, 0)
            .to_zoned(jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").unwrap())
            .unwrap()
            .timestamp()
    }

    #[test]
    fn the_digest_is_queued_once_per_moment_on_working_days_and_caught_up_once() {
        let dir = tempfile::tempdir().unwrap();
        let main = format!(
            "database = \"{0}/db\"\n[office]\nname = \"Văn phòng\"\nemail = \"vp@example.gov.vn\"\n\
             [mail]\noutbox = \"{0}/outbox\"\n[digest]\nto = [\"lanhdao@example.gov.vn\"]\n\
             send_at = [\"mon 07:30\"]\n",
            dir.path().display()
        );
        let c = config(&main, OB, None);
        let t = Templates::load(&c).unwrap();
        let mut ledger = Ledger::open(&c.settings.database, "test").unwrap();

        // A first start missed nothing: its first digest is the next one.
        let now = at(2025, 6, 17, 9, 0);
        assert_eq!(latest_digest(&c, now), Some(at(2025, 6, 16, 7, 30)));
        assert!(!catch_up(&c, &t, &mut ledger, now).unwrap(), "first start");
        // It ran on Monday 09/06 (that digest queued); down over Monday
        // 16/06/2025 07:30; started on Tuesday: sent once.
        let first = at(2025, 6, 9, 7, 30);
        assert!(queue(&c, &t, &mut ledger, first, first).unwrap());
        assert!(catch_up(&c, &t, &mut ledger, now).unwrap());
        assert!(
            !catch_up(&c, &t, &mut ledger, now).unwrap(),
            "claimed already"
        );
        assert!(!queue(&c, &t, &mut ledger, at(2025, 6, 16, 7, 30), now).unwrap());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut deliverer = Deliverer::new(&c.settings.mail).unwrap();
        let stop = AtomicBool::new(false);
        let sent = rt
            .block_on(super::super::deliver::deliver_due(
                &c,
                &mut ledger,
                &mut deliverer,
                now,
                &stop,
            ))
            .unwrap();
        assert_eq!(sent.sent, 2);
        let files: Vec<_> = std::fs::read_dir(dir.path().join("outbox"))
            .unwrap()
            .collect();
        assert_eq!(files.len(), 2);
        let raw = std::fs::read(files[0].as_ref().unwrap().path()).unwrap();
        let text = String::from_utf8_lossy(&raw);
        assert!(text.contains("Message-ID: <dondoc.digest."), "{text}");

        // Monday 01/09/2025 is a holiday (beside 2/9): no digest that day.
        assert!(
            !queue(
                &c,
                &t,
                &mut ledger,
                at(2025, 9, 1, 7, 30),
                at(2025, 9, 1, 7, 30)
            )
            .unwrap()
        );
        // A moment more than a week old is not caught up.
        let late = at(2025, 6, 30, 9, 0);
        assert_eq!(latest_digest(&c, late), Some(at(2025, 6, 30, 7, 30)));
        assert!(catch_up(&c, &t, &mut ledger, late).unwrap());
        // Tuesday 17/06 07:30 only: 8 days later it is too old; 3 days later not.
        let c = config(&main.replace("mon 07:30", "0 30 7 17 6 *"), OB, None);
        assert!(!catch_up(&c, &t, &mut ledger, at(2025, 6, 25, 9, 0)).unwrap());
        assert!(catch_up(&c, &t, &mut ledger, at(2025, 6, 20, 9, 0)).unwrap());
    }
}
