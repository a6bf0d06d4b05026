//! The status workbook's file, written row by row: an XLSX file is a zip of
//! XML parts (ECMA-376), and the plan sheets' rows go into it as they come.
//!
//! rust_xlsxwriter's constant-memory mode wrote the same sheets, but looked
//! up every cell's format in a hash map (four tenths of a national export's
//! time, issue 25) and kept every row given a height of its own in memory
//! until the file was saved. Here a row's style is a number, every row gets
//! the height its text needs, and memory holds one row and the strings
//! that come from the config (names, shared once in `sharedStrings.xml`).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Seek, Write};

use zip::write::{SimpleFileOptions, ZipWriter};

/// A cell's style: an index into the `cellXfs` of [`STYLES`].
pub type Style = u32;
/// The sheet's title in bold.
pub const BOLD: Style = 1;
/// A plan sheet's header row: bold on blue, bordered, wrapped, at the top.
pub const HEADER: Style = 2;
/// The summary's header row.
pub const SUMMARY_HEADER: Style = 3;
/// The summary's cells.
pub const SUMMARY_CELL: Style = 4;
/// A row in state `k` (its index in `State::ALL`): `ROW + 3k` for text,
/// `+ 1` for a date, `+ 2` for a date and time.
pub const ROW: Style = 5;

/// Excel's last row (1 048 576 rows, numbered from 1).
pub const MAX_ROW: u32 = 1_048_576;

/// A state's three cell formats (text, date, date and time) on fill `$fill`.
macro_rules! state_xfs {
    ($fill:literal) => {
        concat!(
            r#"<xf numFmtId="0" fontId="0" fillId=""#, $fill,
            r#"" borderId="1" xfId="0" applyFill="1" applyBorder="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>"#,
            r#"<xf numFmtId="164" fontId="0" fillId=""#, $fill,
            r#"" borderId="1" xfId="0" applyNumberFormat="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>"#,
            r#"<xf numFmtId="165" fontId="0" fillId=""#, $fill,
            r#"" borderId="1" xfId="0" applyNumberFormat="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>"#,
        )
    };
}

/// Fonts, fills (the header's blue, then the states' colours in the order
/// of `State::ALL`: Excel's good / neutral / bad palette), a thin border,
/// and the cell formats the constants above name.
const STYLES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    "\n",
    r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    r#"<numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="dd/mm/yyyy hh:mm"/></numFmts>"#,
    r#"<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>"#,
    r#"<fills count="8"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>"#,
    r#"<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>"#,
    r#"<fill><patternFill patternType="solid"><fgColor rgb="FFC6EFCE"/><bgColor indexed="64"/></patternFill></fill>"#,
    r#"<fill><patternFill patternType="solid"><fgColor rgb="FFFFEB9C"/><bgColor indexed="64"/></patternFill></fill>"#,
    r#"<fill><patternFill patternType="solid"><fgColor rgb="FFFFC7CE"/><bgColor indexed="64"/></patternFill></fill>"#,
    r#"<fill><patternFill patternType="solid"><fgColor rgb="FFFFFFFF"/><bgColor indexed="64"/></patternFill></fill>"#,
    r#"<fill><patternFill patternType="solid"><fgColor rgb="FFD9D9D9"/><bgColor indexed="64"/></patternFill></fill></fills>"#,
    r#"<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>"#,
    r#"<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right><top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border></borders>"#,
    r#"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#,
    r#"<cellXfs count="20"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#,
    r#"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>"#,
    r#"<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>"#,
    r#"<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1"><alignment wrapText="1"/></xf>"#,
    r#"<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1"><alignment wrapText="1"/></xf>"#,
    state_xfs!("3"),
    state_xfs!("4"),
    state_xfs!("5"),
    state_xfs!("6"),
    state_xfs!("7"),
    r#"</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/></styleSheet>"#,
);

const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// One cell of a row.
pub enum Cell<'a> {
    /// A string of [`Package::share`].
    Shared(u32, Style),
    /// A string written in the cell (texts from the ledger: numbers, notes).
    Text(&'a str, Style),
    Number(f64, Style),
    /// No value, only the style (the row's colour and border).
    Blank(Style),
}

/// How a sheet looks: its columns' widths (in Excel's character units), and
/// for a plan sheet the header row that is frozen, filtered and printed on
/// every page.
pub struct Head<'a> {
    pub widths: &'a [f64],
    /// The header row, numbered from 0: frozen below it when `frozen`.
    pub header_row: u32,
    pub frozen: bool,
    pub selected: bool,
}

/// A sheet of the workbook, as `workbook.xml` lists it.
struct Listed {
    name: String,
    header_row: u32,
    /// The autofilter's last row (numbered from 0), for a plan sheet.
    filter_to: Option<u32>,
}

/// The workbook being written.
pub struct Package<W: Write + Seek> {
    zip: ZipWriter<W>,
    options: SimpleFileOptions,
    /// The sheets by their place in the workbook (sheet1 first): `None`
    /// until written.
    sheets: Vec<Option<Listed>>,
    shared: HashMap<String, u32>,
    strings: Vec<String>,
    /// The sheet begun last.
    current: usize,
    /// The XML of the rows not yet handed to the compressor.
    buffer: String,
}

