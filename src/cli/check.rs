//! `dondoc check`: the loader's verdict, as one line, then any warnings.

use jiff::ToSpan;

use super::CliError;
use crate::calendar;
use crate::config::Config;
use crate::dates;

/// Prints the summary of a config that [`crate::config::load`] accepted.
pub fn run(config: &Config) -> Result<(), CliError> {
    let today = super::moment(config, None)?.date();
    let year_later = today
        .checked_add(12.months())
        .map_err(anyhow::Error::from)?;
    let through = calendar::horizon(today, Some(year_later));
    let upcoming: Vec<_> = calendar::instances(config, through)
        .into_iter()
        .filter(|i| today <= i.due && i.due <= year_later)
        .collect();
    let pairs: usize = upcoming.iter().map(|i| i.agencies.len()).sum();
    let obligations: usize = config.plans.iter().map(|p| p.obligations.len()).sum();
    println!(
        "OK: {} agencies, {} plans, {} obligations; {} instances ({} agency submissions) \
         due {} – {} ({})",
        config.agencies.len(),
        config.plans.len(),
        obligations,
        upcoming.len(),
        pairs,
        dates::vn(today),
        dates::vn(year_later),
        config.dir.display(),
    );
    for w in crate::engine::warnings::warnings(config, today) {
        println!("warning: {w}");
    }
    Ok(())
}
