//! Period labels: how offices name a reporting period (*6 tháng đầu năm
//! 2025*), written by the admin as a minijinja expression, checked at load.

use serde::Serialize;

/// The variables a `period_label` expression sees (dates as dd/mm/yyyy).
#[derive(Debug, Clone, Serialize)]
pub struct LabelVars {
    /// The scheduled date.
    pub period: String,
    pub due: String,
    pub day: i8,
    pub month: i8,
    pub year: i16,
    /// With `data_period`: the first and last day the report covers.
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Evaluates `expr` with `vars`; undefined names are errors.
pub fn label(expr: &str, vars: &LabelVars) -> Result<String, String> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    let compiled = env.compile_expression(expr).map_err(|e| e.to_string())?;
    let value = compiled.eval(vars).map_err(|e| e.to_string())?;
    Ok(value.to_string())
}

/// A sample to check an expression against when the config loads.
pub fn sample() -> LabelVars {
    LabelVars {
        period: "14/06/2025".into(),
        due: "16/06/2025".into(),
        day: 14,
        month: 6,
        year: 2025,
        from: Some("15/12/2024".into()),
        to: Some("14/06/2025".into()),
    }
}
