//! Searching a message's text for the office's names: normalised (NFC,
//! lower case, one space), whole words only, bounded, linear.

use std::collections::HashSet;

use unicode_normalization::UnicodeNormalization as _;

/// How much of a message's own text (subject and body without the quoted
/// part) is read for plan numbers, periods and document numbers.
pub const SCANNED_AT_MOST: usize = 64 * 1024;

/// At most [`SCANNED_AT_MOST`] bytes of `text`, cut at a character.
pub fn scanned(text: &str) -> &str {
    if text.len() <= SCANNED_AT_MOST {
        return text;
    }
    let mut end = SCANNED_AT_MOST;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The spans that lie inside another, different span: sorted by start,
/// longer first, a span is inside one before it exactly when the furthest
/// end seen so far reaches its end. Linear after the sort.
pub fn inside_others(spans: impl Iterator<Item = (usize, usize)>) -> HashSet<(usize, usize)> {
    let mut all: Vec<(usize, usize)> = spans.collect();
    all.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    all.dedup();
    let mut inside = HashSet::new();
    let mut furthest: Option<usize> = None;
    for s in all {
        if furthest.is_some_and(|end| end >= s.1) {
            inside.insert(s);
        }
        furthest = Some(furthest.map_or(s.1, |end| end.max(s.1)));
    }
    inside
}

/// NFC, lower case, runs of white space as one space.
pub fn normalized(text: &str) -> String {
    text.nfc()
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where `needle` stands in `text` as words of its own (not inside a
/// longer number or word), as byte ranges.
pub fn spans(text: &str, needle: &str) -> Vec<(usize, usize)> {
    if needle.is_empty() {
        return Vec::new();
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
    text.match_indices(needle)
        .map(|(at, _)| (at, at + needle.len()))
        .filter(|&(start, end)| {
            !word(text[..start].chars().next_back()) && !word(text[end..].chars().next())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{inside_others, normalized, spans};

    #[test]
    fn names_match_as_whole_words_whatever_the_spelling() {
        // Decomposed (as some mail programs send it), capitals, a folded line.
        let text = normalized("BA\u{301}O CA\u{301}O 6 tha\u{301}ng đầu\r\n  năm 2025");
        assert_eq!(text, "báo cáo 6 tháng đầu năm 2025");
        assert_eq!(spans(&text, "6 tháng đầu năm 2025"), [(10, 35)]);
        assert_eq!(spans(&text, "năm 2025"), [(26, 35)]);
        // Not inside a longer number or word.
        assert!(spans("ngày 14/6/2025", "4/6/2025").is_empty());
        assert!(spans("số 13212/kh-ubnd", "3212/kh-ubnd").is_empty());
        assert!(spans("năm 20256", "năm 2025").is_empty());
        assert_eq!(spans("(3212/kh-ubnd)", "3212/kh-ubnd"), [(1, 13)]);
    }

    #[test]
    fn a_span_inside_another_is_found_in_linear_time() {
        let spans = [(10, 35), (26, 35), (26, 35), (40, 48), (40, 48), (50, 60)];
        let inside = inside_others(spans.into_iter());
        assert_eq!(inside.len(), 1);
        assert!(inside.contains(&(26, 35)));
        // The same span twice (two names of one period) is not inside itself.
        assert!(!inside.contains(&(40, 48)));
        // 200 000 repeated names: one sort, one pass.
        let many = (0..200_000).map(|i| (i * 10, i * 10 + 8));
        assert!(inside_others(many).is_empty());
    }
}
