//! Leak screening on the synthetic CRM's planted leak (flagged, left out by default, the
//! held-out figures exactly those of the table without the column, and the AUC jump when it is
//! included), on a missingness leak, and on an identifier that would leak but is never reported.

use super::*;
use crate::leads::evaluate::{evaluate, EvalConfig, Evaluation};
use crate::leads::generate;
use crate::leads::ranking::{train, train_screened, TrainConfig};
use crate::leads::table::{import_csv, ImportConfig, Role};

fn generated(rows: usize, seed: u64, value: bool) -> Dataset {
    let csv = generate::leads_csv(&generate::leads(rows, seed));
    let mut config = ImportConfig::new("won");
    if value {
        config.value = Some("deal_value".into());
    }
    import_csv(csv.as_bytes(), &config)
        .expect("generated CSV imports")
        .dataset
}

/// Small enough for a debug-build test, as the acceptance test's evaluation.
fn eval_config(include: &[&str]) -> EvalConfig {
    let mut config = EvalConfig {
        seed: 3,
        ks: vec![2, 4],
        silhouette_sample: 300,
        ..EvalConfig::default()
    };
    config.train.leaks.include = include.iter().map(|s| s.to_string()).collect();
    config
}

fn names(data: &Dataset) -> Vec<&str> {
    data.features.iter().map(|f| f.name.as_str()).collect()
}

#[test]
fn the_planted_leak_is_flagged_left_out_and_the_auc_is_the_honest_one() {
    let data = generated(8000, 3, true);
    assert!(names(&data).contains(&"stage_after_call"));
    let default = evaluate(&data, &eval_config(&[]));
    let [leak] = default.leaks.as_slice() else {
        panic!("one leak expected: {:#?}", default.leaks);
    };
    assert_eq!(leak.column, "stage_after_call");
    assert_eq!(leak.kind, LeakKind::Values);
    assert_eq!(leak.reason, REASON_VALUES);
    assert!(!leak.included);
    assert!(leak.auc > 0.9 && leak.auc < 0.99, "{}", leak.auc);

    // Left out of everything: the evaluation equals that of the table without the column.
    let honest = evaluate(
        &without(&data, &["stage_after_call".into()]),
        &eval_config(&[]),
    );
    assert!(honest.leaks.is_empty());
    let strip = |e: &Evaluation| Evaluation {
        leaks: vec![],
        ..e.clone()
    };
    assert_eq!(strip(&default), honest);
    assert_ne!(default.baseline_rule.column, "stage_after_call");

    // Included on request: reported as used, and the (dishonest) AUC jumps.
    let leaky = evaluate(&data, &eval_config(&["stage_after_call"]));
    assert!(leaky.leaks[0].included);
    assert_eq!(leaky.baseline_rule.column, "stage_after_call");
    assert!(
        leaky.auc > 0.9 && leaky.auc > default.auc + 0.15,
        "with the leak {:.3}, without {:.3}",
        leaky.auc,
        default.auc
    );
    eprintln!(
        "held-out AUC: without the leak {:.3}, with it {:.3}; leak AUC alone {:.3}",
        default.auc, leaky.auc, leak.auc
    );
    // The serialised shape the shells print.
    let json = serde_json::to_value(&default).expect("json");
    assert_eq!(json["leaks"][0]["column"], "stage_after_call");
    assert!(json["leaks"][0]["auc"].is_f64());
    assert_eq!(json["leaks"][0]["reason"], REASON_VALUES);
}

#[test]
fn training_leaves_the_leak_out_unless_included() {
    let data = generated(3000, 5, true);
    let (model, leaks) = train_screened(&data, &TrainConfig::default());
    assert_eq!(excluded(&leaks), ["stage_after_call"]);
    let features = model.summary().features;
    assert!(!features.contains(&"stage_after_call".to_string()));
    assert_eq!(
        model,
        train(
            &without(&data, &["stage_after_call".into()]),
            &TrainConfig::default()
        )
    );
    let mut config = TrainConfig::default();
    config.leaks.include = vec!["stage_after_call".into()];
    let (model, leaks) = train_screened(&data, &config);
    assert!(leaks[0].included);
    assert!(model
        .summary()
        .features
        .contains(&"stage_after_call".to_string()));
}

