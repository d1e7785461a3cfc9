//! The council's policy file (`permanence.toml`): every threshold of the drift rules,
//! which rules run, the "due soon" window, the escalation ladder and the council's extra
//! closure days. Every setting has a documented default (`domain.md` §6), so an empty
//! file is a valid policy.
//!
//! Reading is strict: an unknown key, a value of the wrong type or an impossible value
//! (a negative number of days, an age over 25) is an error that names the key, for
//! example `rules.PERM-04.under_age: expected a whole number of years from 0 to 25,
//! found -3`.

use std::fmt;

use permanence_domain::Date;
use permanence_domain::calendar::Calendar;
use permanence_domain::codes::PlacementGroup;
use serde::{Deserialize, Deserializer, Serializer};

use crate::finding::Role;
use crate::rule::{ParamValue, Rule, RuleSettings};
use crate::rules::{self, *};

/// The whole policy.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// When findings show as due soon.
    pub alerts: Alerts,
    /// The council's extra closure days.
    pub calendar: CalendarPolicy,
    /// The escalation ladder.
    pub escalation: Escalation,
    /// Each rule's settings, under its id (`[rules.REV-01]`).
    pub rules: RulesPolicy,
    /// Weekly unit costs of placements, for the demand forecast.
    pub costs: Costs,
}

/// `[costs]`: what a week of a placement costs the council, in whole pounds, by
/// placement group (`PlacementGroup`), for the demand forecast (`permanence forecast`).
/// The defaults are round illustrative figures of the order published nationally, not
/// any council's prices: set your own.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Costs {
    /// Foster care (U1 to U6), in-house and agency together.
    pub foster_care: i32,
    /// Placed for adoption (A3 to A6).
    pub placed_for_adoption: i32,
    /// Placed with parents (P1).
    pub with_parents: i32,
    /// Children's homes (K1, K2).
    pub childrens_home: i32,
    /// Supported or independent living (H5, P2, K3).
    pub supported_or_independent_living: i32,
    /// Other residential settings (R1, R2, R3, R5, S1, P3).
    pub other_residential: i32,
    /// Other placements (temporary placements, Z codes).
    pub other: i32,
}

impl Default for Costs {
    fn default() -> Self {
        Costs {
            foster_care: 700,
            placed_for_adoption: 150,
            with_parents: 150,
            childrens_home: 5_500,
            supported_or_independent_living: 1_500,
            other_residential: 4_000,
            other: 1_000,
        }
    }
}

impl Costs {
    /// The largest weekly unit cost accepted, in pounds.
    pub const MAX: i32 = 100_000;

    /// Every setting: its key, its placement group and its value.
    pub fn settings(&self) -> [(&'static str, PlacementGroup, i32); 7] {
        use PlacementGroup::*;
        [
            ("foster_care", FosterCare, self.foster_care),
            (
                "placed_for_adoption",
                PlacedForAdoption,
                self.placed_for_adoption,
            ),
            ("with_parents", WithParents, self.with_parents),
            ("childrens_home", ChildrensHome, self.childrens_home),
            (
                "supported_or_independent_living",
                SupportedOrIndependentLiving,
                self.supported_or_independent_living,
            ),
            (
                "other_residential",
                OtherResidential,
                self.other_residential,
            ),
            ("other", Other, self.other),
        ]
    }

    /// The weekly unit cost of a placement group, in pounds.
    pub fn weekly(&self, group: PlacementGroup) -> i32 {
        self.settings()
            .iter()
            .find(|(_, g, _)| *g == group)
            .map_or(0, |(_, _, cost)| *cost)
    }
}

/// `[alerts]`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Alerts {
    /// Calendar days before a due date from which an unmet rule shows as due soon (the
    /// due date itself included). A rule may set its own window.
    pub due_soon_days: i32,
}

impl Default for Alerts {
    fn default() -> Self {
        Alerts { due_soon_days: 10 }
    }
}

