//! What every drift rule provides: a [`RuleInfo`] description (used for the generated
//! `docs/rules.md` and the policy template), its [`RuleSettings`] in the policy file, and
//! [`Rule::evaluate`].

use crate::context::Context;
use crate::finding::{Finding, Role};
use crate::policy::Policy;

/// Where a rule's duty comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// An Act or regulations.
    Statutory,
    /// Statutory guidance or a handbook.
    Guidance,
    /// A national indicator or performance threshold.
    NationalIndicator,
    /// The council's own practice: every threshold is a local choice.
    Local,
}

impl Basis {
    /// Plain-English label.
    pub fn label(self) -> &'static str {
        match self {
            Basis::Statutory => "Statutory",
            Basis::Guidance => "Guidance",
            Basis::NationalIndicator => "National indicator",
            Basis::Local => "Local practice",
        }
    }
}

/// A rule's description, for people: the generated `docs/rules.md` is made from it.
#[derive(Debug)]
pub struct RuleInfo {
    /// Stable id from the rule table (`domain.md` §6), e.g. `REV-01`.
    pub id: &'static str,
    /// Plain-English title.
    pub title: &'static str,
    /// When the rule raises a finding, in plain English.
    pub condition: &'static str,
    /// Where the duty comes from, quoting the rule table.
    pub source: &'static str,
    /// Statutory, guidance, national indicator or local.
    pub basis: Basis,
    /// The 903 fields and tracker records the rule reads.
    pub inputs: &'static [&'static str],
    /// Whether the rule needs the tracker's own records (plans, activities, decisions,
    /// ...). Such rules are skipped when the engine runs without tracker records
    /// ([`crate::evaluate`], [`crate::evaluate_all`]): with none loaded, every child
    /// would lack every record.
    pub needs_tracker_records: bool,
    /// Who acts first.
    pub owner: Role,
    /// Who should act, and who it escalates to, as the rule table says.
    pub escalation: &'static str,
    /// What a user should do about a finding.
    pub action: &'static str,
    /// How the rule decides: counting conventions, choices made, limits of the data.
    pub notes: &'static [&'static str],
}

/// A drift rule.
pub trait Rule: Sync + Send {
    /// The rule's description.
    fn info(&self) -> &'static RuleInfo;
    /// The rule's settings in `policy`.
    fn settings<'p>(&self, policy: &'p Policy) -> &'p dyn RuleSettings;
    /// The rule's settings in `policy`, to change them.
    fn settings_mut<'p>(&self, policy: &'p mut Policy) -> &'p mut dyn RuleSettings;
    /// The rule's findings for one child (usually none, sometimes one).
    fn evaluate(&self, ctx: &Context<'_>) -> Vec<Finding>;
}

/// The unit of a numeric setting, used in messages and documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Calendar days.
    Days,
    /// Weeks of 7 calendar days.
    Weeks,
    /// Working days (`domain.md` §4).
    WorkingDays,
    /// Calendar months (end-of-month clamped).
    Months,
    /// Years of age.
    Years,
    /// A number of placements.
    Placements,
    /// A number of yearly returns.
    Returns,
    /// A number of children.
    Children,
}

impl Unit {
    /// The unit's name in the plural, e.g. "working days".
    pub fn plural(self) -> &'static str {
        match self {
            Unit::Days => "days",
            Unit::Weeks => "weeks",
            Unit::WorkingDays => "working days",
            Unit::Months => "calendar months",
            Unit::Years => "years",
            Unit::Placements => "placements",
            Unit::Returns => "returns",
            Unit::Children => "children",
        }
    }

    /// "20 working days", "1 return".
    pub fn amount(self, value: i32) -> String {
        if value == 1 {
            let singular = match self {
                Unit::Days => "day",
                Unit::Weeks => "week",
                Unit::WorkingDays => "working day",
                Unit::Months => "calendar month",
                Unit::Years => "year",
                Unit::Placements => "placement",
                Unit::Returns => "return",
                Unit::Children => "child",
            };
            format!("1 {singular}")
        } else {
            format!("{value} {}", self.plural())
        }
    }
}

/// The value of one setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamValue {
    /// A whole number with its unit and allowed range.
    Number {
        /// The value.
        value: i32,
        /// Its unit.
        unit: Unit,
        /// The smallest allowed value.
        min: i32,
        /// The largest allowed value.
        max: i32,
    },
    /// On or off.
    Switch(bool),
}

/// One setting of a rule, described for validation, the policy template and the docs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The key in the rule's table of the policy file, e.g. `working_days`.
    pub key: &'static str,
    /// The value.
    pub value: ParamValue,
    /// What it means, one sentence.
    pub help: &'static str,
}

impl Param {
    /// The value as people read it: "20 working days", "on".
    pub fn display_value(&self) -> String {
        match self.value {
            ParamValue::Number { value, unit, .. } => unit.amount(value),
            ParamValue::Switch(on) => if on { "on" } else { "off" }.to_string(),
        }
    }

    /// The value as TOML writes it.
    pub fn toml_value(&self) -> String {
        match self.value {
            ParamValue::Number { value, .. } => value.to_string(),
            ParamValue::Switch(on) => on.to_string(),
        }
    }

    /// Why the value is not allowed, if it is not.
    pub fn problem(&self) -> Option<String> {
        match self.value {
            ParamValue::Number {
                value,
                unit,
                min,
                max,
            } if !(min..=max).contains(&value) => Some(format!(
                "expected a whole number of {} from {min} to {max}, found {value}",
                unit.plural()
            )),
            _ => None,
        }
    }
}

