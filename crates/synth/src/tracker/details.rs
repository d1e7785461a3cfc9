//! Every child's name and, for a few, a record restricted to named staff.
//!
//! The 903 return holds no names; the tracker's `child_details` records give each child
//! the name staff find them by. The names are clearly fictional (ordinary first names
//! with invented surnames) and drawn from a hash of the seed and the child's id, so they
//! use no stream that other records are drawn from. A share of children
//! ([`RESTRICTED_RECORD_SHARE`]) with an allocated social worker have their record
//! restricted to that social worker and the worker's team manager, with a reason.

use permanence_domain::tracker::{AllocationRole, ChildDetails, ChildTracker, Organisation};

use super::{hash_str, mix, unit};
use crate::rates::{RESTRICTED_RECORD_SHARE, RESTRICTION_REASONS};

/// Salt of the names' hash.
const DETAILS_SALT: u64 = 0xD37A_1150_0000_0004;

/// First names: common in England, none tied to one sex.
const FIRST_NAMES: [&str; 32] = [
    "Alex", "Ashley", "Bailey", "Blake", "Cameron", "Casey", "Charlie", "Dakota", "Drew", "Eden",
    "Ellis", "Emerson", "Finley", "Frankie", "Harley", "Harper", "Hayden", "Jamie", "Jesse",
    "Jordan", "Kai", "Kit", "Logan", "Morgan", "Quinn", "Reese", "Riley", "Robin", "Rowan", "Sam",
    "Skyler", "Taylor",
];

/// Surnames: invented, so that no synthetic child can be mistaken for a real one.
const LAST_NAMES: [&str; 24] = [
    "Amberwick",
    "Brambleford",
    "Cloverdew",
    "Dapplemere",
    "Elderhush",
    "Fernwhistle",
    "Gorseby-Lark",
    "Hazelquill",
    "Inkwhistle",
    "Juniperlow",
    "Kestrelbrook",
    "Larkspurrow",
    "Mossgrindle",
    "Nettlecomb",
    "Oakhollow",
    "Pebblewick",
    "Quillsworth",
    "Rookmallow",
    "Saffronfold",
    "Thistledown-Vale",
    "Umberwhisk",
    "Velvetmoor",
    "Willowquist",
    "Yarrowdell",
];

/// The child's details: a name, and (at [`RESTRICTED_RECORD_SHARE`]) a restriction to
/// the social worker allocated most recently and that worker's manager.
pub(crate) fn details(
    seed: u64,
    child: &str,
    tracker: &ChildTracker,
    organisation: &Organisation,
) -> ChildDetails {
    let hash = mix(seed ^ DETAILS_SALT ^ hash_str(child));
    let first = FIRST_NAMES[(hash % FIRST_NAMES.len() as u64) as usize];
    let last = LAST_NAMES[((hash >> 24) % LAST_NAMES.len() as u64) as usize];
    let draw = mix(hash);
    let mut restricted_to = Vec::new();
    let mut restriction_reason = None;
    let worker = tracker
        .allocations
        .iter()
        .rev()
        .find(|a| a.role == AllocationRole::SocialWorker)
        .map(|a| a.person.clone());
    if let Some(worker) = worker
        && unit(draw) < RESTRICTED_RECORD_SHARE
    {
        let manager = organisation.person(&worker).and_then(|p| p.manager.clone());
        restricted_to.push(worker);
        restricted_to.extend(manager);
        restriction_reason = Some(reason(unit(mix(draw))).to_string());
    }
    ChildDetails {
        child: child.to_string(),
        name: format!("{first} {last}"),
        restricted_to,
        restriction_reason,
    }
}

/// The reason at `u` (in `[0, 1)`) along the weights of [`RESTRICTION_REASONS`].
fn reason(u: f64) -> &'static str {
    let total: f64 = RESTRICTION_REASONS.iter().map(|(_, w)| w).sum();
    let mut at = u * total;
    for (text, weight) in RESTRICTION_REASONS {
        if at < weight {
            return text;
        }
        at -= weight;
    }
    RESTRICTION_REASONS[RESTRICTION_REASONS.len() - 1].0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_fixed_by_the_seed_and_the_child() {
        let tracker = ChildTracker::default();
        let organisation = Organisation::default();
        let one = details(7, "C0000001", &tracker, &organisation);
        assert_eq!(one, details(7, "C0000001", &tracker, &organisation));
        assert!(one.name.contains(' '));
        // Without a social worker, never restricted.
        assert!(!one.is_restricted() && one.restriction_reason.is_none());
        let names: std::collections::BTreeSet<String> = (1..=200)
            .map(|n| details(7, &format!("C{n:07}"), &tracker, &organisation).name)
            .collect();
        assert!(names.len() > 100, "{}", names.len());
    }

    #[test]
    fn reasons_follow_their_weights() {
        assert_eq!(reason(0.0), RESTRICTION_REASONS[0].0);
        assert_eq!(reason(0.65), RESTRICTION_REASONS[1].0);
        assert_eq!(reason(0.999_999), RESTRICTION_REASONS[2].0);
    }
}