#[test]
fn a_column_filled_in_only_for_won_leads_is_a_missingness_leak() {
    // Without `--value deal_value`, the deal value (only won deals have one) is a feature.
    let data = generated(3000, 2, false);
    let leaks = detect(&data, &LeakConfig::default(), 20.0);
    let value = leaks
        .iter()
        .find(|l| l.column == "deal_value")
        .expect("deal_value flagged");
    assert_eq!(value.kind, LeakKind::Missingness);
    assert_eq!(value.reason, REASON_MISSING);
    assert!(value.auc > 0.99, "{}", value.auc);

    // A column whose values say nothing, but which is filled in for (nearly) won leads only.
    let mut csv = String::from("size,signed_by,won\n");
    for i in 0..400 {
        let won = i % 3 == 0;
        let filled = won != (i % 41 == 0);
        let who = if filled { ["ann", "bob"][i % 2] } else { "" };
        csv.push_str(&format!("{},{who},{won}\n", i % 17));
    }
    let data = import_csv(csv.as_bytes(), &ImportConfig::new("won"))
        .expect("imports")
        .dataset;
    let (kept, leaks) = screen(&data, &LeakConfig::default(), 20.0);
    assert_eq!(leaks.len(), 1, "{leaks:#?}");
    assert_eq!(
        (leaks[0].column.as_str(), leaks[0].kind),
        ("signed_by", LeakKind::Missingness)
    );
    assert_eq!(names(&kept), ["size"]);
}

#[test]
fn identifiers_stay_excluded_and_are_never_reported_as_leaks() {
    // `deal_ref` gives the outcome away (W…/L…) but is identifier-like; `id` by its name.
    let mut csv = String::from("id,deal_ref,size,won\n");
    for i in 0..300 {
        let won = i % 4 == 0;
        let tag = if won { 'W' } else { 'L' };
        csv.push_str(&format!("{i},{tag}{i:05},{},{won}\n", (i * 7) % 13));
    }
    let imp = import_csv(csv.as_bytes(), &ImportConfig::new("won")).expect("imports");
    let role = |name: &str| imp.columns.iter().find(|c| c.name == name).map(|c| c.role);
    assert_eq!(role("id"), Some(Role::Identifier));
    assert_eq!(role("deal_ref"), Some(Role::Identifier));
    let e = evaluate(&imp.dataset, &eval_config(&[]));
    assert!(e.leaks.is_empty(), "{:#?}", e.leaks);
    // The generated table's identifiers too.
    let data = generated(2000, 1, true);
    let leaks = detect(&data, &LeakConfig::default(), 20.0);
    assert!(
        leaks.iter().all(|l| l.column == "stage_after_call"),
        "{leaks:#?}"
    );
}

#[test]
fn a_table_whose_only_feature_leaks_still_trains_and_says_so() {
    let mut csv = String::from("stage,won\n");
    for i in 0..200 {
        let won = i % 2 == 0;
        csv.push_str(&format!(
            "{},{won}\n",
            if won { "signed" } else { "dropped" }
        ));
    }
    let data = import_csv(csv.as_bytes(), &ImportConfig::new("won"))
        .expect("imports")
        .dataset;
    let (model, leaks) = train_screened(&data, &TrainConfig::default());
    assert_eq!(leaks.len(), 1);
    assert!(leaks[0].included);
    assert_eq!(model.summary().features, ["stage"]);
}

#[test]
fn a_higher_threshold_flags_nothing() {
    let data = generated(2000, 1, true);
    let config = LeakConfig {
        threshold: 0.995,
        include: vec![],
    };
    assert!(detect(&data, &config, 20.0).is_empty());
}
