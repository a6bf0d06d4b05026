//! `dondoc sheet`: the fill-in sheet of one instance — the agencies that
//! have not submitted it, by name, with blank *Ngày nộp*, *Số, ký hiệu*,
//! *Ghi chú* — to fill in and give back to `import`.

use std::path::PathBuf;

use super::CliError;
use crate::calendar::names::Names;
use crate::config::Config;
use crate::lang::{Lang, say};
use crate::output::sheet::FillIn;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The plan: its id or its number (3212/KH-UBND).
    #[arg(long, value_name = "P")]
    plan: String,
    /// The obligation: its id or its title.
    #[arg(long, value_name = "O")]
    obligation: String,
    /// The period: its scheduled date, its due date or its name (6 tháng đầu năm 2025).
    #[arg(long, value_name = "D")]
    period: String,
    /// Whose submissions count: those recorded by this moment (default: now).
    #[arg(long, value_name = "TIME")]
    at: Option<String>,
    /// The file: .xlsx (or any other name), or .csv; without it, CSV on standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
}

pub fn run(config: &Config, args: &Args, lang: Lang) -> Result<(), CliError> {
    let now = super::moment(config, args.at.as_deref(), lang)?;
    let names = Names::new(config);
    let instance = names
        .instance(&args.plan, &args.obligation, &args.period)
        .map_err(|e| CliError::Usage(format!("--{}: {}", e.field(), e.message(lang))))?;
    let ledger = super::open_ledger(config)?;
    let owing = crate::engine::not_submitted(config, &ledger, &now, &instance)
        .map_err(anyhow::Error::from)?;
    let sheet = FillIn::new(config, &names, &instance, &owing);
    let Some(path) = &args.output else {
        return sheet
            .write_csv(std::io::stdout().lock(), false)
            .map_err(|e| CliError::Runtime(e.into()));
    };
    let failed = |e: String| CliError::Runtime(anyhow::anyhow!("writing {}: {e}", path.display()));
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if is_csv {
        let file = std::fs::File::create(path).map_err(|e| failed(e.to_string()))?;
        sheet
            .write_csv(std::io::BufWriter::new(file), true)
            .map_err(|e| failed(e.to_string()))?;
    } else {
        sheet
            .workbook()
            .and_then(|mut wb| wb.save(path))
            .map_err(|e| failed(e.to_string()))?;
    }
    println!(
        "{}",
        say!(
            lang,
            "đã ghi {}: {} đơn vị chưa nộp",
            "wrote {}: {} agencies have not submitted",
            path.display(),
            owing.len()
        )
    );
    Ok(())
}
