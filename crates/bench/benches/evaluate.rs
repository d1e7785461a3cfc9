//! Evaluating every drift rule for every child, with the tracker's records: a
//! 2,000-children borough (target under 50 ms) and a national-scale history of 100,000
//! children (target under 2 s), on 2 cores.

use criterion::{Criterion, criterion_group, criterion_main};
use permanence_bench::{BOROUGH, NATIONAL, as_of, borough};
use permanence_rules::{Policy, evaluate_all_with};

fn evaluate(c: &mut Criterion) {
    let policy = Policy::default();
    let calendar = policy.calendar();
    let mut group = c.benchmark_group("evaluate_all_with");
    group.sample_size(10);
    for (name, config) in [("borough_2000", BOROUGH), ("national_100000", NATIONAL)] {
        let data = borough(&config);
        let date = as_of(&config);
        group.bench_function(name, |b| {
            b.iter(|| {
                evaluate_all_with(
                    &data.journeys,
                    &data.trackers,
                    &data.organisation,
                    &policy,
                    &calendar,
                    date,
                )
            });
        });
    }
    group.finish();
}

criterion_group!(benches, evaluate);
criterion_main!(benches);
