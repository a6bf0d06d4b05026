//! The deadline as the plan words it, and what the law makes of it: what
//! every email and page quotes (SPEC "The plan's words, not ours"), and the
//! plan cited as an office cites it (*Kế hoạch số 3212/KH-UBND ngày 20/3/2025
//! của UBND tỉnh Khánh Hòa*).

use jiff::civil::{Date, Time};

use super::Instance;
use crate::config::{Config, Letter, Plan};
use crate::dates;
use crate::lang::{Lang, say};

/// A deadline as a letter states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    /// The words: the plan's (*trước ngày 03/7/2023*), or, for a date the
    /// plan does not give, the date the document or the office sets.
    pub words: String,
    /// Where a date the plan does not give comes from: *theo Thông báo số
    /// …* or *thời hạn dự kiến …*; none when the words are the plan's.
    pub source: Option<String>,
    /// What the law or a decision makes of it: *ngày 02/7/2023 là Chủ nhật:
    /// nhận đến hết Thứ Hai, 03/7/2023*, or an extension.
    pub effective: Option<String>,
}

/// A day as a Vietnamese document writes it in running text: *03/7/2023*.
pub fn letter_date(date: Date) -> String {
    format!("{:02}/{}/{}", date.day(), date.month(), date.year())
}

/// A day in `lang`'s running text: *03/7/2023*, *3 July 2023*.
fn day(lang: Lang, date: Date) -> String {
    match lang {
        Lang::Vi => letter_date(date),
        Lang::En => dates::en_day(date),
    }
}

/// *17 giờ* / *16 giờ 30*; *17:00* in English.
fn clock(lang: Lang, time: Time) -> String {
    match (lang, time.minute()) {
        (Lang::Vi, 0) => format!("{} giờ", time.hour()),
        (Lang::Vi, m) => format!("{} giờ {m:02}", time.hour()),
        (Lang::En, _) => format!("{:02}:{:02}", time.hour(), time.minute()),
    }
}

/// The deadline of `inst` for a pair due on `due` (the instance's, or an
/// extension's), worded in `lang`.
pub fn wording(config: &Config, inst: &Instance, due: Date, lang: Lang) -> Wording {
    let ob = inst.obligation(config);
    let by_date = |d: Date| say!(lang, "chậm nhất ngày {}", "by {}", day(lang, d));
    let (words, source) = if let Some(basis) = &ob.date_basis {
        let src = say!(lang, "theo {}", "as set by {}", basis);
        (by_date(inst.period), Some(src))
    } else if ob.provisional {
        let src = say!(
            lang,
            "thời hạn dự kiến của {}; kế hoạch không quy định ngày gửi",
            "a provisional date set by {}; the plan gives no date",
            config.settings.office.name
        );
        (by_date(inst.period), Some(src))
    } else {
        let words = match ob.letter {
            Letter::By(d) => by_date(d),
            Letter::Before(d) => say!(lang, "trước ngày {}", "before {}", day(lang, d)),
            Letter::ByMonth(y, m) => match lang {
                Lang::Vi => format!("trong tháng {m}/{y}"),
                Lang::En => format!("in {} {y}", dates::en_month(m)),
            },
            Letter::BeforeMonth(y, m) => match lang {
                Lang::Vi => format!("trước tháng {m}/{y}"),
                Lang::En => format!("before {} {y}", dates::en_month(m)),
            },
            Letter::ByAt(d, t) => say!(
                lang,
                "chậm nhất {} ngày {}",
                "by {} on {}",
                clock(lang, t),
                day(lang, d)
            ),
            Letter::BeforeAt(d, t) => say!(
                lang,
                "trước {} ngày {}",
                "before {} on {}",
                clock(lang, t),
                day(lang, d)
            ),
            Letter::Within {
                n,
                working,
                from,
                from_issue,
            } => {
                let unit = match (lang, working) {
                    (Lang::Vi, true) => "ngày làm việc",
                    (Lang::Vi, false) => "ngày",
                    (Lang::En, true) => "working days",
                    (Lang::En, false) => "days",
                };
                match from_issue {
                    true => say!(
                        lang,
                        "trong {:02} {} kể từ ngày ban hành kế hoạch ({}), tức chậm nhất ngày {}",
                        "within {} {} of the plan's issue ({}), that is by {}",
                        n,
                        unit,
                        day(lang, from),
                        day(lang, inst.period)
                    ),
                    false => say!(
                        lang,
                        "trong {:02} {} kể từ ngày {}, tức chậm nhất ngày {}",
                        "within {} {} of {}, that is by {}",
                        n,
                        unit,
                        day(lang, from),
                        day(lang, inst.period)
                    ),
                }
            }
            Letter::Cycle => by_date(inst.period),
        };
        (words, None)
    };
    Wording {
        words,
        source,
        effective: effective(config, inst, due, lang),
    }
}

