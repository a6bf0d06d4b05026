//! The document number (*số, ký hiệu văn bản*) an agency's reply gives for
//! what it sent: `Số: 125/BC-SYT`, `Số 125/BC-UBND ngày 12/6/2025`, or a bare
//! `125/BC-SYT`, in the subject or in the reply's own text.
//!
//! A number is digits, `/`, an optional year and `/`, then the document
//! type and issuer in capitals joined by hyphens (`BC-SYT`, `QĐ-BCĐ`,
//! `12/2025/NQ-HĐND`, ND 30/2020 Appendix I). A reply quotes the reminder,
//! which cites the plan (*Kế hoạch số 3212/KH-UBND*): quoted lines and
//! everything after a quote header are not the agency's text, and numbers
//! the caller already knows (the plans') are skipped.

/// The document number a reply gives, if any: one introduced by *số* wins
/// over a bare one, the subject over the body, then the first in reading
/// order. `known` are numbers that are not the agency's (the plans').
pub fn document_number(subject: &str, body: &str, known: &[&str]) -> Option<String> {
    let own = own_text(body);
    let found = |text: &str, labeled: bool| {
        candidates(text)
            .into_iter()
            .filter(|c| c.labeled == labeled)
            .map(|c| c.number)
            .find(|n| !known.iter().any(|k| k.eq_ignore_ascii_case(n)))
    };
    found(subject, true)
        .or_else(|| found(&own, true))
        .or_else(|| found(subject, false))
        .or_else(|| found(&own, false))
}

