//! `dondoc inbox` and `dondoc inbox show ID`: the proposals waiting (or
//! all), as a table or JSON, and one proposal in full, with the mailbox's
//! health.

use serde::Serialize;

use super::{Args, ListFormat};
use crate::cli::CliError;
use crate::config::Config;
use crate::dates;
use crate::lang::{Lang, say};
use crate::ledger::inbox::Proposal;
use crate::output::proposal;

/// A proposal as `inbox --format json` lists it (SPEC's keys, then ours).
#[derive(Serialize)]
struct Row<'a> {
    id: i64,
    agency: &'a str,
    items: Vec<Item<'a>>,
    received: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<&'a str>,
    from: &'a str,
    subject: &'a str,
    certain: bool,
    /// Why it is not certain, in the reader's language.
    doubts: Vec<String>,
    state: &'a str,
    files: Vec<&'a str>,
    /// The attachments not kept, and why.
    left_out: Vec<String>,
}

#[derive(Serialize)]
struct Item<'a> {
    plan: &'a str,
    obligation: &'a str,
    period: String,
}

pub(super) fn show(
    config: &Config,
    ledger: &crate::ledger::Ledger,
    id: i64,
    lang: Lang,
) -> Result<(), CliError> {
    let Some(p) = ledger.proposal(id).map_err(anyhow::Error::from)? else {
        return Err(CliError::Usage(say!(
            lang,
            "không có đề xuất số {id}; xem danh sách: dondoc inbox --all",
            "no proposal {id}; see the list: dondoc inbox --all"
        )));
    };
    let state = match p.state.as_str() {
        "open" => say!(lang, "đang chờ", "waiting"),
        "accepted" => say!(lang, "đã ghi nhận", "accepted"),
        _ => say!(lang, "đã bỏ", "rejected"),
    };
    let doubts = proposal::doubts(&p, lang);
    let certainty = match doubts.is_empty() {
        true => say!(
            lang,
            "trả lời thư nhắc, từ địa chỉ của đơn vị",
            "a reply to a reminder, from the agency's address"
        ),
        false => say!(
            lang,
            "chưa chắc chắn: {}",
            "uncertain: {}",
            doubts.join("; ")
        ),
    };
    let name = config.agency_name(&p.agency);
    println!(
        "{} {id} ({state}; {certainty})",
        say!(lang, "Đề xuất", "Proposal")
    );
    println!("{}: {name} ({})", say!(lang, "Đơn vị", "Agency"), p.agency);
    println!("{}: {}", say!(lang, "Từ", "From"), p.sender);
    if let Some(at) = proposal::received(config, &p) {
        println!("{}: {at}", say!(lang, "Ngày thư", "Sent"));
    }
    println!("{}: {}", say!(lang, "Tiêu đề", "Subject"), p.subject);
    if let Some(r) = &p.reference {
        println!("{}: {r}", say!(lang, "Số, ký hiệu", "Number"));
    }
    println!("{}:", say!(lang, "Ghi nhận đã nộp", "Records as submitted"));
    for i in proposal::items(config, &p) {
        println!(
            "  - {}, {} {} ({}/{} {})",
            i.title,
            say!(lang, "kỳ", "period"),
            i.period_name,
            i.plan,
            i.obligation,
            i.period
        );
    }
    for f in &p.files {
        println!(
            "{}: {} ({} KB) — {}",
            say!(lang, "Tệp", "File"),
            f.path,
            f.size.div_ceil(1024),
            f.name
        );
    }
    for l in proposal::left_out(&p, lang) {
        println!("{}: {l}", say!(lang, "Tệp không lưu", "File not kept"));
    }
    if let Some(text) = p.text.as_deref().filter(|t| !t.trim().is_empty()) {
        println!("\n{}", text.trim_end());
    }
    Ok(())
}

