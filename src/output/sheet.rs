//! The fill-in sheet of one instance (`dondoc sheet`, the console's
//! `/export/sheet.xlsx`): the agencies that have not submitted, by name,
//! each with blank *Ngày nộp*, *Số, ký hiệu* and *Ghi chú*, and the plan,
//! obligation and period written as offices write them
//! ([`Names::plan_form`] and its siblings, which `import` reads back). A
//! clerk fills in the rows of those who sent it; imported, the sheet
//! records exactly those rows — a row left without a date records nothing.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, XlsxError};

use super::cells::xlsx_text as text;
use crate::calendar::Instance;
use crate::calendar::names::Names;
use crate::config::Config;
use crate::dates;
use crate::lang::Lang;

/// The columns, as `import` reads them.
pub const HEADER: [&str; 8] = [
    "TT",
    "Kế hoạch",
    "Nội dung",
    "Kỳ",
    "Đơn vị",
    "Ngày nộp",
    "Số, ký hiệu",
    "Ghi chú",
];
const WIDTHS: [f64; 8] = [5.0, 15.0, 36.0, 18.0, 32.0, 17.0, 16.0, 26.0];

/// The row (0-based) of the header in the workbook: three lines of title
/// and a blank one above it.
const HEADER_ROW: u32 = 4;

/// A fill-in sheet's texts.
#[derive(Debug, Clone)]
pub struct FillIn {
    /// "Báo cáo định kỳ 6 tháng — kỳ 6 tháng đầu năm 2025".
    pub title: String,
    /// The plan as a letter cites it, and the due date.
    pub about: String,
    pub plan: String,
    pub obligation: String,
    pub period: String,
    /// The agencies' names, in Vietnamese alphabetical order.
    pub agencies: Vec<String>,
}

impl FillIn {
    /// The sheet of `instance` listing `agencies` (indices in the config).
    pub fn new(
        config: &Config,
        names: &Names<'_>,
        instance: &Instance,
        agencies: &[usize],
    ) -> Self {
        let plan = instance.plan(config);
        let ob = instance.obligation(config);
        let period = names
            .period_form(instance)
            .unwrap_or_else(|| dates::vn(instance.period));
        let mut rows: Vec<String> = agencies
            .iter()
            .map(|&a| names.agency_form(a, Some(instance)))
            .collect();
        rows.sort_by(|a, b| crate::collate::cmp(a, b));
        FillIn {
            title: format!(
                "{} — kỳ {}",
                ob.title,
                crate::calendar::period_name(config, instance)
            ),
            about: format!(
                "{}; hạn nộp {}",
                crate::calendar::letter::cite(plan, Lang::Vi),
                dates::vn(instance.due)
            ),
            plan: names.plan_form(instance.plan),
            obligation: names.obligation_form(instance.plan, instance.obligation),
            period,
            agencies: rows,
        }
    }

    /// Each row's cells, the TT first.
    fn rows(&self) -> impl Iterator<Item = [String; 8]> + '_ {
        self.agencies.iter().enumerate().map(|(n, agency)| {
            [
                (n + 1).to_string(),
                self.plan.clone(),
                self.obligation.clone(),
                self.period.clone(),
                agency.clone(),
                String::new(),
                String::new(),
                String::new(),
            ]
        })
    }

    /// The workbook: a title, the header, one row per agency; the cells to
    /// fill are text cells (a date typed as 06/07/2025 stays the 6th of
    /// July whatever the computer's regional settings), A4 landscape.
    pub fn workbook(&self) -> Result<Workbook, XlsxError> {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("Mẫu nhập")?;
        let border = Format::new()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_align(FormatAlign::Top);
        let header = border
            .clone()
            .set_bold()
            .set_background_color(Color::RGB(0xDDEBF7));
        let fill = border
            .clone()
            .set_num_format("@")
            .set_background_color(Color::RGB(0xFFF2CC));
        ws.write_string_with_format(0, 0, text(&self.title), &Format::new().set_bold())?;
        ws.write_string(1, 0, text(&self.about))?;
        ws.write_string_with_format(
            2,
            0,
            "Ghi ngày nộp (dd/mm/yyyy, có thể thêm giờ: dd/mm/yyyy HH:MM), số, ký hiệu và ghi chú \
             của đơn vị đã gửi; dòng để trống ngày nộp không được ghi nhận.",
            &Format::new().set_italic(),
        )?;
        for (c, (title, width)) in HEADER.iter().zip(WIDTHS).enumerate() {
            ws.write_string_with_format(HEADER_ROW, c as u16, *title, &header)?;
            ws.set_column_width(c as u16, width)?;
        }
        for (r, cells) in self.rows().enumerate() {
            let row = HEADER_ROW + 1 + r as u32;
            ws.write_number_with_format(row, 0, (r + 1) as f64, &border)?;
            for (c, cell) in cells.iter().enumerate().skip(1) {
                if c >= 5 {
                    ws.write_blank(row, c as u16, &fill)?;
                } else {
                    ws.write_string_with_format(row, c as u16, text(cell), &border)?;
                }
            }
        }
        ws.set_freeze_panes(HEADER_ROW + 1, 0)?;
        super::xlsx::print_setup(ws, HEADER_ROW)?;
        Ok(wb)
    }

    /// The CSV: the header and the rows, no title (a UTF-8 byte-order mark
    /// first when `bom`, for Excel).
    pub fn write_csv(&self, mut out: impl std::io::Write, bom: bool) -> Result<(), csv::Error> {
        if bom {
            out.write_all("\u{feff}".as_bytes())?;
        }
        let mut w = csv::Writer::from_writer(out);
        w.write_record(HEADER)?;
        for cells in self.rows() {
            w.write_record(cells.iter().map(|c| super::cells::csv(c).into_owned()))?;
        }
        w.flush().map_err(csv::Error::from)
    }
}