/// `[calendar]`.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CalendarPolicy {
    /// Days the council's offices are closed, on top of the England and Wales bank
    /// holidays: not working days.
    #[serde(
        deserialize_with = "deserialize_dates",
        serialize_with = "serialize_dates"
    )]
    pub closures: Vec<Date>,
}

/// `[escalation]`: who an overdue finding goes to as it stays overdue.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Escalation {
    /// Roles told about every overdue finding alongside its owner (the IRO, by default).
    pub notify: Vec<Role>,
    /// The ladder, lowest level first.
    pub ladder: Vec<EscalationLevel>,
}

/// One level of the escalation ladder (`[[escalation.ladder]]`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationLevel {
    /// Who holds the finding at this level.
    pub role: Role,
    /// Working days an overdue finding stays at this level before it goes up to the
    /// next (the last level keeps it).
    #[serde(default = "default_level_working_days")]
    pub working_days: i32,
}

fn default_level_working_days() -> i32 {
    5
}

impl Default for Escalation {
    fn default() -> Self {
        let level = |role| EscalationLevel {
            role,
            working_days: default_level_working_days(),
        };
        Escalation {
            notify: vec![Role::Iro],
            ladder: vec![
                level(Role::SocialWorker),
                level(Role::TeamManager),
                level(Role::ServiceManager),
                level(Role::HeadOfService),
                level(Role::Director),
            ],
        }
    }
}

impl Escalation {
    /// Who holds a finding owned by `owner` that has been overdue for
    /// `working_days_overdue` working days with no recorded decision.
    ///
    /// The finding starts with its owner. An owner on the ladder climbs from its own
    /// level; an owner who is not on it (an IRO, a personal adviser) counts as the
    /// lowest level, so after that level's working days the finding goes to the second
    /// rung (the team manager, by default).
    pub fn escalated_to(&self, owner: Role, working_days_overdue: i32) -> Role {
        let start = self.ladder.iter().position(|level| level.role == owner);
        let mut index = start.unwrap_or(0);
        let mut remaining = working_days_overdue;
        while index + 1 < self.ladder.len() && remaining >= self.ladder[index].working_days {
            remaining -= self.ladder[index].working_days;
            index += 1;
        }
        if start.is_none() && index == 0 {
            owner
        } else {
            self.ladder.get(index).map_or(owner, |level| level.role)
        }
    }
}

macro_rules! rules_policy {
    ($( $id:literal => $field:ident : $module:ident, )*) => {
        /// `[rules.<ID>]`: each rule's settings.
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct RulesPolicy {
            $(
                #[doc = concat!("`[rules.", $id, "]`.")]
                #[serde(rename = $id)]
                pub $field: $module::Settings,
            )*
        }
    };
}

