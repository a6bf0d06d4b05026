//! The console's pages: the overview, one instance, one agency, the record
//! form, the admin's view of the mail, and the downloads of what they show.
//! Rendered on the server from the templates beside this file (minijinja,
//! which escapes every value in `.html` templates).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jiff::Zoned;
use jiff::civil::Date;
use minijinja::{Environment, Value, context};
use serde::{Deserialize, Serialize};

use super::auth::{self, Flash, Who};
use super::roles::{Admin, Clerk, Reader};
use super::view::{self, ExportFilter};
use super::{Console, Current, Failure};
use crate::config::users::Role;
use crate::dates;
use crate::engine::EngineError;
use crate::engine::record::{self, Pair, Refused};
use crate::ledger::Ledger;

const TEMPLATES: [(&str, &str); 12] = [
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
    ("record.html", include_str!("templates/record.html")),
    (
        "pair_fields.html",
        include_str!("templates/pair_fields.html"),
    ),
    ("admin.html", include_str!("templates/admin.html")),
    ("inbox.html", include_str!("templates/inbox.html")),
    ("error.html", include_str!("templates/error.html")),
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
    fn fragment(&self, name: &str, page: Value) -> Result<String, String> {
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

/// `?all=1`: the overview's instances, or the inbox's proposals, all of them.
#[derive(Debug, Deserialize)]
pub struct OverviewQuery {
    pub all: Option<String>,
}

/// `GET /`.
pub async fn overview(
    State(console): State<Arc<Console>>,
    Reader(who): Reader,
    Query(q): Query<OverviewQuery>,
) -> Result<Response, Failure> {
    let (html, at) = overview_html(&console, q.all.is_some()).await?;
    let flash = console.flash(&who);
    Ok(console.pages.render(
        &console.current(),
        &at,
        Some(&who),
        flash,
        "overview.html",
        context! { main => Value::from_safe_string(html.to_string()) },
        StatusCode::OK,
    ))
}

/// A computed overview is served this long; then the next request gets it
/// while a new one is computed in the background. The console's own writes
/// drop it at once; another process's (the command line, the daemon) show
/// within this time. Every pair of a province is evaluated for it: 0.1 s
/// for 3 400 agencies (BENCHMARKS.md), too long for every request.
const OVERVIEW_FRESH: Duration = Duration::from_secs(10);

/// The overview's content, rendered, with and without `?all=1`.
#[derive(Default)]
pub struct OverviewCache {
    slots: Mutex<[Option<Slot>; 2]>,
}

struct Slot {
    generation: u64,
    made: Instant,
    at: Zoned,
    html: Arc<str>,
    refreshing: bool,
}

impl OverviewCache {
    /// Forgets what was computed (after a write).
    pub fn invalidate(&self) {
        *self.slots.lock().expect("not poisoned") = [None, None];
    }
}

async fn overview_html(console: &Arc<Console>, all: bool) -> Result<(Arc<str>, Zoned), Failure> {
    let generation = console.current().generation;
    {
        let mut slots = console.overview.slots.lock().expect("not poisoned");
        if let Some(slot) = slots[usize::from(all)]
            .as_mut()
            .filter(|s| s.generation == generation)
        {
            if slot.made.elapsed() >= OVERVIEW_FRESH && !slot.refreshing {
                slot.refreshing = true;
                let c = console.clone();
                tokio::spawn(async move {
                    if refresh_overview(&c, all).await.is_err() {
                        if let Some(s) =
                            &mut c.overview.slots.lock().expect("not poisoned")[usize::from(all)]
                        {
                            s.refreshing = false;
                        }
                    }
                });
            }
            return Ok((slot.html.clone(), slot.at.clone()));
        }
    }
    refresh_overview(console, all).await
}

async fn refresh_overview(console: &Arc<Console>, all: bool) -> Result<(Arc<str>, Zoned), Failure> {
    let c = console.clone();
    let (current, out) = console
        .with_ledger(move |current, ledger| -> Result<(String, Zoned), String> {
            let now = c.now(current);
            let page = view::overview(current.config(), ledger, &now, all, &current.agency_rank)
                .map_err(|e| e.to_string())?;
            let html = c
                .pages
                .fragment("overview_main.html", Value::from_serialize(&page))?;
            Ok((html, now))
        })
        .await?;
    let (html, at) = out.map_err(Failure::Internal)?;
    let html: Arc<str> = html.into();
    // Evaluating every pair of a large province allocates tens of MB for a
    // moment; give it back, as the daemon does after a batch.
    crate::engine::memory::trim_heap();
    console.overview.slots.lock().expect("not poisoned")[usize::from(all)] = Some(Slot {
        generation: current.generation,
        made: Instant::now(),
        at: at.clone(),
        html: html.clone(),
        refreshing: false,
    });
    Ok((html, at))
}

/// Computes a page from the ledger at the console's clock and renders it
/// for `who`: 404 when `view` finds nothing to show.
async fn show(
    console: &Arc<Console>,
    who: &Who,
    template: &'static str,
    view: impl FnOnce(&Current, &Ledger, &Zoned) -> Result<Option<Value>, EngineError> + Send + 'static,
) -> Result<Response, Failure> {
    let c = console.clone();
    let (current, page) = console
        .with_ledger(move |current, ledger| view(current, ledger, &c.now(current)))
        .await?;
    let Some(page) = page.map_err(|e| Failure::Internal(e.to_string()))? else {
        return Ok(not_found_for(console, &current, Some(who)));
    };
    let flash = console.flash(who);
    Ok(console.pages.render(
        &current,
        &console.now(&current),
        Some(who),
        flash,
        template,
        page,
        StatusCode::OK,
    ))
}

#[derive(Debug, Deserialize)]
pub struct InstanceQuery {
    /// Only the agencies in this state (`overdue`, …).
    state: Option<String>,
}

/// `GET /instances/PLAN/OBLIGATION/PERIOD`.
pub async fn instance(
    State(console): State<Arc<Console>>,
    Reader(who): Reader,
    Path((plan, obligation, period)): Path<(String, String, String)>,
    Query(q): Query<InstanceQuery>,
) -> Result<Response, Failure> {
    let Ok(period) = period.parse::<Date>() else {
        return Ok(not_found_for(&console, &console.current(), Some(&who)));
    };
    show(
        &console,
        &who,
        "instance.html",
        move |current, ledger, now| {
            let pair = (plan.as_str(), obligation.as_str(), period);
            let page = view::instance(current.config(), ledger, now, pair, &current.agency_rank)?;
            Ok(page.map(|mut page| {
                let filter = q.state.filter(|s| !s.is_empty()).map(|st| {
                    page.rows.retain(|r| r.state == st);
                    page.rows.first().map_or("—", |r| r.state_label)
                });
                context! { filter, ..Value::from_serialize(&page) }
            }))
        },
    )
    .await
}

/// `GET /agencies/ID` (and `/agencies/ID.ics`, the agency's feed).
pub async fn agency(
    State(console): State<Arc<Console>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(feed): Query<super::ops::FeedQuery>,
) -> Result<Response, Failure> {
    if let Some(agency) = id.strip_suffix(".ics") {
        return super::ops::agency_feed(console, headers, agency.to_string(), feed).await;
    }
    let who = match auth::reader(&console, &headers, &view::agency_url(&id)) {
        Ok(w) => w,
        Err(r) => return Ok(r),
    };
    show(
        &console,
        &who,
        "agency.html",
        move |current, ledger, now| {
            let page = view::agency(current.config(), ledger, now, &id)?;
            Ok(page.map(|p| Value::from_serialize(&p)))
        },
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct PairQuery {
    plan: String,
    obligation: String,
    period: String,
    agency: String,
}

/// `GET /record?plan=…&obligation=…&period=…&agency=…`: the form (clerks).
pub async fn record_form(
    State(console): State<Arc<Console>>,
    Clerk(who): Clerk,
    Query(q): Query<PairQuery>,
) -> Result<Response, Failure> {
    let current = console.current();
    let pair = Pair {
        plan: &q.plan,
        obligation: &q.obligation,
        period: &q.period,
        agency: &q.agency,
    };
    let key = match record::resolve(current.config(), pair) {
        Ok((key, _)) => key,
        Err(e) => {
            return Ok(console.pages.error(
                &current,
                Some(&who),
                StatusCode::NOT_FOUND,
                &e.to_string(),
            ));
        }
    };
    show(
        &console,
        &who,
        "record.html",
        move |current, ledger, now| {
            let page =
                view::record_page(current.config(), ledger, now, &key, &current.agency_rank)?;
            Ok(page.map(|p| Value::from_serialize(&p)))
        },
    )
    .await
}

/// The fields of every record form.
#[derive(Debug, Deserialize)]
pub struct RecordForm {
    plan: String,
    obligation: String,
    period: String,
    agency: String,
    back: Option<String>,
    /// `dd/mm/yyyy HH:MM` (or a date alone), as `submit --on` takes it.
    on: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<String>,
    note: Option<String>,
    to: Option<String>,
    replace: Option<String>,
    force: Option<String>,
}

/// What a record form asks for: the last part of its address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Submit,
    Unsubmit,
    Exempt,
    Unexempt,
    Extend,
    Unextend,
}

impl Action {
    fn from_path(text: &str) -> Option<Action> {
        Some(match text {
            "submit" => Action::Submit,
            "unsubmit" => Action::Unsubmit,
            "exempt" => Action::Exempt,
            "unexempt" => Action::Unexempt,
            "extend" => Action::Extend,
            "unextend" => Action::Unextend,
            _ => return None,
        })
    }
}

/// `POST /record/ACTION` (`submit`, `unsubmit`, `exempt`, `unexempt`,
/// `extend`, `unextend`): records, then back to the page with the outcome.
pub async fn record(
    State(console): State<Arc<Console>>,
    Clerk(who): Clerk,
    Path(action): Path<String>,
    Form(form): Form<RecordForm>,
) -> Result<Response, Failure> {
    let Some(action) = Action::from_path(&action) else {
        return Ok(not_found_for(&console, &console.current(), Some(&who)));
    };
    let actor = who.name.clone();
    let c = console.clone();
    let (_, (back, outcome)) = console
        .with_ledger(move |current, ledger| {
            let config = current.config();
            let now = c.now(current);
            let pair = Pair {
                plan: &form.plan,
                obligation: &form.obligation,
                period: &form.period,
                agency: &form.agency,
            };
            let outcome = match action {
                Action::Submit => record::submit(
                    config,
                    ledger,
                    &record::Submit {
                        pair,
                        on: form.on.as_deref(),
                        reference: form.reference.as_deref(),
                        note: form.note.as_deref(),
                        replace: form.replace.is_some(),
                        force: form.force.is_some(),
                    },
                    &actor,
                    &now,
                ),
                Action::Unsubmit => record::unsubmit(config, ledger, pair),
                Action::Exempt => {
                    record::exempt(config, ledger, pair, form.note.as_deref(), false, &actor)
                }
                Action::Unexempt => record::exempt(config, ledger, pair, None, true, &actor),
                Action::Extend => record::extend(
                    config,
                    ledger,
                    pair,
                    Some(form.to.as_deref().unwrap_or("")),
                    form.note.as_deref(),
                    &actor,
                ),
                Action::Unextend => record::extend(config, ledger, pair, None, None, &actor),
            };
            let back = form
                .back
                .filter(|b| b.starts_with("/instances/") || b.starts_with("/agencies/"))
                .unwrap_or_else(|| "/".into());
            // Done: back to the page, at the row. Refused: back to the form.
            let back = if outcome.is_ok() {
                format!("{back}#row-{}", auth::url_escape(&form.agency))
            } else {
                view::record_url(&form.plan, &form.obligation, &form.period, &form.agency)
            };
            (back, outcome)
        })
        .await?;
    if outcome.is_ok() {
        console.overview.invalidate();
    }
    let flash = match outcome {
        Ok(text) => {
            tracing::info!(user = %who.name, "web console: {text}");
            Flash {
                ok: true,
                text: sentence(&text),
            }
        }
        Err(Refused::Ledger(e)) => return Err(Failure::from(e)),
        Err(r) => Flash {
            ok: false,
            text: refusal_text(r),
        },
    };
    if let Some(id) = &who.session {
        console.sessions.set_flash(id, flash);
    }
    Ok(Redirect::to(&back).into_response())
}

/// The text with a capital first letter, as a sentence on a page.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A refusal as the console words it: the field's label instead of the
/// command line's option.
fn refusal_text(r: Refused) -> String {
    let label = |field: &str| match field {
        "plan" => "Kế hoạch",
        "obligation" => "Nội dung",
        "period" => "Kỳ",
        "agency" => "Đơn vị",
        "on" => "Ngày nộp",
        "to" => "Hạn mới",
        _ => "Giá trị",
    };
    match r {
        Refused::Field { field, message } => format!("{}: {message}", label(field)),
        Refused::Unconfirmed { field, message } => format!(
            "{}: {message}; nếu đúng là vậy, đánh dấu ô «Xác nhận ngày nộp là đúng» rồi gửi lại",
            label(field)
        ),
        Refused::Conflict { existing } => format!(
            "Đơn vị này đã có bản nộp cho kỳ này: {existing}; đánh dấu ô «Thay bản nộp đã ghi nhận» để thay"
        ),
        Refused::Nothing(text) => sentence(&text),
        Refused::Ledger(e) => e.to_string(),
    }
}

/// `GET /admin`: the mail queue and what failed (admins).
pub async fn admin(
    State(console): State<Arc<Console>>,
    Admin(who): Admin,
) -> Result<Response, Failure> {
    let (current, page) = console
        .with_ledger(|current, ledger| admin_page(current, ledger))
        .await?;
    let page = page.map_err(|e| Failure::Internal(e.to_string()))?;
    Ok(console.pages.render(
        &current,
        &console.now(&current),
        Some(&who),
        None,
        "admin.html",
        page,
        StatusCode::OK,
    ))
}

fn admin_page(
    current: &Current,
    ledger: &crate::ledger::Ledger,
) -> Result<Value, crate::ledger::LedgerError> {
    let config = current.config();
    let tz = &config.settings.timezone;
    let when = |t: jiff::Timestamp| {
        let z = t.to_zoned(tz.clone());
        dates::vn_time(&z)
    };
    let figures = ledger.queue_figures()?;
    let queue: Vec<Value> = figures
        .by_state
        .iter()
        .map(|(state, count)| {
            let label = state.words(crate::lang::Lang::Vi);
            context! { label, count }
        })
        .collect();
    let failures: Vec<Value> = ledger
        .failures()?
        .into_iter()
        .map(|f| {
            let agency = config.agency_name(&f.agency).to_string();
            let items: Vec<String> = f
                .items
                .iter()
                .map(|(k, step)| {
                    format!(
                        "{}/{} kỳ {} ({})",
                        k.plan,
                        k.obligation,
                        dates::vn(k.period),
                        step.words(crate::lang::Lang::Vi)
                    )
                })
                .collect();
            context! {
                at => when(f.moment),
                agency,
                agency_url => view::agency_url(&f.agency),
                items,
                error => f.error,
            }
        })
        .collect();
    let failing = ledger.delivery_failing()?.map(|h| {
        context! { since => when(h.since), error => h.last_error }
    });
    let health = ledger.inbox_health()?;
    let mailbox = (config.settings.inbox.is_some() || health.is_some()).then(|| {
        let h = health.clone();
        context! {
            server => config.settings.inbox.as_ref().map(|i| format!("{}:{} {}", i.host, i.port, i.folder)),
            read_at => h.as_ref().and_then(|h| h.read_at).map(when),
            idle => h.as_ref().and_then(|h| h.mode.clone()).as_deref() == Some("idle"),
            error => h.as_ref().and_then(|h| h.error.clone()),
            error_at => h.as_ref().and_then(|h| h.error_at).map(when),
            failures => h.as_ref().map_or(0, |h| h.failures),
        }
    });
    Ok(context! {
        queue,
        last_sent => figures.last_sent.map(when),
        failures,
        failing,
        mailbox,
        waiting => ledger.open_proposals()?,
    })
}

/// `GET /export/status.csv` / `status.xlsx`, with the page's filter.
pub async fn export(
    State(console): State<Arc<Console>>,
    Reader(who): Reader,
    Path(file): Path<String>,
    Query(filter): Query<ExportFilter>,
) -> Result<Response, Failure> {
    let xlsx = match file.as_str() {
        "status.csv" => false,
        "status.xlsx" => true,
        _ => return Ok(not_found_for(&console, &console.current(), Some(&who))),
    };
    let Some(filter) = filter.filter(console.current().config()) else {
        return Ok(not_found_for(&console, &console.current(), Some(&who)));
    };
    let c = console.clone();
    let (_, bytes) = console
        .with_ledger(move |current, ledger| -> Result<Vec<u8>, String> {
            let config = current.config();
            let now = c.now(current);
            let (states, recorded) =
                view::export_states(config, ledger, &now, &filter).map_err(|e| e.to_string())?;
            if xlsx {
                crate::output::xlsx::workbook(
                    config,
                    &states.instances,
                    &states.pairs,
                    &recorded,
                    &now,
                )
                .and_then(|mut wb| wb.save_to_buffer())
                .map_err(|e| e.to_string())
            } else {
                let mut out = Vec::new();
                let rows = states.pairs.iter().map(|s| {
                    crate::output::row(config, &states.instances, &states.inputs, &recorded, s)
                });
                crate::output::write_csv(&mut out, rows).map_err(|e| e.to_string())?;
                Ok(out)
            }
        })
        .await?;
    let bytes = bytes.map_err(Failure::Internal)?;
    let (kind, name) = if xlsx {
        (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "dondoc-status.xlsx",
        )
    } else {
        ("text/csv; charset=utf-8", "dondoc-status.csv")
    };
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")).expect("ASCII"),
    );
    Ok(r)
}

/// Anything else: 404 for a reader, the login page for anyone else.
pub async fn not_found(State(console): State<Arc<Console>>, headers: HeaderMap) -> Response {
    match auth::reader(&console, &headers, "/") {
        Ok(who) => not_found_for(&console, &console.current(), Some(&who)),
        Err(r) => r,
    }
}

fn not_found_for(console: &Console, current: &Current, who: Option<&Who>) -> Response {
    console.pages.error(
        current,
        who,
        StatusCode::NOT_FOUND,
        "Trang này không có (kế hoạch, kỳ hoặc đơn vị không có trong cấu hình).",
    )
}
