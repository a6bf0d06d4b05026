//! iCalendar (RFC 5545): `calendar --format ics` and the console's feeds.

use std::fmt::Write as _;

use crate::calendar::Instance;
use crate::config::Config;
use crate::dates;

/// An iCalendar (RFC 5545) file: one all-day event per instance, on its due date.
pub fn calendar(config: &Config, list: &[Instance], now: &jiff::Zoned) -> String {
    let stamp = now.timestamp().strftime("%Y%m%dT%H%M%SZ").to_string();
    let mut out = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//dondoc//dondoc calendar//VI\r\nCALSCALE:GREGORIAN\r\n",
    );
    for i in list {
        let plan = i.plan(config);
        let ob = i.obligation(config);
        let names: Vec<&str> = i
            .agencies
            .iter()
            .map(|&a| config.agencies[a].name.as_str())
            .collect();
        let description = format!(
            "Kế hoạch {} — {}\n{}{}\nHạn nộp: {} (theo lịch {})\nĐơn vị phải nộp ({}): {}",
            plan.label(),
            plan.title,
            ob.title,
            ob.basis
                .as_deref()
                .map(|b| format!(" ({b})"))
                .unwrap_or_default(),
            dates::vn(i.due),
            dates::vn(i.period),
            names.len(),
            names.join(", "),
        );
        let next_day = i.due.tomorrow().expect("date in range");
        let lines = [
            "BEGIN:VEVENT".to_string(),
            format!("UID:{}.{}.{}@dondoc", plan.id, ob.id, i.period),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{}", i.due.strftime("%Y%m%d")),
            format!("DTEND;VALUE=DATE:{}", next_day.strftime("%Y%m%d")),
            format!(
                "SUMMARY:{}",
                escape(&format!("Hạn nộp: {} ({})", ob.title, plan.label()))
            ),
            format!("DESCRIPTION:{}", escape(&description)),
            "TRANSP:TRANSPARENT".to_string(),
            "END:VEVENT".to_string(),
        ];
        for line in lines {
            fold(&mut out, &line);
        }
    }
    out.push_str("END:VCALENDAR\r\n");
    out
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// Writes a content line folded at 75 octets, never inside a UTF-8 character.
fn fold(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    let _ = write!(out, "\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_long_lines_on_character_boundaries() {
        let line = format!("SUMMARY:{}", "Báo cáo định kỳ ".repeat(10));
        let mut out = String::new();
        fold(&mut out, &line);
        let physical: Vec<&str> = out.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert!(physical.len() > 2);
        for l in &physical {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        assert_eq!(out.replace("\r\n ", ""), format!("{line}\r\n"));
    }

    #[test]
    fn escapes_text_values() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }
}
