//! The edge's whole request path, natively: bytes → (method, path, headers, body) → route →
//! limits → parse / auth / artifact decode → model store → response. Never a panic; every
//! answer is a known status with a JSON body (or none for 204 and HEAD).
#![no_main]
use libfuzzer_sys::fuzz_target;
use spur_core::edge::memory::MemoryEdge;
use spur_core::edge::Config;

fuzz_target!(|data: &[u8]| {
    let edge = MemoryEdge::new(Config {
        admin_token: Some("fuzz-admin-token-0123456789abcdef".into()),
        allowed_origins: vec!["https://app.example".into()],
        check_interval_ms: 0,
    });
    let r = edge.call_raw(data, 0);
    assert!((200..600).contains(&r.status));
    assert!(r.body.is_empty() || serde_json::from_slice::<serde_json::Value>(&r.body).is_ok());
});
