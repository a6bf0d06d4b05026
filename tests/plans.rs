//! Plans as offices write them, through the real binary: agencies that
//! dissolve, and reports built from other reports (chains).

mod common;

use common::{dondoc, dondoc_in, preview_json, reminder_config};
use serde_json::Value;

/// The 2025 reform: UBND huyện Diên Khánh ends on 30/06/2025, its work taken
/// over by UBND xã Diên Khánh from 01/07. A report due Friday 27/06 is owed
/// by the district only; it is reminded on 27/06 ("due") but not on
/// Wednesday 02/07 (overdue-1, after the district is gone), and `status`
/// keeps it overdue, naming the successor.
#[test]
fn a_dissolved_agency_is_not_chased_and_its_successor_is_named() {
    let dir = reminder_config("[mail]\noutbox = \"state/outbox\"\n");
    let cfg = dir.path().to_str().unwrap().to_string();
    std::fs::write(
        dir.path().join("agencies.toml"),
        r#"
[[agency]]
id = "ubnd-huyen-dien-khanh"
name = "UBND huyện Diên Khánh"
email = ["vanthu@dienkhanh.example.gov.vn"]
groups = ["dia-phuong"]
active_until = 2025-06-30
successors = ["ubnd-xa-dien-khanh"]

[[agency]]
id = "ubnd-xa-dien-khanh"
name = "UBND xã Diên Khánh"
email = ["vanthu@xa-dienkhanh.example.gov.vn"]
groups = ["dia-phuong"]
active_from = 2025-07-01
"#,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("plans/kh-2025.toml"),
        "[plan]\nid = \"kh-2025\"\nnumber = \"3212/KH-UBND\"\ntitle = \"Kế hoạch\"\nissued = \"20/03/2025\"\n\n\
         [[obligation]]\nid = \"bao-cao\"\ntitle = \"Báo cáo 6 tháng\"\nagencies = [\"@dia-phuong\"]\n\
         due = \"27/06/2025\"\n",
    )
    .unwrap();
    let items = |at: &str| -> Vec<(String, String)> {
        preview_json(&cfg, at)
            .iter()
            .flat_map(|e| {
                let agency = e["agency"].as_str().unwrap().to_string();
                e["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(move |i| (agency.clone(), i["step"].as_str().unwrap().to_string()))
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    assert_eq!(
        items("27/06/2025 08:00"),
        [("ubnd-huyen-dien-khanh".to_string(), "due".to_string())]
    );
    assert!(items("02/07/2025 08:00").is_empty(), "dissolved on 30/06");
    let out = dondoc_in(
        &[],
        &["--config", &cfg, "status", "--at", "02/07/2025 08:00"],
    );
    assert!(
        out.stdout
            .contains("UBND huyện Diên Khánh (nay là UBND xã Diên Khánh)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("┆ quá hạn "), "{}", out.stdout);
}

/// Ninh Bình, Tháng hành động 2023, a two-tier chain: 30 units report to the
/// office *trước ngày 03/7/2023* (scheduled Sunday 02/07, due Monday 03/07);
/// Công an tỉnh reports upward by Monday 10/07, `after` the units. With 12 of
/// the 30 unit reports received, the upward reminder on 10/07 says so, and
/// its status rows carry the same inputs; a waived unit is not owed.
#[test]
fn an_upward_report_carries_the_progress_of_what_feeds_it() {
    let dir = reminder_config("[mail]\noutbox = \"state/outbox\"\n");
    let cfg = dir.path().to_str().unwrap().to_string();
    let mut agencies = String::from(
        "[[agency]]\nid = \"cong-an-tinh\"\nname = \"Công an tỉnh Ninh Bình\"\nemail = [\"vanthu@ca.example.gov.vn\"]\n\n",
    );
    for i in 0..30 {
        agencies.push_str(&format!(
            "[[agency]]\nid = \"don-vi-{i:02}\"\nname = \"Đơn vị {i}\"\nemail = [\"vt{i}@dv.example.gov.vn\"]\ngroups = [\"don-vi\"]\n\n"
        ));
    }
    std::fs::write(dir.path().join("agencies.toml"), agencies).unwrap();
    std::fs::write(
        dir.path().join("plans/kh-2025.toml"),
        r#"[plan]
id = "thang-hanh-dong"
number = "85/KH-UBND"
title = "Kế hoạch Tháng hành động phòng, chống ma túy năm 2023"
issued = "05/06/2023"

[[obligation]]
id = "bao-cao-don-vi"
title = "Báo cáo kết quả Tháng hành động của các đơn vị"
agencies = ["@don-vi"]
before = "03/07/2023"

[[obligation]]
id = "bao-cao-len"
title = "Báo cáo kết quả Tháng hành động của tỉnh"
agencies = ["cong-an-tinh"]
due = "10/07/2023"
after = "bao-cao-don-vi"
submit_to = "Bộ Công an"
"#,
    )
    .unwrap();
    let mut csv = String::from("plan,obligation,period,agency,submitted_on,ref,note\n");
    for i in 0..12 {
        csv.push_str(&format!(
            "thang-hanh-dong,bao-cao-don-vi,02/07/2023,don-vi-{i:02},03/07/2023,{i}/BC,\n"
        ));
    }
    let file = dir.path().join("nop.csv");
    std::fs::write(&file, csv).unwrap();
    let out = dondoc(&["--config", &cfg, "import", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", out.stderr);

    let emails = preview_json(&cfg, "10/07/2023 08:00");
    let up = emails
        .iter()
        .find(|e| e["agency"] == "cong-an-tinh")
        .expect("a reminder to Công an tỉnh");
    assert_eq!(up["items"][0]["step"], "due");
    assert_eq!(up["items"][0]["inputs"]["submitted"], 12);
    assert_eq!(up["items"][0]["inputs"]["owed"], 30);
    let text = up["text"].as_str().unwrap();
    assert!(
        text.contains("đã nhận 12/30 báo cáo của các đơn vị"),
        "{text}"
    );
    assert!(text.contains("Bộ Công an"), "where it goes: {text}");
    // A unit's item has no inputs.
    let unit = emails.iter().find(|e| e["agency"] == "don-vi-20").unwrap();
    assert_eq!(unit["items"][0]["inputs"], Value::Null);

    // Waived units are not owed: 12 of 29.
    let out = dondoc(&[
        "--config",
        &cfg,
        "exempt",
        "--plan",
        "thang-hanh-dong",
        "--obligation",
        "bao-cao-don-vi",
        "--period",
        "02/07/2023",
        "--agency",
        "don-vi-29",
    ]);
    assert!(out.status.success(), "{}", out.stderr);
    let out = dondoc(&[
        "--config",
        &cfg,
        "status",
        "--at",
        "10/07/2023 08:00",
        "--format",
        "json",
    ]);
    let rows: Vec<Value> = serde_json::from_str(&out.stdout).unwrap();
    let row = rows
        .iter()
        .find(|r| r["obligation"] == "bao-cao-len")
        .unwrap();
    assert_eq!(row["inputs"]["submitted"], 12);
    assert_eq!(row["inputs"]["owed"], 29);
    let unit = rows
        .iter()
        .find(|r| r["obligation"] == "bao-cao-don-vi")
        .unwrap();
    assert_eq!(unit["inputs"], Value::Null);
}