/// The reply's own lines: without quoted lines (`>`), and up to the header
/// that introduces the quoted message (Outlook's, Thunderbird's, Gmail's,
/// in Vietnamese or English).
pub fn own_text(body: &str) -> String {
    let mut out = String::new();
    for line in body.lines() {
        let t = line.trim();
        let lower = t.to_lowercase();
        let header = lower.starts_with("-----original message")
            || lower.starts_with("-----thư gốc")
            || lower.starts_with("-------- forwarded message")
            || lower.starts_with("from:")
            || lower.starts_with("từ:")
            || lower.ends_with("wrote:")
            || lower.ends_with("đã viết:");
        if header {
            break;
        }
        if t.starts_with('>') {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

struct Candidate {
    number: String,
    /// Introduced by the word *số* ("Số:", "số").
    labeled: bool,
}

/// Every document number in `text`, in order.
fn candidates(text: &str) -> Vec<Candidate> {
    let mut out = Vec::new();
    let mut previous_word = String::new();
    for word in text.split(|c: char| !(c.is_alphanumeric() || c == '/' || c == '-')) {
        if word.is_empty() {
            continue;
        }
        let token = word.trim_end_matches(['-', '/']);
        if is_document_number(token) {
            let labeled = matches!(previous_word.to_lowercase().as_str(), "số" | "so");
            out.push(Candidate {
                number: token.to_string(),
                labeled,
            });
        }
        previous_word = word.to_string();
    }
    out
}

/// `125/BC-SYT`, `41/QĐ-BCĐ`, `12/2025/NQ-HĐND`, `123/SNgV-LS`; not
/// `12/6/2025`, `V/v`, `1/Nam`.
fn is_document_number(token: &str) -> bool {
    let parts: Vec<&str> = token.split('/').collect();
    let (serial, kind) = match parts.as_slice() {
        [serial, kind] => (serial, kind),
        [serial, year, kind] if year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()) => {
            (serial, kind)
        }
        _ => return false,
    };
    let serial_ok = (1..=6).contains(&serial.len()) && serial.bytes().all(|b| b.is_ascii_digit());
    let mut segments = kind.split('-');
    let first_ok = segments.next().is_some_and(|s| {
        s.chars().count() >= 2 && s.chars().all(char::is_alphabetic) && capitals(s)
    });
    let rest_ok = segments.all(|s| {
        s.chars().any(char::is_alphabetic) && s.chars().all(char::is_alphanumeric) && capitals(s)
    });
    serial_ok && first_ok && rest_ok
}

/// An abbreviation as offices write them: it starts with a capital or a
/// digit and has more capitals than small letters (`BC`, `QĐ`, `SNgV` for
/// Sở Ngoại vụ, `BCĐ138`; not `Nam`, `Thg`).
fn capitals(segment: &str) -> bool {
    let upper = segment.chars().filter(|c| c.is_uppercase()).count();
    let lower = segment.chars().filter(|c| c.is_lowercase()).count();
    segment
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        && upper > lower
}

#[cfg(test)]
mod tests {
    use super::document_number;

    const PLAN: &[&str] = &["3212/KH-UBND"];

    #[test]
    fn the_forms_replies_use() {
        let cases = [
            (
                "Re: V/v nhắc thời hạn",
                "Số: 125/BC-SYT\nKính gửi …",
                Some("125/BC-SYT"),
            ),
            (
                "Re: báo cáo",
                "Gửi báo cáo Số 125/BC-UBND ngày 12/6/2025.",
                Some("125/BC-UBND"),
            ),
            ("Báo cáo 125/BC-SYT", "Xin gửi kèm.", Some("125/BC-SYT")),
            (
                "Re: nhắc",
                "Đã gửi văn bản 41/QĐ-BCĐ, xin cảm ơn.",
                Some("41/QĐ-BCĐ"),
            ),
            (
                "Re: nhắc",
                "theo Nghị quyết số 12/2025/NQ-HĐND",
                Some("12/2025/NQ-HĐND"),
            ),
            // A công văn: the issuer first; Sở Ngoại vụ writes SNgV.
            (
                "Re: nhắc",
                "Sở Ngoại vụ gửi Công văn số 123/SNgV-LS.",
                Some("123/SNgV-LS"),
            ),
            ("Re: nhắc", "Gửi Báo cáo số 9/BC-SNgV.", Some("9/BC-SNgV")),
            // Dates, V/v, phone numbers and words are not document numbers.
            ("Re: V/v nhắc", "Ngày 12/6/2025. ĐT: 0258.3822.111", None),
            ("Re: nhắc", "Tuần 1/Thg-Nam, tổ 3/Khu-Bac", None),
        ];
        for (subject, body, want) in cases {
            assert_eq!(
                document_number(subject, body, PLAN).as_deref(),
                want,
                "{body}"
            );
        }
    }

    #[test]
    fn a_number_after_so_wins_and_the_subject_before_the_body() {
        // Bare in the subject, introduced by "số" in the body: the body's.
        assert_eq!(
            document_number("Re: 7/KH-SYT", "Báo cáo số 88/BC-SYT", PLAN).as_deref(),
            Some("88/BC-SYT")
        );
        // Both introduced by "số": the subject's.
        assert_eq!(
            document_number("Số 90/BC-SYT", "số 88/BC-SYT", PLAN).as_deref(),
            Some("90/BC-SYT")
        );
    }

    #[test]
    fn the_quoted_reminder_and_the_plans_number_are_not_the_agencys() {
        let body = "Thực hiện Kế hoạch số 3212/KH-UBND, Sở Y tế đã gửi báo cáo.\n\
                    \n\
                    Vào Thứ Hai, 10/7/2023, VPTT 138 đã viết:\n\
                    > Căn cứ: Kế hoạch số 3212/KH-UBND …\n\
                    > Đề nghị gửi báo cáo số 999/BC-XYZ";
        assert_eq!(document_number("Re: V/v nhắc", body, PLAN), None);
        let outlook = "Báo cáo số 88/BC-SYT.\n-----Original Message-----\nFrom: vptt\nsố 1/BC-A";
        assert_eq!(
            document_number("RE: V/v", outlook, PLAN).as_deref(),
            Some("88/BC-SYT")
        );
        let known_first = "Thực hiện Kế hoạch số 3212/KH-UBND, gửi Báo cáo số 88/BC-SYT.";
        assert_eq!(
            document_number("Re:", known_first, PLAN).as_deref(),
            Some("88/BC-SYT")
        );
    }
}
