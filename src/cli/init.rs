//! `dondoc init DIR --province NAME`: a commented starting configuration for
//! a new province that passes `check` — the office, the usual groups of
//! agencies with placeholders to replace, a plan to copy, and the days off
//! dondoc knows (the announced ones it ships; the next year's built-in days
//! as a commented, provisional block).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::civil::Weekday;

use super::CliError;
use crate::lang::{Lang, say};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The new configuration directory (must not exist, or be empty).
    dir: PathBuf,
    /// The province, as its documents name it (e.g. "Khánh Hòa").
    #[arg(long, value_name = "NAME")]
    province: String,
}

/// The announced days off dondoc ships (`config/holidays.toml`).
const HOLIDAYS: &str = include_str!("../../config/holidays.toml");

/// The plan a new office copies into `plans/`.
const PLAN_TEMPLATE: &str = include_str!("init/plan.toml.example");

pub fn run(args: &Args, lang: Lang) -> Result<(), CliError> {
    let province = args.province.trim();
    if province.is_empty() || province.chars().any(char::is_control) {
        return Err(CliError::Usage(say!(
            lang,
            "--province: ghi tên tỉnh, ví dụ \"Khánh Hòa\"",
            "--province: give the province's name, e.g. \"Khánh Hòa\""
        )));
    }
    if std::fs::read_dir(&args.dir).is_ok_and(|mut d| d.next().is_some()) {
        return Err(CliError::Usage(say!(
            lang,
            "{}: thư mục đã có tệp; chọn một thư mục mới (dondoc init không ghi đè)",
            "{}: the directory is not empty; choose a new one (init never overwrites)",
            args.dir.display()
        )));
    }
    let write = |name: &str, text: &str| -> Result<(), CliError> {
        let path = args.dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(&path, e))?;
        }
        std::fs::write(&path, text).map_err(|e| io(&path, e))
    };
    write("dondoc.toml", &main_file(province))?;
    write("agencies.toml", &agencies_file(province))?;
    write("holidays.toml", &holidays_file())?;
    write("mau-ke-hoach.toml.example", PLAN_TEMPLATE)?;
    std::fs::create_dir_all(args.dir.join("plans")).map_err(|e| io(&args.dir, e))?;
    let dir = args.dir.display();
    println!(
        "{}",
        say!(
            lang,
            "đã tạo {dir}: dondoc.toml, agencies.toml, holidays.toml, plans/ và mau-ke-hoach.toml.example.\n\
             Tiếp theo: sửa [office] và địa chỉ thư của các đơn vị, chép mau-ke-hoach.toml.example vào plans/ \
             cho từng kế hoạch, rồi chạy: dondoc --config {dir} check",
            "created {dir}: dondoc.toml, agencies.toml, holidays.toml, plans/ and mau-ke-hoach.toml.example.\n\
             Next: edit [office] and the agencies' addresses, copy mau-ke-hoach.toml.example into plans/ \
             for each plan, then run: dondoc --config {dir} check"
        )
    );
    Ok(())
}

fn io(path: &Path, e: std::io::Error) -> CliError {
    CliError::Runtime(anyhow::anyhow!("{}: {e}", path.display()))
}

fn main_file(province: &str) -> String {
    format!(
        r#"#:schema /usr/share/dondoc/schema/dondoc.schema.json
# dondoc — main settings of the office that collects the reports of tỉnh
# {province}. Written by `dondoc init`; every key but [office] has a default
# (the values below are the defaults). Replace each placeholder, then run
# `dondoc --config DIR check`.

timezone = "Asia/Ho_Chi_Minh"
database = "/var/lib/dondoc/dondoc.db"

[office]                          # the sender: shown in every email
name = "Văn phòng Thường trực Ban Chỉ đạo 138 tỉnh {province}"   # PLACEHOLDER: the office's name
email = "vptt138@example.gov.vn"  # PLACEHOLDER: the office's official mailbox
# address = "…"                   # the office's address, as its letters give it
# phone = "…"
# contact = "Đ/c …, 0…"           # the person agencies can call

[calendar]
working_days = ["mon", "tue", "wed", "thu", "fri"]
shift_to_working_day = true       # a due date on a day off moves to the next working day
send_at = ["08:00"]               # "HH:MM" on working days, or 6-field cron (seconds first)

[reminders]                       # the policy of every obligation; a plan may override any key
before = [5, 1]                   # working days before the due date (at most 5 emails per report in all)
on_due = true
overdue_every = 5                 # working days between overdue reminders
overdue_max = 2
escalate_after = 10               # working days overdue: copy the agency's leaders
stop_after_days = 60              # calendar days overdue: stop

[mail]
transport = "outbox"              # "outbox" writes .eml files to read first; "smtp" sends
outbox = "/var/lib/dondoc/outbox"
from = "Văn phòng Thường trực BCĐ 138 tỉnh {province} <vptt138@example.gov.vn>"   # PLACEHOLDER
lang = "vi"

# [mail.smtp]
# host = "mail.example.gov.vn"
# port = 587
# security = "starttls"
# username = "vptt138"
# password_file = "/run/credentials/dondoc.service/smtp-password"

# [digest]                        # a weekly summary to the office's leaders
# to = ["lanhdao@example.gov.vn"]
# send_at = ["mon 07:30"]
"#
    )
}

