//! Email templates: a subject, a text and an HTML template per kind
//! (`reminder`, `digest`), built in (Vietnamese and English) and overridable
//! by `templates/KIND.PART.j2` in the config directory.
//!
//! Undefined variables are errors, HTML templates escape everything they
//! interpolate, and every template is compiled and rendered against a sample
//! when the config is loaded — so `dondoc check` reports a broken template
//! with its file and line, not the daemon at 08:00.

use std::path::{Path, PathBuf};

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use serde::Serialize;

use crate::config::{Config, ConfigError, ConfigErrors, Lang};

/// The template names, `KIND.PART`.
const NAMES: [&str; 6] = [
    "reminder.subject",
    "reminder.txt",
    "reminder.html",
    "digest.subject",
    "digest.txt",
    "digest.html",
];

fn builtin(lang: Lang, name: &str) -> &'static str {
    macro_rules! pick {
        ($($n:literal),*) => {
            match (lang, name) {
                $(
                    (Lang::Vi, $n) => include_str!(concat!("templates/vi/", $n, ".j2")),
                    (Lang::En, $n) => include_str!(concat!("templates/en/", $n, ".j2")),
                )*
                _ => unreachable!("unknown template {name}"),
            }
        };
    }
    pick!(
        "reminder.subject",
        "reminder.txt",
        "reminder.html",
        "digest.subject",
        "digest.txt",
        "digest.html"
    )
}

/// The compiled templates of one config.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
}

/// A rendered email: subject (one line), text and HTML bodies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Templates {
    /// Compiles the built-in templates for the config's language, replaced by
    /// any override in `templates/`, and renders each against a sample.
    pub fn load(config: &Config) -> Result<Templates, ConfigErrors> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        env.set_keep_trailing_newline(true);
        env.add_filter("short", short);
        env.add_filter("lower_first", lower_first);
        let mut errors = Vec::new();
        let mut files: Vec<(&str, PathBuf, String)> = Vec::new();
        let mut broken: Vec<&str> = Vec::new();
        for name in NAMES {
            let file = override_path(config.templates_dir.as_deref(), name);
            let (source, shown) = match &file {
                Some(path) => match std::fs::read_to_string(path) {
                    Ok(text) => (text, path.clone()),
                    Err(e) => {
                        errors.push(error(
                            Path::new(&format!("templates/{name}.j2")),
                            0,
                            format!("cannot read it: {e}"),
                        ));
                        continue;
                    }
                },
                None => (
                    builtin(config.settings.mail.lang, name).to_string(),
                    PathBuf::from(format!("(built-in) {name}.j2")),
                ),
            };
            let shown = relative(config, &shown);
            if let Err(e) = env.add_template_owned(name.to_string(), source.clone()) {
                errors.push(error(&shown, e.line().unwrap_or(0), detail(&e, &source)));
                broken.push(kind(name));
                continue;
            }
            files.push((name, shown, source));
        }
        let templates = Templates { env };
        // A kind whose template does not compile is not rendered: its siblings
        // would only report the missing one again.
        for (name, shown, source) in files
            .into_iter()
            .filter(|(n, _, _)| !broken.contains(&kind(n)))
        {
            let result = if name.starts_with("reminder") {
                templates.render_one(name, &sample::reminder())
            } else {
                templates.render_one(name, &sample::digest())
            };
            if let Err(e) = result {
                errors.push(error(&shown, e.line().unwrap_or(0), detail(&e, &source)));
            }
        }
        errors.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        if errors.is_empty() {
            Ok(templates)
        } else {
            Err(ConfigErrors(errors))
        }
    }

    fn render_one<S: Serialize>(&self, name: &str, ctx: &S) -> Result<String, minijinja::Error> {
        let ctx = minijinja::Value::from_serialize(ctx);
        let with_subject = if name.ends_with(".subject") {
            ctx
        } else {
            let subject = self
                .env
                .get_template(&format!("{}.subject", kind(name)))?
                .render(&ctx)?;
            minijinja::context! { subject => one_line(&subject), ..ctx }
        };
        self.env.get_template(name)?.render(with_subject)
    }

    /// Renders the three parts of `kind` (`reminder` or `digest`).
    pub fn render<S: Serialize>(&self, kind: &str, ctx: &S) -> Result<Rendered, minijinja::Error> {
        let subject = one_line(&self.render_one(&format!("{kind}.subject"), ctx)?);
        Ok(Rendered {
            subject,
            text: self.render_one(&format!("{kind}.txt"), ctx)?,
            html: self.render_one(&format!("{kind}.html"), ctx)?,
        })
    }
}