pub(super) fn list(
    config: &Config,
    ledger: &crate::ledger::Ledger,
    args: &Args,
    lang: Lang,
) -> Result<(), CliError> {
    let proposals: Vec<Proposal> = ledger.proposals(!args.all).map_err(anyhow::Error::from)?;
    let tz = &config.settings.timezone;
    let rows = proposals.iter().map(|p| Row {
        id: p.id,
        agency: &p.agency,
        items: p
            .items
            .iter()
            .map(|(plan, obligation, period)| Item {
                plan,
                obligation,
                period: period.to_string(),
            })
            .collect(),
        received: p.received.map(|t| crate::output::rfc3339(t, tz)),
        reference: p.reference.as_deref(),
        from: &p.sender,
        subject: &p.subject,
        certain: p.certain,
        doubts: proposal::doubts(p, lang),
        state: &p.state,
        files: p.files.iter().map(|f| f.path.as_str()).collect(),
        left_out: proposal::left_out(p, lang),
    });
    if args.format == ListFormat::Json {
        return crate::cli::print_json_rows(rows);
    }
    let mut t = crate::cli::table(&match lang {
        Lang::Vi => [
            "Số",
            "Đơn vị",
            "Nội dung, kỳ",
            "Thư ngày",
            "Số, ký hiệu",
            "Tiêu đề thư",
            "Tệp",
        ],
        Lang::En => [
            "ID", "Agency", "Items", "Received", "Number", "Subject", "Files",
        ],
    });
    for p in &proposals {
        let name = config.agency_name(&p.agency);
        let items: Vec<String> = p
            .items
            .iter()
            .map(|(plan, ob, period)| format!("{plan}/{ob} {}", dates::vn(*period)))
            .collect();
        let received = proposal::received(config, p).unwrap_or_default();
        let id = match p.certain {
            true => p.id.to_string(),
            false => format!(
                "{}\n{}",
                p.id,
                say!(lang, "(chưa chắc chắn)", "(uncertain)")
            ),
        };
        t.add_row(vec![
            id,
            name.to_string(),
            items.join("\n"),
            received,
            p.reference.clone().unwrap_or_default(),
            p.subject.clone(),
            p.files
                .iter()
                .map(|f| f.path.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        ]);
    }
    println!("{t}");
    for p in proposals.iter().filter(|p| !p.certain) {
        println!(
            "{}",
            say!(
                lang,
                "Đề xuất {} chưa chắc chắn ({}); đọc thư trước khi ghi nhận.",
                "Proposal {} is uncertain ({}); read it before accepting.",
                p.id,
                proposal::doubts(p, lang).join("; ")
            )
        );
    }
    if let Some(h) = ledger.inbox_health().map_err(anyhow::Error::from)? {
        let when = |t: jiff::Timestamp| {
            let z = t.to_zoned(config.settings.timezone.clone());
            dates::vn_time(&z)
        };
        if let Some(at) = h.read_at {
            println!(
                "{}",
                match h.mode.as_deref().filter(|_| h.error.is_none()) {
                    None => say!(
                        lang,
                        "Hộp thư đọc được lần cuối lúc {}",
                        "Mailbox last read at {}",
                        when(at)
                    ),
                    Some("idle") => say!(
                        lang,
                        "Hộp thư đọc lần cuối lúc {}; đang chờ thư mới (IMAP IDLE)",
                        "Mailbox read at {}; waiting for new mail (IMAP IDLE)",
                        when(at)
                    ),
                    _ => say!(
                        lang,
                        "Hộp thư đọc lần cuối lúc {} (5 phút một lần)",
                        "Mailbox read at {} (every 5 minutes)",
                        when(at)
                    ),
                }
            );
        }
        if let (Some(error), Some(at)) = (&h.error, h.error_at) {
            println!(
                "{}",
                say!(
                    lang,
                    "Không đọc được hộp thư lúc {} ({} lần liên tiếp): {error}",
                    "Cannot read the mailbox (last try {}, {} in a row): {error}",
                    when(at),
                    h.failures
                )
            );
        }
    }
    println!(
        "{}",
        say!(
            lang,
            "{} đề xuất{}; đọc thư: dondoc inbox show SỐ, ghi nhận: dondoc inbox accept SỐ…, bỏ: dondoc inbox reject SỐ…",
            "{} proposals{}; read one: dondoc inbox show ID, record: dondoc inbox accept ID…, drop: dondoc inbox reject ID…",
            proposals.len(),
            if args.all {
                String::new()
            } else {
                say!(lang, " đang chờ", " waiting")
            }
        )
    );
    Ok(())
}
