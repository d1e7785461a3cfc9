//! Projecting the population month by month: the central projection under the pooled
//! rates, and bootstrap projections that each draw, for every month ahead, one of the
//! fitted months' own rates (its entries, moves and exits), so the spread of the
//! projections carries how much the months of history differed from each other.

use permanence_domain::Date;
use permanence_domain::date::days_between;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::history::{GROUPS, ROUTES, STATES, group_of};
use crate::model::{Model, Rates};

/// One projection: the population on each date, and the flows of each month.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    /// The population by state on each date (the first is the starting population).
    pub stock: Vec<[f64; STATES]>,
    /// Children leaving care in each month, by route.
    pub exits: Vec<[f64; ROUTES]>,
    /// Children coming into care in each month.
    pub entries: Vec<f64>,
}

impl Path {
    /// The number looked after on the `k`th date.
    pub fn total(&self, k: usize) -> f64 {
        self.stock[k].iter().sum()
    }

    /// The number looked after on the `k`th date in each placement group.
    pub fn by_group(&self, k: usize) -> [f64; GROUPS] {
        let mut groups = [0.0; GROUPS];
        for (i, n) in self.stock[k].iter().enumerate() {
            groups[group_of(i)] += n;
        }
        groups
    }

    /// The cost of the months from date `from` to date `to` (indexes), by placement
    /// group: each month's mean population (of its first and last day) times its weeks
    /// times the group's weekly unit cost.
    pub fn cost(
        &self,
        dates: &[Date],
        from: usize,
        to: usize,
        weekly: &[f64; GROUPS],
    ) -> [f64; GROUPS] {
        let mut cost = [0.0; GROUPS];
        for k in from..to {
            let weeks = f64::from(days_between(dates[k], dates[k + 1])) / 7.0;
            for i in 0..STATES {
                let mean = (self.stock[k][i] + self.stock[k + 1][i]) / 2.0;
                cost[group_of(i)] += mean * weeks * weekly[group_of(i)];
            }
        }
        cost
    }
}

/// Projects `start` forward `steps` months, month `k` under `rates(k)`.
pub fn project<'r>(
    start: &[f64; STATES],
    steps: usize,
    mut rates: impl FnMut(usize) -> &'r Rates,
) -> Path {
    let mut path = Path {
        stock: Vec::with_capacity(steps + 1),
        exits: Vec::with_capacity(steps),
        entries: Vec::with_capacity(steps),
    };
    path.stock.push(*start);
    for k in 0..steps {
        let step = rates(k).step(&path.stock[k]);
        path.stock.push(step.stock);
        path.exits.push(step.exits);
        path.entries.push(step.entries);
    }
    path
}

/// The central projection: every month under the pooled rates.
pub fn central(model: &Model, start: &[f64; STATES], steps: usize) -> Path {
    project(start, steps, |_| &model.pooled)
}

/// `replicates` bootstrap projections, reproducible from `seed`: for each month ahead
/// each draws one fitted month (with replacement) and applies its rates.
pub fn bootstrap(
    model: &Model,
    start: &[f64; STATES],
    steps: usize,
    replicates: usize,
    seed: u64,
) -> Vec<Path> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let months = model.monthly.len();
    (0..replicates)
        .map(|_| {
            let draws: Vec<usize> = (0..steps).map(|_| rng.random_range(0..months)).collect();
            project(start, steps, |k| &model.monthly[draws[k]])
        })
        .collect()
}

/// A projected figure with its uncertainty band.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// The central projection.
    pub expected: f64,
    /// The band's lower end.
    pub lower: f64,
    /// The band's upper end.
    pub upper: f64,
}

impl Band {
    /// A figure known exactly (the starting population).
    pub fn exact(value: f64) -> Band {
        Band {
            expected: value,
            lower: value,
            upper: value,
        }
    }

    /// Whether `value` lies in the band (ends included).
    pub fn contains(&self, value: f64) -> bool {
        self.lower <= value && value <= self.upper
    }

    /// The band from the central value and the bootstrap values: the central
    /// `level` share of the bootstrap values (percentiles with linear interpolation),
    /// widened to take in the central value where the draws fall just beside it.
    pub fn from_samples(expected: f64, samples: &mut [f64], level: f64) -> Band {
        if samples.is_empty() {
            return Band::exact(expected);
        }
        samples.sort_by(f64::total_cmp);
        let tail = (1.0 - level) / 2.0;
        Band {
            expected,
            lower: quantile(samples, tail).min(expected),
            upper: quantile(samples, 1.0 - tail).max(expected),
        }
    }
}

/// The `q` quantile of sorted values, interpolating between neighbours.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let position = q * (sorted.len() - 1) as f64;
    let below = position.floor() as usize;
    let above = position.ceil() as usize;
    let weight = position - below as f64;
    sorted[below] * (1.0 - weight) + sorted[above] * weight
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate() {
        let values = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&values, 0.0), 1.0);
        assert_eq!(quantile(&values, 0.5), 3.0);
        assert_eq!(quantile(&values, 1.0), 5.0);
        assert!((quantile(&values, 0.05) - 1.2).abs() < 1e-12);
    }

    #[test]
    fn bands_take_in_the_central_value() {
        let mut samples = vec![10.0, 11.0, 12.0];
        let band = Band::from_samples(9.0, &mut samples, 0.9);
        assert_eq!(band.lower, 9.0);
        assert!((band.upper - 11.9).abs() < 1e-12);
        assert!(band.contains(9.0));
    }
}
