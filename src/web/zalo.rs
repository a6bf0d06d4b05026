//! The text a clerk pastes into the agencies' Zalo group (or any chat): who
//! has not sent an instance's report yet, every one named in full, the
//! overdue first (the longest overdue at the top), as plain text —
//!
//! > Đến 10/12/2025, còn 14/31 đơn vị chưa gửi Báo cáo 06 tháng … kỳ 6
//! > tháng đầu năm 2025 (Kế hoạch số 3212/KH-UBND, hạn nộp 16/06/2025):
//! > 1. Sở Y tế (quá hạn 5 ngày)
//! > 2. Sở Tài chính (quá hạn 2 ngày)
//! > …
//! > Đề nghị các đơn vị khẩn trương gửi báo cáo về Văn phòng Thường trực …
//!
//! One agency a line, numbered, so that a group member finds their own;
//! the request last, naming the office the reports go to.
//!
//! A chat shows no markup and keeps no link but the one it previews: the
//! instance page's address comes last, on its own line, and only when
//! `[web] base_url` says where the console is reached (a loopback address
//! means nothing on an agency's phone). The pages hold the text in a
//! read-only box that `static/dondoc.js` copies on a click.

use jiff::civil::Date;

use crate::calendar::{Instance, period_label};
use crate::config::Config;
use crate::dates;
use crate::policy::{PairState, State};

/// An agency that has not sent the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Owing<'a> {
    pub name: &'a str,
    /// Whole days past its due date, when overdue.
    pub overdue_days: Option<i32>,
    /// Its own due date, when extended past the instance's and not yet past.
    pub extended_to: Option<Date>,
}

/// The report the text is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Report<'a> {
    /// The obligation's title, as the plan writes it.
    pub title: &'a str,
    /// The period's name (*6 tháng đầu năm 2025*), for a recurring report.
    pub period: Option<&'a str>,
    /// The plan, named short (*Kế hoạch số 3212/KH-UBND*).
    pub plan: &'a str,
    pub due: Date,
}

/// The text on `today`: `owing` (in the order to name them when equally
/// late: the caller's alphabetical order) out of `obliged` agencies that
/// must send (those exempted are not counted), the overdue first, one a
/// line; the request to send to `office`; then `link` on a line of its
/// own. None when nobody owes anything.
pub fn text(
    today: Date,
    report: &Report,
    owing: &[Owing],
    obliged: usize,
    office: &str,
    link: Option<&str>,
) -> Option<String> {
    if owing.is_empty() {
        return None;
    }
    let mut ordered: Vec<&Owing> = owing.iter().collect();
    // Stable: equally late agencies keep the caller's order.
    ordered.sort_by_key(|o| std::cmp::Reverse(o.overdue_days));
    let names: Vec<String> = ordered
        .iter()
        .enumerate()
        .map(|(n, o)| format!("{}. {}", n + 1, named(o)))
        .collect();
    let period = report.period.map_or(String::new(), |p| format!(" kỳ {p}"));
    let mut s = format!(
        "Đến {}, còn {}/{} đơn vị chưa gửi {}{period} ({}, hạn nộp {}):\n{}\n\
         Đề nghị các đơn vị khẩn trương gửi báo cáo về {office}.",
        dates::vn(today),
        owing.len(),
        obliged.max(owing.len()),
        report.title.trim_end_matches('.'),
        report.plan,
        dates::vn(report.due),
        names.join("\n")
    );
    if let Some(url) = link {
        s.push_str(&format!("\nChi tiết: {url}"));
    }
    Some(s)
}

/// *Sở Y tế (quá hạn 5 ngày)*, *Sở Tài chính (gia hạn đến 10/05/2025)*.
fn named(o: &Owing) -> String {
    match (o.overdue_days, o.extended_to) {
        (Some(d), _) if d > 0 => format!("{} (quá hạn {d} ngày)", o.name),
        (Some(_), _) => format!("{} (quá hạn)", o.name),
        (None, Some(to)) => format!("{} (gia hạn đến {})", o.name, dates::vn(to)),
        (None, None) => o.name.to_string(),
    }
}

