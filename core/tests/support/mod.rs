//! Helpers shared by the integration tests that read the real logs of `../shared/data`.
#![allow(dead_code)] // each test crate uses its own subset

use std::path::PathBuf;

/// The shared reference data (`golden/`, `eventlogs/`), found at `$SPUR_SHARED_DATA` or
/// `<workspace>/../shared/data`. When it is missing the caller's test says so loudly and skips,
/// except under `CI`, where it fails: data-driven tests must never pass silently.
pub fn shared_data(test: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("SPUR_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data"));
    if dir.join("golden").is_dir() && dir.join("eventlogs").is_dir() {
        return Some(dir);
    }
    let msg = format!(
        "{test} test SKIPPED: reference data folder {} not found (set SPUR_SHARED_DATA to the folder holding golden/ and eventlogs/)",
        dir.display()
    );
    assert!(
        std::env::var_os("CI").is_none(),
        "{msg}; CI is set, so this is a failure"
    );
    eprintln!("\n\n*** {msg} ***\n\n");
    None
}

/// Equal, or within 1e-6 relative (how durations are compared with pm4py's).
pub fn close(a: f64, b: f64) -> bool {
    a == b || (a - b).abs() <= 1e-6 * a.abs().max(b.abs())
}
