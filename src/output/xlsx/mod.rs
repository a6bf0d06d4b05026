//! `dondoc status --format xlsx --output FILE`: the spreadsheet the office
//! brings to its meetings — one sheet per plan, cells coloured by state.
//! Every text from the config or the ledger goes through
//! [`super::cells::xlsx_text`], so no note is too long for a cell. The
//! plan, obligation, period and agency are written as offices write them
//! and as `import` reads them back ([`Names`]), and a submission's time to
//! the second: the workbook re-imports unchanged. Each sheet's columns and
//! rows are sized to their text ([`super::layout`]): LibreOffice does not
//! fit a wrapped row's height itself, and prints A4 landscape, one page
//! wide, the header row on every page.

mod package;
mod styles;
mod summary;

use std::io::{self, Seek, Write};
use std::path::Path;

use rust_xlsxwriter::XlsxError;

use self::package::{Cell, Head, Package};
use super::cells::xlsx_text as text;
use super::fit::lines;
use super::layout::{Layout, height};
use crate::calendar::Instance;
use crate::calendar::names::Names;
use crate::config::Config;
use crate::dates;
use crate::policy::PairState;

const HEADER: [&str; 10] = [
    "Kế hoạch",
    "Nội dung",
    "Kỳ",
    "Hạn nộp",
    "Đơn vị",
    "Trạng thái",
    "Ngày nộp",
    "Số ngày chậm",
    "Số, ký hiệu",
    "Ghi chú",
];

/// Where the workbook's rows come from: the instances, each instance's pair
/// states on demand (an instance at a time through one buffer, so a national
/// export holds one instance's pairs, not millions), and which to keep.
pub struct Rows<'a> {
    pub config: &'a Config,
    pub lazy: &'a crate::engine::Lazy,
    /// Which pairs: said under each sheet's title when not all
    /// ([`crate::engine::Filter::describe`]).
    pub filter: &'a crate::engine::Filter,
}

impl Rows<'_> {
    /// Calls `each` with every kept pair of the instances `wanted` keeps, in
    /// instance order.
    fn each(
        &self,
        wanted: impl Fn(&Instance) -> bool,
        mut each: impl FnMut(&PairState) -> io::Result<()>,
    ) -> io::Result<()> {
        let (config, filter, instances) = (self.config, self.filter, &self.lazy.instances);
        let mut buffer = Vec::new();
        for (n, inst) in instances.iter().enumerate() {
            if !wanted(inst) || !filter.keeps_instance(config, inst) {
                continue;
            }
            self.lazy.instance(n, &mut buffer);
            for s in buffer.iter().filter(|s| filter.keeps(config, instances, s)) {
                each(s)?;
            }
        }
        Ok(())
    }
}