impl<W: Write + Seek> Package<W> {
    /// A workbook of `sheets` sheets, written to `out`.
    pub fn new(out: W, sheets: usize) -> Package<W> {
        Package {
            zip: ZipWriter::new(out),
            // Level 3: the rows are repetitive XML; level 6 took more time
            // than building them, level 1 made the file twice as large. No
            // ZIP64 (LibreOffice does not open it): a part stays under 4 GiB,
            // which a sheet's million rows do not reach but with notes of
            // thousands of characters — then writing fails, saying so.
            options: SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .compression_level(Some(3)),
            sheets: (0..sheets).map(|_| None).collect(),
            shared: HashMap::new(),
            strings: Vec::new(),
            current: 0,
            buffer: String::with_capacity(1 << 16),
        }
    }

    /// The index of `text` in the shared strings, added the first time.
    pub fn share(&mut self, text: &str) -> u32 {
        if let Some(&i) = self.shared.get(text) {
            return i;
        }
        let i = self.strings.len() as u32;
        self.strings.push(text.to_string());
        self.shared.insert(text.to_string(), i);
        i
    }

    /// Starts sheet number `place` (from 0) of the workbook, named `name`.
    pub fn begin(&mut self, place: usize, name: &str, head: &Head) -> io::Result<()> {
        self.sheets[place] = Some(Listed {
            name: name.to_string(),
            header_row: head.header_row,
            filter_to: None,
        });
        self.current = place;
        self.zip.start_file(
            format!("xl/worksheets/sheet{}.xml", place + 1),
            self.options,
        )?;
        let b = &mut self.buffer;
        let _ = write!(
            b,
            r#"{XML_HEAD}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><sheetViews><sheetView{} workbookViewId="0">"#,
            if head.selected {
                r#" tabSelected="1""#
            } else {
                ""
            }
        );
        if head.frozen {
            let below = head.header_row + 1;
            let _ = write!(
                b,
                r#"<pane ySplit="{below}" topLeftCell="A{}" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/>"#,
                below + 1
            );
        }
        b.push_str(r#"</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>"#);
        for (c, w) in head.widths.iter().enumerate() {
            // As Excel stores a width of `w` digits: with the cell's padding.
            let _ = write!(
                b,
                r#"<col min="{0}" max="{0}" width="{1}" customWidth="1"/>"#,
                c + 1,
                w + 0.7109375
            );
        }
        b.push_str("</cols><sheetData>");
        Ok(())
    }

    /// Row `r` (from 0), `height` points high when not the default.
    pub fn row(&mut self, r: u32, height: Option<f64>, cells: &[Cell]) -> io::Result<()> {
        if r >= MAX_ROW {
            return Err(io::Error::other(format!(
                "a sheet holds at most {MAX_ROW} rows: export fewer (--plan, --state, --agency)"
            )));
        }
        let n = r + 1;
        let b = &mut self.buffer;
        match height {
            Some(h) => {
                let _ = write!(b, r#"<row r="{n}" ht="{h}" customHeight="1">"#);
            }
            None => {
                let _ = write!(b, r#"<row r="{n}">"#);
            }
        }
        for (c, cell) in cells.iter().enumerate() {
            let col = char::from(b'A' + c as u8);
            let _ = match cell {
                Cell::Shared(i, s) => write!(b, r#"<c r="{col}{n}" s="{s}" t="s"><v>{i}</v></c>"#),
                Cell::Number(v, s) => write!(b, r#"<c r="{col}{n}" s="{s}"><v>{v}</v></c>"#),
                Cell::Blank(s) => write!(b, r#"<c r="{col}{n}" s="{s}"/>"#),
                Cell::Text("", s) => write!(b, r#"<c r="{col}{n}" s="{s}"/>"#),
                Cell::Text(t, s) => {
                    let _ = write!(b, r#"<c r="{col}{n}" s="{s}" t="inlineStr"><is>"#);
                    text_element(b, t);
                    write!(b, "</is></c>")
                }
            };
        }
        b.push_str("</row>");
        if self.buffer.len() >= 1 << 16 {
            self.zip.write_all(self.buffer.as_bytes())?;
            self.buffer.clear();
        }
        Ok(())
    }

    /// Ends the sheet begun last: filtered from its header row to row
    /// `filter_to` (from 0), when given; A4 landscape, one page wide, its
    /// header row on every page, the page number in the footer.
    pub fn end(&mut self, columns: usize, filter_to: Option<u32>) -> io::Result<()> {
        let b = &mut self.buffer;
        b.push_str("</sheetData>");
        let listed = self.sheets[self.current]
            .as_mut()
            .expect("a sheet was begun");
        if let Some(last) = filter_to {
            let _ = write!(
                b,
                r#"<autoFilter ref="A{}:{}{}"/>"#,
                listed.header_row + 1,
                char::from(b'A' + columns as u8 - 1),
                last + 1
            );
        }
        listed.filter_to = filter_to;
        b.push_str(concat!(
            r#"<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3" footer="0.3"/>"#,
            r#"<pageSetup paperSize="9" fitToHeight="0" orientation="landscape" horizontalDpi="200" verticalDpi="200"/>"#,
            r#"<headerFooter><oddFooter>&amp;CTrang &amp;P/&amp;N</oddFooter></headerFooter></worksheet>"#
        ));
        self.zip.write_all(self.buffer.as_bytes())?;
        self.buffer.clear();
        Ok(())
    }

    /// Writes the workbook's other parts and closes the file.
    pub fn finish(mut self) -> io::Result<W> {
        let sheets: Vec<Listed> = self.sheets.drain(..).flatten().collect();
        let mut types = format!(
            r#"{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>"#
        );
        let mut rels = format!(
            r#"{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        );
        let mut book = format!(
            r#"{XML_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><bookViews><workbookView xWindow="240" yWindow="15" windowWidth="16095" windowHeight="9660"/></bookViews><sheets>"#
        );
        let mut names = String::new();
        for (i, s) in sheets.iter().enumerate() {
            let n = i + 1;
            let _ = write!(
                types,
                r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
            );
            let _ = write!(
                rels,
                r#"<Relationship Id="rId{n}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>"#
            );
            book.push_str(r#"<sheet name=""#);
            escape(&mut book, &s.name, true);
            let _ = write!(book, r#"" sheetId="{n}" r:id="rId{n}"/>"#);
            let quoted = format!("'{}'", s.name.replace('\'', "''"));
            let header = s.header_row + 1;
            if let Some(last) = s.filter_to {
                let _ = write!(
                    names,
                    r#"<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">"#
                );
                escape(
                    &mut names,
                    &format!("{quoted}!$A${header}:$J${}", last + 1),
                    false,
                );
                names.push_str("</definedName>");
            }
            let _ = write!(
                names,
                r#"<definedName name="_xlnm.Print_Titles" localSheetId="{i}">"#
            );
            escape(&mut names, &format!("{quoted}!${header}:${header}"), false);
            names.push_str("</definedName>");
        }
        let n = sheets.len();
        let _ = write!(
            rels,
            r#"<Relationship Id="rId{}" Type="{REL_NS}/styles" Target="styles.xml"/><Relationship Id="rId{}" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
            n + 1,
            n + 2
        );
        types.push_str("</Types>");
        let _ = write!(
            book,
            r#"</sheets><definedNames>{names}</definedNames><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>"#
        );
        let mut sst = format!(
            r#"{XML_HEAD}<sst xmlns="{MAIN_NS}" count="{0}" uniqueCount="{0}">"#,
            self.strings.len()
        );
        for s in &self.strings {
            sst.push_str("<si>");
            text_element(&mut sst, s);
            sst.push_str("</si>");
        }
        sst.push_str("</sst>");
        let root = format!(
            r#"{XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
        );
        for (path, xml) in [
            ("[Content_Types].xml", types.as_str()),
            ("_rels/.rels", &root),
            ("xl/workbook.xml", &book),
            ("xl/_rels/workbook.xml.rels", &rels),
            ("xl/styles.xml", STYLES),
            ("xl/sharedStrings.xml", &sst),
        ] {
            self.zip.start_file(path, self.options)?;
            self.zip.write_all(xml.as_bytes())?;
        }
        Ok(self.zip.finish()?)
    }
}

/// `<t>text</t>`, keeping spaces at either end.
fn text_element(out: &mut String, text: &str) {
    let edge = |c: Option<char>| c.is_some_and(char::is_whitespace);
    if edge(text.chars().next()) || edge(text.chars().next_back()) {
        out.push_str(r#"<t xml:space="preserve">"#);
    } else {
        out.push_str("<t>");
    }
    escape(out, text, false);
    out.push_str("</t>");
}

/// `text` as XML character data (or an attribute's value, `attribute`).
/// Control characters, which XML 1.0 cannot hold, are written as Excel
/// writes them: `_xHHHH_`.
fn escape(out: &mut String, text: &str, attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' | '\n' => out.push(c),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "_x{:04X}_", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_escaped_as_xml_and_excel_need() {
        let mut out = String::new();
        text_element(&mut out, " a<b & \"c\"\u{1}\r");
        assert_eq!(
            out,
            "<t xml:space=\"preserve\"> a&lt;b &amp; \"c\"_x0001__x000D_</t>"
        );
        let mut out = String::new();
        escape(&mut out, "Kế hoạch \"số 1\"", true);
        assert_eq!(out, "Kế hoạch &quot;số 1&quot;");
    }

    #[test]
    fn a_row_past_excels_last_is_refused() {
        let mut p = Package::new(io::Cursor::new(Vec::new()), 1);
        let head = Head {
            widths: &[10.0],
            header_row: 0,
            frozen: false,
            selected: true,
        };
        p.begin(0, "x", &head).unwrap();
        p.row(MAX_ROW - 1, None, &[Cell::Number(1.0, 0)]).unwrap();
        let e = p.row(MAX_ROW, None, &[Cell::Number(1.0, 0)]).unwrap_err();
        assert!(e.to_string().contains("1048576 rows"), "{e}");
    }
}
