//! Sorting names as Vietnamese readers expect: the alphabet is
//! *a ă â b c d đ e ê … o ô ơ … u ư …*, and tones only break ties
//! (*Sở Công Thương* before *Sở Y tế*, *Ủy ban MTTQ* among the *U*s, not
//! after *Z* as a byte order puts it) — and comparing them as offices
//! write them ([`fold`]: *Uỷ ban* is *Ủy ban*, *SỞ Y TẾ* is *Sở Y tế*).

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

/// A name as a key to compare: Unicode NFC whatever the keyboard typed,
/// lower case, one space between words, the tone mark of each word wherever
/// it was put (*hoà* and *hòa*, *Uỷ* and *Ủy*: old and new placements), and
/// numbers without leading zeros (*06 tháng* is *6 tháng*). Only for
/// comparing: the result is not meant to be shown.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        let mut tone = None;
        let mut bare = String::with_capacity(word.len());
        for c in word.to_lowercase().nfd() {
            match TONES.iter().position(|t| *t == c) {
                Some(t) => tone = Some(t),
                None => bare.push(c),
            }
        }
        let mut last_digit = false;
        let mut zeros = 0;
        for c in bare.nfc() {
            // A run of digits loses its leading zeros (but "0" stays).
            if c == '0' && !last_digit {
                zeros += 1;
                continue;
            }
            if zeros > 0 && !c.is_ascii_digit() {
                out.push('0');
            }
            zeros = 0;
            last_digit = c.is_ascii_digit();
            out.push(c);
        }
        if zeros > 0 {
            out.push('0');
        }
        if let Some(t) = tone {
            // After the word: where a keyboard put the mark does not matter.
            out.push(char::from(b'1' + t as u8));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_as_offices_write_them() {
        assert_eq!(fold("  SỞ   Y TẾ "), fold("Sở Y tế"));
        // Old and new tone placement, decomposed input.
        assert_eq!(fold("Uỷ ban"), fold("Ủy ban"));
        assert_eq!(fold("Khánh Hoà"), fold("Khánh Hòa"));
        assert_eq!(fold("Kha\u{301}nh Ho\u{300}a"), fold("Khánh Hòa"));
        // Tones and letters still count.
        assert_ne!(fold("Sở Y tế"), fold("Sở Y te"));
        assert_ne!(fold("đoàn"), fold("doàn"));
        assert_ne!(fold("mã"), fold("má"));
        assert_eq!(fold("06 tháng đầu năm 2025"), fold("6 tháng đầu năm 2025"));
        assert_eq!(fold("01/KH-UBND"), fold("1/kh-ubnd"));
        assert_eq!(fold("10/2025"), fold("10/2025"));
        assert_ne!(fold("10"), fold("1"));
        assert_eq!(fold("0"), "0");
    }

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
