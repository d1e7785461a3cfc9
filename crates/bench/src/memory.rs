//! The process's resident memory over a run, for the soak's "memory flat" check: the
//! server runs in the load driver's process, so `VmRSS` of `/proc/self/status` is the
//! server's memory plus the driver's small, constant share.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// One sample: seconds since sampling began, and the resident set in MiB.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Seconds since the sampler started.
    pub at: f64,
    /// Resident memory, MiB.
    pub rss_mib: f64,
}

/// The resident memory of this process in MiB (`None` where `/proc` is missing).
pub fn rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The CPU time this process has used (user and system, every thread), in seconds
/// (`None` where `/proc` is missing). Counts clock ticks of Linux's fixed 100 a second.
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (which is in parentheses and may hold spaces).
    let fields: Vec<&str> = stat
        .get(stat.rfind(')')? + 2..)?
        .split_whitespace()
        .collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 here.
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// A thread sampling the resident memory every `every`, and also exactly at the
/// moments given (the end of the warm-up and of the measured time), until stopped.
pub struct Sampler {
    stop: Arc<AtomicBool>,
    samples: Arc<Mutex<Vec<Sample>>>,
    thread: Option<JoinHandle<()>>,
}

impl Sampler {
    /// Starts sampling now; `marks` are further moments (from now) to sample at.
    pub fn start(every: Duration, marks: &[Duration]) -> Sampler {
        let stop = Arc::new(AtomicBool::new(false));
        let samples = Arc::new(Mutex::new(Vec::new()));
        let started = Instant::now();
        let marks = marks.to_vec();
        let thread = {
            let stop = Arc::clone(&stop);
            let samples = Arc::clone(&samples);
            std::thread::spawn(move || {
                let every = every.max(Duration::from_millis(100));
                let mut next_tick = Duration::ZERO;
                let mut marks = marks.into_iter().peekable();
                while !stop.load(Ordering::Relaxed) {
                    // The next moment to sample: the next tick or the next mark.
                    let next = marks
                        .peek()
                        .map_or(next_tick, |mark| (*mark).min(next_tick));
                    let now = started.elapsed();
                    if next > now {
                        // Sleep in short steps, so that stopping is prompt.
                        std::thread::sleep((next - now).min(Duration::from_millis(200)));
                        continue;
                    }
                    if let Some(rss_mib) = rss_mib() {
                        let at = now.as_secs_f64();
                        samples
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .push(Sample { at, rss_mib });
                    }
                    while marks.peek().is_some_and(|mark| *mark <= now) {
                        marks.next();
                    }
                    while next_tick <= now {
                        next_tick += every;
                    }
                }
            })
        };
        Sampler {
            stop,
            samples,
            thread: Some(thread),
        }
    }

    /// Stops sampling and gives every sample, oldest first.
    pub fn finish(mut self) -> Vec<Sample> {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        let mut samples =
            std::mem::take(&mut *self.samples.lock().unwrap_or_else(|p| p.into_inner()));
        samples.sort_by(|a, b| a.at.total_cmp(&b.at));
        samples
    }
}

/// The memory over the measured time (after the warm-up), and whether it stayed flat.
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryVerdict {
    /// The mean of the samples in the first [`EDGE`] of the measured time, MiB.
    pub start_mib: f64,
    /// The mean of the samples in the last [`EDGE`] of the measured time, MiB.
    pub end_mib: f64,
    /// The largest sample over the measured time, MiB.
    pub max_mib: f64,
    /// The least-squares slope over the measured time, MiB a minute.
    pub slope_mib_per_min: f64,
    /// The most the end may be: `ratio × start + slack`.
    pub limit_mib: f64,
    /// Whether the end is within the limit.
    pub flat: bool,
}

/// How long the start and the end of the measured time are, whose samples' means are
/// compared: a minute, or a quarter of the measured time if that is shorter. A mean,
/// not one sample, since a sample taken during an evaluation catches a borough being
/// built beside the one in use.
pub const EDGE: f64 = 60.0;

