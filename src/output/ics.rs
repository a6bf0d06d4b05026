//! iCalendar (RFC 5545): `calendar --format ics` and the console's feeds.
//!
//! An event is a date and the agencies that owe an instance on it. The
//! command gives the instances as planned ([`planned`]); a feed gives them
//! as decided ([`decided`]): an exempt pair is dropped, an extended pair is
//! on its extended date (SPEC, "Feeds follow what was decided").

use std::fmt::Write as _;

use jiff::civil::Date;

use crate::calendar::Instance;
use crate::config::Config;
use crate::dates;
use crate::policy::{PairState, State};

/// One event: the agencies that owe `instance` on `due`.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub instance: &'a Instance,
    /// The instance's due date, or the date an extension moved these
    /// agencies to.
    pub due: Date,
    /// Config indices, in the instance's order.
    pub agencies: Vec<usize>,
}

/// One event per instance, on its due date, with every agency it asks.
pub fn planned(list: &[Instance]) -> Vec<Event<'_>> {
    list.iter()
        .map(|i| Event {
            instance: i,
            due: i.due,
            agencies: i.agencies.to_vec(),
        })
        .collect()
}

/// The events of one instance as the office decided, from its pairs'
/// states (`states`, only some of its agencies for one agency's feed):
/// the exempt pairs dropped, the others grouped by their due date (the
/// instance's first, then each extended date). None when all are exempt.
pub fn decided<'a>(instance: &'a Instance, states: &[PairState]) -> Vec<Event<'a>> {
    let mut out: Vec<Event<'a>> = Vec::new();
    for s in states.iter().filter(|s| s.state != State::Exempt) {
        match out.iter_mut().find(|e| e.due == s.due) {
            Some(e) => e.agencies.push(s.agency),
            None => out.push(Event {
                instance,
                due: s.due,
                agencies: vec![s.agency],
            }),
        }
    }
    out.sort_by_key(|e| (e.due != instance.due, e.due));
    out
}

/// An iCalendar (RFC 5545) file: one all-day event per [`Event`]. The first
/// event of an instance has its UID (`PLAN.OBLIGATION.PERIOD@dondoc`), so
/// that a pair moved by an extension stays one event in a calendar; the
/// others' UIDs add their date.
pub fn calendar(config: &Config, events: &[Event<'_>], now: &jiff::Zoned) -> String {
    let stamp = now.timestamp().strftime("%Y%m%dT%H%M%SZ").to_string();
    let mut out = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//dondoc//dondoc calendar//VI\r\nCALSCALE:GREGORIAN\r\n",
    );
    let mut previous: Option<&Instance> = None;
    for event in events {
        let i = event.instance;
        let plan = i.plan(config);
        let ob = i.obligation(config);
        let first = !previous.is_some_and(|p| std::ptr::eq(p, i));
        previous = Some(i);
        let names: Vec<&str> = event
            .agencies
            .iter()
            .map(|&a| config.agencies[a].name.as_str())
            .collect();
        let extended = event.due != i.due;
        let due = if extended {
            format!(
                "{} (gia hạn; hạn của kỳ: {})",
                dates::vn(event.due),
                dates::vn(i.due)
            )
        } else {
            dates::vn(i.due)
        };
        let description = format!(
            "Kế hoạch {} — {}\n{}{}\nHạn nộp: {} (theo lịch {})\nĐơn vị phải nộp ({}): {}",
            plan.label(),
            plan.title,
            ob.title,
            ob.basis
                .as_deref()
                .map(|b| format!(" ({b})"))
                .unwrap_or_default(),
            due,
            dates::vn(i.period),
            names.len(),
            names.join(", "),
        );
        let uid = if first {
            format!("{}.{}.{}@dondoc", plan.id, ob.id, i.period)
        } else {
            format!("{}.{}.{}.{}@dondoc", plan.id, ob.id, i.period, event.due)
        };
        let summary = format!(
            "Hạn nộp{}: {} ({})",
            if extended { " (gia hạn)" } else { "" },
            ob.title,
            plan.label()
        );
        let next_day = event.due.tomorrow().expect("date in range");
        let lines = [
            "BEGIN:VEVENT".to_string(),
            format!("UID:{uid}"),
            format!("DTSTAMP:{stamp}"),
            format!("DTSTART;VALUE=DATE:{}", event.due.strftime("%Y%m%d")),
            format!("DTEND;VALUE=DATE:{}", next_day.strftime("%Y%m%d")),
            format!("SUMMARY:{}", escape(&summary)),
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
