//! The attachments of a proposal that were not kept, and why: stored one
//! line each in the ledger, worded for the clerk.

use super::message::{FILE_AT_MOST, FILES_AT_MOST, MESSAGE_AT_MOST};
use crate::lang::{Lang, say};

/// An attachment that was not kept, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    pub name: String,
    pub size: u64,
    pub why: Why,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// Over [`FILE_AT_MOST`]: left in the mailbox.
    FileTooLarge,
    /// The message is over [`MESSAGE_AT_MOST`]: none of its files were read.
    MessageTooLarge,
    /// Files beyond the first [`FILES_AT_MOST`]: how many (their size is
    /// the [`LeftOut`]'s).
    TooMany(usize),
    /// Writing it failed (the error).
    NotWritten(String),
}

impl LeftOut {
    /// How the ledger keeps it: one line, `why TAB size TAB name`.
    pub fn line(&self) -> String {
        let why = match &self.why {
            Why::FileTooLarge => "file-too-large".to_string(),
            Why::MessageTooLarge => "message-too-large".to_string(),
            Why::TooMany(n) => format!("too-many:{n}"),
            Why::NotWritten(e) => format!("not-written:{}", e.replace(['\t', '\n'], " ")),
        };
        format!(
            "{why}\t{}\t{}",
            self.size,
            self.name.replace(['\t', '\n'], " ")
        )
    }

    /// The ledger's lines back.
    pub fn parse_lines(text: &str) -> Vec<LeftOut> {
        text.lines()
            .filter_map(|l| {
                let mut f = l.splitn(3, '\t');
                let (why, size, name) = (f.next()?, f.next()?, f.next()?);
                Some(LeftOut {
                    name: name.to_string(),
                    size: size.parse().unwrap_or(0),
                    why: match why {
                        "file-too-large" => Why::FileTooLarge,
                        "message-too-large" => Why::MessageTooLarge,
                        other => match other.strip_prefix("too-many:") {
                            Some(n) => Why::TooMany(n.parse().unwrap_or(0)),
                            None => Why::NotWritten(
                                other.strip_prefix("not-written:").unwrap_or(other).into(),
                            ),
                        },
                    },
                })
            })
            .collect()
    }

    /// What a clerk reads: "bao-cao.pdf (52,3 MB): quá 25 MB, còn trong hộp thư".
    pub fn words(&self, lang: Lang) -> String {
        let mb = |n: u64| {
            let text = format!("{:.1}", n as f64 / 1_048_576.0);
            match lang {
                Lang::Vi => text.replace('.', ","),
                Lang::En => text,
            }
        };
        let why = match &self.why {
            Why::FileTooLarge => say!(
                lang,
                "quá {} MB, còn trong hộp thư",
                "over {} MB, left in the mailbox",
                FILE_AT_MOST >> 20
            ),
            Why::MessageTooLarge => say!(
                lang,
                "thư quá {} MB nên tệp không được tải về, còn trong hộp thư",
                "the message is over {} MB, so its files were not downloaded; they are in the mailbox",
                MESSAGE_AT_MOST >> 20
            ),
            Why::TooMany(n) => {
                return say!(
                    lang,
                    "{n} tệp nữa ({} MB): quá {FILES_AT_MOST} tệp một thư, còn trong hộp thư",
                    "{n} more files ({} MB): over {FILES_AT_MOST} in one message, left in the mailbox",
                    mb(self.size)
                );
            }
            Why::NotWritten(e) => say!(lang, "không ghi được: {e}", "could not be written: {e}"),
        };
        if self.name.is_empty() {
            format!("({} MB): {why}", mb(self.size))
        } else {
            format!("{} ({} MB): {why}", self.name, mb(self.size))
        }
    }
}
