//! The one source of randomness: a ChaCha8 generator seeded from a `u64`, with the few
//! draws the generator needs (chances, ranges, weighted picks, skewed durations).

use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A seeded random stream. The same seed always gives the same draws.
pub(crate) struct Random(ChaCha8Rng);

impl Random {
    /// A stream seeded with `seed`.
    pub(crate) fn seeded(seed: u64) -> Random {
        Random(ChaCha8Rng::seed_from_u64(seed))
    }

    /// A fresh seed for a child stream.
    pub(crate) fn seed(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A number in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        self.0.random::<f64>()
    }

    /// `true` with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        p > 0.0 && self.unit() < p
    }

    /// An integer in `lo..=hi` (`lo` when `hi < lo`).
    pub(crate) fn int(&mut self, lo: i32, hi: i32) -> i32 {
        if hi <= lo {
            lo
        } else {
            self.0.random_range(lo..=hi)
        }
    }

    /// An integer in the inclusive range `(lo, hi)`.
    pub(crate) fn range(&mut self, (lo, hi): (i32, i32)) -> i32 {
        self.int(lo, hi)
    }

    /// An index into `weights`, drawn in proportion to them.
    pub(crate) fn index(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut target = self.unit() * total;
        for (i, w) in weights.iter().enumerate() {
            if target < *w {
                return i;
            }
            target -= w;
        }
        weights.iter().rposition(|w| *w > 0.0).unwrap_or(0)
    }

    /// A value from a weighted table.
    pub(crate) fn pick<T: Copy>(&mut self, table: &[(T, f64)]) -> T {
        let total: f64 = table.iter().map(|(_, w)| w).sum();
        let mut target = self.unit() * total;
        for (value, w) in table {
            if target < *w {
                return *value;
            }
            target -= w;
        }
        table
            .iter()
            .rev()
            .find(|(_, w)| *w > 0.0)
            .map_or(table[0].0, |(v, _)| *v)
    }

    /// One of `items`, uniformly.
    pub(crate) fn one_of<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.0.random_range(0..items.len())]
    }

    /// A standard normal draw (Box-Muller).
    pub(crate) fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.unit();
        let u2 = self.unit();
        (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// A right-skewed duration in days with the given median (log-normal, spread
    /// `sigma`), at least 1.
    pub(crate) fn lognormal_days(&mut self, median: f64, sigma: f64) -> i32 {
        let value = median * (sigma * self.normal()).exp();
        value.clamp(1.0, 40_000.0) as i32
    }

    /// An exponential duration in days with the given mean, at least 1.
    pub(crate) fn exponential_days(&mut self, mean: f64) -> i32 {
        let value = -mean * (1.0 - self.unit()).ln();
        value.clamp(1.0, 40_000.0) as i32
    }
}