rules_policy! {
    "REV-01" => rev_01: rev_01,
    "REV-02" => rev_02: rev_02,
    "REV-03" => rev_03: rev_03,
    "REV-04" => rev_04: rev_04,
    "REV-05" => rev_05: rev_05,
    "CP-01" => cp_01: cp_01,
    "CP-02" => cp_02: cp_02,
    "CP-03" => cp_03: cp_03,
    "PERM-01" => perm_01: perm_01,
    "PERM-02" => perm_02: perm_02,
    "PERM-03" => perm_03: perm_03,
    "PERM-04" => perm_04: perm_04,
    "PERM-05" => perm_05: perm_05,
    "PERM-06" => perm_06: perm_06,
    "PERM-07" => perm_07: perm_07,
    "PERM-08" => perm_08: perm_08,
    "VIS-01" => vis_01: vis_01,
    "VIS-02" => vis_02: vis_02,
    "VIS-03" => vis_03: vis_03,
    "VIS-04" => vis_04: vis_04,
    "VIS-05" => vis_05: vis_05,
    "VIS-06" => vis_06: vis_06,
    "HLT-01" => hlt_01: hlt_01,
    "HLT-02" => hlt_02: hlt_02,
    "EDU-01" => edu_01: edu_01,
    "EDU-02" => edu_02: edu_02,
    "PLC-01" => plc_01: plc_01,
    "PLC-02" => plc_02: plc_02,
    "PLC-04" => plc_04: plc_04,
    "PLC-05" => plc_05: plc_05,
    "STAB-01" => stab_01: stab_01,
    "STAB-02" => stab_02: stab_02,
    "STAB-03" => stab_03: stab_03,
    "FC-01" => fc_01: fc_01,
    "CL-01" => cl_01: cl_01,
    "CL-02" => cl_02: cl_02,
    "CL-03" => cl_03: cl_03,
    "CL-04" => cl_04: cl_04,
    "CL-05" => cl_05: cl_05,
    "CL-06" => cl_06: cl_06,
    "CL-07" => cl_07: cl_07,
    "CL-08" => cl_08: cl_08,
    "CEA-01" => cea_01: cea_01,
    "PLO-01" => plo_01: plo_01,
    "PLO-02" => plo_02: plo_02,
    "CRT-01" => crt_01: crt_01,
    "CRT-02" => crt_02: crt_02,
    "ADO-01" => ado_01: ado_01,
    "ADO-02" => ado_02: ado_02,
    "LSW-01" => lsw_01: lsw_01,
    "LSW-02" => lsw_02: lsw_02,
    "LSW-03" => lsw_03: lsw_03,
    "LSW-04" => lsw_04: lsw_04,
    "IRO-01" => iro_01: iro_01,
    "IRO-02" => iro_02: iro_02,
    "SUP-01" => sup_01: sup_01,
    "SUP-02" => sup_02: sup_02,
    "PNL-01" => pnl_01: pnl_01,
}

/// Why a policy file was not accepted: every problem found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct PolicyError {
    /// The problems, in file order where known.
    pub problems: Vec<PolicyProblem>,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

/// One problem in a policy file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyProblem {
    /// The dotted key, e.g. `rules.PERM-04.under_age`; empty for a syntax error before
    /// any key.
    pub key: String,
    /// The line of the file, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for PolicyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.key[..], self.line) {
            ("", Some(line)) => write!(f, "line {line}: {}", self.message),
            ("", None) => f.write_str(&self.message),
            (key, Some(line)) => write!(f, "{key} (line {line}): {}", self.message),
            (key, None) => write!(f, "{key}: {}", self.message),
        }
    }
}

/// A rule id that is not one of the engine's rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{id}' is not a rule id; expected one of: {}", rules::ids().join(", "))]
pub struct UnknownRule {
    /// The id given.
    pub id: String,
}

impl Policy {
    /// Reads a policy file. Missing settings take their defaults.
    pub fn from_toml_str(text: &str) -> Result<Policy, PolicyError> {
        let policy: Policy = toml::from_str(text).map_err(|error| {
            let (key, line) = match error.span() {
                Some(span) => {
                    let (key, line) = key_at(text, span.start);
                    (key, Some(line))
                }
                None => (String::new(), None),
            };
            PolicyError {
                problems: vec![PolicyProblem {
                    key,
                    line,
                    message: error.message().trim().to_string(),
                }],
            }
        })?;
        let problems = policy.problems();
        if problems.is_empty() {
            Ok(policy)
        } else {
            Err(PolicyError { problems })
        }
    }

