//! Paper (SPEC, "Phones and paper"): the status workbook renders legibly in
//! LibreOffice, as Excel renders it. LibreOffice does not fit a wrapped
//! row's height itself, so before dondoc sized the rows, its PDF drew each
//! long title over the rows below it. The real binary writes the workbook
//! of the shipped config (46 agencies, the long names of a province's
//! forces), LibreOffice converts it to PDF, and `pdftotext -layout` must
//! find every agency's name whole on one line and every row's text apart.
//!
//! Needs LibreOffice (`soffice`) and poppler's `pdftotext`; without them
//! the test says so and passes, unless `DONDOC_REQUIRE_LIBREOFFICE=1` (as
//! `.ci/run` sets).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::{dondoc, example_copy};
use serde_json::Value;

/// Whether `soffice` and `pdftotext` run here.
fn tools() -> bool {
    let runs = |tool: &str, arg: &str| {
        Command::new(tool)
            .arg(arg)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let ok = runs("soffice", "--version") && runs("pdftotext", "-v");
    if !ok {
        assert!(
            std::env::var_os("DONDOC_REQUIRE_LIBREOFFICE").is_none(),
            "LibreOffice (soffice) and pdftotext are required"
        );
        eprintln!("SKIPPED: LibreOffice (soffice) or pdftotext not available");
    }
    ok
}

/// `soffice --headless --convert-to pdf FILE`, in a profile of its own.
fn to_pdf(file: &Path, out: &Path) -> std::path::PathBuf {
    let profile = format!("-env:UserInstallation=file://{}/profile", out.display());
    let run = Command::new("soffice")
        .args([
            profile.as_str(),
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(out)
        .arg(file)
        .output()
        .unwrap();
    let pdf = out.join(file.with_extension("pdf").file_name().unwrap());
    assert!(
        pdf.exists(),
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    pdf
}

/// Every agency's name by id, from `agencies.toml`.
fn agency_names(cfg: &Path) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(cfg.join("agencies.toml")).unwrap();
    let doc: toml::Value = toml::from_str(&text).unwrap();
    doc["agency"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["id"].as_str().unwrap().to_string(),
                a["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn the_status_workbook_prints_legibly_in_libreoffice() {
    if !tools() {
        return;
    }
    let dir = example_copy("config", "vi");
    let cfg = dir.path().to_str().unwrap();
    // A late submission with a long note, so that a row grows for its note.
    let note = "Đơn vị gửi qua hệ thống quản lý văn bản ngày 01/7/2025, kèm biểu \
                số liệu; đã gọi điện nhắc hai lần trước đó, văn thư hẹn bổ sung phụ lục";
    let out = dondoc(&[
        "--config",
        cfg,
        "submit",
        "--plan",
        "3212/KH-UBND",
        "--obligation",
        "bao-cao-6-thang",
        "--period",
        "6 tháng đầu năm 2025",
        "--agency",
        "Sở Tài chính",
        "--on",
        "01/07/2025 10:00",
        "--ref",
        "215/BC-STC",
        "--note",
        note,
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    let at = "22/12/2025 09:00";
    let xlsx = dir.path().join("tinh-hinh.xlsx");
    let out = dondoc(&[
        "--config",
        cfg,
        "status",
        "--at",
        at,
        "--format",
        "xlsx",
        "--output",
        xlsx.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    let pdf = to_pdf(&xlsx, &dir.path().join("lo"));
    // Kept for a look (`pdftoppm -png -r 60`): target/tmp/print/.
    let keep = Path::new(env!("CARGO_TARGET_TMPDIR")).join("print");
    std::fs::create_dir_all(&keep).unwrap();
    std::fs::copy(&pdf, keep.join("status.pdf")).unwrap();
    let text = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    let lines: Vec<String> = text
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();

    // Every agency the workbook lists, its name whole on a line.
    let out = dondoc(&["--config", cfg, "status", "--at", at, "--format", "json"]);
    assert!(out.status.success(), "{}", out.stderr);
    let pairs: Vec<Value> = serde_json::from_str(&out.stdout).unwrap();
    let names = agency_names(dir.path());
    let listed: std::collections::BTreeSet<&str> = pairs
        .iter()
        .map(|p| p["agency"].as_str().unwrap())
        .collect();
    assert!(listed.len() >= 40, "{listed:?}");
    for id in &listed {
        let name = &names[*id];
        assert!(
            lines.iter().any(|l| l.contains(name.as_str())),
            "{name} is not whole on one line:\n{text}"
        );
    }
    assert!(
        lines
            .iter()
            .any(|l| l.contains("Hải đoàn 32 - Bộ Tư lệnh Vùng Cảnh sát biển 3")),
        "the longest name on one line:\n{text}"
    );
    // Each row's text apart from the next: every row of the six-month
    // report starts its title on a line of its own, once.
    let six_months = pairs
        .iter()
        .filter(|p| p["obligation"] == "bao-cao-6-thang")
        .count();
    let starts = lines
        .iter()
        .filter(|l| l.contains("3212/KH-UBND Báo cáo 06 tháng về tình hình"))
        .count();
    assert_eq!(starts, six_months, "{text}");
    // The note, whole, over the lines its row was given.
    let words = lines.join(" ");
    for part in [
        "Đơn vị gửi qua hệ thống",
        "hẹn bổ sung phụ lục",
        "215/BC-STC",
    ] {
        assert!(words.contains(part), "{part}:\n{text}");
    }
    // A4 landscape, the header row on every page of a plan's sheet.
    let info = Command::new("pdfinfo").arg(&pdf).output();
    if let Ok(info) = info {
        let info = String::from_utf8_lossy(&info.stdout);
        assert!(info.contains("841.") && info.contains("x 595"), "{info}");
        let pages: usize = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .map(|n| n.trim().parse().unwrap())
            .unwrap();
        let headers = lines
            .iter()
            .filter(|l| l.starts_with("Kế hoạch Nội dung Kỳ Hạn nộp Đơn vị"))
            .count();
        assert_eq!(
            headers,
            pages - 1,
            "one summary page, then a header per page"
        );
    }
}
