//! Which pairs: the one filter behind `status`, `/api/status` and the
//! console's downloads, read from text once — an unknown plan or agency
//! is refused with the closest ids ("did you mean"), in the reader's
//! language — and then applied to instances and pairs by index.

use jiff::civil::Date;

use crate::calendar::Instance;
use crate::calendar::names::Names;
use crate::config::Config;
use crate::dates;
use crate::lang::{Lang, say};
use crate::policy::{PairState, State};

/// The filter as a person or a program writes it: a plan and an agency by
/// id or as offices write them ([`Names`]), an obligation by id, a state's
/// JSON name, dates as `dd/mm/yyyy` or ISO. `None`: no condition.
#[derive(Debug, Default, Clone, Copy)]
pub struct Asked<'a> {
    pub plan: Option<&'a str>,
    pub obligation: Option<&'a str>,
    /// An instance's period (its scheduled date).
    pub period: Option<&'a str>,
    pub agency: Option<&'a str>,
    pub state: Option<&'a str>,
    /// Instances due on or after this date.
    pub since: Option<&'a str>,
}

/// The filter, checked against the configuration.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    /// Index into the config's plans.
    plan: Option<usize>,
    obligation: Option<String>,
    period: Option<Date>,
    /// Index into the config's agencies.
    agency: Option<usize>,
    state: Option<State>,
    since: Option<Date>,
}

/// A condition that names nothing: which one (`plan`, `agency`, …) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    pub key: &'static str,
    pub message: String,
}

impl Filter {
    /// Reads `asked` against `config`: every condition that names nothing
    /// is reported at once, in `lang`.
    pub fn new(config: &Config, asked: &Asked<'_>, lang: Lang) -> Result<Filter, Vec<Unknown>> {
        let mut unknown = Vec::new();
        let mut filter = Filter::default();
        let names = Names::new(config);
        if let Some(p) = asked.plan {
            match names.plan(p) {
                Ok(i) => filter.plan = Some(i),
                Err(e) => unknown.push(Unknown {
                    key: "plan",
                    message: e.message(lang),
                }),
            }
        }
        filter.obligation = asked.obligation.map(str::to_string);
        if let Some(a) = asked.agency {
            match names.agency(a, None) {
                Ok(i) => filter.agency = Some(i),
                Err(e) => unknown.push(Unknown {
                    key: "agency",
                    message: e.message(lang),
                }),
            }
        }
        if let Some(s) = asked.state {
            filter.state = State::ALL.into_iter().find(|x| x.as_str() == s);
            if filter.state.is_none() {
                unknown.push(Unknown {
                    key: "state",
                    message: say!(
 lang,
                        "không có trạng thái \"{s}\"; một trong: on_time, late, pending, overdue, exempt",
                        "unknown state \"{s}\"; one of on_time, late, pending, overdue, exempt"
                    ),
                });
            }
        }
        for (key, text, slot) in [
            ("period", asked.period, &mut filter.period),
            ("since", asked.since, &mut filter.since),
        ] {
            if let Some(text) = text {
                match dates::parse_date(text) {
                    Ok(d) => *slot = Some(d),
                    Err(e) => unknown.push(Unknown {
                        key,
                        message: e.message(lang),
                    }),
                }
            }
        }
        if unknown.is_empty() {
            Ok(filter)
        } else {
            Err(unknown)
        }
    }

    /// With the pairs of one state only (or any, for `None`).
    pub fn in_state(mut self, state: Option<State>) -> Filter {
        self.state = state;
        self
    }

    /// Whether `inst` passes the conditions on instances (plan,
    /// obligation, period, since).
    pub fn keeps_instance(&self, config: &Config, inst: &Instance) -> bool {
        self.plan.is_none_or(|p| inst.plan == p)
            && self
                .obligation
                .as_deref()
                .is_none_or(|o| inst.obligation(config).id == o)
            && self.period.is_none_or(|d| inst.period == d)
            && self.since.is_none_or(|d| inst.due >= d)
    }

    /// The conditions as the office reads them (*trạng thái quá hạn; đơn vị
    /// Sở Y tế*), for a workbook that lists only some pairs; `None`
    /// without any.
    pub fn describe(&self, config: &Config) -> Option<String> {
        let mut parts = Vec::new();
        if let Some(p) = self.plan {
            parts.push(format!("kế hoạch {}", config.plans[p].label()));
        }
        if let Some(o) = &self.obligation {
            let title = config
                .plans
                .iter()
                .flat_map(|p| &p.obligations)
                .find(|ob| &ob.id == o)
                .map_or(o.as_str(), |ob| ob.title.as_str());
            parts.push(format!("nội dung {title}"));
        }
        if let Some(d) = self.period {
            parts.push(format!("kỳ {}", dates::vn(d)));
        }
        if let Some(a) = self.agency {
            parts.push(format!("đơn vị {}", config.agencies[a].name));
        }
        if let Some(st) = self.state {
            parts.push(format!("trạng thái {}", st.words(Lang::Vi)));
        }
        if let Some(d) = self.since {
            parts.push(format!("hạn nộp từ {}", dates::vn(d)));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    /// Whether the pair `s` (of `instances`) passes every condition.
    pub fn keeps(&self, config: &Config, instances: &[Instance], s: &PairState) -> bool {
        self.keeps_instance(config, &instances[s.instance])
            && self.agency.is_none_or(|a| s.agency == a)
            && self.state.is_none_or(|st| s.state == st)
    }
}

#[cfg(test)]
mod tests {
    use super::{Asked, Filter};

    fn config() -> crate::config::Config {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/base");
        crate::config::load(&dir).expect("the base fixture loads")
    }

    #[test]
    fn every_unknown_condition_is_reported_with_the_closest_ids() {
        let c = config();
        let asked = Asked {
            plan: Some("q"),
            agency: Some("so-y-tee"),
            state: Some("done"),
            since: Some("31/02/2025"),
            ..Asked::default()
        };
        let unknown = Filter::new(&c, &asked, crate::lang::Lang::Vi).unwrap_err();
        let keys: Vec<&str> = unknown.iter().map(|u| u.key).collect();
        assert_eq!(keys, ["plan", "agency", "state", "since"]);
        assert!(
            unknown[1].message.contains("\"so-y-te\""),
            "{:?}",
            unknown[1]
        );
        let ok = Asked {
            plan: Some("p"),
            agency: Some("so-y-te"),
            state: Some("overdue"),
            ..Asked::default()
        };
        assert!(Filter::new(&c, &ok, crate::lang::Lang::Vi).is_ok());
    }
}
