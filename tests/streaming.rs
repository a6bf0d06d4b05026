//! `status --format json|csv`, `calendar` and `preview --format json` write
//! row by row (constant memory in the number of pairs); what they write is
//! what the code wrote when it built the whole document first: the golden
//! files were made by that code, on the shipped config with submissions, a
//! waiver and an extension recorded. (The status JSON golden was re-made when
//! rows gained `recorded_by`; checked equal to the old one without that key.)

mod common;

use std::fs;
use std::path::Path;

use common::{copy_tree, dondoc, golden};

fn shipped_with_records() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(Path::new("config"), dir.path());
    let _ = fs::remove_dir_all(dir.path().join("examples"));
    let main = dir.path().join("dondoc.toml");
    let text = fs::read_to_string(&main)
        .unwrap()
        .replace("database = \"../var/dondoc.db\"", "database = \"state/db\"");
    fs::write(&main, text).unwrap();
    let cfg = dir.path().to_str().unwrap().to_string();
    let csv = dir.path().join("nop.csv");
    fs::write(
        &csv,
        "plan,obligation,period,agency,submitted_on,ref,note\n\
         khanh-hoa-2025,kien-toan-bcd,29/04/2025,cong-an-tinh,28/04/2025,125/QĐ-BCĐ,\n\
         khanh-hoa-2025,bao-cao-6-thang,14/06/2025,so-y-te,16/06/2025 09:30,88/BC-SYT,\"gửi qua hệ thống, bản giấy sau\"\n\
         khanh-hoa-2025,bao-cao-6-thang,14/06/2025,so-tu-phap,20/06/2025,41/BC-STP,\"trễ; có \"\"lý do\"\"\"\n",
    )
    .unwrap();
    let out = dondoc(&["--config", &cfg, "import", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", out.stderr);
    let pair = [
        "--plan",
        "khanh-hoa-2025",
        "--obligation",
        "bao-cao-6-thang",
        "--period",
        "14/06/2025",
    ];
    let out = dondoc(
        &[
            &["--config", &cfg, "exempt"],
            &pair[..],
            &["--agency", "so-xay-dung", "--note", "sáp nhập"],
        ]
        .concat(),
    );
    assert!(out.status.success(), "{}", out.stderr);
    let out = dondoc(
        &[
            &["--config", &cfg, "extend"],
            &pair[..],
            &["--agency", "so-noi-vu", "--to", "30/06/2025"],
        ]
        .concat(),
    );
    assert!(out.status.success(), "{}", out.stderr);
    (dir, cfg)
}

#[test]
fn streamed_json_and_csv_are_the_rows_the_whole_document_had() {
    let (_dir, cfg) = shipped_with_records();
    let status = |format: &str| {
        let out = dondoc(&[
            "--config",
            &cfg,
            "status",
            "--at",
            "22/12/2025 08:00",
            "--format",
            format,
        ]);
        assert!(out.status.success(), "{}", out.stderr);
        out.stdout
    };
    let json = status("json");
    let golden_json = Path::new("tests/golden/status-config-2025-12-22.json");
    if std::env::var_os("DONDOC_BLESS").is_some() {
        fs::write(golden_json, &json).unwrap();
    }
    // One JSON array, equal row by row to the golden one.
    let got: serde_json::Value = serde_json::from_str(&json).unwrap();
    let want: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(golden_json).unwrap()).unwrap();
    assert_eq!(got.as_array().unwrap().len(), 70);
    assert_eq!(got, want);
    golden("status-config-2025-12-22.csv", &status("csv"));
}

/// `calendar` and `preview` in JSON are streamed too: the same values as the
/// whole documents the code printed before (goldens made by that code).
#[test]
fn streamed_calendar_and_preview_are_the_documents_they_were() {
    let (_dir, cfg) = shipped_with_records();
    let run = |args: &[&str]| {
        let out = dondoc(&[&["--config", cfg.as_str()][..], args].concat());
        assert!(out.status.success(), "{}", out.stderr);
        out.stdout
    };
    let cases = [
        (
            "calendar-config-2025-12-22.json",
            run(&["calendar", "--at", "22/12/2025 08:00", "--format", "json"]),
        ),
        (
            "preview-config-2025-12-15.json",
            run(&["preview", "--at", "15/12/2025 08:00", "--format", "json"]),
        ),
    ];
    for (name, json) in cases {
        let path = Path::new("tests/golden").join(name);
        if std::env::var_os("DONDOC_BLESS").is_some() {
            fs::write(&path, &json).unwrap();
        }
        let got: serde_json::Value = serde_json::from_str(&json).unwrap();
        let want: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
        assert!(!got.as_array().unwrap().is_empty(), "{name}");
        assert_eq!(got, want, "{name}");
    }
}
