//! Making and rendering a monthly oversight report (every section, the rules evaluated
//! on the period's last day, the 12-month trend, the HTML file and every CSV table): a
//! 2,000-children borough (target under 1 s) and a national-scale history of 100,000
//! children (target under 15 s), on 2 cores.

use criterion::{Criterion, criterion_group, criterion_main};
use permanence_bench::{BOROUGH, NATIONAL, as_of, borough};
use permanence_reports::{Period, Records};
use permanence_rules::Policy;

fn report(c: &mut Criterion) {
    let policy = Policy::default();
    let mut group = c.benchmark_group("monthly_report");
    group.sample_size(10);
    for (name, config) in [("borough_2000", BOROUGH), ("national_100000", NATIONAL)] {
        let data = borough(&config);
        let date = as_of(&config);
        let records = Records {
            journeys: data.journeys,
            trackers: data.trackers,
            organisation: data.organisation,
            alert_activity: Vec::new(),
        };
        let period = Period::month_of(date);
        group.bench_function(name, |b| {
            b.iter(|| {
                let report = permanence_reports::build(&records, period, date, &policy).unwrap();
                let html = permanence_reports::html::document(&report);
                let csv: usize = report
                    .tables()
                    .map(|t| permanence_reports::csv::table(t).len())
                    .sum();
                (html.len(), csv)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, report);
criterion_main!(benches);
