//! `dondoc report --year Y`: per agency, how it kept the deadlines of the
//! instances due in year Y — the table an office brings to its year-end
//! review (*đánh giá, xếp loại thi đua*).

use std::io::Write as _;

use super::CliError;
use crate::config::Config;
use crate::engine::ranking::{self, Row, mean_days as days, percent};
use crate::lang::{Lang, say};
use crate::output::cells::xlsx_text;
use crate::output::fit;
use rust_xlsxwriter::{Color, FormatBorder, Workbook, XlsxError};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The year whose instances (by due date) are counted.
    #[arg(long)]
    year: i16,
    /// The moment the states are taken at (default: now).
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    #[command(flatten)]
    out: super::Output,
}

pub fn run(config: &Config, args: &Args, lang: Lang) -> Result<(), CliError> {
    args.out.check()?;
    let now = super::moment(config, args.at.as_deref(), lang)?;
    let ledger = super::open_ledger(config)?;
    let rows = ranking::rows(config, &ledger, &now, args.year).map_err(anyhow::Error::from)?;
    match args.out.format {
        super::Format::Json => super::print_json(&rows),
        super::Format::Csv => write_csv(&rows),
        super::Format::Table => Ok(print_table(&rows, args.year, &now)
            .map_err(|e| anyhow::anyhow!("writing the table: {e}"))?),
        super::Format::Xlsx => {
            let path = args.out.output.as_deref().expect("checked above");
            write_xlsx(path, &rows, args.year, &now)
                .map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
            println!(
                "{}",
                say!(
                    lang,
                    "đã ghi {} ({} đơn vị)",
                    "wrote {} ({} agencies)",
                    path.display(),
                    rows.len()
                )
            );
            Ok(())
        }
    }
}

/// The columns of the table and of the workbook.
const HEADER: [&str; 9] = [
    "TT",
    "Đơn vị",
    "Phải nộp",
    "Đúng hạn",
    "Nộp muộn",
    "Quá hạn chưa nộp",
    "Miễn nộp",
    "Tỷ lệ đúng hạn",
    "Số ngày chậm bình quân",
];

fn print_table(rows: &[Row], year: i16, now: &jiff::Zoned) -> std::io::Result<()> {
    let table: Vec<[String; 9]> = rows
        .iter()
        .enumerate()
        .map(|(n, r)| {
            [
                (n + 1).to_string(),
                r.name.clone(),
                r.owed.to_string(),
                r.on_time.to_string(),
                r.late.to_string(),
                r.overdue.to_string(),
                r.exempt.to_string(),
                percent(r.on_time_rate),
                days(r.mean_days_late),
            ]
        })
        .collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    writeln!(
        out,
        "Kết quả thực hiện chế độ báo cáo năm {year} (các kỳ có hạn nộp trong năm), tính đến {} {}",
        crate::dates::vn(now.date()),
        now.strftime("%H:%M")
    )?;
    super::grid::draw(&mut out, &HEADER, &table)?;
    drop(table);
    let t = ranking::totals(rows);
    writeln!(
        out,
        "{} đơn vị, {} lượt phải nộp; đúng hạn {}/{} lượt đã đến hạn ({}).",
        t.agencies,
        t.owed,
        t.on_time,
        t.fallen_due,
        percent(t.on_time_rate)
    )?;
    out.flush()
}

fn write_csv(rows: &[Row]) -> Result<(), CliError> {
    let mut w = csv::Writer::from_writer(std::io::stdout().lock());
    let io = |e: csv::Error| CliError::Runtime(e.into());
    w.write_record([
        "agency",
        "owed",
        "on_time",
        "late",
        "overdue",
        "exempt",
        "on_time_rate",
        "mean_days_late",
    ])
    .map_err(io)?;
    let opt = |v: Option<f64>| v.map(|x| format!("{x:.4}")).unwrap_or_default();
    for r in rows {
        w.write_record([
            crate::output::cells::csv(&r.agency).into_owned(),
            r.owed.to_string(),
            r.on_time.to_string(),
            r.late.to_string(),
            r.overdue.to_string(),
            r.exempt.to_string(),
            opt(r.on_time_rate),
            opt(r.mean_days_late),
        ])
        .map_err(io)?;
    }
    w.flush().map_err(|e| CliError::Runtime(e.into()))
}

/// `report --format xlsx`: one sheet, printable on A4.
fn write_xlsx(
    path: &std::path::Path,
    rows: &[Row],
    year: i16,
    now: &jiff::Zoned,
) -> Result<(), XlsxError> {
    const WIDTHS: [f64; 9] = [5.0, 45.0, 10.0, 10.0, 10.0, 12.0, 8.0, 12.0, 14.0];
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(format!("Năm {year}"))?;
    let header = rust_xlsxwriter::Format::new()
        .set_bold()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xDDEBF7));
    let cell = rust_xlsxwriter::Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let rate = cell.clone().set_num_format("0%");
    let days = cell.clone().set_num_format("0.0");
    ws.write_string_with_format(
        0,
        0,
        format!("Kết quả thực hiện chế độ báo cáo năm {year}"),
        &rust_xlsxwriter::Format::new().set_bold(),
    )?;
    ws.write_string(
        1,
        0,
        format!(
            "Tính đến {} {}",
            crate::dates::vn(now.date()),
            now.strftime("%H:%M")
        ),
    )?;
    for (c, (title, width)) in HEADER.iter().zip(WIDTHS).enumerate() {
        ws.write_string_with_format(3, c as u16, *title, &header)?;
        ws.set_column_width(c as u16, width)?;
    }
    // Rows as high as their wrapped text: LibreOffice does not fit them.
    let height = |lines: u16| f64::from(lines) * fit::LINE;
    let header_lines = HEADER.iter().zip(WIDTHS).map(|(t, w)| fit::lines(t, w));
    ws.set_row_height(3, height(header_lines.max().unwrap_or(1)))?;
    for (n, r) in rows.iter().enumerate() {
        let row = 4 + n as u32;
        ws.write_number_with_format(row, 0, (n + 1) as f64, &cell)?;
        ws.write_string_with_format(row, 1, xlsx_text(&r.name), &cell)?;
        ws.set_row_height(row, height(fit::lines(&r.name, WIDTHS[1])))?;
        for (c, v) in [r.owed, r.on_time, r.late, r.overdue, r.exempt]
            .iter()
            .enumerate()
        {
            ws.write_number_with_format(row, 2 + c as u16, *v as f64, &cell)?;
        }
        match r.on_time_rate {
            Some(x) => ws.write_number_with_format(row, 7, x, &rate)?,
            None => ws.write_blank(row, 7, &cell)?,
        };
        match r.mean_days_late {
            Some(x) => ws.write_number_with_format(row, 8, x, &days)?,
            None => ws.write_blank(row, 8, &cell)?,
        };
    }
    crate::output::xlsx::print_setup(ws, 3)?;
    wb.save(path)
}