/// The text of instance `inst` whose pairs' states are `states`, on
/// `today`; `rank` is each agency's place in alphabetical order, `page`
/// the instance page's path (linked when `[web] base_url` is set).
pub fn of_instance(
    config: &Config,
    inst: &Instance,
    states: &[PairState],
    today: Date,
    rank: &[usize],
    page: &str,
) -> Option<String> {
    let mut owing: Vec<&PairState> = states
        .iter()
        .filter(|s| matches!(s.state, State::Overdue | State::Pending))
        .collect();
    if owing.is_empty() {
        return None;
    }
    owing.sort_by_key(|s| rank[s.agency]);
    let owing: Vec<Owing> = owing
        .iter()
        .map(|s| Owing {
            name: &config.agencies[s.agency].name,
            overdue_days: (s.state == State::Overdue).then(|| s.days_late.unwrap_or(0)),
            extended_to: s.extended_from.map(|_| s.due),
        })
        .collect();
    let obliged = states.iter().filter(|s| s.state != State::Exempt).count();
    let period = period_label(config, inst);
    let plan = crate::calendar::letter::short(inst.plan(config), crate::lang::Lang::Vi);
    let report = Report {
        title: &inst.obligation(config).title,
        period: period.as_deref(),
        plan: &plan,
        due: inst.due,
    };
    let base = config
        .settings
        .web
        .as_ref()
        .and_then(|w| w.base_url.as_deref());
    let link = base.map(|b| format!("{b}{page}"));
    let office = config.settings.office.on(today).name;
    text(today, &report, &owing, obliged, &office, link.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const OFFICE: &str = "Văn phòng Thường trực BCĐ 138 tỉnh";

    const REPORT: Report = Report {
        title: "Báo cáo 06 tháng",
        period: Some("6 tháng đầu năm 2025"),
        plan: "Kế hoạch số 3212/KH-UBND",
        due: date(2025, 6, 16),
    };

    fn owing(name: &str, overdue_days: Option<i32>) -> Owing<'_> {
        Owing {
            name,
            overdue_days,
            extended_to: None,
        }
    }

    #[test]
    fn every_agency_in_full_the_longest_overdue_first() {
        let list = [
            owing("Hải đoàn 32 - Bộ Tư lệnh Vùng Cảnh sát biển 3", None),
            owing("Sở Tài chính", Some(2)),
            owing("Sở Y tế", Some(5)),
            Owing {
                name: "UBND phường Bắc Nha Trang",
                overdue_days: None,
                extended_to: Some(date(2025, 12, 20)),
            },
            owing("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", Some(2)),
        ];
        let t = text(date(2025, 12, 10), &REPORT, &list, 31, OFFICE, None).unwrap();
        assert_eq!(
            t,
            "Đến 10/12/2025, còn 5/31 đơn vị chưa gửi Báo cáo 06 tháng kỳ 6 tháng đầu năm 2025 \
             (Kế hoạch số 3212/KH-UBND, hạn nộp 16/06/2025):\n\
             1. Sở Y tế (quá hạn 5 ngày)\n\
             2. Sở Tài chính (quá hạn 2 ngày)\n\
             3. Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh (quá hạn 2 ngày)\n\
             4. Hải đoàn 32 - Bộ Tư lệnh Vùng Cảnh sát biển 3\n\
             5. UBND phường Bắc Nha Trang (gia hạn đến 20/12/2025)\n\
             Đề nghị các đơn vị khẩn trương gửi báo cáo về Văn phòng Thường trực BCĐ 138 tỉnh."
        );
        // No markup, no link: one agency a line, then the request.
        assert!(!t.contains('<') && !t.contains("http"));
        assert_eq!(t.lines().count(), 7);
    }

    #[test]
    fn a_link_only_to_a_public_console_and_last() {
        let list = [owing("Sở Y tế", Some(0))];
        let one_off = Report {
            title: "Báo cáo kết quả.",
            period: None,
            ..REPORT
        };
        let url = "https://dondoc.example.gov.vn/instances/kh/bao-cao/2025-06-14";
        let t = text(date(2025, 6, 16), &one_off, &list, 1, OFFICE, Some(url)).unwrap();
        assert_eq!(
            t,
            "Đến 16/06/2025, còn 1/1 đơn vị chưa gửi Báo cáo kết quả (Kế hoạch số \
             3212/KH-UBND, hạn nộp 16/06/2025):\n1. Sở Y tế (quá hạn)\n\
             Đề nghị các đơn vị khẩn trương gửi báo cáo về Văn phòng Thường trực BCĐ 138 tỉnh.\n\
             Chi tiết: https://dondoc.example.gov.vn/instances/kh/bao-cao/2025-06-14"
        );
        // Nothing owed: no text to send.
        assert_eq!(
            text(date(2025, 6, 16), &REPORT, &[], 31, OFFICE, Some(url)),
            None
        );
    }
}
