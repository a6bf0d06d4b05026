//! "Did you mean …": the known ids closest to one that is not known, for
//! the config's references and every command's `--plan`, `--obligation` and
//! `--agency`.

use crate::lang::{Lang, say};

/// The longest name compared (ids are short; a longer value is a mistake of
/// another kind, and comparing it would be slow).
const MAX_CHARS: usize = 64;

/// Up to three of `candidates` that contain `name`, are contained in it, or
/// are at most two edits from it (`@` of a group reference ignored).
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    if name.chars().count() > MAX_CHARS || name.trim_start_matches('@').is_empty() {
        return Vec::new();
    }
    let bare = name.trim_start_matches('@');
    candidates
        .filter(|c| {
            let c_bare = c.trim_start_matches('@');
            c_bare.contains(bare) || bare.contains(c_bare) || edit_distance(c, name) <= 2
        })
        .take(3)
        .collect()
}

/// `"; did you mean \"x\"?"`-style text for a message in `lang`, or nothing.
pub fn hint<'a>(lang: Lang, name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    words(lang, &closest(name, candidates))
}

/// The hint naming `close` (what [`closest`] found), or nothing.
pub fn words(lang: Lang, close: &[impl AsRef<str>]) -> String {
    if close.is_empty() {
        return String::new();
    }
    let list: Vec<String> = close
        .iter()
        .map(|c| format!("\"{}\"", c.as_ref()))
        .collect();
    say!(
        lang,
        "; có phải là {}?",
        "; did you mean {}?",
        list.join(say!(lang, " hay ", " or ").as_str())
    )
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_and_fragments_find_their_id() {
        let ids = ["so-tu-phap", "so-tai-chinh", "so-y-te", "cong-an-tinh"];
        assert_eq!(closest("so-tu-phapp", ids.into_iter()), ["so-tu-phap"]);
        assert_eq!(closest("cong-an", ids.into_iter()), ["cong-an-tinh"]);
        assert!(closest("ubnd-xa", ids.into_iter()).is_empty());
        assert_eq!(
            hint(Lang::Vi, "so-y-tee", ids.into_iter()),
            "; có phải là \"so-y-te\"?"
        );
        assert_eq!(hint(Lang::Vi, "", ids.into_iter()), "");
        assert_eq!(edit_distance("so-y-te", "so-yte"), 1);
        assert_eq!(edit_distance("abc", "abc"), 0);
    }
}
