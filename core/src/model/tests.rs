//! Artifact round trip and every refusal, as a table of (damage, expected code).

use super::*;
use crate::leads::generate;
use crate::leads::ranking::{train, TrainConfig};
use crate::leads::request::parse_score_request;
use crate::leads::table::{import_csv, ImportConfig};
use sha2::{Digest, Sha256};

fn model() -> LeadModel {
    let csv = generate::leads_csv(&generate::leads(3000, 5));
    let mut config = ImportConfig::new("won");
    config.value = Some("deal_value".into());
    let data = import_csv(csv.as_bytes(), &config)
        .expect("imports")
        .dataset;
    train(&data, &TrainConfig::default())
}

/// Recompute the trailing checksum so a damaged header/body reaches the later checks.
fn reseal(mut bytes: Vec<u8>) -> Vec<u8> {
    let at = bytes.len() - 32;
    let digest = Sha256::digest(&bytes[..at]);
    bytes[at..].copy_from_slice(&digest);
    bytes
}

#[test]
fn round_trip_is_exact_and_deterministic() {
    let m = model();
    let bytes = encode_leads(&m, 1_700_000_000_000);
    assert_eq!(bytes, encode_leads(&m, 1_700_000_000_000));
    assert_eq!(&bytes[..8], MAGIC);
    let (header, back) = decode_leads(&bytes).expect("decodes");
    assert_eq!(back, m);
    assert_eq!(header.kind, ModelKind::Leads);
    assert_eq!(header.created_at_ms, 1_700_000_000_000);
    assert_eq!(header.version, FORMAT_VERSION);
    assert_eq!(header.summary["rows"], 3000);
    assert_eq!(header.summary["outcome"], "won");
    assert_eq!(header.sha256.len(), 64);
    let leads = parse_score_request(
        br#"{"leads":[{"id":"a","industry":"energy","company_size":900},{"id":"b"}]}"#,
    )
    .expect("valid request");
    assert_eq!(m.score(&leads), back.score(&leads));
    assert!(bytes.len() < 16_000, "{} bytes", bytes.len());
}

#[test]
fn refusals_have_stable_codes() {
    let good = encode_leads(&model(), 0);
    let n = good.len();
    let summary_len = u32::from_le_bytes(good[20..24].try_into().expect("4 bytes")) as usize;
    let body_at = 24 + summary_len + 8;
    type Damage = Box<dyn Fn(Vec<u8>) -> Vec<u8>>;
    let cases: Vec<(&str, Damage, &str)> = vec![
        ("empty", Box::new(|_| vec![]), "artifact_truncated"),
        (
            "half magic",
            Box::new(|b| b[..4].to_vec()),
            "artifact_truncated",
        ),
        (
            "wrong magic",
            Box::new(|mut b| {
                b[0] = b'X';
                b
            }),
            "artifact_bad_magic",
        ),
        (
            "json instead",
            Box::new(|_| b"{\"model\":1}".to_vec()),
            "artifact_bad_magic",
        ),
        (
            "future version",
            Box::new(|mut b| {
                b[8] = 2;
                b
            }),
            "artifact_unsupported_version",
        ),
        (
            "version 0",
            Box::new(|mut b| {
                b[8] = 0;
                b
            }),
            "artifact_unsupported_version",
        ),
        (
            "cut in header",
            Box::new(|b| b[..15].to_vec()),
            "artifact_truncated",
        ),
        (
            "cut in body",
            Box::new(move |b| b[..body_at + 10].to_vec()),
            "artifact_truncated",
        ),
        (
            "no checksum",
            Box::new(move |b| b[..n - 32].to_vec()),
            "artifact_truncated",
        ),
        (
            "cut by one",
            Box::new(move |b| b[..n - 1].to_vec()),
            "artifact_truncated",
        ),
        (
            "huge body length",
            Box::new(move |mut b| {
                b[body_at - 1] = 0xff;
                b
            }),
            "artifact_truncated",
        ),
        (
            "huge summary length",
            Box::new(|mut b| {
                b[23] = 0xff;
                b
            }),
            "artifact_truncated",
        ),
        (
            "trailing byte",
            Box::new(|mut b| {
                b.push(0);
                b
            }),
            "artifact_corrupt",
        ),
        (
            "flipped body bit",
            Box::new(move |mut b| {
                b[body_at + 5] ^= 1;
                b
            }),
            "artifact_checksum_mismatch",
        ),
        (
            "flipped created-at",
            Box::new(|mut b| {
                b[13] ^= 1;
                b
            }),
            "artifact_checksum_mismatch",
        ),
        (
            "flipped checksum",
            Box::new(move |mut b| {
                b[n - 1] ^= 1;
                b
            }),
            "artifact_checksum_mismatch",
        ),
        (
            "unknown kind",
            Box::new(|mut b| {
                b[10] = 9;
                reseal(b)
            }),
            "artifact_unknown_kind",
        ),
        (
            "recommender kind",
            Box::new(|mut b| {
                b[10] = 2;
                reseal(b)
            }),
            "artifact_wrong_kind",
        ),
        (
            "bad summary",
            Box::new(|mut b| {
                b[24] = b'!';
                reseal(b)
            }),
            "artifact_corrupt",
        ),
        (
            "garbage body",
            Box::new(move |mut b| {
                for x in &mut b[body_at..n - 32] {
                    *x = 0xff;
                }
                reseal(b)
            }),
            "artifact_corrupt",
        ),
        (
            "too large",
            Box::new(|_| vec![0; MAX_ARTIFACT_BYTES + 1]),
            "artifact_too_large",
        ),
    ];
    for (name, damage, code) in cases {
        let bytes = damage(good.clone());
        let got = decode_leads(&bytes)
            .map(|_| ())
            .map_err(|e| (e.code(), e.to_string()));
        assert_eq!(got.as_ref().map_err(|e| e.0), Err(code), "{name}: {got:?}");
    }
    // A lead body labelled `reco` is refused by the reco decoder.
    let mut rec = good.clone();
    rec[10] = 2;
    assert_eq!(
        decode(&reseal(rec)).map(|_| ()).map_err(|e| e.code()),
        Err("artifact_corrupt")
    );
}

#[test]
fn structurally_invalid_models_are_refused() {
    let mut m = model();
    m.input_means.pop();
    let e = decode_leads(&encode_leads(&m, 0))
        .map(|_| ())
        .map_err(|e| e.to_string());
    assert_eq!(
        e,
        Err(format!(
            "the artifact's lead model is invalid: {} input means for {} inputs",
            m.input_means.len(),
            m.input_means.len() + 1
        ))
    );
    let mut m = model();
    if let Some(crate::leads::tree::Node::Split { left, .. }) = m.tree.nodes.first_mut() {
        *left = 9999;
    }
    let e = decode_leads(&encode_leads(&m, 0))
        .map(|_| ())
        .map_err(|e| e.code());
    assert_eq!(e, Err("artifact_corrupt"));
}
