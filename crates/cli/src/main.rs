//! The `permanence` command: one binary for every job (see `permanence --help`).

use clap::Parser;

/// jemalloc rather than the system's allocator: the server builds a new borough (a few
/// hundred megabytes, briefly) at every evaluation from request and blocking threads,
/// and glibc's per-thread arenas keep what each freed, so that its memory climbed under
/// load; jemalloc gives freed memory back, and the soak's memory stays flat
/// (bench/README.md).
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

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
