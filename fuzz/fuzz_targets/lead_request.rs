//! Any HTTP body given to `parse_score_request` gives leads or a located error, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = spur_core::leads::request::parse_score_request(data);
});
