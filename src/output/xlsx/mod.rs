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

use std::path::Path;

use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};

use super::cells::xlsx_text as text;
use super::fit::lines;
use super::layout::{self, Layout, height};
use crate::calendar::Instance;
use crate::calendar::names::Names;
use crate::config::Config;
use crate::dates;
use crate::policy::{PairState, State};

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

/// The fill colour of a state's row (Excel's good / neutral / bad palette).
fn fill(state: State) -> Color {
    match state {
        State::OnTime => Color::RGB(0xC6EFCE),
        State::Late => Color::RGB(0xFFEB9C),
        State::Overdue => Color::RGB(0xFFC7CE),
        State::Pending => Color::RGB(0xFFFFFF),
        State::Exempt => Color::RGB(0xD9D9D9),
    }
}

/// Where the workbook's rows come from: the instances, each instance's pair
/// states on demand (an instance at a time through one buffer, so a national
/// export holds one instance's pairs, not millions), and which to keep.
pub struct Rows<'a> {
    pub instances: &'a [Instance],
    pub states: &'a dyn Fn(usize, &mut Vec<PairState>),
    pub keep: &'a dyn Fn(&[Instance], &PairState) -> bool,
}

impl Rows<'_> {
    /// Calls `each` with every kept pair of the instances `wanted` keeps, in
    /// instance order.
    fn each(
        &self,
        wanted: impl Fn(&Instance) -> bool,
        mut each: impl FnMut(&PairState) -> Result<(), XlsxError>,
    ) -> Result<(), XlsxError> {
        let mut buffer = Vec::new();
        for (n, inst) in self.instances.iter().enumerate() {
            if !wanted(inst) {
                continue;
            }
            (self.states)(n, &mut buffer);
            for s in buffer.iter().filter(|s| (self.keep)(self.instances, s)) {
                each(s)?;
            }
        }
        Ok(())
    }
}

/// Writes the workbook to `path`. The plans' sheets are written in
/// rust_xlsxwriter's constant-memory mode, row by row.
pub fn write(
    path: &Path,
    config: &Config,
    rows: &Rows,
    recorded: &super::recorded::Recorded,
    now: &jiff::Zoned,
) -> Result<usize, XlsxError> {
    let (mut wb, n) = workbook(config, rows, recorded, now)?;
    wb.save(path)?;
    Ok(n)
}

