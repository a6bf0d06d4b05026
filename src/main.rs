//! The `dondoc` binary: parses the command line and maps outcomes to exit codes
//! (0 ok, 1 runtime failure, 2 bad configuration or usage).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = dondoc::cli::Cli::parse();
    match dondoc::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code())
        }
    }
}
