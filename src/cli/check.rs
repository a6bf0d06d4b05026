//! `dondoc check`: the loader's verdict, as one line, then any warnings.

use jiff::ToSpan;

use super::CliError;
use crate::config::Config;
use crate::dates;
use crate::engine::warnings;

/// Prints the summary of a config that [`crate::config::load`] accepted.
pub fn run(config: &Config) -> Result<(), CliError> {
    let today = super::moment(config, None)?.date();
    let year_later = today
        .checked_add(12.months())
        .map_err(anyhow::Error::from)?;
    let upcoming = warnings::upcoming(config, today);
    let pairs: usize = upcoming.iter().map(|i| i.agencies.len()).sum();
    let obligations: usize = config.plans.iter().map(|p| p.obligations.len()).sum();
    println!(
        "{}",
        crate::lang::say!(
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
    for w in warnings::warnings(config, today, &upcoming) {
        println!("{}{w}", crate::lang::say!("cảnh báo: ", "warning: "));
    }
    Ok(())
}
