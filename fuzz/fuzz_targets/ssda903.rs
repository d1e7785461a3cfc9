//! The ssda903 fuzz target: see `permanence_fuzz::ssda903` and fuzz/README.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = permanence_fuzz::ssda903(data);
});