/// What the law or an extension makes of the letter's last day.
fn effective(config: &Config, inst: &Instance, due: Date, lang: Lang) -> Option<String> {
    if due != inst.due {
        return Some(say!(
            lang,
            "đã được gia hạn đến hết ngày {}",
            "extended to the end of {}",
            day(lang, due)
        ));
    }
    let last = inst.period;
    if due == last {
        return None;
    }
    let why = match (config.workdays.is_working_weekday(last), lang) {
        (true, _) => say!(lang, "ngày nghỉ lễ", "a public holiday"),
        (false, Lang::Vi) => dates::weekday(lang, last).to_string(),
        (false, Lang::En) => format!("a {}", dates::weekday(lang, last)),
    };
    Some(match inst.deadline {
        Some(d) => {
            let t = d.at.to_zoned(config.settings.timezone.clone()).time();
            say!(
                lang,
                "ngày {} là {}: hạn chuyển sang {} {}, {}",
                "{} is {}: the deadline moves to {} on {} {}",
                day(lang, last),
                why,
                clock(lang, t),
                dates::weekday(lang, due),
                day(lang, due)
            )
        }
        None => say!(
            lang,
            "ngày {} là {}: nhận đến hết {}, {}",
            "{} is {}: accepted until the end of {} {}",
            day(lang, last),
            why,
            dates::weekday(lang, due),
            day(lang, due)
        ),
    })
}

/// The plan as a letter cites it: *Kế hoạch số 3212/KH-UBND ngày 20/3/2025
/// của UBND tỉnh Khánh Hòa về …*; a plan without a number by its date,
/// issuer and title; without a date either, by its title and issuer.
pub fn cite(plan: &Plan, lang: Lang) -> String {
    let about = about(&plan.title);
    let issuer = plan.issuer.as_deref();
    match lang {
        Lang::Vi => {
            let mut s = String::from("Kế hoạch");
            if let Some(n) = &plan.number {
                s.push_str(&format!(" số {n}"));
            }
            if let Some(d) = plan.issued {
                s.push_str(&format!(" ngày {}", letter_date(d)));
            }
            if plan.number.is_none() && plan.issued.is_none() {
                // *Kế hoạch của UBND tỉnh Ninh Bình tổ chức các hoạt động …*
                // A title that starts with what the plan does reads on; a
                // subject needs *về*: *… của BCĐ 138 tỉnh về phòng, chống …*.
                let verb = ["thực hiện", "tổ chức", "triển khai"]
                    .iter()
                    .any(|v| about.starts_with(v));
                return match (issuer, about.is_empty()) {
                    (Some(i), false) if verb => format!("Kế hoạch của {i} {about}"),
                    (Some(i), false) => format!("Kế hoạch của {i} về {about}"),
                    (Some(i), true) => format!("Kế hoạch của {i}"),
                    (None, _) => plan.title.clone(),
                };
            }
            if let Some(i) = issuer {
                s.push_str(&format!(" của {i}"));
            }
            if !about.is_empty() {
                s.push_str(&format!(" về {about}"));
            }
            s
        }
        Lang::En => {
            let mut s = String::from("the plan");
            if let Some(n) = &plan.number {
                s = format!("plan no. {n}");
            }
            if let Some(d) = plan.issued {
                s.push_str(&format!(" of {}", day(lang, d)));
            }
            if let Some(i) = issuer {
                s.push_str(&format!(" by {i}"));
            }
            s.push_str(&format!(" ({})", plan.title));
            s
        }
    }
}

