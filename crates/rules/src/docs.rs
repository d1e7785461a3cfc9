//! The rules documentation (`docs/rules.md`), generated from the rules' own descriptions
//! and a policy's thresholds, so that the documents never disagree with the code. A test
//! fails when the committed file differs; `UPDATE_DOCS=1 cargo test -p permanence-rules`
//! rewrites it.

use std::fmt::Write;

use crate::finding::Role;
use crate::policy::Policy;
use crate::rule::ParamValue;
use crate::rules;

/// `docs/rules.md` for `policy` (the committed file uses [`Policy::default`]).
pub fn rules_markdown(policy: &Policy) -> String {
    let mut out = String::new();
    let due_soon = policy.alerts.due_soon_days;
    let levels = &policy.escalation.ladder;
    let ladder = levels
        .iter()
        .enumerate()
        .map(|(i, level)| {
            if i + 1 == levels.len() {
                level.role.label().to_string()
            } else {
                format!(
                    "{} ({} working days)",
                    level.role.label(),
                    level.working_days
                )
            }
        })
        .collect::<Vec<_>>()
        .join(" → ");
    let notify = policy
        .escalation
        .notify
        .iter()
        .map(|role| role.label())
        .collect::<Vec<_>>()
        .join(", ");

    out.push_str("# Drift rules\n\n");
    out.push_str(
        "<!-- Generated from the rules' code by `permanence_rules::rules_markdown` with the \
         default policy. Do not edit by hand: run `UPDATE_DOCS=1 cargo test -p \
         permanence-rules` to regenerate. -->\n\n",
    );
    out.push_str(
        "The drift engine checks every child, every day, against the rules below. Each rule \
         has a stable id from the rule table in `shared/domain.md` §6. Every threshold is a \
         setting in the council's policy file (`permanence.toml`, see `permanence policy \
         init`); the values here are the defaults. Rules read the SSDA903 return and the \
         tracker's own records (allocations, permanence plans, meetings, family finding, \
         activities, decisions, challenges, panels, proceedings); the rules of the table that \
         the records cannot support are listed at the end, with the reason.\n\n",
    );
    out.push_str("## How findings work\n\n");
    let _ = writeln!(
        out,
        "- **Overdue**: past the due date and not done. Rules with no timescale (an unlawful \
         placement, an unplanned ending) are overdue from the day the condition began, and \
         `due` is that day.\n\
         - **Due soon**: not done, and the due date is at most {due_soon} days away (the \
         due date itself included; `alerts.due_soon_days`, which a rule can override).\n\
         - **Cannot decide**: the rule needs a fact the records do not hold, or hold wrongly \
         (a date of birth after the child came into care, a blank code the rule needs, \
         records from before the loaded data). Someone should look at the record.\n\
         - Every finding lists its **evidence**: the dates and records used, as `dd/mm/yyyy`, \
         so that anyone can check it by hand.\n\
         - Every finding names its **owner**: the role that acts first (`owner_role`) and, \
         when the records allow, the person (`owner`, `owner_name`, a staff id and name): \
         the child's allocated social worker, personal adviser or IRO on the evaluation \
         date, or for a manager's role the manager of that role up the allocated worker's \
         management line (the social worker's, or the personal adviser's for their own \
         rules): the first manager with that staff role, or failing that the manager at \
         that rung (the worker's manager is the team manager, the next the service manager, \
         then head of service, then director); a team manager can also come from the \
         allocation's team. The IRO manager is the one above the allocated IRO, or the staff \
         register's only IRO manager. Roles no one in the records holds (regional adoption \
         agency, virtual school, health team, legal) name no person. The person the finding \
         has escalated to is named the same way (`escalated_to_person`).\n\
         - Findings are listed most overdue first, then by due date, child and rule.\n"
    );
    out.push_str("## Conventions\n\n");
    out.push_str(
        "- **Working days** are every day except Saturdays, Sundays, Christmas Day, Good \
         Friday, England and Wales bank holidays (with substitute days and one-off \
         proclamations) and the council's closure days (`calendar.closures`). \"Within N \
         working days of D\" means by the Nth working day after D; D itself is day 0.\n\
         - **Calendar months** end on the last day of a shorter month: 3 months after \
         30 November is 28 February. Calendar-day and calendar-month due dates do not move \
         off weekends or bank holidays.\n\
         - **The evaluation date**: the engine looks at the record as it stood that day. \
         Episodes, reviews and other rows dated later are ignored, and an episode that \
         ended later is treated as open, so re-evaluating a past date gives the answer the \
         engine would have given then.\n\
         - **Periods of care**: a child who leaves care and comes back starts a new period, \
         and rules about the period (reviews, time in a children's home, adoption) count \
         from its start. A child who has left care by the due date is not flagged (except \
         by the care-leaver rules).\n\
         - **Where the data begins**: each 903 return holds the episodes open in its year, \
         with their original start dates, but only that year's reviews and ended \
         placements. For each child the data is complete from 1 April of the earliest \
         collection year their episodes come from; a period of care whose first episode is \
         not a start of care (RNE S) began before the data. Rules say \"cannot decide\" \
         when that missing history could change the answer, and \"overdue\" once it no \
         longer could.\n\
         - **The tracker's records** are read as they stood on the evaluation date: records \
         dated later are ignored (a plan decided, a visit, an allocation starting), and \
         anything completed, ended, resolved or concluded later is still open. A record \
         recorded late (a care plan written after its due date) clears the finding from its \
         own date. Records of a period of care are those dated from its start (a permanence \
         plan up to 7 days before, for a planned admission; some rules allow records made \
         shortly before, as they say) and never on or before the day the previous period \
         ended: a child who re-enters care needs a new care plan, plan and meetings. When a \
         period began before the loaded data, any record since the previous period counts.\n\
         - **Without the tracker's records** (`permanence_rules::evaluate` and \
         `evaluate_all`, used until the tracker's records are loaded) the rules that need \
         them are skipped: with none loaded every child would lack every record. With them \
         (`evaluate_all_with`), a child with no records is checked like any other.\n\
         - **Short breaks**: children in a series of short breaks (legal status V3, V4) are \
         left out of the rules whose duties CPPCR reg 48 modifies (care plan, visits, \
         health, education, permanence planning), as each rule says.\n\n",
    );
    out.push_str("## Escalation\n\n");
    let _ = writeln!(
        out,
        "An overdue finding starts with its owner. With no recorded decision it moves up \
         the ladder after the working days given at each level: {ladder}. An owner who is \
         not on the ladder (an IRO, a personal adviser, the regional adoption agency) \
         counts as the lowest level. Told about every overdue finding alongside its owner: \
         {notify}. The ladder and its timings are settings (`escalation`).\n\n\
         **Management decisions stop escalation.** A decision about the child recorded for \
         the alert (a management decision with source `alert` and `source_ref` the rule \
         id, made on or after the finding's due date and on or before the evaluation date) \
         holds the finding at the level it had reached when the decision was made, until \
         the decision's own due date. The finding still shows, with the decision in its \
         evidence. Once the decision's due date has passed, the finding climbs again from \
         that level, counting working days from the decision's due date; a newer decision \
         holds it again. A decision with no due date does not hold it (SUP-02 flags such \
         decisions). A decision applies to every finding of its rule for the child.\n"
    );

    out.push_str("## Summary\n\n");
    out.push_str(
        "| Rule | Title | Owner | Default threshold | Tracker records |\n|---|---|---|---|---|\n",
    );
    for rule in rules::all() {
        let info = rule.info();
        let settings = rule.settings(policy);
        let thresholds = settings
            .params()
            .iter()
            .filter(|param| matches!(param.value, ParamValue::Number { .. }))
            .map(|param| param.display_value())
            .collect::<Vec<_>>()
            .join(", ");
        let _ = writeln!(
            out,
            "| [{id}](#{anchor}) | {title} | {owner} | {thresholds} | {tracker} |",
            id = info.id,
            anchor = anchor(info.id, info.title),
            title = cell(info.title),
            owner = info.owner.label(),
            tracker = if info.needs_tracker_records {
                "needed"
            } else {
                ""
            },
        );
    }
    out.push('\n');

    for rule in rules::all() {
        let info = rule.info();
        let settings = rule.settings(policy);
        let _ = writeln!(out, "## {}: {}\n", info.id, info.title);
        let _ = writeln!(out, "**When it fires.** {}\n", info.condition);
        out.push_str("| | |\n|---|---|\n");
        let _ = writeln!(out, "| Source | {} |", cell(info.source));
        let _ = writeln!(out, "| Basis | {} |", info.basis.label());
        let _ = writeln!(out, "| Owner | {} |", role_cell(info.owner));
        let _ = writeln!(out, "| Who acts (rule table) | {} |", cell(info.escalation));
        let _ = writeln!(out, "| Reads | {} |", cell(&info.inputs.join("; ")));
        let _ = writeln!(
            out,
            "| Needs the tracker's records | {} |",
            if info.needs_tracker_records {
                "yes (skipped when the engine runs on the 903 return alone)"
            } else {
                "no"
            }
        );
        let _ = writeln!(
            out,
            "| Switched on | {} (`rules.{}.enabled`) |",
            if settings.enabled() { "yes" } else { "no" },
            info.id
        );
        for param in settings.params() {
            let _ = writeln!(
                out,
                "| {} | {} (`rules.{}.{}`) |",
                cell(param.help.trim_end_matches('.')),
                param.display_value(),
                info.id,
                param.key
            );
        }
        match settings.due_soon_days() {
            Some(days) => {
                let _ = writeln!(
                    out,
                    "| Due soon from | {days} days before the due date (`rules.{}.due_soon_days`) |",
                    info.id
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "| Due soon from | {due_soon} days before the due date (`alerts.due_soon_days`) |"
                );
            }
        }
        let _ = writeln!(out, "\n**What to do.** {}\n", info.action);
        if !info.notes.is_empty() {
            out.push_str("**How it decides.**\n\n");
            for note in info.notes {
                let _ = writeln!(out, "- {note}");
            }
            out.push('\n');
        }
    }
    out.push_str("## Rules not computed\n\n");
    out.push_str(
        "These rules of the rule table are not computed: the records they need are not held \
         yet.\n\n| Rule | What it would check | Why it is not computed |\n|---|---|---|\n",
    );
    for rule in rules::NOT_COMPUTED {
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            rule.id,
            cell(rule.what),
            cell(rule.why)
        );
    }
    out.push_str("\n## Parts of rules not computed\n\n");
    out.push_str(
        "These rules are computed, but part of their condition in the rule table is not, \
         because the records cannot support it.\n\n| Rule | What is not checked | Why |\n\
         |---|---|---|\n",
    );
    for part in rules::PARTLY_COMPUTED {
        let _ = writeln!(
            out,
            "| [{}](#{}) | {} | {} |",
            part.id,
            anchor(part.id, find_title(part.id)),
            cell(part.what),
            cell(part.why)
        );
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn find_title(id: &str) -> &'static str {
    rules::all()
        .iter()
        .find(|rule| rule.info().id == id)
        .map_or("", |rule| rule.info().title)
}

