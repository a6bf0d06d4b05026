//! Writes a synthetic province's config directory, for benchmarks and load
//! tests: `cargo run --release --example synth_config -- DIR [AGENCIES PLANS OBLIGATIONS]`.

mod synth;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("usage: synth_config DIR [AGENCIES=1000] [PLANS=20] [OBLIGATIONS_PER_PLAN=10]");
        return ExitCode::from(2);
    };
    let num =
        |i: usize, default: usize| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    let size = synth::Size {
        agencies: num(1, 1000),
        plans: num(2, 20),
        obligations_per_plan: num(3, 10),
    };
    match synth::write_province(&dir, size) {
        Ok(()) => {
            println!("wrote {size:?} to {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}