/// The workbook itself (the console sends it as a download), and how many
/// pairs it lists.
pub fn workbook(
    config: &Config,
    rows: &Rows,
    recorded: &super::recorded::Recorded,
    now: &jiff::Zoned,
) -> Result<(Workbook, usize), XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top)
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xDDEBF7));
    let tz = &config.settings.timezone;
    let names = Names::new(config);
    let mut layout = Layout::new(config, &names, rows.instances);
    // A first pass counts, per plan (the summary, each sheet's filter
    // range, and the rows by the lines their names take).
    let mut per_plan = vec![crate::policy::Tally::default(); config.plans.len()];
    rows.each(
        |_| true,
        |s| {
            per_plan[rows.instances[s.instance].plan].add(s.state);
            layout.count(rows.instances, s.instance, s.agency, &names);
            Ok(())
        },
    )?;
    let mut spare = layout::OWN_HEIGHTS;
    summary(&mut wb, config, &per_plan, now)?;
    // Per state: a text cell, a date cell and a date-time cell, made once
    // (a format per row cost more than the row).
    let cells: [[Format; 3]; 5] = State::ALL.map(|state| {
        let cell = Format::new()
            .set_background_color(fill(state))
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(rust_xlsxwriter::FormatAlign::Top);
        [
            cell.clone(),
            cell.clone().set_num_format("dd/mm/yyyy"),
            cell.set_num_format("dd/mm/yyyy hh:mm"),
        ]
    });
    let mut taken = vec!["Tổng hợp".to_string()];
    for (p, plan) in config.plans.iter().enumerate() {
        let count = per_plan[p].total;
        if count == 0 {
            continue;
        }
        let ws = wb.add_worksheet_with_constant_memory()?;
        let name = sheet_name(plan, &taken);
        ws.set_name(&name)?;
        taken.push(name);
        let widths = layout.widths[p];
        for (c, width) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, *width)?;
        }
        // Rows as high as most need; the others get their own height.
        let usual = layout::default_lines(&layout, p, &mut spare);
        ws.set_default_row_height(height(usual));
        for r in 0..3 {
            ws.set_row_height(r, height(1))?;
        }
        ws.write_string_with_format(
            0,
            0,
            text(&format!("Kế hoạch {} — {}", plan.label(), plan.title)),
            &bold,
        )?;
        let when = format!(
            "Tình hình lúc {} {}",
            dates::vn(now.date()),
            now.strftime("%H:%M")
        );
        ws.write_string(1, 0, when)?;
        let header_lines = HEADER
            .iter()
            .zip(widths)
            .map(|(t, w)| lines(t, w))
            .max()
            .unwrap_or(1);
        ws.set_row_height(3, height(header_lines))?;
        for (c, title) in HEADER.iter().enumerate() {
            ws.write_string_with_format(3, c as u16, *title, &header)?;
        }
        let mut row = 4u32;
        // What is the same for every row of an instance, once per instance
        // (a period's label is a template evaluation).
        let mut current: (usize, String, String, Option<String>) =
            (usize::MAX, String::new(), String::new(), None);
        rows.each(
            |i| i.plan == p,
            |s| {
                let i = &rows.instances[s.instance];
                let [cell, date_cell, time_cell] = &cells[s.state.index()];
                if current.0 != s.instance {
                    current = (
                        s.instance,
                        text(&names.plan_form(i.plan)).to_string(),
                        text(&names.obligation_form(i.plan, i.obligation)).to_string(),
                        names.period_form(i),
                    );
                }
                ws.write_string_with_format(row, 0, &current.1, cell)?;
                ws.write_string_with_format(row, 1, &current.2, cell)?;
                match &current.3 {
                    Some(name) => ws.write_string_with_format(row, 2, text(name), cell)?,
                    None => {
                        ws.write_datetime_with_format(row, 2, excel_date(i.period)?, date_cell)?
                    }
                };
                ws.write_datetime_with_format(row, 3, excel_date(i.due)?, date_cell)?;
                let agency = names.agency_form(s.agency, Some(i));
                ws.write_string_with_format(row, 4, text(&agency), cell)?;
                ws.write_string_with_format(row, 5, s.state.words(crate::lang::Lang::Vi), cell)?;
                match s.submitted_at {
                    Some(t) => {
                        let local = t.to_zoned(tz.clone()).datetime();
                        let dt = excel_date(local.date())?.and_hms(
                            local.hour() as u16,
                            local.minute() as u8,
                            local.second() as f64,
                        )?;
                        ws.write_datetime_with_format(row, 6, dt, time_cell)?
                    }
                    None => ws.write_blank(row, 6, cell)?,
                };
                match s.days_late {
                    Some(d) => ws.write_number_with_format(row, 7, f64::from(d), cell)?,
                    None => ws.write_blank(row, 7, cell)?,
                };
                let shown = recorded.of(rows.instances, s);
                let (reference, note) = (shown.reference.unwrap_or(""), shown.note.unwrap_or(""));
                ws.write_string_with_format(row, 8, text(reference), cell)?;
                ws.write_string_with_format(row, 9, text(note), cell)?;
                // Names taller than usual were counted in the first pass;
                // a long number or note takes a height while some are spare.
                let named = layout.names_lines(rows.instances, s.instance, s.agency, &names);
                let need = named
                    .max(lines(reference, widths[8]))
                    .max(lines(note, widths[9]));
                if need > usual && (named > usual || spare > 0) {
                    if named <= usual {
                        spare -= 1;
                    }
                    ws.set_row_height(row, height(need))?;
                }
                row += 1;
                Ok(())
            },
        )?;
        ws.set_freeze_panes(4, 0)?;
        ws.autofilter(3, 0, 3 + count as u32, 9)?;
        print_setup(ws, 3)?;
    }
    let total = per_plan.iter().map(|t| t.total).sum();
    Ok((wb, total))
}

/// The first sheet: per plan, the pairs in each state.
fn summary(
    wb: &mut Workbook,
    config: &Config,
    per_plan: &[crate::policy::Tally],
    now: &jiff::Zoned,
) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name("Tổng hợp")?;
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xDDEBF7));
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    ws.write_string_with_format(0, 0, "Tình hình gửi báo cáo", &Format::new().set_bold())?;
    ws.write_string(
        1,
        0,
        format!(
            "Tính đến {} {}",
            dates::vn(now.date()),
            now.strftime("%H:%M")
        ),
    )?;
    let mut titles = vec!["Kế hoạch", "Lượt phải nộp"];
    titles.extend(State::ALL.iter().map(|s| s.words(crate::lang::Lang::Vi)));
    let widths = |c: usize| if c == 0 { 60.0 } else { 13.0 };
    for (c, t) in titles.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *t, &header)?;
        ws.set_column_width(c as u16, widths(c))?;
    }
    let header_lines = titles.iter().enumerate().map(|(c, t)| lines(t, widths(c)));
    ws.set_row_height(3, height(header_lines.max().unwrap_or(1)))?;
    let mut row = 4;
    for (plan, tally) in config.plans.iter().zip(per_plan) {
        if tally.total == 0 {
            continue;
        }
        let name = format!("{} — {}", plan.label(), plan.title);
        ws.write_string_with_format(row, 0, text(&name), &cell)?;
        ws.set_row_height(row, height(lines(&name, widths(0))))?;
        ws.write_number_with_format(row, 1, tally.total as f64, &cell)?;
        for (c, st) in State::ALL.iter().enumerate() {
            ws.write_number_with_format(row, 2 + c as u16, tally.of(*st) as f64, &cell)?;
        }
        row += 1;
    }
    if row == 4 {
        ws.write_string(4, 0, "Không có dữ liệu")?;
    }
    print_setup(ws, 3)
}

fn excel_date(d: jiff::civil::Date) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
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
