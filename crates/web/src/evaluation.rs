//! Evaluating the borough and recording it: the drift engine runs over every child, and
//! its findings open, change and close the stored alerts (with their trail) in one
//! transaction, with the run itself recorded. The server does this at start-up, when
//! the date changes (checked on its schedule and on every request), and after every
//! change to a record; `permanence evaluate` does it from the command line.

use permanence_domain::Date;
use permanence_rules::Policy;
use permanence_store::{Backend, EvaluationRun, NewRun};

use crate::borough::Borough;

/// Loads and evaluates the borough on `as_of` and records the evaluation's alerts.
/// `trigger` says what started it (`start-up`, `new day`, `change`, `command line`,
/// `demo`); `actor` who.
pub fn evaluate(
    store: &mut dyn Backend,
    policy: &Policy,
    as_of: Date,
    trigger: &str,
    actor: &str,
) -> anyhow::Result<(Borough, EvaluationRun)> {
    let started_at = jiff::Timestamp::now().to_string();
    let borough = Borough::load(store, policy, as_of)?;
    let run = store.record_evaluation(
        &NewRun {
            started_at: &started_at,
            as_of,
            trigger,
            actor,
            children: borough.journeys.len(),
        },
        &borough.findings,
    )?;
    Ok((borough, run))
}
