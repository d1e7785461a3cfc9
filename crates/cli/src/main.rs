//! The `permanence` command: one binary for every job (see `permanence --help`).

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = permanence::cli::Cli::parse();
    match permanence::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        // The reader went away (`permanence alerts | head`): nothing is wrong.
        Err(error)
            if error.chain().any(|cause| {
                cause
                    .downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("Error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
