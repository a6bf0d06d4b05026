//! Sorting names as Vietnamese readers expect: the alphabet is
//! *a ă â b c d đ e ê … o ô ơ … u ư …*, and tones only break ties
//! (*Sở Công Thương* before *Sở Y tế*, *Ủy ban MTTQ* among the *U*s, not
//! after *Z* as a byte order puts it).

use std::cmp::Ordering;

use unicode_normalization::UnicodeNormalization;

/// The letters in Vietnamese alphabetical order (with the Latin letters
/// Vietnamese does not use in their Latin places).
const ALPHABET: &str = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz";

/// Tone marks, in the order dictionaries list them: none, huyền, hỏi, ngã,
/// sắc, nặng.
const TONES: [char; 5] = ['\u{300}', '\u{309}', '\u{303}', '\u{301}', '\u{323}'];

/// A sort key: the letters' places, then the tones.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    primary: Vec<u32>,
    tones: Vec<u8>,
}

/// Each name's place in Vietnamese order (`ranks[i]` for `names[i]`): one
/// key per name, for lists sorted many times (the console's pages).
pub fn ranks<'a>(names: impl Iterator<Item = &'a str>) -> Vec<usize> {
    let mut keyed: Vec<(Key, usize)> = names.enumerate().map(|(i, n)| (key(n), i)).collect();
    keyed.sort();
    let mut ranks = vec![0; keyed.len()];
    for (place, (_, i)) in keyed.into_iter().enumerate() {
        ranks[i] = place;
    }
    ranks
}

pub fn key(text: &str) -> Key {
    let decomposed: Vec<char> = text.to_lowercase().nfd().collect();
    let mut primary = Vec::with_capacity(decomposed.len());
    let mut tones = Vec::with_capacity(decomposed.len());
    let mut i = 0;
    while i < decomposed.len() {
        let base = decomposed[i];
        i += 1;
        let mut shaped = base;
        let mut tone = 0;
        while i < decomposed.len() && ('\u{300}'..='\u{36F}').contains(&decomposed[i]) {
            let mark = decomposed[i];
            if let Some(t) = TONES.iter().position(|t| *t == mark) {
                tone = t as u8 + 1;
            } else if let Some(c) = [shaped, mark].iter().collect::<String>().nfc().next() {
                shaped = c;
            }
            i += 1;
        }
        let place = ALPHABET
            .chars()
            .position(|c| c == shaped)
            .map_or(1000 + shaped as u32, |p| 100 + p as u32);
        // Spaces and punctuation sort before letters, keeping "Sở Y" < "Sở Ya".
        primary.push(if shaped.is_alphanumeric() {
            place
        } else {
            shaped as u32 % 100
        });
        tones.push(tone);
    }
    Key { primary, tones }
}

/// Compares two names in Vietnamese order.
pub fn cmp(a: &str, b: &str) -> Ordering {
    key(a).cmp(&key(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_alphabetical_order() {
        let mut names = vec![
            "Ủy ban MTTQ Việt Nam tỉnh",
            "Sở Y tế",
            "Đài Phát thanh và Truyền hình",
            "Sở Công Thương",
            "Báo Ninh Bình",
            "Sở Tư pháp",
            "Sở Tài chính",
            "Công an tỉnh",
            "Tỉnh đoàn",
            "Hội Liên hiệp Phụ nữ tỉnh",
            "Hội Cựu chiến binh tỉnh",
            "UBND huyện Yên Mô",
        ];
        names.sort_by(|a, b| cmp(a, b));
        assert_eq!(
            names,
            [
                "Báo Ninh Bình",
                "Công an tỉnh",
                "Đài Phát thanh và Truyền hình",
                "Hội Cựu chiến binh tỉnh",
                "Hội Liên hiệp Phụ nữ tỉnh",
                "Sở Công Thương",
                "Sở Tài chính",
                "Sở Tư pháp",
                "Sở Y tế",
                "Tỉnh đoàn",
                "UBND huyện Yên Mô",
                "Ủy ban MTTQ Việt Nam tỉnh",
            ]
        );
    }

    #[test]
    fn letters_first_then_tones() {
        // a < ă < â as letters; "ma" < "mà" < "mả" < "mã" < "má" < "mạ" by tone.
        assert!(cmp("an", "ăn") == Ordering::Less && cmp("ăn", "ân") == Ordering::Less);
        let mut tones = vec!["mạ", "má", "mã", "mả", "mà", "ma"];
        tones.sort_by(|a, b| cmp(a, b));
        assert_eq!(tones, ["ma", "mà", "mả", "mã", "má", "mạ"]);
        // "d" < "đ" < "e", whatever the tones after them.
        assert!(cmp("dụ", "đa") == Ordering::Less && cmp("đừ", "ea") == Ordering::Less);
    }
}