/// The settings every rule has in the policy file, plus its own thresholds.
pub trait RuleSettings: Send + Sync {
    /// Whether the rule runs.
    fn enabled(&self) -> bool;
    /// Switch the rule on or off.
    fn set_enabled(&mut self, enabled: bool);
    /// This rule's own "due soon" window in days, overriding `[alerts] due_soon_days`.
    fn due_soon_days(&self) -> Option<i32>;
    /// The rule's own thresholds.
    fn params(&self) -> Vec<Param>;
}

/// Declares a rule's settings struct: `enabled`, an optional `due_soon_days` override,
/// and the rule's thresholds, each with its default, unit, range and help text.
macro_rules! rule_settings {
    (
        due_soon_days: $due_soon:expr;
        $(
            $(#[doc = $doc:literal])+
            $field:ident : $kind:ident $( ($unit:ident, $min:literal ..= $max:literal) )? = $default:expr;
        )*
    ) => {
        /// This rule's settings in the policy file (`[rules.<ID>]`).
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct Settings {
            /// Whether the rule runs.
            pub enabled: bool,
            /// Days before the due date that a finding shows as due soon; when absent,
            /// `[alerts] due_soon_days` applies.
            #[serde(skip_serializing_if = "Option::is_none")]
            pub due_soon_days: Option<i32>,
            $(
                $(#[doc = $doc])+
                #[serde(deserialize_with = "crate::rule::deserialize_setting")]
                pub $field: rule_settings!(@type $kind),
            )*
        }

        impl Default for Settings {
            fn default() -> Self {
                Settings {
                    enabled: true,
                    due_soon_days: $due_soon,
                    $( $field: $default, )*
                }
            }
        }

        impl $crate::rule::RuleSettings for Settings {
            fn enabled(&self) -> bool {
                self.enabled
            }

            fn set_enabled(&mut self, enabled: bool) {
                self.enabled = enabled;
            }

            fn due_soon_days(&self) -> Option<i32> {
                self.due_soon_days
            }

            fn params(&self) -> Vec<$crate::rule::Param> {
                vec![$(
                    $crate::rule::Param {
                        key: stringify!($field),
                        value: rule_settings!(@value self.$field, $kind $( ($unit, $min, $max) )?),
                        help: concat!($($doc),+).trim_start(),
                    },
                )*]
            }
        }
    };
    (@type number) => { i32 };
    (@type switch) => { bool };
    (@value $value:expr, number ($unit:ident, $min:literal, $max:literal)) => {
        $crate::rule::ParamValue::Number {
            value: $value,
            unit: $crate::rule::Unit::$unit,
            min: $min,
            max: $max,
        }
    };
    (@value $value:expr, switch) => {
        $crate::rule::ParamValue::Switch($value)
    };
}

pub(crate) use rule_settings;

/// A value a rule setting can hold, read with messages people understand.
pub(crate) trait SettingValue: Sized {
    fn read<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

impl SettingValue for bool {
    fn read<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
        serde::Deserialize::deserialize(deserializer)
    }
}

/// Whole numbers say "expected a whole number" (rather than "i32") when the value is of
/// another type; the range is checked after reading, naming the unit.
impl SettingValue for i32 {
    fn read<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i32, D::Error> {
        struct WholeNumber;

        impl serde::de::Visitor<'_> for WholeNumber {
            type Value = i32;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a whole number")
            }

            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<i32, E> {
                i32::try_from(value).map_err(|_| too_large(value))
            }

            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<i32, E> {
                i32::try_from(value).map_err(|_| too_large(value))
            }
        }

        fn too_large<E: serde::de::Error>(value: impl std::fmt::Display) -> E {
            E::custom(format!(
                "expected a whole number, found {value}, which is far too large"
            ))
        }

        deserializer.deserialize_i64(WholeNumber)
    }
}

/// `deserialize_with` for every rule setting.
pub(crate) fn deserialize_setting<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: SettingValue,
{
    T::read(deserializer)
}

/// Implements [`Rule`] for a rule's unit struct: its info, its settings field in
/// [`crate::policy::RulesPolicy`], and its evaluate function.
macro_rules! impl_rule {
    ($rule:ident, $info:ident, $field:ident, $evaluate:ident) => {
        impl $crate::rule::Rule for $rule {
            fn info(&self) -> &'static $crate::rule::RuleInfo {
                &$info
            }

            fn settings<'p>(
                &self,
                policy: &'p $crate::policy::Policy,
            ) -> &'p dyn $crate::rule::RuleSettings {
                &policy.rules.$field
            }

            fn settings_mut<'p>(
                &self,
                policy: &'p mut $crate::policy::Policy,
            ) -> &'p mut dyn $crate::rule::RuleSettings {
                &mut policy.rules.$field
            }

            fn evaluate(
                &self,
                ctx: &$crate::context::Context<'_>,
            ) -> Vec<$crate::finding::Finding> {
                $evaluate(ctx, &ctx.policy.rules.$field)
            }
        }
    };
}

pub(crate) use impl_rule;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_read_naturally() {
        assert_eq!(Unit::WorkingDays.amount(20), "20 working days");
        assert_eq!(Unit::Returns.amount(1), "1 return");
        assert_eq!(Unit::Months.amount(3), "3 calendar months");
    }

    #[test]
    fn out_of_range_numbers_are_problems() {
        let param = Param {
            key: "under_age",
            value: ParamValue::Number {
                value: -3,
                unit: Unit::Years,
                min: 0,
                max: 25,
            },
            help: "",
        };
        assert_eq!(
            param.problem().as_deref(),
            Some("expected a whole number of years from 0 to 25, found -3")
        );
    }
}