/// GitHub's heading anchor for "## ID: Title".
fn anchor(id: &str, title: &str) -> String {
    format!("{id}: {title}")
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => Some(c),
            ' ' => Some('-'),
            _ => None,
        })
        .collect()
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn role_cell(role: Role) -> String {
    format!("{} (`{}`)", role.label(), role.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOCS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/rules.md");

    #[test]
    fn docs_rules_md_is_current() {
        let generated = rules_markdown(&Policy::default());
        if std::env::var_os("UPDATE_DOCS").is_some_and(|v| v == "1") {
            std::fs::write(DOCS, &generated).expect("docs/rules.md is writable");
            return;
        }
        let committed = std::fs::read_to_string(DOCS).unwrap_or_default();
        assert!(
            committed == generated,
            "docs/rules.md is out of date with the rules' code. Regenerate it with \
             `UPDATE_DOCS=1 cargo test -p permanence-rules docs_rules_md_is_current` and \
             commit the result."
        );
    }

    #[test]
    fn every_rule_is_documented_with_its_thresholds() {
        let text = rules_markdown(&Policy::default());
        for id in rules::ids() {
            assert!(text.contains(&format!("## {id}: ")), "{id}");
        }
        assert!(text.contains("| 20 working days (`rules.REV-01.working_days`) |"));
        assert!(text.contains("11 years (`rules.PERM-04.under_age`)"));
        for rule in rules::NOT_COMPUTED {
            assert!(text.contains(&format!("| {} | ", rule.id)), "{}", rule.id);
        }
        assert!(text.contains("## Rules not computed"));
        assert!(text.contains("**Management decisions stop escalation.**"));
        assert!(
            text.contains(
                "[REV-01](#rev-01-first-review-within-20-working-days-of-coming-into-care)"
            )
        );
    }

    #[test]
    fn the_docs_follow_the_policy() {
        let mut policy = Policy::default();
        policy.rules.perm_04.days = 120;
        assert!(rules_markdown(&policy).contains("120 days (`rules.PERM-04.days`)"));
    }
}
