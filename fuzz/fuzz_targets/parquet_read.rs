//! Any bytes given to the Parquet reader give a log or an error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = spur_core::arrow::parquet::read(data, &Default::default());
});