    /// The effective policy as TOML, every default filled in.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("a policy always serialises")
    }

    /// The working-day calendar: England and Wales plus the council's closure days.
    pub fn calendar(&self) -> Calendar {
        Calendar::with_closures(self.calendar.closures.clone())
    }

    /// The settings of the rule with this id.
    pub fn rule_settings(&self, id: &str) -> Result<&dyn RuleSettings, UnknownRule> {
        Ok(find_rule(id)?.settings(self))
    }

    /// Whether the rule with this id runs.
    pub fn is_enabled(&self, id: &str) -> Result<bool, UnknownRule> {
        Ok(self.rule_settings(id)?.enabled())
    }

    /// Runs only the rules with these ids (for `alerts --rule ID`), switching them on
    /// even if the policy file switched them off. Ids are matched ignoring case.
    pub fn enable_only(&mut self, ids: &[&str]) -> Result<(), UnknownRule> {
        let chosen = ids
            .iter()
            .map(|id| find_rule(id).map(|rule| rule.info().id))
            .collect::<Result<Vec<_>, _>>()?;
        for rule in rules::all() {
            let on = chosen.contains(&rule.info().id);
            rule.settings_mut(self).set_enabled(on);
        }
        Ok(())
    }

    /// Every impossible value, with its key.
    pub fn problems(&self) -> Vec<PolicyProblem> {
        let mut problems = Vec::new();
        let mut problem = |key: String, message: String| {
            problems.push(PolicyProblem {
                key,
                line: None,
                message,
            })
        };
        let days = |value: i32| {
            (!(0..=365).contains(&value))
                .then(|| format!("expected a whole number of days from 0 to 365, found {value}"))
        };
        if let Some(message) = days(self.alerts.due_soon_days) {
            problem("alerts.due_soon_days".into(), message);
        }
        if self.escalation.ladder.is_empty() {
            problem(
                "escalation.ladder".into(),
                "expected at least one level".into(),
            );
        }
        for (i, level) in self.escalation.ladder.iter().enumerate() {
            if !(1..=60).contains(&level.working_days) {
                problem(
                    format!("escalation.ladder[{}].working_days", i + 1),
                    format!(
                        "expected a whole number of working days from 1 to 60, found {}",
                        level.working_days
                    ),
                );
            }
            if self.escalation.ladder[..i]
                .iter()
                .any(|earlier| earlier.role == level.role)
            {
                problem(
                    format!("escalation.ladder[{}].role", i + 1),
                    format!("'{}' is already on the ladder", level.role),
                );
            }
        }
        for (key, _, cost) in self.costs.settings() {
            if !(0..=Costs::MAX).contains(&cost) {
                problem(
                    format!("costs.{key}"),
                    format!(
                        "expected a weekly cost in whole pounds from 0 to {}, found {cost}",
                        Costs::MAX
                    ),
                );
            }
        }
        for rule in rules::all() {
            let id = rule.info().id;
            let settings = rule.settings(self);
            if let Some(message) = settings.due_soon_days().and_then(days) {
                problem(format!("rules.{id}.due_soon_days"), message);
            }
            for param in settings.params() {
                if let Some(message) = param.problem() {
                    problem(format!("rules.{id}.{}", param.key), message);
                }
            }
        }
        problems
    }

    /// A commented policy file for `policy init`: every setting at its default, with
    /// what it means and where it comes from. It reads back as [`Policy::default`].
    pub fn commented_template() -> String {
        let policy = Policy::default();
        let mut out = String::new();
        let mut line = |text: &str| {
            out.push_str(text);
            out.push('\n');
        };
        line("# permanence.toml: the council's drift-rule policy.");
        line("#");
        line("# Every setting is optional: a setting left out takes the default shown here.");
        line("# Unknown keys and impossible values are errors, so a typing mistake is never");
        line("# silently ignored. Dates are written 2025-12-24. `permanence policy show`");
        line("# prints the policy in force; docs/rules.md explains every rule.");
        line("");
        line("[alerts]");
        line("# Calendar days before a due date from which an unmet rule shows as");
        line("# \"due soon\" (the due date itself included). A rule can set its own.");
        line(&format!("due_soon_days = {}", policy.alerts.due_soon_days));
        line("");
        line("[calendar]");
        line("# Days the council's offices are closed, on top of the England and Wales");
        line("# bank holidays (which are built in). They are not working days.");
        line("# For example: closures = [2025-12-24, 2025-12-31]");
        line("closures = []");
        line("");
        line("[escalation]");
        line("# Roles told about every overdue finding alongside its owner.");
        let roles = |roles: &[Role]| {
            roles
                .iter()
                .map(|role| format!("\"{role}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        line(&format!("notify = [{}]", roles(&policy.escalation.notify)));
        line("");
        line("# The escalation ladder, lowest level first. An overdue finding starts with");
        line("# the rule's owner and moves up one level after `working_days` working days");
        line("# at a level with no recorded decision; the last level keeps it. An owner who");
        line("# is not on the ladder (an IRO, a personal adviser) counts as the lowest level.");
        line("# A management decision recorded for the alert (source \"alert\", source_ref");
        line("# the rule id) holds the finding where it is until the decision's due date.");
        for text in wrap(
            &format!("Roles: {}.", Role::ALL.map(Role::as_str).join(", ")),
            78,
        ) {
            line(&format!("# {text}"));
        }
        for level in &policy.escalation.ladder {
            line("[[escalation.ladder]]");
            line(&format!("role = \"{}\"", level.role));
            line(&format!("working_days = {}", level.working_days));
            line("");
        }
        line("[costs]");
        line("# What a week of a placement costs, in whole pounds, by placement group:");
        line("# the demand forecast (`permanence forecast`) costs its projections with");
        line("# them. The defaults are round illustrative figures of the order published");
        line("# nationally, not any council's prices: set your own.");
        for (key, group, cost) in policy.costs.settings() {
            line(&format!("# {}.", group.label()));
            line(&format!("{key} = {cost}"));
        }
        line("");
        line("# Each rule: `enabled` switches it on or off; `due_soon_days` (optional)");
        line("# overrides [alerts] due_soon_days for that rule; the other keys are its");
        line("# thresholds.");
        for rule in rules::all() {
            let info = rule.info();
            let settings = rule.settings(&policy);
            line("");
            line(&format!("# {}: {}", info.id, info.title));
            line(&format!(
                "# Source: {} ({}).",
                info.source,
                info.basis.label()
            ));
            line(&format!("[rules.{}]", info.id));
            line(&format!("enabled = {}", settings.enabled()));
            match settings.due_soon_days() {
                Some(days) => {
                    line("# Days before the due date that a finding shows as due soon.");
                    line(&format!("due_soon_days = {days}"));
                }
                None => line(&format!(
                    "# due_soon_days = {}",
                    policy.alerts.due_soon_days
                )),
            }
            for param in settings.params() {
                let range = match param.value {
                    ParamValue::Number { unit, min, max, .. } => {
                        format!(" ({}, {min} to {max})", unit.plural())
                    }
                    ParamValue::Switch(_) => " (true or false)".to_string(),
                };
                for text in wrap(&format!("{}{range}", param.help), 78) {
                    line(&format!("# {text}"));
                }
                line(&format!("{} = {}", param.key, param.toml_value()));
            }
        }
        out
    }
}

/// Finds a rule by id, ignoring case.
pub fn find_rule(id: &str) -> Result<&'static dyn Rule, UnknownRule> {
    rules::all()
        .iter()
        .copied()
        .find(|rule| rule.info().id.eq_ignore_ascii_case(id.trim()))
        .ok_or_else(|| UnknownRule { id: id.to_string() })
}

/// Splits text into lines of at most `width` characters, at spaces.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// The dotted key at byte `offset` of a TOML document, and its line (1-based), worked
/// out from the table headers and `key = value` lines before it. Good for the files
/// people write by hand (headers, one key per line, multi-line arrays).
fn key_at(text: &str, offset: usize) -> (String, usize) {
    let offset = offset.min(text.len());
    let line_number = text[..offset].matches('\n').count() + 1;
    let mut header: Vec<String> = Vec::new();
    let mut array_counts: Vec<(String, usize)> = Vec::new();
    let mut last_key: Option<String> = None;
    for (index, raw) in text.lines().enumerate().take(line_number) {
        let line = strip_comment(raw).trim();
        let is_error_line = index + 1 == line_number;
        if line.starts_with('[') {
            let array = line.starts_with("[[");
            let name = line.trim_matches(|c| c == '[' || c == ']').trim();
            header = split_key(name);
            let mut path = header.join(".");
            if array {
                let count = match array_counts.iter_mut().find(|(p, _)| *p == path) {
                    Some((_, count)) => {
                        *count += 1;
                        *count
                    }
                    None => {
                        array_counts.push((path.clone(), 1));
                        1
                    }
                };
                path = format!("{path}[{count}]");
                header = vec![path];
            }
            last_key = None;
            if is_error_line {
                return (header.join("."), line_number);
            }
        } else if let Some((key, _)) = line.split_once('=') {
            last_key = Some(split_key(key.trim()).join("."));
        }
    }
    let key = match last_key {
        Some(key) if header.is_empty() => key,
        Some(key) => format!("{}.{key}", header.join(".")),
        None => header.join("."),
    };
    (key, line_number)
}

fn strip_comment(line: &str) -> &str {
    let mut in_string = false;
    for (i, c) in line.char_indices() {
        match c {
            '"' | '\'' => in_string = !in_string,
            '#' if !in_string => return &line[..i],
            _ => {}
        }
    }
    line
}

fn split_key(key: &str) -> Vec<String> {
    key.split('.')
        .map(|part| {
            part.trim()
                .trim_matches(|c| c == '"' || c == '\'')
                .to_string()
        })
        .collect()
}

fn deserialize_dates<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Date>, D::Error> {
    let values: Vec<toml::Value> = Vec::deserialize(deserializer)?;
    values
        .iter()
        .map(|value| {
            let date = match value {
                toml::Value::Datetime(datetime)
                    if datetime.time.is_none() && datetime.offset.is_none() =>
                {
                    datetime.date.and_then(|date| {
                        Date::new(date.year as i16, date.month as i8, date.day as i8).ok()
                    })
                }
                toml::Value::String(text) => text.parse::<Date>().ok(),
                _ => None,
            };
            date.ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "expected a date written like 2025-12-24, found {value}"
                ))
            })
        })
        .collect()
}

