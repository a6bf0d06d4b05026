//! `dondoc generate DIR` (hidden; the packaging runs it): man pages and shell
//! completions written from the same clap definitions `--help` prints, so
//! that they never drift from it.

use std::path::{Path, PathBuf};

use clap::CommandFactory;

use super::CliError;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Where to write `man/`, `completions/` and `schema/`.
    dir: PathBuf,
}

pub fn run(args: &Args) -> Result<(), CliError> {
    let io = |what: &str, path: &Path, e: std::io::Error| {
        CliError::Runtime(anyhow::anyhow!("writing {what} to {}: {e}", path.display()))
    };
    let man = args.dir.join("man");
    std::fs::create_dir_all(&man).map_err(|e| io("man pages", &man, e))?;
    clap_mangen::generate_to(super::Cli::command(), &man).map_err(|e| io("man pages", &man, e))?;
    let completions = args.dir.join("completions");
    std::fs::create_dir_all(&completions).map_err(|e| io("completions", &completions, e))?;
    for shell in [
        clap_complete::Shell::Bash,
        clap_complete::Shell::Zsh,
        clap_complete::Shell::Fish,
    ] {
        clap_complete::generate_to(shell, &mut super::Cli::command(), "dondoc", &completions)
            .map_err(|e| io("completions", &completions, e))?;
    }
    let schema = args.dir.join("schema");
    crate::config::schema::write_all(&schema).map_err(|e| io("schemas", &schema, e))?;
    let count = |p: &Path| std::fs::read_dir(p).map_or(0, |d| d.count());
    println!(
        "{}: {} man pages, {} completion files, {} schemas",
        args.dir.display(),
        count(&man),
        count(&completions),
        count(&schema)
    );
    Ok(())
}
