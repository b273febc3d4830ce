//! Any text given to `LogSummary::from_json` gives a summary that passes its checks and writes
//! back to itself, or a located error — never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spur_core::mining::LogSummary;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(summary) = LogSummary::from_json(&text) {
        assert!(summary.validate().is_ok());
        let again = summary.to_json();
        assert_eq!(LogSummary::from_json(&again).ok(), Some(summary));
    }
});
