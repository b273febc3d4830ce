//! Any HTTP body given to `parse_recommend_request` gives a request or a located error, never a
//! panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = spur_core::reco::request::parse_recommend_request(data) {
        let _ = r.to_request(None);
    }
});