/// Judges the samples taken from `from` to `to` seconds (the end of the warm-up and of
/// the measured time): flat when the mean of the last [`EDGE`] is at most `ratio` times
/// that of the first plus `slack_mib`. `None` when there are fewer than two samples.
pub fn judge(
    samples: &[Sample],
    (from, to): (f64, f64),
    ratio: f64,
    slack_mib: f64,
) -> Option<MemoryVerdict> {
    let measured: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.at >= from && s.at <= to + 0.5)
        .collect();
    if measured.len() < 2 {
        return None;
    }
    let edge = EDGE.min((to - from) / 4.0);
    let mean = |keep: &dyn Fn(&Sample) -> bool| {
        let kept: Vec<f64> = measured
            .iter()
            .filter(|s| keep(s))
            .map(|s| s.rss_mib)
            .collect();
        kept.iter().sum::<f64>() / kept.len() as f64
    };
    // The first and last samples are always within their edges.
    let start_mib = mean(&|s| s.at <= measured[0].at + edge);
    let end_mib = mean(&|s| s.at >= measured[measured.len() - 1].at - edge);
    let n = measured.len() as f64;
    let mean_t = measured.iter().map(|s| s.at).sum::<f64>() / n;
    let mean_m = measured.iter().map(|s| s.rss_mib).sum::<f64>() / n;
    let covariance: f64 = measured
        .iter()
        .map(|s| (s.at - mean_t) * (s.rss_mib - mean_m))
        .sum();
    let variance: f64 = measured.iter().map(|s| (s.at - mean_t).powi(2)).sum();
    let slope_per_s = if variance > 0.0 {
        covariance / variance
    } else {
        0.0
    };
    let limit_mib = ratio * start_mib + slack_mib;
    Some(MemoryVerdict {
        start_mib,
        end_mib,
        max_mib: measured.iter().map(|s| s.rss_mib).fold(f64::MIN, f64::max),
        slope_mib_per_min: slope_per_s * 60.0,
        limit_mib,
        flat: end_mib <= limit_mib,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(values: &[(f64, f64)]) -> Vec<Sample> {
        values
            .iter()
            .map(|&(at, rss_mib)| Sample { at, rss_mib })
            .collect()
    }

    #[test]
    fn memory_is_judged_after_the_warm_up_only() {
        let flat = samples(&[(0.0, 10.0), (5.0, 200.0), (10.0, 210.0), (15.0, 205.0)]);
        let verdict = judge(&flat, (5.0, 15.0), 1.2, 20.0).unwrap();
        assert_eq!(verdict.start_mib, 200.0);
        assert_eq!(verdict.end_mib, 205.0);
        assert_eq!(verdict.max_mib, 210.0);
        assert_eq!(verdict.limit_mib, 260.0);
        assert!(verdict.flat);
        assert!((verdict.slope_mib_per_min - 30.0).abs() < 1e-9);

        let growing = samples(&[(5.0, 200.0), (10.0, 250.0), (15.0, 300.0)]);
        let verdict = judge(&growing, (5.0, 15.0), 1.2, 20.0).unwrap();
        assert!(!verdict.flat);
        assert!((verdict.slope_mib_per_min - 600.0).abs() < 1e-9);
        assert!(judge(&growing, (20.0, 30.0), 1.2, 20.0).is_none());
    }

    #[test]
    fn the_first_and_last_minutes_means_are_compared() {
        // Ten minutes at 200 MiB with an evaluation's spike of 150 MiB now and then,
        // one of them in the very last sample: flat.
        let mut spiky: Vec<(f64, f64)> = (0..=120)
            .map(|i| {
                (
                    60.0 + 5.0 * i as f64,
                    if i % 7 == 3 { 350.0 } else { 200.0 },
                )
            })
            .collect();
        spiky.last_mut().unwrap().1 = 350.0;
        let verdict = judge(&samples(&spiky), (60.0, 660.0), 1.2, 20.0).unwrap();
        // 13 samples in each minute (both ends included): two spikes in the first,
        // three in the last.
        let start = (11.0 * 200.0 + 2.0 * 350.0) / 13.0;
        let end = (10.0 * 200.0 + 3.0 * 350.0) / 13.0;
        assert!((verdict.start_mib - start).abs() < 1e-9, "{verdict:?}");
        assert!((verdict.end_mib - end).abs() < 1e-9, "{verdict:?}");
        assert!(verdict.flat, "{verdict:?}");
        assert_eq!(verdict.max_mib, 350.0);
        // Climbing by 10 MiB a minute for ten minutes: not flat.
        let climbing: Vec<(f64, f64)> = (0..=120)
            .map(|i| {
                (
                    60.0 + 5.0 * i as f64,
                    200.0 + 10.0 * (5.0 * i as f64) / 60.0,
                )
            })
            .collect();
        let verdict = judge(&samples(&climbing), (60.0, 660.0), 1.2, 20.0).unwrap();
        assert!(!verdict.flat, "{verdict:?}");
        assert!((verdict.slope_mib_per_min - 10.0).abs() < 1e-9);
    }

    #[test]
    fn this_process_has_a_resident_set_and_uses_cpu() {
        if std::path::Path::new("/proc/self/status").exists() {
            assert!(rss_mib().unwrap() > 0.0);
            assert!(cpu_seconds().unwrap() >= 0.0);
        }
    }
}
