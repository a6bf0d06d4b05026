//! Who to call first (SPEC, "Who is late, first"): the order of an
//! instance's agencies — overdue first, the longest overdue at the top,
//! then late, not yet due, on time, exempt — and the filters of the
//! instance and agencies pages: by state (`?state=overdue`, links with
//! counts) and by agency name (`?q=`, case and Vietnamese diacritics
//! ignored: *so y te* finds *Sở Y tế*).

use std::cmp::Reverse;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use super::auth::url_escape;
use crate::policy::{State, Tally};

/// The states in the order the pages list them.
pub const ORDER: [State; 5] = [
    State::Overdue,
    State::Late,
    State::Pending,
    State::OnTime,
    State::Exempt,
];

/// A pair's place in the late-first order: its state's place in [`ORDER`],
/// then the most days late first.
pub fn urgency(state: State, days_late: Option<i32>) -> (usize, Reverse<i32>) {
    let place = ORDER
        .iter()
        .position(|s| *s == state)
        .unwrap_or(ORDER.len());
    (place, Reverse(days_late.unwrap_or(0)))
}

/// `?state=…&q=…`, as a page is asked for.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct Asked {
    /// Only the agencies in this state (`overdue`, `on_time`, …).
    pub state: Option<String>,
    /// Only the agencies whose name (or id) holds this.
    pub q: Option<String>,
}

/// The longest search kept, in characters.
const QUERY_CHARS: usize = 100;

impl Asked {
    /// The state asked for, if it is one.
    pub fn state(&self) -> Option<State> {
        let s = self.state.as_deref()?;
        ORDER.into_iter().find(|st| st.as_str() == s)
    }

    /// The search, trimmed, at most [`QUERY_CHARS`] characters; `None` when blank.
    pub fn query(&self) -> Option<String> {
        let q: String = self
            .q
            .as_deref()?
            .trim()
            .chars()
            .take(QUERY_CHARS)
            .collect();
        (!q.is_empty()).then_some(q)
    }

    /// Whether a row of `state` for the agency `name` (`id`) is shown.
    pub fn keeps(&self, state: &str, name: &str, id: &str) -> bool {
        self.state().is_none_or(|s| s.as_str() == state) && self.finds(name, id)
    }

    /// Whether the search finds the agency `name` (`id`): always without one.
    pub fn finds(&self, name: &str, id: &str) -> bool {
        self.query().is_none_or(|q| {
            let q = fold(&q);
            fold(name).contains(&q) || id.contains(&q)
        })
    }
}

/// How many of `states` (JSON names) are in each state.
pub fn tally<'a>(states: impl Iterator<Item = &'a str>) -> Tally {
    states
        .filter_map(|st| ORDER.into_iter().find(|s| s.as_str() == st))
        .collect()
}

/// One filter link: a state with its count, or all of them.
#[derive(Debug, Serialize)]
pub struct Chip {
    /// The state's JSON name; empty for "all".
    pub state: &'static str,
    pub label: &'static str,
    pub count: usize,
    pub url: String,
    pub active: bool,
}

/// The links that filter the page at `base` by state, each with its count
/// in `counts` (of what the search finds), keeping the search.
pub fn chips(base: &str, counts: &Tally, asked: &Asked) -> Vec<Chip> {
    let chosen = asked.state();
    let query = asked.query();
    let url = |state: Option<State>| {
        let mut parts = Vec::new();
        if let Some(s) = state {
            parts.push(format!("state={}", s.as_str()));
        }
        if let Some(q) = &query {
            parts.push(format!("q={}", url_escape(q)));
        }
        if parts.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", parts.join("&"))
        }
    };
    let mut out = vec![Chip {
        state: "",
        label: "tất cả",
        count: counts.total,
        url: url(None),
        active: chosen.is_none(),
    }];
    out.extend(ORDER.into_iter().map(|s| Chip {
        state: s.as_str(),
        label: s.words(crate::lang::Lang::Vi),
        count: counts.of(s),
        url: url(Some(s)),
        active: chosen == Some(s),
    }));
    out
}

/// `text` for matching: lower case, without tones or other marks, *đ* as
/// *d*, one space between words.
pub fn fold(text: &str) -> String {
    let plain: String = text
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect();
    plain.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_ignores_case_tones_and_spacing() {
        let asked = |q: &str| Asked {
            state: None,
            q: Some(q.into()),
        };
        for q in ["so y te", "SỞ Y TẾ", "  Sở   y tế ", "y te", "sở y"] {
            assert!(asked(q).keeps("overdue", "Sở Y tế", "so-y-te"), "{q}");
        }
        assert!(asked("dan toc").keeps("late", "Ban Dân tộc", "ban-dan-toc"));
        assert!(asked("Đà").keeps("late", "Sở Văn hóa Đà Nẵng", "x"));
        assert!(asked("so-y").keeps("late", "Sở Y tế", "so-y-te"));
        assert!(!asked("công an").keeps("overdue", "Sở Y tế", "so-y-te"));
        assert!(asked("   ").keeps("overdue", "Sở Y tế", "so-y-te"));
    }

    #[test]
    fn a_state_filter_keeps_that_state_and_ignores_an_unknown_one() {
        let by = |s: &str| Asked {
            state: Some(s.into()),
            q: None,
        };
        assert!(by("overdue").keeps("overdue", "A", "a"));
        assert!(!by("overdue").keeps("late", "A", "a"));
        assert!(by("bogus").keeps("late", "A", "a"));
    }

    #[test]
    fn late_first() {
        let mut rows = vec![
            (State::OnTime, None),
            (State::Overdue, Some(3)),
            (State::Exempt, None),
            (State::Pending, None),
            (State::Late, Some(2)),
            (State::Overdue, Some(40)),
        ];
        rows.sort_by_key(|(s, d)| urgency(*s, *d));
        assert_eq!(
            rows,
            [
                (State::Overdue, Some(40)),
                (State::Overdue, Some(3)),
                (State::Late, Some(2)),
                (State::Pending, None),
                (State::OnTime, None),
                (State::Exempt, None),
            ]
        );
    }

    #[test]
    fn the_links_keep_the_search_and_count_each_state() {
        let counts: Tally = [State::Overdue, State::Overdue, State::OnTime]
            .into_iter()
            .collect();
        let asked = Asked {
            state: Some("overdue".into()),
            q: Some("Sở y".into()),
        };
        let chips = chips("/instances/p/o/2025-04-29", &counts, &asked);
        assert_eq!(chips[0].count, 3);
        assert_eq!(chips[0].url, "/instances/p/o/2025-04-29?q=S%E1%BB%9F%20y");
        assert!(chips[1].active && chips[1].count == 2);
        assert_eq!(
            chips[1].url,
            "/instances/p/o/2025-04-29?state=overdue&q=S%E1%BB%9F%20y"
        );
    }
}