/// Writes the workbook to `path`; returns how many pairs it lists. It is
/// written beside `path` under another name and renamed once complete: a
/// failed export (a full disk) leaves the file that was there, or none,
/// never half a workbook.
pub fn write(
    path: &Path,
    config: &Config,
    rows: &Rows,
    recorded: &super::recorded::Recorded,
    now: &jiff::Zoned,
) -> io::Result<usize> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::other("not a file's name"))?;
    let partial = path.with_file_name(format!(
        ".{}.{}.partial",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = (|| {
        let file = io::BufWriter::with_capacity(1 << 16, std::fs::File::create(&partial)?);
        let (file, n) = workbook(file, config, rows, recorded, now)?;
        file.into_inner()
            .map_err(io::IntoInnerError::into_error)?
            .sync_all()?;
        std::fs::rename(&partial, path)?;
        Ok(n)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

/// The workbook as bytes (the console sends it as a download), and how
/// many pairs it lists.
pub fn to_bytes(
    config: &Config,
    rows: &Rows,
    recorded: &super::recorded::Recorded,
    now: &jiff::Zoned,
) -> io::Result<(Vec<u8>, usize)> {
    let (out, n) = workbook(io::Cursor::new(Vec::new()), config, rows, recorded, now)?;
    Ok((out.into_inner(), n))
}

/// The summary sheet first, then a sheet per plan that has rows, each row
/// written as its pair's state is worked out.
fn workbook<W: Write + Seek>(
    out: W,
    config: &Config,
    rows: &Rows,
    recorded: &super::recorded::Recorded,
    now: &jiff::Zoned,
) -> io::Result<(W, usize)> {
    // Which plans have a row: each plan's instances up to its first.
    let found: Vec<std::cell::Cell<bool>> = vec![Default::default(); config.plans.len()];
    rows.each(
        |i| !found[i.plan].get(),
        |s| {
            found[rows.lazy.instances[s.instance].plan].set(true);
            Ok(())
        },
    )?;
    let plans: Vec<usize> = (0..config.plans.len())
        .filter(|&p| found[p].get())
        .collect();
    let mut book = Package::new(out, 1 + plans.len());
    let total = sheets(&mut book, &plans, config, rows, recorded, now)?;
    Ok((book.finish()?, total))
}

/// The plans' sheets, then the summary; how many pairs they list.
fn sheets<W: Write + Seek>(
    book: &mut Package<W>,
    plans: &[usize],
    config: &Config,
    rows: &Rows,
    recorded: &super::recorded::Recorded,
    now: &jiff::Zoned,
) -> io::Result<usize> {
    let tz = &config.settings.timezone;
    let names = Names::new(config);
    let mut layout = Layout::new(config, &names, &rows.lazy.instances);
    let when = format!(
        "Tình hình lúc {} {}",
        dates::vn(now.date()),
        now.strftime("%H:%M")
    );
    // An agency's name as a shared string, looked up once when the name
    // alone finds it.
    let mut agency_cell: Vec<Option<Option<u32>>> = vec![None; config.agencies.len()];
    let mut per_plan = vec![crate::policy::Tally::default(); config.plans.len()];
    let mut taken = vec!["Tổng hợp".to_string()];
    for (place, &p) in plans.iter().enumerate() {
        let plan = &config.plans[p];
        let name = sheet_name(plan, &taken);
        let widths = layout.widths[p];
        let head = Head {
            widths: &widths,
            header_row: 3,
            frozen: true,
            selected: false,
        };
        book.begin(place + 1, &name, &head)?;
        taken.push(name);
        let title = book.share(&text(&format!(
            "Kế hoạch {} — {}",
            plan.label(),
            plan.title
        )));
        book.row(0, None, &[Cell::Shared(title, package::BOLD)])?;
        let when = book.share(&when);
        book.row(1, None, &[Cell::Shared(when, 0)])?;
        summary::only_line(book, rows)?;
        let header_lines = HEADER
            .iter()
            .zip(widths)
            .map(|(t, w)| lines(t, w))
            .max()
            .unwrap_or(1);
        let header = HEADER.map(|t| Cell::Shared(book.share(t), package::HEADER));
        book.row(3, tall(header_lines), &header)?;
        let mut row = 4u32;
        // What is the same for every row of an instance, once per instance
        // (a period's label is a template evaluation).
        let mut current = (usize::MAX, 0, 0, None);
        let tally = &mut per_plan[p];
        rows.each(
            |i| i.plan == p,
            |s| {
                let i = &rows.lazy.instances[s.instance];
                let style = package::ROW + 3 * s.state.index() as u32;
                let (cell, date_cell, time_cell) = (style, style + 1, style + 2);
                if current.0 != s.instance {
                    let period = names.period_form(i).map(|n| book.share(&text(&n)));
                    current = (
                        s.instance,
                        book.share(&text(&names.plan_form(i.plan))),
                        book.share(&text(&names.obligation_form(i.plan, i.obligation))),
                        period,
                    );
                }
                let fixed = *agency_cell[s.agency].get_or_insert_with(|| {
                    names
                        .agency_form_anywhere(s.agency)
                        .map(|form| book.share(&text(&form)))
                });
                let agency = fixed
                    .unwrap_or_else(|| book.share(&text(&names.agency_form(s.agency, Some(i)))));
                // An extended pair says so: its days late count from the
                // new date, not from the instance's in the due column.
                let words = s.state.words(crate::lang::Lang::Vi);
                let state = match s.extended_from {
                    Some(_) => book.share(&format!("{words} (gia hạn đến {})", dates::vn(s.due))),
                    None => book.share(words),
                };
                let submitted = s.submitted_at.map_or(Cell::Blank(cell), |t| {
                    let local = t.to_zoned(tz.clone()).datetime();
                    let seconds = i32::from(local.hour()) * 3600
                        + i32::from(local.minute()) * 60
                        + i32::from(local.second());
                    let day = f64::from(seconds) / 86_400.0;
                    Cell::Number(excel_date(local.date()) + day, time_cell)
                });
                let shown = recorded.of(&rows.lazy.instances, s);
                let (reference, note) = (shown.reference.unwrap_or(""), shown.note.unwrap_or(""));
                let (reference, note) = (text(reference), text(note));
                let named = layout.names_lines(&rows.lazy.instances, s.instance, s.agency, &names);
                let need = named
                    .max(lines(&reference, widths[8]))
                    .max(lines(&note, widths[9]));
                book.row(
                    row,
                    tall(need),
                    &[
                        Cell::Shared(current.1, cell),
                        Cell::Shared(current.2, cell),
                        current
                            .3
                            .map_or(Cell::Number(excel_date(i.period), date_cell), |period| {
                                Cell::Shared(period, cell)
                            }),
                        Cell::Number(excel_date(i.due), date_cell),
                        Cell::Shared(agency, cell),
                        Cell::Shared(state, cell),
                        submitted,
                        s.days_late
                            .map_or(Cell::Blank(cell), |d| Cell::Number(f64::from(d), cell)),
                        Cell::Text(&reference, cell),
                        Cell::Text(&note, cell),
                    ],
                )?;
                tally.add(s.state);
                row += 1;
                Ok(())
            },
        )?;
        book.end(HEADER.len(), Some(row - 1))?;
    }
    summary::write(book, config, rows, &per_plan, now)?;
    Ok(per_plan.iter().map(|t| t.total).sum())
}

/// A row's height when its text needs more than one line.
pub(super) fn tall(lines: u16) -> Option<f64> {
    (lines > 1).then(|| height(lines))
}

/// A day as Excel counts it: days since 30/12/1899.
fn excel_date(d: jiff::civil::Date) -> f64 {
    let epoch = jiff::civil::date(1899, 12, 30);
    (d - epoch).get_days() as f64
}

/// A plan's sheet name as Excel accepts it: its number (else its id), with
/// the characters Excel forbids (`/ \\ ? * : [ ]`) as `-`, at most 31
/// characters, and unique in the workbook (a `(2)` suffix otherwise).
fn sheet_name(plan: &crate::config::Plan, taken: &[String]) -> String {
    let base: String = plan
        .label()
        .chars()
        .map(|c| if "/\\?*:[]".contains(c) { '-' } else { c })
        .take(31)
        .collect();
    let mut name = base.clone();
    let mut n = 2;
    while taken
        .iter()
        .any(|t| t.to_lowercase() == name.to_lowercase())
    {
        let suffix = format!(" ({n})");
        name = base
            .chars()
            .take(31 - suffix.chars().count())
            .collect::<String>()
            + &suffix;
        n += 1;
    }
    name
}

/// A4 landscape, one page wide, the header row repeated on every page.
pub fn print_setup(ws: &mut rust_xlsxwriter::Worksheet, header_row: u32) -> Result<(), XlsxError> {
    ws.set_landscape();
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(header_row, header_row)?;
    ws.set_margins(0.4, 0.4, 0.5, 0.5, 0.3, 0.3);
    ws.set_footer("&CTrang &P/&N");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::sheet_name;
    use crate::config::Plan;

    fn plan(id: &str, number: Option<&str>) -> Plan {
        Plan {
            id: id.into(),
            number: number.map(Into::into),
            title: "Kế hoạch".into(),
            issuer: None,
            issued: None,
            submit_to: None,
            file: "plans/x.toml".into(),
            obligations: Vec::new(),
        }
    }

    #[test]
    fn sheet_names_are_numbers_excel_accepts_once_each() {
        assert_eq!(
            sheet_name(&plan("kh", Some("3212/KH-UBND")), &[]),
            "3212-KH-UBND"
        );
        assert_eq!(
            sheet_name(&plan("ninh-binh-2023", None), &[]),
            "ninh-binh-2023"
        );
        let long = plan("x", Some("12345/KH-BCĐ138-UBND-CAT-PC04-VKS-TAND"));
        let name = sheet_name(&long, &[]);
        assert_eq!(name.chars().count(), 31);
        // Excel compares sheet names without case.
        let taken = vec!["3212-kh-ubnd".to_string()];
        assert_eq!(
            sheet_name(&plan("b", Some("3212/KH-UBND")), &taken),
            "3212-KH-UBND (2)"
        );
        let taken = vec![name.clone()];
        let second = sheet_name(&long, &taken);
        assert!(
            second.ends_with(" (2)") && second.chars().count() == 31,
            "{second}"
        );
    }
}
