//! Reading an `.xlsx` as offices save it (Excel, LibreOffice, openpyxl):
//! every worksheet, cell by cell, guarded against a damaged or hostile file.

use std::path::Path;

use super::read::{COLUMNS_AT_MOST, Sheet, cell, usage};
use crate::cli::CliError;

/// Refuses a workbook whose shared-strings part declares more strings
/// (`<sst uniqueCount="N">`) than it could hold — each takes at least 7
/// bytes, `<si><t/></si>` — before calamine reserves room for N of them: a
/// fuzzed count made it ask for more memory than exists (a capacity
/// overflow panic, or an abort).
fn shared_strings_plausible(bytes: &[u8]) -> Result<(), String> {
    use std::io::Read as _;
    let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return Ok(()); // not a zip: calamine says so
    };
    let Ok(part) = zip.by_name("xl/sharedStrings.xml") else {
        return Ok(());
    };
    let size = part.size();
    let mut head = Vec::new();
    part.take(64 << 10)
        .read_to_end(&mut head)
        .map_err(|e| format!("cannot read it as an Excel workbook (.xlsx): {e}"))?;
    let head = String::from_utf8_lossy(&head);
    let Some(sst) = head.find("<sst").map(|at| &head[at..]) else {
        return Ok(());
    };
    let tag = &sst[..sst.find('>').unwrap_or(sst.len())];
    let Some(value) = tag.split("uniqueCount=").nth(1) else {
        return Ok(());
    };
    let digits: String = value
        .trim_start_matches(['"', '\''])
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let declared: u128 = digits.parse().unwrap_or(0);
    if declared > u128::from(size) / 7 + 1 {
        return Err(format!(
            "cannot read it as an Excel workbook (.xlsx): its shared strings declare {declared} \
             strings in {size} bytes; the file is damaged — open it in Excel and save it again"
        ));
    }
    Ok(())
}

/// Every worksheet of an `.xlsx`. Date cells become `dd/mm/yyyy` (with
/// `HH:MM`, and `:SS` when they have seconds), numbers their plain digits.
/// Its cells are read one by one, as they are in the file: a dense grid from
/// the first to the last cell (calamine's `Range`) asked for 512 GB when one
/// cell sat at XFD1048576, and the process died.
pub fn xlsx(file: &Path, bytes: &[u8]) -> Result<Vec<Sheet>, CliError> {
    use calamine::{Data, Reader, Xlsx};
    shared_strings_plausible(bytes).map_err(|e| usage(file, e))?;
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|e| {
            usage(
                file,
                format!("cannot read it as an Excel workbook (.xlsx): {e}"),
            )
        })?;
    let names = book.sheet_names();
    if names.is_empty() {
        return Err(usage(file, "the workbook has no worksheet"));
    }
    let text = |d: Data| -> String {
        match d {
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => cell(&s),
            Data::Int(i) => i.to_string(),
            Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
            Data::Float(f) => f.to_string(),
            Data::Bool(b) => b.to_string(),
            Data::DateTime(dt) => excel_date(dt.as_f64()),
            Data::Error(e) => format!("#{e:?}"),
            Data::Empty => String::new(),
        }
    };
    let mut sheets = Vec::with_capacity(names.len());
    for name in names {
        let unreadable = |e: calamine::XlsxError| {
            usage(file, format!("cannot read its worksheet \"{name}\": {e}"))
        };
        // (row, column, text) of every cell with a value, in the file's order.
        let mut cells: Vec<(u32, u32, String)> = Vec::new();
        let mut reader = book.worksheet_cells_reader(&name).map_err(unreadable)?;
        while let Some(c) = reader.next_cell().map_err(unreadable)? {
            let (row, column) = c.get_position();
            let value = text(Data::from(c.get_value().clone()));
            if !value.is_empty() {
                cells.push((row, column, value));
            }
        }
        let mut sheet = grid(file, cells)?;
        sheet.name = Some(name);
        sheets.push(sheet);
    }
    Ok(sheets)
}

/// Cells into rows, as the sheet shows them from its first used column.
fn grid(file: &Path, mut cells: Vec<(u32, u32, String)>) -> Result<Sheet, CliError> {
    cells.sort_by_key(|(r, c, _)| (*r, *c));
    let left = cells.iter().map(|(_, c, _)| *c).min().unwrap_or(0);
    let mut rows: Vec<(u32, Vec<String>)> = Vec::new();
    for (row, column, value) in cells {
        let at = column - left;
        if at >= COLUMNS_AT_MOST {
            return Err(usage(
                file,
                format!(
                    "row {}: a value in column {}; a sheet of submissions has at most {} columns",
                    u64::from(row) + 1,
                    u64::from(column) + 1,
                    COLUMNS_AT_MOST
                ),
            ));
        }
        if rows.last().is_none_or(|(r, _)| *r != row) {
            rows.push((row, Vec::new()));
        }
        let (_, line) = rows.last_mut().expect("pushed");
        let at = at as usize;
        if line.len() <= at {
            line.resize(at + 1, String::new());
        }
        line[at] = value;
    }
    Ok(Sheet {
        name: None,
        rows: rows
            .into_iter()
            .map(|(r, line)| (u64::from(r) + 1, line))
            .collect(),
        notice: None,
    })
}

/// An Excel serial date (1900 date system: day 1 = 1900-01-01, with Excel's
/// phantom 29/02/1900, so serial 61 is 01/03/1900) as dondoc writes moments.
fn excel_date(serial: f64) -> String {
    let epoch = jiff::civil::date(1899, 12, 30);
    let days = serial.floor() as i64;
    let seconds = ((serial - serial.floor()) * 86_400.0).round() as i64;
    let Ok(date) = epoch.checked_add(jiff::Span::new().days(days)) else {
        return serial.to_string();
    };
    let day = crate::dates::vn(date);
    let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60);
    match seconds {
        0 => day,
        _ if s == 0 => format!("{day} {h:02}:{m:02}"),
        _ => format!("{day} {h:02}:{m:02}:{s:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serials_are_vietnamese_dates() {
        // 45412 is 30/04/2024 in Excel; .375 of a day is 09:00.
        assert_eq!(excel_date(45412.0), "30/04/2024");
        assert_eq!(excel_date(45412.375), "30/04/2024 09:00");
        // 09:00:30, as dondoc's own workbook keeps a submission's seconds.
        assert_eq!(
            excel_date(45412.375 + 30.0 / 86_400.0),
            "30/04/2024 09:00:30"
        );
    }
}
