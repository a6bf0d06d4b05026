//! The status workbook's cell formats: one `styles.xml`, and the index of
//! each format the sheets use.

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
pub const STYLES: &str = concat!(
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
