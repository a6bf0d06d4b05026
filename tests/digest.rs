//! The leadership's digest (`preview --digest`, the same rendering the
//! daemon queues) on the shipped examples, against golden files (set
//! `DONDOC_BLESS=1` to rewrite them after a deliberate change and review the
//! diff), with the rules checked by hand.

mod common;

use std::fs;

use common::{dondoc, golden};

fn example(name: &str) -> (tempfile::TempDir, String) {
    let dir = common::example_copy(&format!("config/examples/{name}"), "vi");
    let cfg = dir.path().to_str().unwrap().to_string();
    (dir, cfg)
}

fn digest(cfg: &str, at: &str) -> String {
    let out = dondoc(&["--config", cfg, "preview", "--digest", "--at", at]);
    assert!(out.status.success(), "{}", out.stderr);
    out.stdout
}

/// Ninh Bình on Thursday 29/06/2023: the units' reports are due Friday 30/06
/// (3 of 26 in), Công an tỉnh's upward report Friday 07/07 — listed right
/// after what feeds it, with its inputs.
#[test]
fn a_chain_is_read_together_in_the_digest() {
    let (dir, cfg) = example("ninh-binh-2023");
    let csv = dir.path().join("nop.csv");
    fs::write(
        &csv,
        "kế hoạch;nội dung;kỳ;đơn vị;ngày nộp\n\
         ninh-binh-thang-hanh-dong-2023;bao-cao-ket-qua;02/07/2023;so-y-te;27/06/2023\n\
         ninh-binh-thang-hanh-dong-2023;bao-cao-ket-qua;02/07/2023;so-gddt;28/06/2023\n\
         ninh-binh-thang-hanh-dong-2023;bao-cao-ket-qua;02/07/2023;ubnd-h-kim-son;28/06/2023 16:00\n",
    )
    .unwrap();
    let out = dondoc(&["--config", &cfg, "import", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", out.stderr);
    let text = digest(&cfg, "29/06/2023 07:30");
    golden("digest-ninh-binh-2023-06-29.txt", &text);
    let units = text.find("- Báo cáo kết quả hưởng ứng").unwrap();
    let upward = text.find("   ↳ Báo cáo tổng hợp kết quả").unwrap();
    assert!(units < upward, "{text}");
    // Due by the law: the end of Monday 03/07 (02/07, the letter's last day, is a Sunday).
    assert!(text.contains("hạn 03/07/2023: đã nộp 3/26."), "{text}");
    // No command line for the leaders to type, and the one word per state.
    assert!(
        !text.contains("dondoc ") && !text.contains("sau hạn"),
        "{text}"
    );
    assert!(
        text.contains("đã nhận 3/26 báo cáo của các đơn vị"),
        "{text}"
    );
}

/// Khánh Hòa on Monday 22/12/2025: 46 agencies owe reports, most of them the
/// same two; the digest stays one screen: agencies with equal figures are
/// named together, reports overdue past `stop_after_days` (60) are counted
/// ("đã thôi nhắc"), not listed, and dissolved districts name their successors.
#[test]
fn the_digest_is_one_screen_however_many_agencies_are_late() {
    let (_dir, cfg) = example("khanh-hoa-2025");
    let text = digest(&cfg, "22/12/2025 07:30");
    golden("digest-khanh-hoa-2025-12-22.txt", &text);
    assert!(
        text.lines().count() <= 40,
        "{} lines:\n{text}",
        text.lines().count()
    );
    assert!(text.contains("70 lượt, của 46 cơ quan, đơn vị"), "{text}");
    // The June report (189 days) and kiện toàn (237 days) are past 60 days.
    assert!(text.contains("1. 24 đơn vị, mỗi đơn vị 2 báo cáo quá hạn, lâu nhất 189 ngày (1 quá hạn lâu, đã thôi nhắc tự động): Bộ Chỉ huy Bộ đội Biên phòng tỉnh, Bộ Chỉ huy Quân sự tỉnh,"), "{text}");
    assert!(
        text.contains(
            // The office's parent is never reminded (`remind = false`): counted, not "đã thôi nhắc".
            "2. 1 báo cáo quá hạn, lâu nhất 237 ngày: Công an tỉnh."
        ),
        "{text}"
    );
    assert!(
        text.contains("UBND huyện Trường Sa (nay là UBND đặc khu Trường Sa)"),
        "{text}"
    );
    // Only the year's report (7 days) is still chased.
    assert!(
        text.contains("kỳ năm 2025, hạn 15/12/2025): 36 đơn vị chưa nộp, quá hạn đến 7 ngày."),
        "{text}"
    );
}

/// With `[web] base_url`, the digest links to the console's printable list
/// of who has not sent (`/leaders/late`), once, after the agencies that
/// owe; without it, no link (a loopback address means nothing in a mailbox).
#[test]
fn the_digest_links_to_the_printable_late_list_when_the_console_is_public() {
    let (dir, cfg) = example("khanh-hoa-2025");
    let main = dir.path().join("dondoc.toml");
    let text = fs::read_to_string(&main).unwrap();
    fs::write(
        &main,
        format!(
            "{text}\n[web]\nlisten = \"127.0.0.1:8138\"\nusers = \"users.toml\"\n\
             base_url = \"https://dondoc.example.gov.vn/\"\n"
        ),
    )
    .unwrap();
    let with = digest(&cfg, "22/12/2025 07:30");
    let line = "Danh sách đơn vị chưa gửi báo cáo, để in gửi kèm văn bản đôn đốc: \
                https://dondoc.example.gov.vn/leaders/late\n\nII. BÁO CÁO QUÁ HẠN";
    assert_eq!(with.matches("/leaders/late").count(), 1, "{with}");
    assert!(with.contains(line), "{with}");
    fs::write(&main, text).unwrap();
    let without = digest(&cfg, "22/12/2025 07:30");
    assert!(!without.contains("/leaders/late"), "{without}");
}
