//! The workbook's first sheet, *Tổng hợp*: per plan, the pairs in each
//! state; and the line that says which pairs a filtered workbook lists.

use std::io::{self, Seek, Write};

use super::package::{self, Cell, Head, Package};
use super::{Rows, tall, text};
use crate::config::Config;
use crate::dates;
use crate::output::fit::lines;
use crate::policy::State;

/// The first sheet: per plan, the pairs in each state.
pub fn write<W: Write + Seek>(
    book: &mut Package<W>,
    config: &Config,
    rows: &Rows,
    per_plan: &[crate::policy::Tally],
    now: &jiff::Zoned,
) -> io::Result<()> {
    let mut titles = vec!["Kế hoạch", "Lượt phải nộp"];
    titles.extend(State::ALL.iter().map(|s| s.words(crate::lang::Lang::Vi)));
    let widths: Vec<f64> = (0..titles.len())
        .map(|c| if c == 0 { 60.0 } else { 13.0 })
        .collect();
    let head = Head {
        widths: &widths,
        header_row: 3,
        frozen: false,
        selected: true,
    };
    book.begin(0, "Tổng hợp", &head)?;
    let title = book.share("Tình hình gửi báo cáo");
    book.row(0, None, &[Cell::Shared(title, package::BOLD)])?;
    let when = format!(
        "Tính đến {} {}",
        dates::vn(now.date()),
        now.strftime("%H:%M")
    );
    let when = book.share(&when);
    book.row(1, None, &[Cell::Shared(when, 0)])?;
    only_line(book, rows)?;
    let header_lines = titles.iter().zip(&widths).map(|(t, w)| lines(t, *w));
    let header: Vec<Cell> = titles
        .iter()
        .map(|t| Cell::Shared(book.share(t), package::SUMMARY_HEADER))
        .collect();
    book.row(3, tall(header_lines.max().unwrap_or(1)), &header)?;
    let mut row = 4;
    for (plan, tally) in config.plans.iter().zip(per_plan) {
        if tally.total == 0 {
            continue;
        }
        let name = text(&format!("{} — {}", plan.label(), plan.title)).into_owned();
        let mut cells = vec![
            Cell::Text(&name, package::SUMMARY_CELL),
            Cell::Number(tally.total as f64, package::SUMMARY_CELL),
        ];
        cells.extend(
            State::ALL
                .iter()
                .map(|st| Cell::Number(tally.of(*st) as f64, package::SUMMARY_CELL)),
        );
        book.row(row, tall(lines(&name, widths[0])), &cells)?;
        row += 1;
    }
    if row == 4 {
        let none = book.share("Không có dữ liệu");
        book.row(4, None, &[Cell::Shared(none, 0)])?;
    }
    book.end(titles.len(), None)
}

/// The third row of a filtered workbook's sheets: which pairs it lists
/// (a summary of overdue pairs alone must not read as the whole).
pub fn only_line<W: Write + Seek>(book: &mut Package<W>, rows: &Rows) -> io::Result<()> {
    let Some(only) = rows.filter.describe(rows.config) else {
        return Ok(());
    };
    let text = book.share(&text(&format!("Chỉ gồm các lượt: {only}")));
    book.row(2, None, &[Cell::Shared(text, package::BOLD)])
}
