//! Configuration errors that tell the admin where and how to fix them.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One problem in the configuration: where it is (file, line, column, key
/// path) and what would be valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The file, relative to the config directory when it is inside it.
    pub file: PathBuf,
    /// 1-based line; 0 when the problem is the file as a whole.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// The key path, e.g. `obligation[1].before`; empty for syntax errors.
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Every part is escaped: no config value can forge a line of output.
        write!(f, "{}", escape(&self.file.display().to_string()))?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", escape(&self.key))?;
        }
        write!(f, ": {}", escape(&self.message))
    }
}

/// All the problems found in one load, in file order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for e in &self.0 {
            writeln!(f, "{e}")?;
        }
        let n = self.0.len();
        write!(
            f,
            "{n} error{} in the configuration",
            if n == 1 { "" } else { "s" }
        )
    }
}

/// A source file being validated: its text (for line numbers) and its name
/// as shown to the admin. Errors are collected, never returned early.
pub struct SourceFile<'a> {
    pub name: PathBuf,
    pub text: &'a str,
    pub errors: &'a mut Vec<ConfigError>,
    /// Where each line of `text` starts, found once at the first error: a
    /// file with thousands of errors costs one pass, not one per error.
    pub line_starts: std::cell::OnceCell<Vec<usize>>,
}

impl SourceFile<'_> {
    /// 1-based line and column (in characters) of byte `offset`.
    fn line_column(&self, offset: usize) -> (usize, usize) {
        let text = self.text;
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = starts.partition_point(|&s| s <= offset);
        let start = starts[line - 1];
        (line, text[start..offset].chars().count() + 1)
    }

    /// Records an error at byte range `span` of this file.
    pub fn error(
        &mut self,
        span: Range<usize>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) {
        let (line, column) = self.line_column(span.start);
        // Parser messages may quote a key or value of any length: keep them short.
        let mut message: String = message.into();
        if message.chars().count() > MESSAGE_CHARS {
            message = message.chars().take(MESSAGE_CHARS).collect::<String>() + "…";
        }
        self.errors.push(ConfigError {
            file: self.name.clone(),
            line,
            column,
            key: key.into(),
            message,
        });
    }
}

/// The longest error message kept (a parser's message may quote a huge key).
const MESSAGE_CHARS: usize = 400;

/// The most of a value that an error or a log line quotes, in characters.
const QUOTED_CHARS: usize = 60;

/// A value as errors and log lines quote it: in double quotes, control
/// characters escaped (`\n`, `\u{1b}`), and at most its first 60 characters.
pub fn quote(value: &str) -> String {
    let count = value.chars().count();
    if count <= QUOTED_CHARS {
        return format!("\"{}\"", escape(value));
    }
    let head: String = value.chars().take(QUOTED_CHARS).collect();
    format!("\"{}…\" ({count} characters)", escape(&head))
}

/// `text` with control characters (and the Unicode line and paragraph
/// separators) written as escapes, so that it stays on one line.
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    let special = |c: char| c.is_control() || c == '\u{2028}' || c == '\u{2029}';
    if !text.chars().any(special) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if special(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Reads a config file as UTF-8; `Ok(None)` when it does not exist. A file
/// that is not UTF-8 is an error at the line and byte where it stops being so.
pub fn read_text(path: &Path, shown: &Path) -> Result<Option<String>, ConfigError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(file_error(shown, format!("cannot read it: {e}"))),
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Some(text)),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let valid = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
            let (line, column) = line_column(valid, at);
            Err(ConfigError {
                file: shown.to_path_buf(),
                line,
                column,
                key: String::new(),
                message: format!(
                    "not UTF-8 from byte offset {at} (0x{:02X}) on; save the file as UTF-8 \
                     (e.g. Windows-1258 or TCVN3 text must be converted)",
                    bytes[at]
                ),
            })
        }
    }
}

/// An error about a whole file (missing, unreadable).
pub fn file_error(file: &Path, message: impl Into<String>) -> ConfigError {
    ConfigError {
        file: file.to_path_buf(),
        line: 0,
        column: 0,
        key: String::new(),
        message: message.into(),
    }
}

/// The 1-based line and character column of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_are_short_and_on_one_line() {
        assert_eq!(quote("so-y-te"), "\"so-y-te\"");
        assert_eq!(quote("a\nb\u{1b}[31m"), "\"a\\nb\\u{1b}[31m\"");
        let long = "x".repeat(5_000_000);
        let q = quote(&long);
        assert!(q.starts_with(&format!("\"{}…\"", "x".repeat(60))), "{q}");
        assert!(q.ends_with("(5000000 characters)"));
        let e = ConfigError {
            file: PathBuf::from("plans/p\n.toml"),
            line: 1,
            column: 1,
            key: "obligation[0].title".into(),
            message: "bad \u{1b}[2J value\nforged: line".into(),
        };
        assert_eq!(
            e.to_string(),
            "plans/p\\n.toml:1:1: obligation[0].title: bad \\u{1b}[2J value\\nforged: line"
        );
    }

    #[test]
    fn line_and_column_count_characters() {
        let text = "a = 1\nname = \"Sở Y tế\"\nx = 2";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        let x = text.find('x').unwrap();
        assert_eq!(line_column(text, x), (3, 1));
        let quote = text.rfind('"').unwrap();
        assert_eq!(line_column(text, quote), (2, 16));
    }

    /// The file's own count (line starts found once) agrees with the plain
    /// one at every byte, ends and multi-byte characters included.
    #[test]
    fn a_source_file_finds_lines_once_and_agrees() {
        let text = "a = 1\nname = \"Sở Y tế\"\n\nx = 2\n";
        let mut errors = Vec::new();
        let src = SourceFile {
            name: "p.toml".into(),
            text,
            errors: &mut errors,
            line_starts: Default::default(),
        };
        for offset in 0..=text.len() + 3 {
            assert_eq!(
                src.line_column(offset),
                line_column(text, offset),
                "{offset}"
            );
        }
    }
}
