//! Why a message was left alone, in the reader's language: the reasons
//! [`Meaning::Ignored`](super::matching::Meaning::Ignored) gives are kept in the ledger in English, as codes;
//! this words them for `dondoc inbox read`.

use crate::lang::Lang;

/// Why a message was left alone, as [`Meaning::Ignored`](super::matching::Meaning::Ignored) says it (and the
/// ledger keeps it), in `lang`.
pub fn words(why: &str, lang: Lang) -> String {
    const VI: [(&str, &str); 12] = [
        ("not an email", "không phải là thư điện tử"),
        ("an automatic answer", "thư trả lời tự động"),
        (
            "messages inside messages more than 32 deep",
            "thư lồng trong thư quá 32 tầng",
        ),
        ("more than 100 multipart sections", "thư có hơn 100 phần"),
        (
            "a bounce that names no message",
            "thư báo lỗi không nêu thư nào bị trả lại",
        ),
        (
            "a bounce of a message that is not a reminder",
            "thư báo lỗi của một thư không phải thư nhắc",
        ),
        (
            "a bounce that reports no failed delivery to the agency's own address",
            "thư báo lỗi không báo gửi hỏng tới địa chỉ của đơn vị",
        ),
        ("no sender address", "không có địa chỉ người gửi"),
        (
            "a reply about an agency no longer configured",
            "trả lời thư nhắc của một đơn vị không còn trong cấu hình",
        ),
        (
            "a reply to a reminder from an address that is not the agency's",
            "trả lời thư nhắc nhưng gửi từ địa chỉ không phải của đơn vị",
        ),
        (
            "not a reply to a reminder",
            "không trả lời thư nhắc nào, và không nêu rõ kế hoạch, kỳ báo cáo của một đơn vị \
             chưa nộp",
        ),
        (
            "an address of several agencies naming a plan without replying",
            "địa chỉ dùng chung của nhiều đơn vị, nêu kế hoạch mà không trả lời thư nhắc",
        ),
    ];
    match lang {
        Lang::En => why.to_string(),
        Lang::Vi => VI
            .iter()
            .find(|(en, _)| *en == why)
            .map_or_else(|| why.to_string(), |(_, vi)| (*vi).to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every reason the reader gives has its Vietnamese words.
    #[test]
    fn every_reason_is_worded() {
        let sources = [include_str!("matching.rs"), include_str!("ingest.rs")];
        let mut found = 0;
        for source in sources {
            for part in source.split("Ignored(").skip(1) {
                let Some(start) = part.find('"').filter(|i| part[..*i].trim().is_empty()) else {
                    continue;
                };
                let rest = &part[start + 1..];
                let why = &rest[..rest.find('"').unwrap()];
                found += 1;
                assert_ne!(words(why, Lang::Vi), why, "{why}");
                assert_eq!(words(why, Lang::En), why);
            }
        }
        assert!(found >= 12, "{found}");
    }
}
