//! The `permanence` command: one binary for every job (see `permanence --help`).

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = permanence::cli::Cli::parse();
    match permanence::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("Error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
