//! The `dondoc` binary: parses the command line and maps outcomes to exit codes
//! (0 ok, 1 runtime failure, 2 bad configuration or usage).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Like other Unix tools, stop quietly when the reader of our output goes
    // away (`dondoc status | head`) instead of panicking on a broken pipe.
    // SAFETY: called before any other thread exists; restores the default action.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = dondoc::cli::Cli::parse();
    match dondoc::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(e.exit_code())
        }
    }
}
