//! Any bytes given to the `reco` artifact decoder give a model or an `ArtifactError`, never a
//! panic; the bytes are also wrapped in a valid envelope so the body decoder sees them. A model that
//! decodes must also score.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = spur_core::reco::artifact::decode(data);
    // The same bytes as a body inside a valid envelope.
    let bytes =
        spur_core::model::encode_parts(spur_core::model::ModelKind::Recommender, 0, b"{}", data);
    if let Ok((_, m)) = spur_core::reco::artifact::decode(&bytes) {
        let req = spur_core::reco::Request {
            clicks: m.items.iter().take(3).cloned().collect(),
            k: 100,
            ..Default::default()
        };
        let _ = spur_core::reco::recommend(&m, &req);
    }
});
