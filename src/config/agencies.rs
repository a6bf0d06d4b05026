//! `agencies.toml`: who must submit, their addresses, groups, and the dates
//! between which they exist (agencies are created, merged and dissolved).

use std::collections::HashMap;

use super::error::{SourceFile, quote};
use super::values::{check_emails, check_id, check_text, date_value, parse};
use super::{Agency, raw};

/// Validates `agencies.toml`; returns the good agencies sorted by id.
pub fn validate(src: &mut SourceFile) -> Vec<Agency> {
    let Some(raw) = parse::<raw::Agencies>(src) else {
        return Vec::new();
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, entry) in raw.agency.iter().enumerate() {
        let a = entry.get_ref();
        let key = |field: &str| format!("agency[{i}].{field}");
        let id_ok = check_id(src, &a.id, &key("id"));
        if let Some(first) = seen.insert(a.id.get_ref().clone(), i) {
            src.error(
                a.id.span(),
                key("id"),
                format!(
                    "duplicate agency id \"{}\" (also agency[{first}]); ids must be unique",
                    a.id.get_ref()
                ),
            );
        }
        let name = check_text(src, &a.name, &key("name"));
        let email = check_emails(src, a.email.get_ref(), a.email.span(), &key("email"), true);
        let cc = check_emails(src, &a.cc, entry.span(), &key("cc"), false);
        let escalate_to = check_emails(
            src,
            &a.escalate_to,
            entry.span(),
            &key("escalate_to"),
            false,
        );
        let groups = a
            .groups
            .iter()
            .enumerate()
            .filter(|(j, g)| check_id(src, g, &key(&format!("groups[{j}]"))))
            .map(|(_, g)| g.get_ref().clone())
            .collect();
        let active_from = a
            .active_from
            .as_ref()
            .and_then(|v| date_value(src, v, &key("active_from")));
        let active_until = a
            .active_until
            .as_ref()
            .and_then(|v| date_value(src, v, &key("active_until")));
        if let (Some(from), Some(until), Some(span)) = (
            active_from,
            active_until,
            a.active_until.as_ref().map(|v| v.span()),
        ) {
            if until < from {
                src.error(
                    span,
                    key("active_until"),
                    format!(
                        "{} is before active_from {}; an agency must exist for at least a day",
                        crate::dates::vn(until),
                        crate::dates::vn(from)
                    ),
                );
            }
        }
        let contact = a
            .contact
            .as_ref()
            .map(|c| check_text(src, c, &key("contact")));
        let phone = a.phone.as_ref().map(|p| {
            let text = check_text(src, p, &key("phone"));
            if let Some(bad) = phone_problem(&text) {
                src.error(p.span(), key("phone"), bad);
            }
            text
        });
        let successors = a
            .successors
            .iter()
            .map(|s| s.get_ref().trim().to_string())
            .collect();
        if id_ok {
            out.push(Agency {
                id: a.id.get_ref().clone(),
                name,
                email,
                cc,
                escalate_to,
                groups,
                successors,
                active_from,
                active_until,
                remind: a.remind.unwrap_or(true),
                contact,
                phone,
            });
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out.dedup_by(|a, b| a.id == b.id);
    check_successors(src, &raw, &out);
    out
}

/// What is wrong with a `phone` value, if anything: each number (commas
/// or semicolons between several) has 3 to 15 digits, written with spaces,
/// dots, dashes, brackets and a leading `+` only.
fn phone_problem(text: &str) -> Option<String> {
    for number in text.split([',', ';']) {
        let number = number.trim();
        let digits = number.chars().filter(char::is_ascii_digit).count();
        let plain = number
            .char_indices()
            .all(|(i, c)| c.is_ascii_digit() || " .-()".contains(c) || (c == '+' && i == 0));
        if !plain || !(3..=15).contains(&digits) {
            return Some(format!(
                "{}: not a phone number; write digits with spaces, dots or dashes \
                 (\"0258 3822 123\", \"+84 258 3822 123\"), several separated by commas",
                quote(number)
            ));
        }
    }
    None
}

/// Every successor is another agency of this file.
fn check_successors(src: &mut SourceFile, raw: &raw::Agencies, agencies: &[Agency]) {
    let known = |id: &str| agencies.binary_search_by(|a| a.id.as_str().cmp(id)).is_ok();
    for (i, entry) in raw.agency.iter().enumerate() {
        let a = entry.get_ref();
        for (j, s) in a.successors.iter().enumerate() {
            let id = s.get_ref().trim();
            let why = if id == a.id.get_ref() {
                "an agency cannot succeed itself"
            } else if !known(id) {
                "no agency has this id; successors are ids from this file"
            } else {
                continue;
            };
            src.error(
                s.span(),
                format!("agency[{i}].successors[{j}]"),
                format!("{}: {why}", quote(id)),
            );
        }
    }
}
