//! A table written to a file or a pipe, drawn exactly as comfy-table draws
//! the listings' style ([`super::table`]) when it has no terminal width to
//! fit: columns as wide as their widest line, nothing wrapped.
//!
//! `status --all` of a national province is 3.5 million rows, and
//! comfy-table spent most of that export's time allocating per cell (issue
//! 25); this writes each line straight out. On a terminal, comfy-table
//! still draws the table, wrapped to the window.

use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

/// Writes the table: on a terminal by comfy-table, wrapped to the window;
/// to a file or a pipe by [`write`].
pub fn draw<R: AsRef<[String]>>(
    out: &mut impl Write,
    header: &[&str],
    rows: &[R],
) -> io::Result<()> {
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return write(out, header, rows);
    }
    let mut t = super::table(header);
    for row in rows {
        t.add_row(row.as_ref());
    }
    writeln!(out, "{t}")
}

/// Writes `rows` under `header`; a cell's lines are split at `\n`.
pub fn write<S: AsRef<str>, R: AsRef<[S]>>(
    out: &mut impl Write,
    header: &[&str],
    rows: &[R],
) -> io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| widest(h)).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row.as_ref()) {
            *w = (*w).max(widest(cell.as_ref()));
        }
    }
    for w in &mut widths {
        *w = (*w).max(1);
    }
    rule(out, &widths, ['┌', '─', '┬', '┐'])?;
    line_of(out, &widths, header)?;
    rule(out, &widths, ['╞', '═', '╪', '╡'])?;
    for row in rows {
        line_of(out, &widths, row.as_ref())?;
    }
    rule(out, &widths, ['└', '─', '┴', '┘'])
}

/// A text from a stranger (a note, a document number) as a cell shows it
/// without moving the cursor: a tab as a space, a carriage return dropped,
/// another control character as its picture (U+240B for `\x0b`).
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(|c| c.is_control() && c != '\n') {
        return text.into();
    }
    text.chars()
        .filter(|&c| c != '\r')
        .map(|c| match c {
            '\t' => ' ',
            '\n' => '\n',
            c if u32::from(c) < 0x20 => char::from_u32(0x2400 + u32::from(c)).unwrap_or(' '),
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect::<String>()
        .into()
}

/// The display width of a cell's widest line.
fn widest(cell: &str) -> usize {
    cell.split('\n').map(|l| l.width()).max().unwrap_or(0)
}

/// A horizontal line: left end, fill, joint, right end.
fn rule(
    out: &mut impl Write,
    widths: &[usize],
    [left, fill, joint, right]: [char; 4],
) -> io::Result<()> {
    let mut line = String::new();
    line.push(left);
    for (c, w) in widths.iter().enumerate() {
        if c > 0 {
            line.push(joint);
        }
        line.extend(std::iter::repeat_n(fill, w + 2));
    }
    line.push(right);
    line.push('\n');
    out.write_all(line.as_bytes())
}

/// A row, as many lines as its tallest cell.
fn line_of<S: AsRef<str>>(out: &mut impl Write, widths: &[usize], cells: &[S]) -> io::Result<()> {
    let mut parts: Vec<std::str::Split<'_, char>> =
        cells.iter().map(|c| c.as_ref().split('\n')).collect();
    let height = cells
        .iter()
        .map(|c| c.as_ref().split('\n').count())
        .max()
        .unwrap_or(1);
    let mut line = String::new();
    for _ in 0..height {
        line.clear();
        line.push('│');
        for (c, w) in widths.iter().enumerate() {
            if c > 0 {
                line.push('┆');
            }
            let text = parts.get_mut(c).and_then(Iterator::next).unwrap_or("");
            line.push(' ');
            line.push_str(text);
            line.extend(std::iter::repeat_n(' ', w - text.width() + 1));
        }
        line.push_str("│\n");
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn control_characters_do_not_move_the_cursor() {
        assert_eq!(
            super::printable("Gửi\tngày 5\r\nsố\u{b}1\u{7f}"),
            "Gửi ngày 5\nsố␋1\u{FFFD}"
        );
        assert!(matches!(
            super::printable("thường\n2"),
            std::borrow::Cow::Borrowed(_)
        ));
    }

    /// Drawn as comfy-table draws it without a terminal, cell for cell.
    #[test]
    fn the_same_as_comfy_table_without_a_terminal() {
        let cases: Vec<Vec<Vec<&str>>> = vec![
            vec![vec!["Sở Y tế", "quá hạn", "", "", "52"]],
            vec![
                vec![
                    "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
                    "đúng hạn",
                    "28/04/2025 08:30",
                    "125/BC-SYT\nGửi chung một công văn",
                    "",
                ],
                vec![
                    "Công an tỉnh (nay là Công an tỉnh Khánh Hòa)",
                    "miễn nộp",
                    "",
                    "",
                    "",
                ],
                vec!["", "", "", "\n\n", "3"],
                vec!["漢字 và 😀", "tab\there", "x", "a\nbb\nccc", "0"],
            ],
            vec![],
        ];
        for rows in cases {
            let header = [
                "Đơn vị",
                "Trạng thái",
                "Ngày nộp",
                "Số, ký hiệu / ghi chú",
                "Số ngày chậm",
            ];
            let mut t = crate::cli::table(&header);
            t.force_no_tty();
            for r in &rows {
                t.add_row(r.clone());
            }
            let mut ours = Vec::new();
            super::write(&mut ours, &header, &rows).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                format!("{t}\n"),
                "{rows:?}"
            );
        }
    }
}
