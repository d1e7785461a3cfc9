//! `permanence evaluate`: evaluates every child today and records the alerts (opened,
//! escalated, acknowledged, closed, with their trail), as the server does at start-up,
//! daily and after every change: for councils that prefer to run it from cron.

use std::io::Write;
use std::path::Path;

use permanence_store::Location;

use permanence_domain::date::format_dmy;
use permanence_store::EvaluationRun;

use super::{actor, open_store, today};

pub(crate) fn run(db: &Location, policy: Option<&Path>, out: &mut dyn Write) -> anyhow::Result<()> {
    let policy = super::policy::load(policy)?;
    let mut store = open_store(db)?;
    let (_, run) = permanence_web::evaluation::evaluate(
        &mut *store,
        &policy,
        today(),
        "command line",
        &actor(),
    )?;
    let open = store.open_alerts()?.len();
    write!(out, "{}", summary(&run, open))?;
    Ok(())
}

/// What an evaluation did, in a sentence or two.
pub(crate) fn summary(run: &EvaluationRun, open: usize) -> String {
    format!(
        "Evaluated {} children on {}: {} findings.\n\
         Alerts: {} opened, {} changed (escalated, acknowledged or now overdue), {} closed; {} open.\n",
        run.children,
        format_dmy(run.as_of),
        run.findings,
        run.opened,
        run.changed,
        run.closed,
        open
    )
}