/// The plan named short, for a subject: *Kế hoạch số 3212/KH-UBND*; without
/// a number, *Kế hoạch ngày 20/3/2025 của …*, else *Kế hoạch của …*.
pub fn short(plan: &Plan, lang: Lang) -> String {
    match (&plan.number, plan.issued, lang) {
        (Some(n), _, Lang::Vi) => format!("Kế hoạch số {n}"),
        (Some(n), _, Lang::En) => format!("plan no. {n}"),
        (None, Some(d), Lang::Vi) => {
            format!("Kế hoạch ngày {}{}", letter_date(d), by(plan, " của "))
        }
        (None, Some(d), Lang::En) => format!("the plan of {}{}", day(lang, d), by(plan, " by ")),
        (None, None, Lang::Vi) => format!("Kế hoạch{}", by(plan, " của ")),
        (None, None, Lang::En) => format!("the plan{}", by(plan, " by ")),
    }
}

fn by(plan: &Plan, word: &str) -> String {
    plan.issuer
        .as_deref()
        .map_or(String::new(), |i| format!("{word}{i}"))
}

/// A plan's title without its leading document type, so that a letter can
/// cite it as *Kế hoạch số 3212/KH-UBND … về {about}*.
pub fn about(title: &str) -> String {
    let rest = title
        .strip_prefix("Kế hoạch")
        .or_else(|| title.strip_prefix("KẾ HOẠCH"))
        .filter(|rest| rest.is_empty() || rest.starts_with(' '))
        .unwrap_or(title);
    rest.trim().to_string()
}

