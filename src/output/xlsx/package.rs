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

use super::styles::STYLES;
pub use super::styles::*;

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
    zip: ZipWriter<Fuse<W>>,
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
            zip: ZipWriter::new(Fuse::new(out)),
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
        Ok(self.zip.finish()?.inner)
    }
}

/// The file under the zip writer: once a write failed (a full disk), what
/// follows is taken and dropped, positions kept as if written. The first
/// error reaches the caller, who removes the file; the zip writer, dropped
/// with the workbook, then finishes into nothing instead of complaining on
/// standard error.
struct Fuse<W> {
    inner: W,
    blown: bool,
    /// Where the next byte goes, and the end so far.
    at: u64,
    end: u64,
}

impl<W> Fuse<W> {
    fn new(inner: W) -> Fuse<W> {
        Fuse {
            inner,
            blown: false,
            at: 0,
            end: 0,
        }
    }

    fn moved(&mut self, to: u64) {
        self.at = to;
        self.end = self.end.max(to);
    }
}

impl<W: Write> Write for Fuse<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = if self.blown {
            buf.len()
        } else {
            self.inner.write(buf).inspect_err(|_| self.blown = true)?
        };
        self.moved(self.at + n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.blown {
            return Ok(());
        }
        self.inner.flush().inspect_err(|_| self.blown = true)
    }
}

impl<W: Seek> Seek for Fuse<W> {
    fn seek(&mut self, to: io::SeekFrom) -> io::Result<u64> {
        let at = if self.blown {
            let from = |base: u64, by: i64| base.checked_add_signed(by).unwrap_or(0);
            match to {
                io::SeekFrom::Start(n) => n,
                io::SeekFrom::Current(by) => from(self.at, by),
                io::SeekFrom::End(by) => from(self.end, by),
            }
        } else {
            self.inner.seek(to).inspect_err(|_| self.blown = true)?
        };
        self.moved(at);
        Ok(at)
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
/// The characters XML 1.0 cannot hold (control characters, U+FFFE, U+FFFF)
/// are written as Excel writes them, `_xHHHH_`, and so is the `_` of a
/// text that reads like one (`_x0041_` → `_x005F_x0041_`): what Excel and
/// LibreOffice show, and `import` reads back, is the text itself.
fn escape(out: &mut String, text: &str, attribute: bool) {
    for (i, c) in text.char_indices() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\t' | '\n' => out.push(c),
            '_' if reads_as_escape(&text[i..]) => out.push_str("_x005F_"),
            c if u32::from(c) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                let _ = write!(out, "_x{:04X}_", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

/// Whether `text` starts like Excel's escape of a character: `_xHHHH_`.
fn reads_as_escape(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 7 && b[1] == b'x' && b[2..6].iter().all(u8::is_ascii_hexdigit) && b[6] == b'_'
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
        // XML cannot hold U+FFFE or U+FFFF; a text that reads like an escape
        // keeps its underscore.
        let mut out = String::new();
        escape(&mut out, "a\u{FFFE}b\u{FFFF}c _x0041_ _x00 _xZZZZ_", false);
        assert_eq!(out, "a_xFFFE_b_xFFFF_c _x005F_x0041_ _x00 _xZZZZ_");
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
