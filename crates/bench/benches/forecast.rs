//! The demand forecast (records cut to the forecast date, 36 months counted, the model
//! fitted, the central projection and 1,000 bootstrap projections five years ahead,
//! bands for every date, age band and placement group, costs, the back-test, and the
//! CSV and HTML written in memory): a 2,000-children borough and a national-scale
//! history of 100,000 children over ten years (target under 10 s), on 2 cores.

use criterion::{Criterion, criterion_group, criterion_main};
use permanence_bench::{BOROUGH, NATIONAL, as_of, borough};
use permanence_forecast::ForecastOptions;
use permanence_rules::Policy;

fn forecast(c: &mut Criterion) {
    let policy = Policy::default();
    let mut group = c.benchmark_group("forecast");
    group.sample_size(10);
    for (name, config) in [("borough_2000", BOROUGH), ("national_100000", NATIONAL)] {
        let journeys = borough(&config).journeys;
        let options = ForecastOptions::new(as_of(&config), 5);
        group.bench_function(name, |b| {
            b.iter(|| {
                let forecast = permanence_forecast::forecast(&journeys, &policy, &options).unwrap();
                let csv = permanence_forecast::csv::forecast(&forecast).len()
                    + permanence_forecast::csv::costs(&forecast).len()
                    + permanence_forecast::csv::backtest(&forecast).len();
                (csv, permanence_forecast::html::document(&forecast).len())
            });
        });
    }
    group.finish();
}

criterion_group!(benches, forecast);
criterion_main!(benches);