/// Whether an obligation is a draft the office puts to a decision (*Dự
/// thảo … trình … ban hành*), not a report it compiles.
pub fn is_draft(title: &str) -> bool {
    let t = title.trim_start().to_lowercase();
    t.starts_with("dự thảo")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::instances;
    use crate::config::testing::{MAIN, config};
    use jiff::civil::date;

    fn first(ob: &str) -> (Config, Instance) {
        let c = config(MAIN, ob, None);
        let i = instances(&c, date(2030, 1, 1)).remove(0);
        (c, i)
    }

    fn words(ob: &str, lang: Lang) -> Wording {
        let (c, i) = first(ob);
        wording(&c, &i, i.due, lang)
    }

    const OB: &str = "[[obligation]]\nid = \"o\"\ntitle = \"O\"\nagencies = [\"so-y-te\"]\n";

    #[test]
    fn the_plan_s_words_then_what_the_law_makes_of_them() {
        // 02/7/2023 is a Sunday: art. 148 moves the end to Monday 03/7.
        let w = words(&format!("{OB}before = \"03/07/2023\"\n"), Lang::Vi);
        assert_eq!(w.words, "trước ngày 03/7/2023");
        assert_eq!(w.source, None);
        assert_eq!(
            w.effective.as_deref(),
            Some("ngày 02/7/2023 là Chủ nhật: nhận đến hết Thứ Hai, 03/7/2023")
        );
        let w = words(&format!("{OB}before = \"03/07/2023\"\n"), Lang::En);
        assert_eq!(w.words, "before 3 July 2023");
        assert_eq!(
            w.effective.as_deref(),
            Some("2 July 2023 is a Sunday: accepted until the end of Monday 3 July 2023")
        );
        // A working day needs no word; a holiday is named as such (30/4/2025).
        let w = words(&format!("{OB}due = \"15/12/2025\"\n"), Lang::Vi);
        assert_eq!(
            (w.words.as_str(), w.effective),
            ("chậm nhất ngày 15/12/2025", None)
        );
        let w = words(&format!("{OB}due = \"30/04/2025\"\n"), Lang::Vi);
        assert_eq!(
            w.effective.as_deref(),
            Some("ngày 30/4/2025 là ngày nghỉ lễ: nhận đến hết Thứ Sáu, 02/5/2025")
        );
        let w = words(&format!("{OB}before = \"03/07/2023 17:00\"\n"), Lang::Vi);
        assert_eq!(w.words, "trước 17 giờ ngày 03/7/2023");
        let w = words(&format!("{OB}due = \"10/07/2023 16:30\"\n"), Lang::Vi);
        assert_eq!(w.words, "chậm nhất 16 giờ 30 ngày 10/7/2023");
        let w = words(&format!("{OB}before = \"05/2024\"\n"), Lang::Vi);
        assert_eq!(w.words, "trước tháng 5/2024");
        let w = words(&format!("{OB}before = \"05/2024\"\n"), Lang::En);
        assert_eq!(w.words, "before May 2024");
        let w = words(&format!("{OB}within = \"5 working days\"\n"), Lang::Vi);
        assert!(
            w.words
                .starts_with("trong 05 ngày làm việc kể từ ngày ban hành kế hoạch (20/3/2025)"),
            "{w:?}"
        );
    }

    #[test]
    fn a_date_the_plan_does_not_give_names_where_it_comes_from() {
        let cycle = format!("{OB}yearly = [\"15/06\"]\n");
        let w = words(
            &format!("{cycle}date_basis = \"Thông báo số 12/TB-VPTT ngày 02/01/2025\"\n"),
            Lang::Vi,
        );
        // 15/6/2025 is a Sunday: the words keep the date, the law moves the end.
        assert_eq!(w.words, "chậm nhất ngày 15/6/2025");
        assert!(w.effective.is_some());
        assert_eq!(
            w.source.as_deref(),
            Some("theo Thông báo số 12/TB-VPTT ngày 02/01/2025")
        );
        let w = words(&format!("{cycle}provisional = true\n"), Lang::Vi);
        assert_eq!(
            w.source.as_deref(),
            Some(
                "thời hạn dự kiến của Văn phòng Thường trực BCĐ 138 tỉnh; kế hoạch không quy \
                 định ngày gửi"
            )
        );
    }

    #[test]
    fn a_plan_is_cited_by_number_date_and_issuer_else_by_what_it_has() {
        let (c, _) = first(&format!("{OB}due = \"15/12/2025\"\n"));
        let mut plan = c.plans[0].clone();
        plan.issuer = Some("UBND tỉnh Khánh Hòa".into());
        plan.title = "Kế hoạch thực hiện công tác phòng, chống ma túy năm 2025".into();
        assert_eq!(
            cite(&plan, Lang::Vi),
            "Kế hoạch số 1/KH ngày 20/3/2025 của UBND tỉnh Khánh Hòa về thực hiện công tác \
             phòng, chống ma túy năm 2025"
        );
        assert_eq!(short(&plan, Lang::Vi), "Kế hoạch số 1/KH");
        plan.number = None;
        plan.title = "Kế hoạch phòng, chống ma túy năm 2024".into();
        assert_eq!(
            cite(&plan, Lang::Vi),
            "Kế hoạch ngày 20/3/2025 của UBND tỉnh Khánh Hòa về phòng, chống ma túy năm 2024"
        );
        assert_eq!(
            short(&plan, Lang::Vi),
            "Kế hoạch ngày 20/3/2025 của UBND tỉnh Khánh Hòa"
        );
        plan.issued = None;
        assert_eq!(
            cite(&plan, Lang::Vi),
            "Kế hoạch của UBND tỉnh Khánh Hòa về phòng, chống ma túy năm 2024"
        );
        assert!(is_draft("Dự thảo Quy chế phối hợp") && !is_draft("Báo cáo"));
    }
}