/// The usual groups of a province after the 2025 reform (no district level),
/// one placeholder agency each where the office must fill in its own list.
fn agencies_file(province: &str) -> String {
    let so = [
        ("so-noi-vu", "Sở Nội vụ", "snv"),
        ("so-tai-chinh", "Sở Tài chính", "stc"),
        ("so-xay-dung", "Sở Xây dựng", "sxd"),
        ("so-nn-mt", "Sở Nông nghiệp và Môi trường", "snnmt"),
        ("so-khcn", "Sở Khoa học và Công nghệ", "skhcn"),
        ("so-gddt", "Sở Giáo dục và Đào tạo", "sgddt"),
        ("so-y-te", "Sở Y tế", "syt"),
        ("so-vhttdl", "Sở Văn hóa, Thể thao và Du lịch", "svhttdl"),
        ("so-cong-thuong", "Sở Công Thương", "sct"),
        ("so-tu-phap", "Sở Tư pháp", "stp"),
    ];
    let mut out = format!(
        r#"#:schema /usr/share/dondoc/schema/agencies.schema.json
# The agencies of tỉnh {province} that plans oblige to report, and their
# groups (referenced from plans as "@group"). Written by `dondoc init`:
# the names are the usual ones; every address is a PLACEHOLDER under
# example.gov.vn — replace it with the agency's official mailbox (văn thư) and
# its leaders' (escalate_to, copied once a report is late). Remove what your
# plans do not name, add what they do.
#
#   so-nganh            sở, ban, ngành thuộc tỉnh
#   doan-the            Ủy ban MTTQ Việt Nam tỉnh và các tổ chức chính trị - xã hội
#   luc-luong-vu-trang  Công an tỉnh, Bộ CHQS tỉnh, Bộ CHBĐBP tỉnh (where there is a border)
#   noi-chinh           Viện Kiểm sát nhân dân, Tòa án nhân dân tỉnh
#   ubnd-cap-xa         UBND các xã, phường, đặc khu (one entry each; two examples below)
"#
    );
    let mut agency = |id: &str, name: &str, slug: &str, group: &str| {
        out.push_str(&format!(
            "\n[[agency]]\nid = \"{id}\"\nname = \"{name}\"\nemail = [\"vanthu@{slug}.example.gov.vn\"]\n\
             escalate_to = [\"lanhdao@{slug}.example.gov.vn\"]\ngroups = [\"{group}\"]\n"
        ));
    };
    for (id, name, slug) in so {
        agency(id, name, slug, "so-nganh");
    }
    agency(
        "mttq-tinh",
        "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
        "mttq",
        "doan-the",
    );
    agency(
        "cong-an-tinh",
        "Công an tỉnh",
        "congan",
        "luc-luong-vu-trang",
    );
    agency(
        "bchqs-tinh",
        "Bộ Chỉ huy Quân sự tỉnh",
        "bchqs",
        "luc-luong-vu-trang",
    );
    agency(
        "vks-tinh",
        "Viện Kiểm sát nhân dân tỉnh",
        "vks",
        "noi-chinh",
    );
    agency("tand-tinh", "Tòa án nhân dân tỉnh", "tand", "noi-chinh");
    agency(
        "ubnd-xa-mau-1",
        "UBND xã … (PLACEHOLDER)",
        "ubnd-xa-1",
        "ubnd-cap-xa",
    );
    agency(
        "ubnd-phuong-mau-1",
        "UBND phường … (PLACEHOLDER)",
        "ubnd-phuong-1",
        "ubnd-cap-xa",
    );
    out
}

/// The announced days off dondoc ships, then next year's built-in days as a
/// commented block to check against the Government's announcement.
fn holidays_file() -> String {
    let today = jiff::Zoned::now().date();
    let next = today.year() + 1;
    let mut out = String::from("#:schema /usr/share/dondoc/schema/holidays.schema.json\n");
    for line in HOLIDAYS.lines().filter(|l| !l.starts_with("#:schema")) {
        out.push_str(line);
        out.push('\n');
    }
    if !HOLIDAYS.contains(&format!("year = {next}")) {
        let weekdays = [
            Weekday::Monday,
            Weekday::Tuesday,
            Weekday::Wednesday,
            Weekday::Thursday,
            Weekday::Friday,
        ];
        let calendar = crate::workdays::WorkCalendar::new(&weekdays, BTreeMap::new());
        let days: Vec<String> = calendar
            .days_off(next)
            .iter()
            .map(|d| format!("\"{:02}/{:02}\"", d.date.day(), d.date.month()))
            .collect();
        out.push_str(&format!(
            "\n# PROVISIONAL — {next} as dondoc's built-in rules compute it; the Government\n\
             # announces the real days off (and make-up working days) late in {}. Compare,\n\
             # correct, then uncomment:\n# [[year]]\n# year = {next}\n# off = [{}]\n# working = []\n",
            today.year(),
            days.join(", ")
        ));
    }
    out
}
