//! Whether the office's own mail server vouches for a message's sender:
//! its `Authentication-Results` header (RFC 8601), read for the From
//! domain, conservatively (a pass must name that domain; any fail counts;
//! a header that cannot be read fails).

use crate::config::Config;

use super::message::Incoming;

/// What the office's own mail server (`[inbox] trusted_authserv_id`) found
/// of the sender: `None` when that is not set; else the first
/// `Authentication-Results` that server stamped, read for the From domain
/// ([`sender_verdict`]), or [`Verdict::Missing`]. Headers stamped by other
/// servers (anyone can write one) are not read.
pub fn of_sender(config: &Config, m: &Incoming, from: &str) -> Option<Verdict> {
    let trusted = config
        .settings
        .inbox
        .as_ref()
        .and_then(|i| i.trusted_authserv_id.as_deref())?;
    let Some(header) = m.authentication.iter().find(|h| {
        h.split([';', ' '])
            .next()
            .is_some_and(|id| id.eq_ignore_ascii_case(trusted))
    }) else {
        return Some(Verdict::Missing);
    };
    let domain = from.rsplit('@').next().unwrap_or("").to_ascii_lowercase();
    Some(sender_verdict(header, &domain))
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// What failed, or "none passed".
    Fail(String),
    /// The office's server stamped no verdict.
    Missing,
}

/// Reads one `Authentication-Results` value (RFC 8601) for the From
/// `domain`: any of dmarc, dkim, spf failing fails (for that domain, or
/// naming none); else one of them passing for that domain passes — dmarc
/// by its `header.from`, dkim by its `header.d` (or `header.i`), spf by its
/// `smtp.mailfrom` (a pass of the HELO name, or naming no domain, vouches
/// for nothing); else nothing vouches for the sender. A value that cannot
/// be read (an unclosed comment or quote) fails.
fn sender_verdict(header: &str, domain: &str) -> Verdict {
    let Some(text) = without_comments(header) else {
        return Verdict::Fail("unreadable".into());
    };
    let mut failed = Vec::new();
    let mut passed = false;
    for resinfo in text.split(';').skip(1) {
        let mut words = resinfo.split_whitespace();
        let Some((method, result)) = words.next().and_then(|w| w.split_once('=')) else {
            continue;
        };
        let (method, result) = (method.to_ascii_lowercase(), result.to_ascii_lowercase());
        let property = |name: &str| -> Option<String> {
            resinfo
                .split_whitespace()
                .filter_map(|w| w.split_once('='))
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim_matches('"').to_ascii_lowercase())
        };
        let named = match method.as_str() {
            "dmarc" => property("header.from"),
            "dkim" => property("header.d").or_else(|| property("header.i")),
            "spf" => property("smtp.mailfrom"),
            _ => continue,
        };
        let ours = named
            .as_deref()
            .map(|v| v.rsplit('@').next().is_some_and(|d| d == domain));
        match result.as_str() {
            "pass" if ours == Some(true) => passed = true,
            "fail" | "softfail" | "permerror" if ours != Some(false) => {
                failed.push(format!("{method}={result}"))
            }
            _ => {}
        }
    }
    if !failed.is_empty() {
        Verdict::Fail(failed.join(","))
    } else if passed {
        Verdict::Pass
    } else {
        Verdict::Fail("none-passed".into())
    }
}

/// An `Authentication-Results` value without its comments, and with any
/// `;` or white space inside a quoted string made harmless (so that a
/// quoted value cannot split or add a result); `None` when a comment or a
/// quote is left open.
fn without_comments(header: &str) -> Option<String> {
    let mut text = String::with_capacity(header.len());
    let mut depth = 0u32;
    let mut quoted = false;
    let mut escaped = false;
    for c in header.chars() {
        if escaped {
            escaped = false;
            if depth == 0 {
                text.push('_');
            }
            continue;
        }
        match c {
            '\\' if quoted || depth > 0 => escaped = true,
            '"' if depth == 0 => {
                quoted = !quoted;
                text.push(c);
            }
            ';' | ' ' | '=' if quoted => text.push('_'),
            _ if quoted => text.push(c),
            '(' => depth += 1,
            ')' if depth == 0 => return None,
            ')' => depth -= 1,
            _ if depth == 0 => text.push(c),
            _ => {}
        }
    }
    (depth == 0 && !quoted).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::{Verdict, sender_verdict};

    #[test]
    fn the_office_servers_verdict_is_read_for_the_from_domain() {
        let d = "syt.example.gov.vn";
        let pass = "mail.example.gov.vn; dkim=pass header.d=syt.example.gov.vn; spf=pass smtp.mailfrom=vanthu@syt.example.gov.vn; dmarc=pass header.from=syt.example.gov.vn";
        assert_eq!(sender_verdict(pass, d), Verdict::Pass);
        let forged = "mail.example.gov.vn 1; spf=softfail (sender not permitted) smtp.mailfrom=vanthu@syt.example.gov.vn; dkim=none; dmarc=fail (p=none) header.from=syt.example.gov.vn";
        assert_eq!(
            sender_verdict(forged, d),
            Verdict::Fail("spf=softfail,dmarc=fail".into())
        );
        // A pass for another domain vouches for nothing.
        let other = "mail.example.gov.vn; dkim=pass header.d=gmail.com; spf=none";
        assert_eq!(
            sender_verdict(other, d),
            Verdict::Fail("none-passed".into())
        );
        // Comments are not results.
        let comment =
            "mail.example.gov.vn; dkim=fail (dkim=pass was expected) header.d=syt.example.gov.vn";
        assert_eq!(
            sender_verdict(comment, d),
            Verdict::Fail("dkim=fail".into())
        );
        // A pass that names no domain, or the HELO name, vouches for nothing.
        for vague in [
            "mail.example.gov.vn; spf=pass smtp.helo=syt.example.gov.vn",
            "mail.example.gov.vn; dkim=pass",
            "mail.example.gov.vn; dmarc=pass",
        ] {
            assert_eq!(
                sender_verdict(vague, d),
                Verdict::Fail("none-passed".into()),
                "{vague}"
            );
        }
        // A fail that names no domain still fails.
        let bare = "mail.example.gov.vn; dkim=pass header.d=syt.example.gov.vn; spf=fail";
        assert_eq!(sender_verdict(bare, d), Verdict::Fail("spf=fail".into()));
        // A quoted value cannot add a result or hide one.
        let quoted = r#"mail.example.gov.vn; spf=fail smtp.mailfrom="x;dkim=pass header.d=syt.example.gov.vn"; dmarc=fail header.from=syt.example.gov.vn"#;
        assert_eq!(
            sender_verdict(quoted, d),
            Verdict::Fail("dmarc=fail".into())
        );
        // An unclosed comment or quote is not read.
        for broken in [
            "mail.example.gov.vn; dkim=pass header.d=syt.example.gov.vn (unclosed; spf=fail",
            "mail.example.gov.vn; dkim=pass header.d=syt.example.gov.vn) ; spf=fail",
            r#"mail.example.gov.vn; dkim=pass header.d="syt.example.gov.vn; spf=fail"#,
        ] {
            assert_eq!(
                sender_verdict(broken, d),
                Verdict::Fail("unreadable".into()),
                "{broken}"
            );
        }
    }
}
