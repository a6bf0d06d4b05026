//! The office's language: without `--lang`, what a clerk reads is Vietnamese
//! — confirmations, summaries, errors about a row or a date, step names;
//! `--lang en` or `DONDOC_LANG=en` switch to English. JSON is the same in both.

mod common;

use common::records::{PAIR, csv, setup, two_agency_config};
use common::{dondoc_in, fixture_config};

fn vi(args: &[&str]) -> common::Output {
    dondoc_in(&[], args)
}

#[test]
fn a_clerks_day_reads_in_vietnamese() {
    let (_dir, cfg) = setup();
    let submit = |extra: &[&str]| vi(&[&["--config", &cfg, "submit"], &PAIR[..], extra].concat());
    // Due Tuesday 29/04/2025; sent Friday 02/05 (30/04 and 01/05 are holidays): 3 days late.
    let out = submit(&["--on", "02/05/2025 09:00", "--ref", "125/BC-SYT"]);
    assert!(out.status.success(), "{}", out.stderr);
    assert_eq!(
        out.stdout.trim(),
        "đã ghi nhận: Sở Y tế — Báo cáo, kỳ 29/04/2025 (Kế hoạch số 1/KH-UBND), nộp 02/05/2025 09:00, số 125/BC-SYT — nộp muộn 3 ngày (hạn 29/04/2025)"
    );
    let out = submit(&["--on", "29/04/2025"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("đơn vị này đã có bản nộp cho kỳ này"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("thêm --replace"), "{}", out.stderr);
    let out = submit(&["--on", "29/04/2025", "--replace"]);
    assert!(
        out.stdout.starts_with("đã thay: ") && out.stdout.contains("đúng hạn (hạn 29/04/2025)"),
        "{}",
        out.stdout
    );

    let pair = &PAIR[..];
    let out = vi(&[&["--config", &cfg, "exempt"], pair, &["--note", "sáp nhập"]].concat());
    assert_eq!(
        out.stdout.trim(),
        "đã miễn nộp: Sở Y tế — Báo cáo, kỳ 29/04/2025 (Kế hoạch số 1/KH-UBND)"
    );
    let out = vi(&[&["--config", &cfg, "extend"], pair, &["--to", "15/05/2025"]].concat());
    assert_eq!(
        out.stdout.trim(),
        "đã gia hạn Sở Y tế — Báo cáo, kỳ 29/04/2025 (Kế hoạch số 1/KH-UBND): hạn 29/04/2025 → 15/05/2025"
    );
    let out = vi(&[&["--config", &cfg, "unsubmit"], pair].concat());
    assert_eq!(
        out.stdout.trim(),
        "đã xóa bản nộp của Sở Y tế — Báo cáo, kỳ 29/04/2025 (Kế hoạch số 1/KH-UBND)"
    );

    let out = vi(&["--config", &cfg, "check"]);
    assert!(
        out.stdout
            .starts_with("OK: 2 đơn vị, 1 kế hoạch, 1 nội dung;"),
        "{}",
        out.stdout
    );
    let out = vi(&[
        "--config",
        &cfg,
        "calendar",
        "--from",
        "01/01/2025",
        "--to",
        "31/12/2025",
    ]);
    assert!(
        out.stdout.contains("1 kỳ, 1 lượt phải nộp"),
        "{}",
        out.stdout
    );
    let out = vi(&["--config", &cfg, "holidays", "--year", "2031"]);
    assert!(
        out.stdout
            .contains("ngày nghỉ năm 2031, theo quy tắc có sẵn"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("DỰ KIẾN"), "{}", out.stdout);
    // The status table in both languages.
    let out = vi(&["--config", &cfg, "status", "--at", "20/05/2025"]);
    assert!(
        out.stdout
            .contains("Tình hình lúc 20/05/2025 00:00: 1 lượt phải nộp"),
        "{}",
        out.stdout
    );
    // Still exempt (the waiver above), and extended.
    assert!(
        out.stdout.contains("miễn nộp (gia hạn đến 15/05/2025)"),
        "{}",
        out.stdout
    );
    let out = dondoc_in(
        &["--lang", "en"],
        &["--config", &cfg, "status", "--at", "20/05/2025"],
    );
    assert!(
        out.stdout
            .contains("As of 20/05/2025 00:00: 1 submissions owed"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("(extended to 15/05/2025)") && out.stdout.contains("Agency"),
        "{}",
        out.stdout
    );
    let out = vi(&["--config", &cfg, "tick", "--at", "24/04/2025 08:00"]);
    assert!(
        out.stdout.starts_with("lượt gửi 24/04/2025 08:00: "),
        "{}",
        out.stdout
    );
}

#[test]
fn imports_say_what_went_in_and_what_is_wrong_in_vietnamese() {
    let (dir, cfg) = two_agency_config();
    let file = csv(
        dir.path(),
        &[
            "p,bao-cao,29/04/2025,so-y-te,29/04/2025,,",
            "p,bao-cao,29/04/2025,so-y-tee,29/04/2025,,",
        ],
    );
    let out = vi(&["--config", &cfg, "import", &file]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "nop.csv: dòng 3, cột D (agency): không có đơn vị \"so-y-tee\"; có phải là \"so-y-te\"?"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("1 dòng lỗi; chưa nhập dòng nào"),
        "{}",
        out.stderr
    );
    let file = csv(dir.path(), &["p,bao-cao,29/04/2025,so-y-te,29/04/2025,,"]);
    let out = vi(&["--config", &cfg, "import", &file]);
    assert!(
        out.stdout
            .contains("đã nhập 1 dòng: 1 mới, 0 thay thế, 0 đã có (không đổi)"),
        "{}",
        out.stdout
    );
    let out = vi(&["--config", &cfg, "import", &file]);
    assert!(
        out.stdout
            .contains("không có gì mới; cả 1 dòng đã được ghi nhận từ trước"),
        "{}",
        out.stdout
    );
    // English on request, by option or by environment.
    let out = dondoc_in(&["--lang", "en"], &["--config", &cfg, "import", &file]);
    assert!(
        out.stdout
            .contains("nothing to import; all 1 rows are already recorded"),
        "{}",
        out.stdout
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dondoc"))
        .args(["--config", &cfg, "import", &file])
        .env("DONDOC_LANG", "en")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing to import"));
}

/// Where a clerk slips: a date a month ahead, a date before the plan was
/// issued, a year typed wrong, an agency id with a typo, --from after --to.
#[test]
fn slips_are_caught_with_a_way_out() {
    let dir = fixture_config(None);
    let plan = dir.path().join("plans/p.toml");
    let text = std::fs::read_to_string(&plan).unwrap();
    std::fs::write(
        &plan,
        text.replace(
            "title = \"Kế hoạch\"\n",
            "title = \"Kế hoạch\"\nissued = \"20/03/2025\"\n",
        ),
    )
    .unwrap();
    let cfg = dir.path().to_str().unwrap();
    let submit = |on: &str, extra: &[&str]| {
        vi(&[
            &["--config", cfg, "submit"],
            &PAIR[..],
            &["--on", on],
            extra,
        ]
        .concat())
    };
    let ahead = jiff::Zoned::now()
        .date()
        .checked_add(jiff::Span::new().days(30))
        .unwrap();
    let ahead = format!("{:02}/{:02}/{}", ahead.day(), ahead.month(), ahead.year());
    let out = submit(&ahead, &[]);
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert!(
        out.stderr.contains("là ngày trong tương lai"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("thêm --force"), "{}", out.stderr);
    assert!(submit(&ahead, &["--force"]).status.success());
    // The plan was issued 20/03/2025.
    let out = submit("10/03/2025", &["--replace"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("trước ngày ban hành kế hoạch (20/03/2025)"),
        "{}",
        out.stderr
    );
    let out = submit("29/04/0025", &["--replace", "--force"]);
    assert_eq!(out.code, 2, "--force does not take a year before 2000");
    assert!(
        out.stderr
            .contains("\"29/04/0025\" nằm ngoài khoảng ngày dondoc nhận (từ 01/01/2000"),
        "{}",
        out.stderr
    );

    let out = vi(&[
        "--config",
        cfg,
        "submit",
        "--plan",
        "p",
        "--obligation",
        "bao-cao",
        "--period",
        "29/04/2025",
        "--agency",
        "so-y-tee",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("có phải là \"so-y-te\"?"),
        "{}",
        out.stderr
    );
    let out = vi(&["--config", cfg, "status", "--agency", "so-yte"]);
    assert!(
        out.stderr.contains("có phải là \"so-y-te\"?"),
        "{}",
        out.stderr
    );
    let out = vi(&[
        "--config",
        cfg,
        "calendar",
        "--from",
        "31/12/2025",
        "--to",
        "01/01/2025",
    ]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("--from 31/12/2025 sau --to 01/01/2025"),
        "{}",
        out.stderr
    );
}
