//! The annex_a fuzz target: see `permanence_fuzz::annex_a` and fuzz/README.md.
#![no_main]

libfuzzer_sys::fuzz_target!(
    init: {
        permanence_fuzz::let_calamine_panics_unwind();
        // The synthetic borough whose workbook the structured mode varies.
        permanence_fuzz::borough();
    },
    |data: &[u8]| {
        let _ = permanence_fuzz::annex_a(data);
    }
);
