//! The console's templates, compiled once: the pages' HTML from the
//! `templates/` beside this file (minijinja, which escapes every value in
//! `.html` templates), the layout's view of the reader, error pages.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use jiff::Zoned;
use minijinja::{Environment, Value, context};
use serde::Serialize;

use super::auth::{Flash, Who};
use super::{Console, Current, Failure};
use crate::config::users::Role;
use crate::dates;

const TEMPLATES: &[(&str, &str)] = &[
    ("layout.html", include_str!("templates/layout.html")),
    ("macros.html", include_str!("templates/macros.html")),
    ("login.html", include_str!("templates/login.html")),
    ("overview.html", include_str!("templates/overview.html")),
    (
        "overview_main.html",
        include_str!("templates/overview_main.html"),
    ),
    ("instance.html", include_str!("templates/instance.html")),
    ("agency.html", include_str!("templates/agency.html")),
    ("agencies.html", include_str!("templates/agencies.html")),
    ("calls.html", include_str!("templates/calls.html")),
    ("filters.html", include_str!("templates/filters.html")),
    ("record.html", include_str!("templates/record.html")),
    (
        "pair_fields.html",
        include_str!("templates/pair_fields.html"),
    ),
    ("admin.html", include_str!("templates/admin.html")),
    ("inbox.html", include_str!("templates/inbox.html")),
    ("error.html", include_str!("templates/error.html")),
    ("leaders.html", include_str!("templates/leaders.html")),
    (
        "leaders_late.html",
        include_str!("templates/leaders_late.html"),
    ),
];

/// The compiled templates.
pub struct Templates {
    env: Environment<'static>,
}

/// What the layout shows of the reader.
#[derive(Debug, Serialize)]
struct Shown<'a> {
    display_name: &'a str,
    role_label: &'static str,
    may_record: bool,
    admin: bool,
}

fn reader_of(who: &Who) -> Shown<'_> {
    Shown {
        display_name: &who.display_name,
        role_label: match who.role {
            Role::Viewer => "xem",
            Role::Clerk => "văn thư",
            Role::Admin => "quản trị",
        },
        may_record: who.may_record(),
        admin: who.is_admin(),
    }
}

impl Templates {
    pub fn new() -> Templates {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .expect("the built-in console templates compile");
        }
        Templates { env }
    }

    /// Renders `name` with the layout's values and `page`'s.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn render(
        &self,
        current: &Current,
        now: &Zoned,
        who: Option<&Who>,
        flash: Option<Flash>,
        name: &str,
        page: Value,
        status: StatusCode,
    ) -> Response {
        let config = current.config();
        let base = context! {
            office => config.settings.office.name,
            who => who.map(reader_of),
            flash => flash,
            now => dates::vn_time(now),
            version => env!("CARGO_PKG_VERSION"),
        };
        let template = self.env.get_template(name).expect("a built-in template");
        match template.render(context! { ..page, ..base }) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(e) => Failure::Internal(format!("template {name}: {e:#}")).into_response(),
        }
    }

    /// A template without the layout (a cached part of a page).
    pub(super) fn fragment(&self, name: &str, page: Value) -> Result<String, String> {
        let template = self.env.get_template(name).expect("a built-in template");
        template
            .render(page)
            .map_err(|e| format!("template {name}: {e:#}"))
    }

    pub fn login(
        &self,
        current: &Current,
        next: &str,
        error: Option<&str>,
        status: StatusCode,
    ) -> Response {
        let now = Zoned::now().with_time_zone(current.config().settings.timezone.clone());
        self.render(
            current,
            &now,
            None,
            None,
            "login.html",
            context! { next, error },
            status,
        )
    }

    pub(super) fn error(
        &self,
        current: &Current,
        who: Option<&Who>,
        status: StatusCode,
        text: &str,
    ) -> Response {
        let heading = match status {
            StatusCode::NOT_FOUND => "Không tìm thấy",
            StatusCode::FORBIDDEN => "Không có quyền",
            _ => "Không thực hiện được",
        };
        let now = Zoned::now().with_time_zone(current.config().settings.timezone.clone());
        self.render(
            current,
            &now,
            who,
            None,
            "error.html",
            context! { heading, text },
            status,
        )
    }
}

impl Templates {
    /// A refused request's page (`super::refused`): what happened, and the
    /// address to open instead.
    pub(super) fn refusal(
        &self,
        current: &Current,
        status: StatusCode,
        heading: &str,
        lines: &[String],
        open: Option<&str>,
    ) -> Response {
        let now = Zoned::now().with_time_zone(current.config().settings.timezone.clone());
        let (text, details) = lines
            .split_first()
            .map_or(("", &[][..]), |(t, d)| (t.as_str(), d));
        self.render(
            current,
            &now,
            None,
            None,
            "error.html",
            context! { heading, text, details, open },
            status,
        )
    }
}

impl Default for Templates {
    fn default() -> Templates {
        Templates::new()
    }
}

impl Console {
    /// The moment pages show, in the configured zone.
    pub(super) fn now(&self, current: &Current) -> Zoned {
        self.clock
            .now()
            .to_zoned(current.config().settings.timezone.clone())
    }

    pub(super) fn flash(&self, who: &Who) -> Option<Flash> {
        who.session
            .as_deref()
            .and_then(|id| self.sessions.take_flash(id))
    }
}
