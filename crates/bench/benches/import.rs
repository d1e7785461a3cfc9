//! Reading, checking and merging 903 returns from CSV files (the import without the
//! database write, which `bench/import.sh` measures end to end).

use criterion::{Criterion, criterion_group, criterion_main};
use permanence_bench::{BOROUGH, NATIONAL};
use permanence_ssda903::build_records;
use permanence_ssda903::read::read_paths;

fn import(c: &mut Criterion) {
    let mut group = c.benchmark_group("read_and_merge");
    group.sample_size(10);
    for (name, config) in [("borough_2000", BOROUGH), ("national_100000", NATIONAL)] {
        let dir = tempfile::tempdir().expect("temporary folder");
        let children = permanence_synth::generate(&config);
        permanence_synth::write_returns(&config, &children, dir.path())
            .expect("synthetic returns written");
        let paths = vec![dir.path().to_path_buf()];
        group.bench_function(name, |b| {
            b.iter(|| {
                let read = read_paths(&paths, None).expect("valid returns");
                build_records(&read.returns, None).expect("returns merge")
            });
        });
    }
    group.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
