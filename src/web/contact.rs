//! Who to call at an agency (SPEC, "Who is late, first"): the person and
//! the phone numbers `agencies.toml` gives, each number a `tel:` link a
//! phone dials — shown on the instance, agency, call-list and leaders' pages.

use serde::Serialize;

/// Who to call at an agency: a person and phone numbers, as
/// `agencies.toml` gives them.
#[derive(Debug, Default, Serialize)]
pub struct Contact {
    pub person: Option<String>,
    pub phones: Vec<Phone>,
}

/// One phone number: as written, and as a `tel:` link.
#[derive(Debug, Serialize)]
pub struct Phone {
    pub text: String,
    /// `tel:` and the digits (a leading `+` kept).
    pub tel: String,
}

/// The agency's `contact` and `phone`, each number with its `tel:` link.
pub fn contact(agency: &crate::config::Agency) -> Contact {
    let phones = agency.phone.as_deref().map_or_else(Vec::new, |p| {
        p.split([',', ';'])
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| {
                let plus = if n.starts_with('+') { "+" } else { "" };
                let digits: String = n.chars().filter(char::is_ascii_digit).collect();
                Phone {
                    text: n.to_string(),
                    tel: format!("tel:{plus}{digits}"),
                }
            })
            .collect()
    });
    Contact {
        person: agency.contact.clone(),
        phones,
    }
}
