//! Hostile input never panics: arbitrary bytes into the lead-table importer, the artifact
//! decoder (also single-byte mutations of a valid artifact, resealed or not), and arbitrary
//! leads into a trained model's `score`.

use super::generate;
use super::ranking::{train, LeadModel, TrainConfig};
use super::request::Lead;
use super::table::{import_csv, ImportConfig};
use crate::model;
use proptest::prelude::*;
use std::sync::OnceLock;

fn trained() -> &'static (LeadModel, Vec<u8>) {
    static MODEL: OnceLock<(LeadModel, Vec<u8>)> = OnceLock::new();
    MODEL.get_or_init(|| {
        let csv = generate::leads_csv(&generate::leads(2000, 9));
        let data = import_csv(csv.as_bytes(), &ImportConfig::new("won"))
            .expect("imports")
            .dataset;
        let m = train(&data, &TrainConfig::default());
        let bytes = model::encode_leads(&m, 0);
        (m, bytes)
    })
}

fn simple_cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("NA".to_string()),
        Just("1e308".to_string()),
        Just("-1e308".to_string()),
        Just("2024-01-31".to_string()),
        "[a-c]{1,2}",
        "-?[0-9]{1,3}(\\.[0-9])?",
    ]
}

fn csv_like() -> impl Strategy<Value = String> {
    let cell = prop_oneof![
        Just(String::new()),
        Just("\"".to_string()),
        Just("\"a,\"\"b\"".to_string()),
        Just("NA".to_string()),
        Just("true".to_string()),
        Just("2024-02-30".to_string()),
        Just("1e308".to_string()),
        Just("-0".to_string()),
        "[a-z]{1,3}",
        "-?[0-9]{1,4}(\\.[0-9])?",
        any::<String>(),
    ];
    let outcome = prop_oneof![Just("1"), Just("0"), Just("true"), Just("no"), Just("")];
    let row = prop_oneof![
        4 => (simple_cell(), outcome, simple_cell()).prop_map(|(a, o, c)| format!("{a},{o},{c}")),
        1 => proptest::collection::vec(cell, 0..5).prop_map(|c| c.join(",")),
    ];
    proptest::collection::vec(row, 0..40).prop_map(|rows| format!("a,won,c\n{}", rows.join("\n")))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn importer_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = import_csv(&bytes, &ImportConfig::new("won"));
    }

    #[test]
    fn importer_never_panics_on_csv_like_text(text in csv_like(), value in any::<bool>()) {
        let mut config = ImportConfig::new("won");
        if value {
            config.value = Some("c".into());
        }
        if let Ok(imp) = import_csv(text.as_bytes(), &config) {
            // What imports can be trained on and evaluated without panicking.
            let m = train(&imp.dataset, &TrainConfig::default());
            prop_assert!(m.validate().is_ok());
            let e = super::evaluate::evaluate(&imp.dataset, &super::evaluate::EvalConfig::default());
            prop_assert_eq!(e.rows, imp.dataset.rows());
        }
    }

    #[test]
    fn extreme_numbers_train_to_a_valid_model(a in any::<f64>(), b in any::<f64>(), c in any::<f64>()) {
        let text = format!("x,won\n{a:e},1\n{b:e},0\n{c:e},1\n1,0\n");
        if let Ok(imp) = import_csv(text.as_bytes(), &ImportConfig::new("won")) {
            let m = train(&imp.dataset, &TrainConfig::default());
            prop_assert!(m.validate().is_ok(), "{:?}", m.validate());
            let e = super::evaluate::evaluate(&imp.dataset, &super::evaluate::EvalConfig::default());
            prop_assert!(e.auc.is_finite());
        }
    }

    #[test]
    fn decoder_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = model::decode(&bytes);
    }

    #[test]
    fn mutated_artifacts_are_refused_or_equal(at in any::<usize>(), byte in any::<u8>(), cut in any::<usize>()) {
        let (m, good) = trained();
        let mut bytes = good.clone();
        let i = at % bytes.len();
        bytes[i] = byte;
        match model::decode_leads(&bytes) {
            Ok((_, back)) => prop_assert_eq!(&back, m), // only when the byte was unchanged
            Err(e) => prop_assert!(!e.code().is_empty()),
        }
        let _ = model::decode_leads(&good[..cut % good.len()]);
    }

    #[test]
    fn scoring_never_panics(
        size in proptest::option::of(any::<f64>()),
        hours in proptest::option::of(any::<f64>()),
        industry in proptest::option::of("[a-z]{0,8}|energy|software"),
        weekday in proptest::option::of(any::<String>()),
    ) {
        let (m, _) = trained();
        let lead = Lead { company_size: size, hours_to_first_response: hours, industry, response_weekday: weekday, ..Lead::default() };
        let s = &m.score(&[lead])[0];
        prop_assert!((0.0..=1.0).contains(&s.value));
        prop_assert!(!s.rule.is_empty());
    }
}
