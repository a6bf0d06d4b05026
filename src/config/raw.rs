//! The files as written: serde shapes with spans, before validation.
//!
//! Fields whose values dondoc checks itself (dates, ids, addresses, names of
//! things) stay loose here (`toml::Value`, `String`) so that every such error in
//! a file is reported in one run; only the shape (unknown keys, a list where a
//! string was expected) stops a file's parse.

use serde::Deserialize;
use toml::{Spanned, Value};

pub type S<T> = Spanned<T>;

/// `dondoc.toml`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Main {
    /// Múi giờ (IANA) của các mốc gửi và ngày nộp. / The IANA time zone of send moments and submission times.
    #[schemars(with = "Option<String>")]
    pub timezone: Option<S<String>>,
    /// Tệp SQLite; đường dẫn tương đối tính từ thư mục cấu hình. / The SQLite file; a relative path resolves against the config directory.
    #[schemars(with = "Option<String>")]
    pub database: Option<S<String>>,
    /// Văn phòng gửi thư (bắt buộc). / The sending office (required).
    #[schemars(with = "Option<Office>")]
    pub office: Option<S<Office>>,
    #[serde(default)]
    /// Ngày làm việc và mốc gửi. / Working days and send moments.
    pub calendar: Calendar,
    #[serde(default)]
    /// Chính sách nhắc mặc định của mọi nội dung. / The default reminder policy of every obligation.
    pub reminders: Policy,
    #[serde(default)]
    /// Cách gửi thư. / How mail is sent.
    pub mail: Mail,
    /// Thư tổng hợp gửi lãnh đạo văn phòng (tùy chọn). / The leaders' digest (optional).
    #[schemars(with = "Option<Digest>")]
    pub digest: Option<S<Digest>>,
    /// Trang quản trị trên trình duyệt (tùy chọn). / The web console (optional).
    #[schemars(with = "Option<Web>")]
    pub web: Option<S<Web>>,
    /// Hộp thư nhận thư trả lời của các đơn vị (tùy chọn). / The mailbox agencies reply to (optional).
    #[schemars(with = "Option<Inbox>")]
    pub inbox: Option<S<Inbox>>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inbox {
    /// Máy chủ IMAP. / The IMAP host.
    #[schemars(with = "String")]
    pub host: S<String>,
    /// Cổng, mặc định 993 (tls) hoặc 143. / Port: 993 for "tls", else 143.
    #[schemars(with = "Option<i64>")]
    pub port: Option<S<i64>>,
    /// "tls" (mặc định), "starttls" hoặc "none" (chỉ loopback). / "tls" (default), "starttls" or "none" (loopback only).
    #[schemars(with = "Option<String>")]
    pub security: Option<S<String>>,
    /// Tên đăng nhập. / User name.
    #[schemars(with = "String")]
    pub username: S<String>,
    /// Tệp chứa mật khẩu (hoặc systemd credential). / A file holding the password.
    #[schemars(with = "Option<String>")]
    pub password_file: Option<S<String>>,
    /// Biến môi trường chứa mật khẩu. / An environment variable holding the password.
    #[schemars(with = "Option<String>")]
    pub password_env: Option<S<String>>,
    /// Tệp CA (PEM) tin cậy thêm. / A PEM CA to trust besides the system's.
    #[schemars(with = "Option<String>")]
    pub ca_file: Option<S<String>>,
    /// Thư mục, mặc định "INBOX". / The folder, "INBOX" by default.
    #[schemars(with = "Option<String>")]
    pub folder: Option<S<String>>,
    /// "confirm" (mặc định: văn thư xác nhận) hoặc "auto". / "confirm" (a clerk decides, the default) or "auto".
    #[schemars(with = "Option<String>")]
    pub accept: Option<S<String>>,
    /// Tên máy chủ thư của cơ quan trong tiêu đề Authentication-Results: người gửi không qua DMARC/DKIM/SPF thì đề xuất chờ văn thư. / The office's mail server's authserv-id in Authentication-Results: a sender failing DMARC/DKIM/SPF makes a proposal wait for a clerk.
    #[schemars(with = "Option<String>")]
    pub trusted_authserv_id: Option<S<String>>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Web {
    /// Địa chỉ lắng nghe, mặc định "127.0.0.1:8138" (chỉ máy này). / The address to listen on; loopback by default.
    #[schemars(with = "Option<String>")]
    pub listen: Option<S<String>>,
    /// Tệp tài khoản (`dondoc passwd`), mặc định "users.toml". / The accounts file, resolved like `database`.
    #[schemars(with = "Option<String>")]
    pub users: Option<S<String>>,
    /// Địa chỉ công khai, ví dụ "https://dondoc.example.gov.vn". / The public address, for links.
    #[schemars(with = "Option<String>")]
    pub base_url: Option<S<String>>,
    /// Địa chỉ IP của proxy tin cậy, ví dụ ["127.0.0.1"]: X-Forwarded-For của chúng cho biết máy khách. / The IPs of reverse proxies whose X-Forwarded-For names the client.
    #[schemars(with = "Option<Vec<String>>")]
    pub trusted_proxies: Option<S<Vec<S<String>>>>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Office {
    /// Tên văn phòng, ký trong mọi thư. / The office's name, signing every email.
    #[schemars(with = "String")]
    pub name: S<String>,
    /// Hộp thư chính thức của văn phòng. / The office's official mailbox.
    #[schemars(with = "String")]
    pub email: S<String>,
    /// Địa chỉ văn phòng. / The office's address.
    pub address: Option<String>,
    /// Điện thoại. / Phone.
    pub phone: Option<String>,
    /// Cán bộ đầu mối, ví dụ "Đ/c Nguyễn Văn A, 0912 345 678". / The contact person.
    #[schemars(with = "Option<String>")]
    pub contact: Option<S<String>>,
    /// Cơ quan chủ quản trực tiếp, ghi trên tên văn phòng ở đầu văn bản (Nghị định 30/2020/NĐ-CP). / The direct superior, above the office's name in a document's header.
    pub parent: Option<String>,
    /// Địa danh ghi trước ngày tháng của văn bản, ví dụ "Khánh Hòa". / The place a document is dated at.
    pub place: Option<String>,
    #[serde(default)]
    /// Thông tin thay đổi từ một ngày (địa chỉ, tên, người ký…). / Office details that change on a date.
    #[schemars(with = "Vec<OfficeFrom>")]
    pub from: Vec<S<OfficeFrom>>,
}

/// One `[[office.from]]` entry: the `[office]` keys that take effect on `date`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficeFrom {
    /// Ngày có hiệu lực (dd/mm/yyyy). / The day these values take effect.
    #[schemars(with = "DateValue")]
    pub date: S<Value>,
    #[schemars(with = "Option<String>")]
    pub name: Option<S<String>>,
    #[schemars(with = "Option<String>")]
    pub email: Option<S<String>>,
    pub address: Option<String>,
    pub phone: Option<String>,
    #[schemars(with = "Option<String>")]
    pub contact: Option<S<String>>,
    pub parent: Option<String>,
    pub place: Option<String>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Calendar {
    /// Các ngày làm việc trong tuần, ví dụ ["mon","tue","wed","thu","fri"]. / The weekly working days.
    #[schemars(with = "Option<Vec<String>>")]
    pub working_days: Option<S<Vec<S<String>>>>,
    /// Hạn rơi vào ngày nghỉ thì dời sang ngày làm việc kế tiếp. / A due date on a day off moves to the next working day.
    pub shift_to_working_day: Option<bool>,
    /// Mốc gửi: "HH:MM" vào ngày làm việc, hoặc cron 6 trường. / Send moments: "HH:MM" on working days, or 6-field cron.
    #[schemars(with = "Option<Vec<String>>")]
    pub send_at: Option<S<Vec<S<String>>>>,
}

/// `[reminders]` and `[obligation.reminders]`: every key optional.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Nhắc trước hạn N ngày làm việc, ví dụ [7, 3, 1]. / Working days before the due date to remind.
    #[schemars(with = "Option<Vec<i64>>")]
    pub before: Option<S<Vec<S<i64>>>>,
    /// Nhắc vào ngày hạn. / Remind on the due date.
    pub on_due: Option<bool>,
    /// Số ngày làm việc giữa hai lần nhắc quá hạn. / Working days between overdue reminders.
    #[schemars(with = "Option<i64>")]
    pub overdue_every: Option<S<i64>>,
    /// Số lần nhắc quá hạn tối đa. / At most this many overdue reminders.
    #[schemars(with = "Option<i64>")]
    pub overdue_max: Option<S<i64>>,
    /// Quá hạn N ngày làm việc thì đồng gửi lãnh đạo đơn vị. / Working days overdue before the agency's leaders are copied.
    #[schemars(with = "Option<i64>")]
    pub escalate_after: Option<S<i64>>,
    /// Quá hạn N ngày thì thôi nhắc. / Calendar days overdue after which reminders stop.
    #[schemars(with = "Option<i64>")]
    pub stop_after_days: Option<S<i64>>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mail {
    /// "outbox" ghi tệp .eml; "smtp" gửi thật. / "outbox" writes .eml files; "smtp" sends.
    #[schemars(with = "Option<String>")]
    pub transport: Option<S<String>>,
    /// Thư mục .eml của "outbox". / The outbox directory.
    #[schemars(with = "Option<String>")]
    pub outbox: Option<S<String>>,
    /// Người gửi, ví dụ "Văn phòng … <vptt138@example.gov.vn>". / The From mailbox.
    #[schemars(with = "Option<String>")]
    pub from: Option<S<String>>,
    /// Địa chỉ trả lời. / The Reply-To address.
    #[schemars(with = "Option<String>")]
    pub reply_to: Option<S<String>>,
    /// Ngôn ngữ mẫu thư: "vi" hoặc "en". / The built-in templates' language.
    #[schemars(with = "Option<String>")]
    pub lang: Option<S<String>>,
    /// Máy chủ SMTP (khi transport = "smtp"). / The SMTP server.
    #[schemars(with = "Option<Smtp>")]
    pub smtp: Option<S<Smtp>>,
    /// Gửi lại sau N giây khi lỗi tạm thời (tăng gấp đôi, tối đa 1 giờ). / First retry after a temporary failure.
    #[schemars(with = "Option<i64>")]
    pub retry_seconds: Option<S<i64>>,
    /// Sau N giờ thì thôi gửi lại. / Hours after which an email is marked failed.
    #[schemars(with = "Option<i64>")]
    pub give_up_hours: Option<S<i64>>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Smtp {
    /// Máy chủ. / Host.
    #[schemars(with = "String")]
    pub host: S<String>,
    /// Cổng. / Port.
    #[schemars(with = "Option<i64>")]
    pub port: Option<S<i64>>,
    /// "starttls", "tls" hoặc "none" (chỉ loopback). / "starttls", "tls" or "none" (loopback only).
    #[schemars(with = "Option<String>")]
    pub security: Option<S<String>>,
    /// Tên đăng nhập. / User name.
    pub username: Option<String>,
    /// Tệp chứa mật khẩu (hoặc systemd credential). / A file holding the password.
    #[schemars(with = "Option<String>")]
    pub password_file: Option<S<String>>,
    /// Biến môi trường chứa mật khẩu. / An environment variable holding the password.
    #[schemars(with = "Option<String>")]
    pub password_env: Option<S<String>>,
    /// Số thư tối đa mỗi phút. / At most this many emails a minute.
    #[schemars(with = "Option<i64>")]
    pub max_per_minute: Option<S<i64>>,
    /// Thời gian chờ mỗi lần gửi. / The timeout around every send.
    #[schemars(with = "Option<i64>")]
    pub timeout_seconds: Option<S<i64>>,
    /// Tệp CA (PEM) tin cậy thêm. / A PEM CA to trust besides the system's.
    #[schemars(with = "Option<String>")]
    pub ca_file: Option<S<String>>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Digest {
    /// Người nhận thư tổng hợp. / The digest's recipients.
    #[schemars(with = "Vec<String>")]
    pub to: S<Vec<S<String>>>,
    /// Mốc gửi, ví dụ ["mon 07:30"]. / When it is sent.
    #[schemars(with = "Option<Vec<String>>")]
    pub send_at: Option<S<Vec<S<String>>>>,
}

/// `agencies.toml`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agencies {
    #[serde(default)]
    /// Các cơ quan, đơn vị. / The agencies.
    #[schemars(with = "Vec<Agency>")]
    pub agency: Vec<S<Agency>>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Agency {
    /// Mã [a-z0-9-]+, duy nhất, ví dụ "so-y-te". / A unique id.
    #[schemars(with = "String")]
    pub id: S<String>,
    /// Tên, ví dụ "Sở Y tế". / The name.
    #[schemars(with = "String")]
    pub name: S<String>,
    /// Hộp thư văn thư. / The agency's mailboxes.
    #[schemars(with = "Vec<String>")]
    pub email: S<Vec<S<String>>>,
    #[serde(default)]
    /// Luôn đồng gửi. / Always copied.
    #[schemars(with = "Vec<String>")]
    pub cc: Vec<S<String>>,
    #[serde(default)]
    /// Lãnh đạo, đồng gửi khi quá hạn lâu. / Leaders, copied once overdue for escalate_after.
    #[schemars(with = "Vec<String>")]
    pub escalate_to: Vec<S<String>>,
    #[serde(default)]
    /// Các nhóm, dùng trong kế hoạch dạng "@nhom". / Groups, referenced from plans as "@group".
    #[schemars(with = "Vec<String>")]
    pub groups: Vec<S<String>>,
    #[serde(default)]
    /// Đơn vị tiếp nhận khi giải thể, sáp nhập. / Who took over a dissolved agency.
    #[schemars(with = "Vec<String>")]
    pub successors: Vec<S<String>>,
    /// Bắt đầu hoạt động (ngày). / Active from this date.
    #[schemars(with = "Option<DateValue>")]
    pub active_from: Option<S<Value>>,
    /// Kết thúc hoạt động (ngày); sau ngày này không nợ, không bị nhắc. / Active until this date.
    #[schemars(with = "Option<DateValue>")]
    pub active_until: Option<S<Value>>,
    /// false: theo dõi nhưng không gửi thư nhắc (ví dụ cơ quan cấp trên của văn phòng). / false: tracked, never emailed (e.g. the office's own parent).
    pub remind: Option<bool>,
    /// Người liên hệ, ví dụ "Chị Lan, văn thư". / A person to call about its reports.
    #[schemars(with = "Option<String>")]
    pub contact: Option<S<String>>,
    /// Số điện thoại, ví dụ "0258 3822 123" (nhiều số cách nhau bằng dấu phẩy). / A phone number (several separated by commas).
    #[schemars(with = "Option<String>")]
    pub phone: Option<S<String>>,
}

/// `plans/NAME.toml`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    /// Văn bản nguồn. / The source document.
    #[schemars(with = "Plan")]
    pub plan: S<Plan>,
    #[serde(default)]
    /// Các nội dung phải nộp, mỗi hạn của kế hoạch một mục. / What the plan requires, one per deadline.
    #[schemars(with = "Vec<Obligation>")]
    pub obligation: Vec<S<Obligation>>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Mã kế hoạch, ví dụ "khanh-hoa-2025". / The plan's id.
    #[schemars(with = "String")]
    pub id: S<String>,
    /// Số, ký hiệu, ví dụ "3212/KH-UBND"; bỏ trống khi chưa có bản ký. / The document number; leave out until the signed copy gives it.
    #[schemars(with = "Option<String>")]
    pub number: Option<S<String>>,
    /// Tên kế hoạch. / The title.
    #[schemars(with = "String")]
    pub title: S<String>,
    /// Cơ quan ban hành, ví dụ "UBND tỉnh Khánh Hòa". / The issuer.
    pub issuer: Option<String>,
    /// Ngày ban hành; không nhắc trước ngày này. / The date issued; no reminder before it.
    #[schemars(with = "Option<DateValue>")]
    pub issued: Option<S<Value>>,
    /// Nơi gửi báo cáo (mặc định: văn phòng). / Where reports go (default: the office).
    pub submit_to: Option<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Obligation {
    /// Mã nội dung. / The obligation's id.
    #[schemars(with = "String")]
    pub id: S<String>,
    /// Tên báo cáo, văn bản phải gửi. / What must be sent.
    #[schemars(with = "String")]
    pub title: S<String>,
    /// Căn cứ trong kế hoạch, ví dụ "Mục II.1.h". / Where in the plan.
    pub basis: Option<String>,
    /// Mã đơn vị và nhóm "@nhom" phải nộp. / Agency ids and "@group" references.
    #[schemars(with = "Vec<String>")]
    pub agencies: S<Vec<S<String>>>,
    /// Nơi gửi của riêng nội dung này. / Overrides the plan's submit_to.
    pub submit_to: Option<String>,
    /// Chậm nhất ngày (dd/mm/yyyy, mm/yyyy, hoặc "dd/mm/yyyy HH:MM"). / Due on this day (inclusive).
    #[schemars(with = "Option<DateValue>")]
    pub due: Option<S<Value>>,
    /// Trước ngày (không kể ngày đó). / Due before this day (exclusive).
    #[schemars(with = "Option<DateValue>")]
    pub before: Option<S<Value>>,
    /// Hằng năm vào các ngày "dd/mm". / These days each year.
    #[schemars(with = "Option<Vec<String>>")]
    pub yearly: Option<S<Vec<S<String>>>>,
    /// Chu kỳ: "N month(s)", "N year(s)", "N week(s)". / A cycle.
    #[schemars(with = "Option<String>")]
    pub every: Option<S<String>>,
    /// Trong N (working) days kể từ ngày ban hành. / Within N (working) days of issue.
    #[schemars(with = "Option<String>")]
    pub within: Option<S<String>>,
    /// Hạn đầu của chu kỳ. / The cycle's first due date.
    #[schemars(with = "Option<DateValue>")]
    pub first_due: Option<S<Value>>,
    /// Từ ngày. / From this date.
    #[schemars(with = "Option<DateValue>")]
    pub from: Option<S<Value>>,
    /// Đến ngày. / Until this date.
    #[schemars(with = "Option<DateValue>")]
    pub until: Option<S<Value>>,
    /// "forward", "backward" hoặc "none" khi hạn rơi vào ngày nghỉ. / Where a due date on a day off moves.
    #[schemars(with = "Option<String>")]
    pub shift: Option<S<String>>,
    /// Báo cáo tổng hợp từ nội dung này (cùng kế hoạch). / The obligation this upward report is built from.
    #[schemars(with = "Option<String>")]
    pub after: Option<S<String>>,
    /// Biểu thức minijinja đặt tên kỳ, ví dụ "'6 tháng đầu năm ' ~ year". / Names the period.
    #[schemars(with = "Option<String>")]
    pub period_label: Option<S<String>>,
    /// Thời gian số liệu: "6 months", "1 year"… / The span a report covers.
    #[schemars(with = "Option<String>")]
    pub data_period: Option<S<String>>,
    /// Văn bản quy định thời hạn khi kế hoạch không nêu ngày, ví dụ "Thông báo số 12/TB-VPTT ngày 02/01/2025". / The document that sets the date when the plan does not.
    #[schemars(with = "Option<String>")]
    pub date_basis: Option<S<String>>,
    /// true: thời hạn tạm tính, chưa có văn bản quy định (check cảnh báo). / The date is not set by any document yet (check warns).
    #[schemars(with = "Option<bool>")]
    pub provisional: Option<S<bool>>,
    /// false: theo dõi nhưng không gửi thư nhắc (việc văn phòng tự làm). / false: tracked, never emailed (a task the office does itself).
    pub remind: Option<bool>,
    /// Ghi đè từng khóa của [reminders]. / Overrides keys of [reminders].
    pub reminders: Option<Policy>,
}

/// `holidays.toml`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Holidays {
    #[serde(default)]
    /// Ngày nghỉ đã công bố, theo năm. / Announced days off, per year.
    #[schemars(with = "Vec<HolidayYear>")]
    pub year: Vec<S<HolidayYear>>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayYear {
    /// Năm. / The year.
    #[schemars(with = "i64")]
    pub year: S<i64>,
    #[serde(default)]
    /// Ngày nghỉ "dd/mm" hoặc khoảng "dd/mm..dd/mm". / Days off.
    #[schemars(with = "Vec<String>")]
    pub off: Vec<S<String>>,
    #[serde(default)]
    /// Ngày làm bù (thứ Bảy). / Make-up working days.
    #[schemars(with = "Vec<String>")]
    pub working: Vec<S<String>>,
}

/// A date as the config files write it: a TOML date (`2025-04-30`) or a
/// string (`"30/04/2025"`, `"3/7/2023"`, `"05/2024"`, `"10/07/2023 16:00"`).
pub struct DateValue;

impl schemars::JsonSchema for DateValue {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "DateValue".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "Ngày: \"30/04/2025\", \"05/2024\", \"10/07/2023 16:00\" hoặc ngày TOML 2025-04-30. / A date: dd/mm/yyyy, mm/yyyy, \"dd/mm/yyyy HH:MM\" or a TOML date.",
            "examples": ["30/04/2025", "05/2024", "10/07/2023 16:00", "2025-04-30"]
        })
    }
}