fn serialize_dates<S: Serializer>(dates: &[Date], serializer: S) -> Result<S::Ok, S::Error> {
    use serde::Serialize;
    dates
        .iter()
        .map(|date| toml::value::Datetime {
            date: Some(toml::value::Date {
                year: date.year() as u16,
                month: date.month() as u8,
                day: date.day() as u8,
            }),
            time: None,
            offset: None,
        })
        .collect::<Vec<_>>()
        .serialize(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        Policy::from_toml_str(text).unwrap_err().to_string()
    }

    #[test]
    fn an_empty_file_is_the_default_policy() {
        assert_eq!(Policy::from_toml_str("").unwrap(), Policy::default());
    }

    #[test]
    fn the_template_reads_back_as_the_default() {
        let template = Policy::commented_template();
        assert_eq!(Policy::from_toml_str(&template).unwrap(), Policy::default());
        assert!(template.contains("[rules.PERM-04]"));
        assert!(template.contains("under_age = 11"));
        // Every rule and every threshold is in the template.
        for rule in rules::all() {
            let id = rule.info().id;
            let section = template
                .split(&format!("[rules.{id}]\n"))
                .nth(1)
                .unwrap_or_else(|| panic!("{id} is in the template"));
            let section = section.split("\n[rules.").next().unwrap();
            for param in rule.settings(&Policy::default()).params() {
                let line = format!("\n{} = {}\n", param.key, param.toml_value());
                assert!(section.contains(&line), "{id} {}", param.key);
            }
        }
        assert!(template.contains("[rules.VIS-01]\nenabled = true\n"));
        assert!(template.contains("same_carer_moves_restart = false"));
        assert!(template.contains("[rules.CRT-01]"));
    }

    #[test]
    fn the_effective_policy_reads_back() {
        let mut policy = Policy::default();
        policy.calendar.closures = vec![Date::constant(2025, 12, 24)];
        policy.rules.perm_04.days = 120;
        policy.rules.rev_01.enabled = false;
        let text = policy.to_toml();
        assert!(text.contains("closures = [2025-12-24]"), "{text}");
        assert!(text.contains("[rules.REV-01]"), "{text}");
        assert!(text.contains("[[escalation.ladder]]"), "{text}");
        assert_eq!(Policy::from_toml_str(&text).unwrap(), policy);
    }

    #[test]
    fn settings_override_defaults() {
        let policy = Policy::from_toml_str(
            "[alerts]\ndue_soon_days = 5\n\n[rules.PERM-04]\nunder_age = 12\n\n\
             [calendar]\nclosures = [2025-12-24, \"2025-12-31\"]\n",
        )
        .unwrap();
        assert_eq!(policy.alerts.due_soon_days, 5);
        assert_eq!(policy.rules.perm_04.under_age, 12);
        assert_eq!(policy.rules.perm_04.days, 90);
        assert_eq!(
            policy.calendar.closures,
            vec![Date::constant(2025, 12, 24), Date::constant(2025, 12, 31)]
        );
        assert!(
            !policy
                .calendar()
                .is_working_day(Date::constant(2025, 12, 31))
        );
    }

    #[test]
    fn impossible_values_name_the_key() {
        assert_eq!(
            error("[rules.PERM-04]\nunder_age = -3\n"),
            "rules.PERM-04.under_age: expected a whole number of years from 0 to 25, found -3"
        );
        assert_eq!(
            error("[alerts]\ndue_soon_days = -1\n"),
            "alerts.due_soon_days: expected a whole number of days from 0 to 365, found -1"
        );
        assert_eq!(
            error("[rules.REV-01]\nworking_days = 0\ndue_soon_days = 400\n"),
            "rules.REV-01.due_soon_days: expected a whole number of days from 0 to 365, found 400\n\
             rules.REV-01.working_days: expected a whole number of working days from 1 to 100, found 0"
        );
    }

    #[test]
    fn unknown_keys_name_the_key() {
        let message = error("[rules.PERM-04]\nunder_age = 11\nmax_agee = 3\n");
        assert!(
            message.starts_with("rules.PERM-04.max_agee (line 3): unknown field `max_agee`"),
            "{message}"
        );
        let message = error("[rules.PERM-99]\nenabled = true\n");
        assert!(
            message.starts_with("rules.PERM-99 (line 1): unknown field `PERM-99`"),
            "{message}"
        );
        let message = error("colour = \"blue\"\n");
        assert!(
            message.starts_with("colour (line 1): unknown field"),
            "{message}"
        );
    }

    #[test]
    fn wrong_types_name_the_key() {
        let message = error("# A comment\n[rules.STAB-01]\nplacements = \"three\"\n");
        assert_eq!(
            message,
            "rules.STAB-01.placements (line 3): invalid type: string \"three\", expected a whole number"
        );
        let message = error("[rules.STAB-01]\nplacements = 3.5\n");
        assert!(message.ends_with("expected a whole number"), "{message}");
        let message = error("[rules.STAB-01]\nplacements = 99999999999\n");
        assert!(message.contains("far too large"), "{message}");
        let message = error("[calendar]\nclosures = [\n  2025-12-24,\n  \"24/12/2025\",\n]\n");
        assert_eq!(
            message,
            "calendar.closures (line 2): expected a date written like 2025-12-24, found \"24/12/2025\""
        );
        let message = error("[[escalation.ladder]]\nrole = \"boss\"\n");
        assert!(
            message.starts_with("escalation.ladder[1].role (line 2): unknown variant `boss`"),
            "{message}"
        );
    }

    #[test]
    fn costs_have_defaults_and_refuse_impossible_values() {
        let policy = Policy::from_toml_str("[costs]\nchildrens_home = 6200\n").unwrap();
        assert_eq!(policy.costs.weekly(PlacementGroup::ChildrensHome), 6200);
        assert_eq!(policy.costs.weekly(PlacementGroup::FosterCare), 700);
        for group in PlacementGroup::ALL {
            assert!(Policy::default().costs.weekly(group) > 0, "{group:?}");
        }
        assert_eq!(
            error("[costs]\nfoster_care = -5\n"),
            "costs.foster_care: expected a weekly cost in whole pounds from 0 to 100000, found -5"
        );
        let message = error("[costs]\nfoster_carer = 500\n");
        assert!(
            message.starts_with("costs.foster_carer (line 2): unknown field `foster_carer`"),
            "{message}"
        );
        let template = Policy::commented_template();
        assert!(template.contains("[costs]\n"), "{template}");
        assert!(template.contains("\nchildrens_home = 5500\n"), "{template}");
        assert!(Policy::default().to_toml().contains("[costs]"));
    }

    #[test]
    fn syntax_errors_give_the_line() {
        let message = error("[alerts]\ndue_soon_days = = 3\n");
        assert!(message.contains("line 2"), "{message}");
    }

    #[test]
    fn ladder_problems() {
        let message = error(
            "[[escalation.ladder]]\nrole = \"team_manager\"\nworking_days = 0\n\
             [[escalation.ladder]]\nrole = \"team_manager\"\n",
        );
        assert_eq!(
            message,
            "escalation.ladder[1].working_days: expected a whole number of working days from 1 to 60, found 0\n\
             escalation.ladder[2].role: 'team_manager' is already on the ladder"
        );
    }

    #[test]
    fn escalation_climbs_the_ladder() {
        let escalation = Escalation::default();
        assert_eq!(
            escalation.escalated_to(Role::SocialWorker, 0),
            Role::SocialWorker
        );
        assert_eq!(
            escalation.escalated_to(Role::SocialWorker, 4),
            Role::SocialWorker
        );
        assert_eq!(
            escalation.escalated_to(Role::SocialWorker, 5),
            Role::TeamManager
        );
        assert_eq!(
            escalation.escalated_to(Role::TeamManager, 5),
            Role::ServiceManager
        );
        assert_eq!(
            escalation.escalated_to(Role::SocialWorker, 20),
            Role::Director
        );
        assert_eq!(
            escalation.escalated_to(Role::SocialWorker, 500),
            Role::Director
        );
        assert_eq!(
            escalation.escalated_to(Role::HeadOfService, 5),
            Role::Director
        );
        // Owners off the ladder hold it for the first level's time, then the second rung.
        assert_eq!(escalation.escalated_to(Role::Iro, 4), Role::Iro);
        assert_eq!(escalation.escalated_to(Role::Iro, 5), Role::TeamManager);
        assert_eq!(escalation.escalated_to(Role::Iro, 10), Role::ServiceManager);
    }

    #[test]
    fn enable_only_chooses_rules() {
        let mut policy = Policy::default();
        policy.enable_only(&["rev-01", "PLC-01"]).unwrap();
        assert!(policy.is_enabled("REV-01").unwrap());
        assert!(policy.is_enabled("PLC-01").unwrap());
        assert!(!policy.is_enabled("REV-02").unwrap());
        let error = policy.enable_only(&["XYZ-1"]).unwrap_err().to_string();
        assert!(error.starts_with("'XYZ-1' is not a rule id; expected one of: REV-01, REV-02"));
    }

    #[test]
    fn key_paths() {
        let text = "a = 1\n[x.y]\nb = [\n 1,\n 2\n]\n[[l]]\nr = 1\n[[l]]\nr = 2 # c\n";
        assert_eq!(key_at(text, 0), ("a".into(), 1));
        assert_eq!(key_at(text, text.find(" 2").unwrap()), ("x.y.b".into(), 5));
        assert_eq!(
            key_at(text, text.find("r = 2").unwrap()),
            ("l[2].r".into(), 10)
        );
    }
}
