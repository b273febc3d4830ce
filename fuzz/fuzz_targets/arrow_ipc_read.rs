//! Any bytes given to the Arrow IPC reader (file or stream) give a log or an error, never a
//! panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = spur_core::arrow::ipc::read(data, &Default::default());
});