/// The `short(n)` filter: `text` cut to at most `n` characters at a word
/// boundary, with "…" when cut — for subjects built from long titles.
fn short(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        return text.to_string();
    }
    let head: String = text.chars().take(n.saturating_sub(1)).collect();
    let cut = match head.rfind(' ') {
        Some(i) if i > head.len() / 2 => &head[..i],
        _ => &head,
    };
    format!("{}…", cut.trim_end_matches([' ', ',', ';', ':']))
}

/// The `lower_first` filter: the first letter in lower case, so that a
/// document name can follow a verb (*đôn đốc gửi báo cáo …*) — unless it
/// starts an acronym (*UBND*, *HĐND*: a second capital).
pub fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    if chars.clone().next().is_some_and(char::is_uppercase) {
        return text.to_string();
    }
    first.to_lowercase().chain(chars).collect()
}

fn kind(name: &str) -> &str {
    name.split('.').next().unwrap_or(name)
}

/// A subject is one line: no CR, LF or other control characters (they could
/// otherwise start a new header), runs of white space folded.
pub fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn override_path(dir: Option<&Path>, name: &str) -> Option<PathBuf> {
    let path = dir?.join(format!("{name}.j2"));
    path.exists().then_some(path)
}

fn relative(config: &Config, path: &Path) -> PathBuf {
    path.strip_prefix(&config.dir)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// The error, the template line it is on, and where the variables are listed.
fn detail(e: &minijinja::Error, source: &str) -> String {
    let mut text = e.kind().to_string();
    if let Some(d) = e.detail() {
        text.push_str(": ");
        text.push_str(d);
    }
    if let Some(line) = e
        .line()
        .and_then(|n| source.lines().nth(n.saturating_sub(1)))
    {
        text.push_str(&format!(" in `{}`", line.trim()));
    }
    text.push_str(" (the variables are listed in README.md, \"Email templates\")");
    text
}

fn error(file: &Path, line: usize, message: String) -> ConfigError {
    ConfigError {
        file: file.to_path_buf(),
        line,
        column: if line > 0 { 1 } else { 0 },
        key: "template".into(),
        message,
    }
}

pub mod context;

mod sample;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::testing::{MAIN, config};

    const OB: &str = "[[obligation]]\nid = \"o\"\ntitle = \"O\"\nagencies = [\"so-y-te\"]\ndue = \"30/04/2025\"\n";

    #[test]
    fn mail_lang_chooses_the_language_of_every_part() {
        // (marker of this language, marker of the other) per part.
        let cases = [
            (
                "vi",
                ["V/v đôn đốc", "Kính gửi: Sở Y tế", "nay là UBND xã A"],
                "As of",
            ),
            (
                "en",
                ["Overdue:", "Dear Sở Y tế,", "dissolved; now: UBND xã A"],
                "Kính gửi",
            ),
        ];
        for (lang, [subject, reminder, digest], other) in cases {
            let main = format!("{MAIN}\n[mail]\nlang = \"{lang}\"\n");
            let c = config(&main, OB, None);
            let t = Templates::load(&c).unwrap();
            let r = t.render("reminder", &sample::reminder()).unwrap();
            assert!(!r.subject.contains('\n'));
            assert!(r.subject.contains(subject), "{lang}: {}", r.subject);
            assert!(r.text.contains(reminder), "{lang}: {}", r.text);
            assert!(r.html.contains(reminder), "{lang}: {}", r.html);
            assert!(!r.text.contains(other), "{lang}: {}", r.text);
            let d = t.render("digest", &sample::digest()).unwrap();
            assert!(d.text.contains(digest), "{lang}: {}", d.text);
            assert!(!d.text.contains(other), "{lang}: {}", d.text);
        }
    }

    #[test]
    fn vietnamese_reminder_reads_like_a_cong_van() {
        let c = config(MAIN, OB, None);
        let t = Templates::load(&c).unwrap();
        let r = t.render("reminder", &sample::reminder()).unwrap();
        // Three items: the subject counts them and names the plan.
        assert_eq!(
            r.subject,
            "V/v đôn đốc gửi 03 báo cáo theo Kế hoạch số 1/KH"
        );
        for want in [
            "Kính gửi: Sở Y tế",
            // One item is not yet due: the letter urges the overdue ones only.
            "Văn phòng Thường trực đề nghị Sở Y tế gửi các báo cáo, văn bản sau (có nội dung đã quá hạn):",
            "   - Căn cứ: Mục I Kế hoạch số 1/KH ngày 20/3/2025 của UBND tỉnh về phòng, chống ma túy.\n",
            // Item 1: a date another document sets, at the aim of a backward shift.
            "   - Thời hạn: trước ngày 17/6/2025, theo Thông báo số 1/TB.\n",
            "   - Hôm nay (Thứ Hai, ngày 16/06/2025) là ngày làm việc cuối cùng trước thời hạn ghi trong kế hoạch; đề nghị gửi trong ngày (nhắc lần 1).",
            // Item 2: the day the law makes of the letter; inputs of an upward report.
            "   - Thời hạn: trước ngày 17/6/2025; ngày 15/6/2025 là Chủ nhật: nhận đến hết Thứ Hai, 16/6/2025.\n",
            "   - Kỳ báo cáo: 6 tháng đầu năm 2025.\n",
            "   - Hôm nay là ngày cuối cùng của thời hạn (nhắc lần 1).",
            "   - Tiến độ tổng hợp: đã nhận 12/30 báo cáo của các đơn vị.",
            // Item 3: the data period, overdue.
            "   - Kỳ báo cáo: 6 tháng đầu năm 2025 (số liệu từ ngày 15/12/2024 đến ngày 14/06/2025).",
            "   - Đã quá hạn 2 ngày (nhắc lần 1).",
            "   - Gửi về: Văn phòng.",
            "Đề nghị Sở Y tế khẩn trương gửi các nội dung đã quá hạn; chuẩn bị, gửi các nội dung còn lại đúng thời hạn để tổng hợp, báo cáo theo quy định.",
            "Thư này đồng gửi lãnh đạo Sở Y tế để biết, chỉ đạo.",
            "Trân trọng./.",
            "Cán bộ đầu mối: Đ/c Nguyễn Văn A, 0912 345 678",
            "không phải là công văn",
        ] {
            assert!(r.text.contains(want), "missing {want:?} in\n{}", r.text);
        }
        assert!(!r.text.contains("quý cơ quan"), "{}", r.text);
        for placeholder in ["none", "None", "Kỳ báo cáo: 16/06/2025"] {
            assert!(
                !r.text.contains(placeholder),
                "{placeholder:?} in\n{}",
                r.text
            );
        }
    }

    #[test]
    fn html_escapes_and_subjects_stay_on_one_line() {
        let c = config(MAIN, OB, None);
        let t = Templates::load(&c).unwrap();
        let mut ctx = sample::reminder();
        ctx.agency.name = "<script>alert(1)</script> & Co".into();
        ctx.items.truncate(1);
        ctx.topic = "báo cáo\r\nBcc: evil@example.com".into();
        let r = t.render("reminder", &ctx).unwrap();
        // minijinja also escapes '/' (as &#x2f;), which renders as '/'.
        assert!(
            r.html
                .contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; Co"),
            "{}",
            r.html
        );
        assert!(!r.html.contains("<script>"));
        assert!(!r.subject.contains('\r') && !r.subject.contains('\n'));
        assert!(
            r.subject.contains("báo cáo Bcc: evil@example.com"),
            "{}",
            r.subject
        );
    }

    #[test]
    fn short_cuts_at_a_word_and_lower_first_lowers_one_letter() {
        assert_eq!(short("Báo cáo 6 tháng", 80), "Báo cáo 6 tháng");
        let title = "Báo cáo kết quả thực hiện Kế hoạch tổ chức các hoạt động hưởng ứng";
        assert_eq!(short(title, 30), "Báo cáo kết quả thực hiện Kế…");
        assert!(short(title, 30).chars().count() <= 30);
        // No space in the second half: cut inside the word.
        assert_eq!(short("abcdefghij", 5), "abcd…");
        assert_eq!(lower_first("Đôn đốc"), "đôn đốc");
        assert_eq!(lower_first(""), "");
    }

    #[test]
    fn a_broken_override_is_a_config_error_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let c = config(MAIN, OB, None);
        let templates = dir.path().join("templates");
        std::fs::create_dir(&templates).unwrap();
        std::fs::write(
            templates.join("reminder.txt.j2"),
            "Kính gửi {{ agency.name }}\n{{ agency.ten }}\n",
        )
        .unwrap();
        std::fs::write(templates.join("digest.subject.j2"), "{% if %}").unwrap();
        let c = Config {
            templates_dir: Some(templates),
            ..c
        };
        let errs = Templates::load(&c).unwrap_err().0;
        let text: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert_eq!(errs.len(), 2, "{text:?}");
        assert!(
            text[0].contains("digest.subject.j2:1:1: template: syntax error"),
            "{text:?}"
        );
        assert!(
            text[1]
                .contains("reminder.txt.j2:2:1: template: undefined value in `{{ agency.ten }}`"),
            "{text:?}"
        );
    }
}
