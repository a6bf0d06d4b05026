//! Column widths and row heights for the workbooks, computed from the text.
//!
//! A streamed sheet cannot have its rows' heights fitted to their wrapped
//! text afterwards, and LibreOffice does not recompute a row's height when
//! it opens a workbook: a cell wrapped over three lines in a row one line
//! high is drawn over the rows below it, and its PDF is unreadable. So the
//! workbooks size their columns for the longest name (within limits), and
//! give a row the height its longest cell needs.
//!
//! The estimate is deliberately generous: a row too high leaves a blank, a
//! row too low hides text (or, in LibreOffice, draws it over the next row).

/// One line of 11-point text, in points (Excel's default row height).
pub const LINE: f64 = 15.0;

/// The most lines a row is given: Excel's highest row is 409 points.
pub const MAX_LINES: u16 = 27;

/// Characters per unit of column width. Excel's unit is the width of a
/// digit in the default font (Calibri 11), and most letters are narrower
/// than a digit; LibreOffice without Calibri (or its metric twin Carlito)
/// draws with a wider font (DejaVu Sans), where a Vietnamese name still
/// takes some 1.25 characters a unit. Counted with a margin below that.
const CHARS_PER_UNIT: f64 = 1.1;

/// The characters a line of a column `width` units wide holds (its cell
/// padding left out).
fn capacity(width: f64) -> usize {
    (((width - 1.0) * CHARS_PER_UNIT).floor() as usize).max(1)
}

/// The width (in Excel's units) that holds `chars` characters on one line,
/// kept within `min..=max`.
pub fn width_for(chars: usize, min: f64, max: f64) -> f64 {
    (chars as f64 / CHARS_PER_UNIT + 1.0).ceil().clamp(min, max)
}

/// How many lines `text` takes, wrapped in a column `width` units wide:
/// whole words to a line (as Excel and LibreOffice wrap), a word longer
/// than a line over as many lines as it needs, each line break kept; at
/// most [`MAX_LINES`].
pub fn lines(text: &str, width: f64) -> u16 {
    let cap = capacity(width);
    let mut total = 0usize;
    for paragraph in text.split('\n') {
        let mut count = 1usize;
        let mut used = 0usize;
        for word in paragraph.split_whitespace() {
            let len = word.chars().count();
            if used > 0 && used + 1 + len <= cap {
                used += 1 + len;
                continue;
            }
            if used > 0 {
                count += 1;
            }
            // A word longer than a line is broken by the program.
            count += (len.max(1) - 1) / cap;
            used = (len - 1) % cap + 1;
        }
        total += count;
        if total >= usize::from(MAX_LINES) {
            return MAX_LINES;
        }
    }
    total.max(1) as u16
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_to_a_line_and_a_long_word_over_several() {
        // A 15-unit column holds 15 characters a line.
        assert_eq!(capacity(15.0), 15);
        assert_eq!(lines("Sở Y tế", 15.0), 1);
        assert_eq!(lines("", 15.0), 1);
        // "Hải đoàn 32 - Bộ" (16) does not fit: "Hải đoàn 32 -" | "Bộ Tư lệnh Vùng"
        // | "Cảnh sát biển 3".
        assert_eq!(
            lines("Hải đoàn 32 - Bộ Tư lệnh Vùng Cảnh sát biển 3", 15.0),
            3
        );
        assert_eq!(lines("a\nb\n\nc", 15.0), 4);
        assert_eq!(lines(&"x".repeat(31), 15.0), 3);
        assert_eq!(lines(&"từ ".repeat(1000), 15.0), MAX_LINES);
        // The width that holds a name on one line does.
        let name = "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh";
        let w = width_for(name.chars().count(), 10.0, 60.0);
        assert_eq!(lines(name, w), 1);
        assert_eq!(width_for(200, 16.0, 46.0), 46.0);
        assert_eq!(width_for(3, 16.0, 46.0), 16.0);
    }
}
