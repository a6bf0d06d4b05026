//! `dondoc status --format xlsx --output FILE`: the spreadsheet the office
//! brings to its meetings — one sheet per plan, cells coloured by state.

use std::path::Path;

use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatBorder, Workbook, XlsxError};

use crate::calendar::Instance;
use crate::config::Config;
use crate::dates;
use crate::policy::{PairState, State};

const HEADER: [&str; 9] = [
    "Nội dung",
    "Kỳ",
    "Hạn nộp",
    "Đơn vị",
    "Trạng thái",
    "Ngày nộp",
    "Số ngày trễ",
    "Số, ký hiệu",
    "Ghi chú",
];
const WIDTHS: [f64; 9] = [60.0, 12.0, 12.0, 40.0, 18.0, 16.0, 12.0, 16.0, 30.0];

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

/// Writes the workbook; `states` in instance order, as `evaluate` returns them.
pub fn write(
    path: &Path,
    config: &Config,
    instances: &[Instance],
    states: &[PairState],
    recorded: &super::recorded::Recorded,
    now: &jiff::Zoned,
) -> Result<(), XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let header = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xDDEBF7));
    let tz = &config.settings.timezone;
    for (p, plan) in config.plans.iter().enumerate() {
        let rows: Vec<&PairState> = states
            .iter()
            .filter(|s| instances[s.instance].plan == p)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&plan.id))?;
        ws.write_string_with_format(
            0,
            0,
            format!("Kế hoạch {} — {}", plan.label(), plan.title),
            &bold,
        )?;
        let when = format!(
            "Tình hình lúc {} {}",
            dates::vn(now.date()),
            now.strftime("%H:%M")
        );
        ws.write_string(1, 0, when)?;
        for (c, (title, width)) in HEADER.iter().zip(WIDTHS).enumerate() {
            ws.write_string_with_format(3, c as u16, *title, &header)?;
            ws.set_column_width(c as u16, width)?;
        }
        for (r, s) in rows.iter().enumerate() {
            let row = 4 + r as u32;
            let i = &instances[s.instance];
            let cell = Format::new()
                .set_background_color(fill(s.state))
                .set_border(FormatBorder::Thin);
            let date_cell = cell.clone().set_num_format("dd/mm/yyyy");
            let time_cell = cell.clone().set_num_format("dd/mm/yyyy hh:mm");
            ws.write_string_with_format(row, 0, &i.obligation(config).title, &cell)?;
            ws.write_datetime_with_format(row, 1, excel_date(i.period)?, &date_cell)?;
            ws.write_datetime_with_format(row, 2, excel_date(i.due)?, &date_cell)?;
            ws.write_string_with_format(row, 3, &config.agencies[s.agency].name, &cell)?;
            ws.write_string_with_format(row, 4, s.state.vi(), &cell)?;
            match s.submitted_at {
                Some(t) => {
                    let local = t.to_zoned(tz.clone()).datetime();
                    let dt = excel_date(local.date())?.and_hms(
                        local.hour() as u16,
                        local.minute() as u8,
                        0,
                    )?;
                    ws.write_datetime_with_format(row, 5, dt, &time_cell)?
                }
                None => ws.write_blank(row, 5, &cell)?,
            };
            match s.days_late {
                Some(d) => ws.write_number_with_format(row, 6, f64::from(d), &cell)?,
                None => ws.write_blank(row, 6, &cell)?,
            };
            let (reference, note) = recorded.of(config, instances, s);
            ws.write_string_with_format(row, 7, reference.unwrap_or(""), &cell)?;
            ws.write_string_with_format(row, 8, note.unwrap_or(""), &cell)?;
        }
        ws.set_freeze_panes(4, 0)?;
        ws.autofilter(3, 0, 3 + rows.len() as u32, 8)?;
    }
    if states.is_empty() {
        wb.add_worksheet()
            .set_name("trong")?
            .write_string(0, 0, "Không có dữ liệu")?;
    }
    wb.save(path)
}

fn excel_date(d: jiff::civil::Date) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
}

/// A sheet name Excel accepts: at most 31 characters (plan ids have no
/// forbidden characters).
fn sheet_name(id: &str) -> String {
    id.chars().take(31).collect()
}
