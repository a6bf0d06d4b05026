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
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if !self.key.is_empty() {
            write!(f, ": {}", self.key)?;
        }
        write!(f, ": {}", self.message)
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
}

impl SourceFile<'_> {
    /// Records an error at byte range `span` of this file.
    pub fn error(
        &mut self,
        span: Range<usize>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) {
        let (line, column) = line_column(self.text, span.start);
        self.errors.push(ConfigError {
            file: self.name.clone(),
            line,
            column,
            key: key.into(),
            message: message.into(),
        });
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
    fn line_and_column_count_characters() {
        let text = "a = 1\nname = \"Sở Y tế\"\nx = 2";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        let x = text.find('x').unwrap();
        assert_eq!(line_column(text, x), (3, 1));
        let quote = text.rfind('"').unwrap();
        assert_eq!(line_column(text, quote), (2, 16));
    }
}
