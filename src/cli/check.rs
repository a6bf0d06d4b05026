//! `dondoc check`: the loader's verdict, as one line, then any warnings.

use jiff::ToSpan;

use super::CliError;
use crate::config::Config;
use crate::dates;
use crate::engine::warnings;
use crate::lang::{Lang, say};

/// Prints the summary of a config that [`crate::config::load`] accepted.
pub fn run(config: &Config, lang: Lang) -> Result<(), CliError> {
    // The console's accounts are checked with the rest (they are read on
    // their own: a broken users.toml must not stop the reminders).
    let accounts = match &config.settings.web {
        Some(web) => {
            let shown = web.users.strip_prefix(&config.dir).unwrap_or(&web.users);
            Some((web, crate::config::users::load(&web.users, shown)?))
        }
        None => None,
    };
    let today = super::moment(config, None, lang)?.date();
    let year_later = today
        .checked_add(12.months())
        .map_err(anyhow::Error::from)?;
    let upcoming = warnings::upcoming(config, today);
    let pairs: usize = upcoming.iter().map(|i| i.agencies.len()).sum();
    let obligations: usize = config.plans.iter().map(|p| p.obligations.len()).sum();
    println!(
        "{}",
        say!(
            lang,
            "OK: {} đơn vị, {} kế hoạch, {} nội dung; {} kỳ ({} lượt phải nộp) có hạn từ {} đến {} ({})",
            "OK: {} agencies, {} plans, {} obligations; {} instances ({} submissions owed) \
             due {} – {} ({})",
            config.agencies.len(),
            config.plans.len(),
            obligations,
            upcoming.len(),
            pairs,
            dates::vn(today),
            dates::vn(year_later),
            config.dir.display(),
        )
    );
    if let Some((web, accounts)) = &accounts {
        println!(
            "{}",
            say!(
                lang,
                "Trang quản trị: {}, {} tài khoản, {} mã truy cập ({})",
                "Web console: {}, {} users, {} tokens ({})",
                web.listen,
                accounts.users.len(),
                accounts.tokens.len(),
                web.users.display()
            )
        );
    }
    if let Some(inbox) = &config.settings.inbox {
        println!(
            "{}",
            say!(
                lang,
                "Hộp thư nhận: {}:{} ({:?}), thư mục {}, tài khoản {}, {}",
                "Mailbox: {}:{} ({:?}), folder {}, user {}, {}",
                inbox.host,
                inbox.port,
                inbox.security,
                inbox.folder,
                inbox.username,
                if inbox.auto_accept {
                    say!(lang, "tự ghi nhận", "accepted automatically")
                } else {
                    say!(lang, "văn thư xác nhận", "a clerk confirms")
                }
            )
        );
    }
    let mut notes = warnings::warnings(config, today, &upcoming);
    if let Some((web, accounts)) = &accounts {
        if accounts.users.is_empty() && accounts.tokens.is_empty() {
            notes.push(say!(
 lang,
                "{} chưa có tài khoản nào: chưa ai đăng nhập được; tạo bằng `dondoc passwd TÊN --role admin`",
                "{} has no accounts: nobody can log in; make one with `dondoc passwd NAME --role admin`",
                web.users.display()
            ));
        }
        let https = web
            .base_url
            .as_deref()
            .is_some_and(|b| b.starts_with("https://"));
        if !web.listen.ip().is_loopback() && !https {
            notes.push(say!(
 lang,
                "[web] listen = \"{}\" không phải địa chỉ nội bộ (loopback) và base_url không là https: \
                 mật khẩu sẽ đi qua mạng không mã hóa; hãy đặt nginx có TLS phía trước (xem README)",
                "[web] listen = \"{}\" is not loopback and base_url is not https: passwords would \
                 cross the network in clear; put a TLS proxy (nginx) in front (see README)",
                web.listen
            ));
        }
    }
    if let Some((web, _)) = &accounts
        && let Some(b) = web
            .base_url
            .as_deref()
            .filter(|b| b.starts_with("https://"))
    {
        notes.push(say!(
            lang,
            "[web] base_url = \"{}\" là https, còn dondoc chỉ nghe HTTP thường ở {}: đúng khi \
             có một proxy ngược có TLS (nginx, caddy) nhận https ở địa chỉ đó và chuyển vào {}; \
             không có proxy đó thì trình duyệt mở http://{} bị từ chối (trang báo địa chỉ \
             base_url) — khi đó đặt dấu # trước dòng base_url",
            "[web] base_url = \"{}\" is https while dondoc listens on plain HTTP at {}: right \
             only behind a TLS reverse proxy (nginx, caddy) that answers https there and passes \
             requests to {}; without one, a browser at http://{} is refused (with a page naming \
             base_url) — then comment base_url out",
            b,
            web.listen,
            web.listen,
            web.listen
        ));
    }
    for w in notes {
        println!("{}{w}", say!(lang, "cảnh báo: ", "warning: "));
    }
    Ok(())
}
