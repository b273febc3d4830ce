//! Any bytes given to `summary::summarize` give a result or a located error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = spur_core::summary::summarize("fuzz.csv", data);
});
