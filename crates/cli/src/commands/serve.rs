//! `permanence serve`: the web application on the database.

use std::io::Write;
use std::path::Path;

use permanence_store::Location;

use anyhow::Context;
use permanence_web::{AppState, Settings};

use crate::cli::ServeArgs;

pub(crate) fn run(
    db: &Location,
    policy: Option<&Path>,
    args: &ServeArgs,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let policy = super::policy::load(policy)?;
    // The server's own messages (a failed scheduled evaluation, say) go to standard
    // error; RUST_LOG sets how much (warnings and errors by default).
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    // Opened here first for the clear "no database" message.
    drop(super::open_store(db)?);
    let settings = Settings {
        secure_cookies: !args.insecure_cookies,
        trusted_proxies: args.trusted_proxies.clone(),
        ..Settings::default()
    };
    writeln!(out, "Evaluating the borough ...")?;
    let state = AppState::open(db.clone(), policy, settings)?;
    let runtime = tokio::runtime::Runtime::new().context("cannot start the web server")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        writeln!(
            out,
            "Serving {} on http://{} (Ctrl-C to stop).",
            db,
            listener.local_addr()?
        )?;
        out.flush()?;
        permanence_web::serve(listener, state).await?;
        anyhow::Ok(())
    })
}
