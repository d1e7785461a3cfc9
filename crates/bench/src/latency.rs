//! Latency figures for the load driver in constant memory: a histogram of
//! logarithmic buckets 0.5% wide, so that a ten-minute run at thousands of pages a
//! second measures the server's memory, not the client's list of timings.

use std::time::Duration;

/// Each bucket is this factor wider than the one before: percentiles are exact to
/// within half a per cent.
const GROWTH: f64 = 1.005;

/// Buckets enough for 1 µs to over 100 s.
const BUCKETS: usize = 3_800;

/// Times to the last byte of one kind of page: count, sum, maximum and a histogram.
#[derive(Debug, Clone)]
pub struct Latencies {
    counts: Vec<u64>,
    count: u64,
    sum_us: u128,
    max_us: u64,
}

impl Default for Latencies {
    fn default() -> Latencies {
        Latencies {
            counts: vec![0; BUCKETS],
            count: 0,
            sum_us: 0,
            max_us: 0,
        }
    }
}

fn bucket_of(us: u64) -> usize {
    if us <= 1 {
        return 0;
    }
    ((us as f64).ln() / GROWTH.ln())
        .floor()
        .min((BUCKETS - 1) as f64) as usize
}

/// The upper bound of a bucket, in microseconds.
fn upper_of(bucket: usize) -> f64 {
    GROWTH.powi(bucket as i32 + 1)
}

impl Latencies {
    /// Records one time.
    pub fn record(&mut self, took: Duration) {
        let us = took.as_micros().min(u128::from(u64::MAX)) as u64;
        self.counts[bucket_of(us)] += 1;
        self.count += 1;
        self.sum_us += u128::from(us);
        self.max_us = self.max_us.max(us);
    }

    /// Adds another's times to these.
    pub fn merge(&mut self, other: &Latencies) {
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine += theirs;
        }
        self.count += other.count;
        self.sum_us += other.sum_us;
        self.max_us = self.max_us.max(other.max_us);
    }

    /// How many times are recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The mean, in milliseconds (0 when there are none).
    pub fn mean_ms(&self) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        self.sum_us as f64 / self.count as f64 / 1_000.0
    }

    /// The longest, in milliseconds.
    pub fn max_ms(&self) -> f64 {
        self.max_us as f64 / 1_000.0
    }

    /// The nearest-rank percentile, in milliseconds: the upper bound of the bucket
    /// holding that rank (never more than the longest time), so never an underestimate
    /// and at most 0.5% over.
    pub fn percentile_ms(&self, percent: f64) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        let rank = ((percent / 100.0 * self.count as f64).ceil() as u64).clamp(1, self.count);
        let mut seen = 0;
        for (bucket, count) in self.counts.iter().enumerate() {
            seen += count;
            if seen >= rank {
                return upper_of(bucket).min(self.max_us as f64) / 1_000.0;
            }
        }
        self.max_ms()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_within_half_a_per_cent() {
        let mut latencies = Latencies::default();
        for ms in 1..=1_000u64 {
            latencies.record(Duration::from_millis(ms));
        }
        assert_eq!(latencies.count(), 1_000);
        for (percent, exact) in [(50.0, 500.0), (95.0, 950.0), (99.0, 990.0)] {
            let found = latencies.percentile_ms(percent);
            assert!(
                found >= exact && found <= exact * 1.005,
                "{percent}: {found}"
            );
        }
        assert_eq!(latencies.max_ms(), 1_000.0);
        assert!((latencies.mean_ms() - 500.5).abs() < 1e-9);
        assert_eq!(latencies.percentile_ms(100.0), 1_000.0);
    }

    #[test]
    fn merged_equals_recorded_together() {
        let (mut a, mut b, mut both) = (
            Latencies::default(),
            Latencies::default(),
            Latencies::default(),
        );
        for us in [3u64, 70, 900, 12_000, 2_000_000] {
            a.record(Duration::from_micros(us));
            both.record(Duration::from_micros(us));
        }
        for us in [5u64, 80_000] {
            b.record(Duration::from_micros(us));
            both.record(Duration::from_micros(us));
        }
        a.merge(&b);
        assert_eq!(a.count(), both.count());
        assert_eq!(a.percentile_ms(50.0), both.percentile_ms(50.0));
        assert_eq!(a.max_ms(), 2_000.0);
    }
}
