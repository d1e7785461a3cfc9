//! The tracker fuzz target: see `permanence_fuzz::tracker` and fuzz/README.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = permanence_fuzz::tracker(data);
});
