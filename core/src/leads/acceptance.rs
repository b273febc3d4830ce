//! Acceptance tests of issue 5 on the synthetic CRM: the planted segments, response-time and
//! weekday effects are recovered, and Spur's ranking beats the best single rule and the plain
//! cluster ranking on held-out AUC by a clear margin.

use super::encode::Record;
use super::evaluate::{evaluate, EvalConfig};
use super::generate::{self, planted_segment, SyntheticLead};
use super::ranking::{train, TrainConfig};
use super::request::Lead;
use super::table::{import_csv, Dataset, ImportConfig};

fn synthetic(rows: usize, seed: u64) -> (Vec<SyntheticLead>, Dataset) {
    let leads = generate::leads(rows, seed);
    let csv = generate::leads_csv(&leads);
    let mut config = ImportConfig::new("won");
    config.value = Some("deal_value".into());
    let imp = import_csv(csv.as_bytes(), &config).expect("generated CSV imports");
    assert!(imp.rejected.is_empty());
    (leads, imp.dataset)
}

fn as_lead(l: &SyntheticLead) -> Lead {
    Lead {
        id: Some(l.id.clone()),
        company: Some(l.company.clone()),
        company_size: Some(l.company_size),
        industry: Some(l.industry.into()),
        channel: Some(l.channel.into()),
        hours_to_first_response: Some(l.hours_to_first_response),
        response_weekday: Some(l.response_weekday.into()),
        response_channel: Some(l.response_channel.into()),
    }
}

#[test]
fn import_finds_the_roles_of_generated_columns() {
    let (_, data) = synthetic(2000, 1);
    let names: Vec<&str> = data.features.iter().map(|f| f.name.as_str()).collect();
    // id and company are identifier-like, created_at is the date, won/deal_value are targets;
    // the planted leak `stage_after_call` is a feature until training screens it out.
    assert_eq!(
        names,
        [
            "company_size",
            "industry",
            "channel",
            "hours_to_first_response",
            "response_weekday",
            "response_channel",
            "stage_after_call"
        ]
    );
    assert_eq!(data.date_column.as_deref(), Some("created_at"));
}

#[test]
fn planted_segments_are_recovered() {
    let (leads, data) = synthetic(30_000, 7);
    let model = train(&data, &TrainConfig::default());
    // For every planted segment, the segments the model puts its leads in have (on average) the
    // planted win rate of those leads, within a tolerance.
    for planted in 0..4 {
        let members: Vec<&SyntheticLead> = leads
            .iter()
            .filter(|l| planted_segment(l.industry, l.company_size) == planted)
            .collect();
        let truth = members.iter().map(|l| l.probability).sum::<f64>() / members.len() as f64;
        let learnt = members
            .iter()
            .map(|l| {
                let raw = model.encoder.raw_record(&as_lead(l) as &dyn Record);
                model.tree.segments[model.tree.segment_of(&raw)].win_rate
            })
            .sum::<f64>()
            / members.len() as f64;
        let realised = members.iter().filter(|l| l.won).count() as f64 / members.len() as f64;
        assert!(
            (learnt - truth).abs() < 0.05,
            "planted segment {planted}: learnt {learnt:.3}, truth {truth:.3}"
        );
        assert!(
            (learnt - realised).abs() < 0.03,
            "planted segment {planted}: learnt {learnt:.3}, realised {realised:.3}"
        );
    }
    // The planted boundaries appear as rules, with thresholds near the planted ones.
    let threshold = |prefix: &str, op: &str| -> Option<f64> {
        model.tree.segments.iter().find_map(|s| {
            let rest = s.rule.strip_prefix(prefix)?;
            let at = rest.find(op)? + op.len();
            rest[at..].split_whitespace().next()?.parse().ok()
        })
    };
    let energy =
        threshold("industry = energy AND ", "company_size > ").expect("an energy & size rule");
    assert!(
        (350.0..=700.0).contains(&energy),
        "energy size threshold {energy}"
    );
    let software =
        threshold("industry = software AND ", "company_size ≤ ").expect("a software & size rule");
    assert!(
        (35.0..=70.0).contains(&software),
        "software size threshold {software}"
    );
    let best = model
        .tree
        .segments
        .iter()
        .max_by(|a, b| a.win_rate.total_cmp(&b.win_rate))
        .expect("segments");
    assert!(
        best.rule
            .starts_with("industry = energy AND company_size >"),
        "{}",
        best.rule
    );
    let rules: Vec<&str> = model
        .tree
        .segments
        .iter()
        .map(|s| s.rule.as_str())
        .collect();
    assert!(
        rules
            .iter()
            .all(|r| !r.contains("channel =") && !r.contains(" channel ")),
        "useless channel used: {rules:#?}"
    );
}

#[test]
fn response_time_and_weekday_effects_are_recovered() {
    let (_, data) = synthetic(30_000, 11);
    let effects = super::profile::attribute_effects(&data, 5);
    let effect = |name: &str| effects.iter().find(|e| e.column == name).expect(name);
    let rate = |name: &str, label: &str| {
        effect(name)
            .groups
            .iter()
            .find(|g| g.label == label)
            .map(|g| g.win_rate)
            .expect(label)
    };
    // Weekday: Fri ≈ 0.75 × Mon–Thu, weekend ≈ 0.5 ×.
    let midweek = ["Mon", "Tue", "Wed", "Thu"]
        .iter()
        .map(|d| rate("response_weekday", d))
        .sum::<f64>()
        / 4.0;
    let fri = rate("response_weekday", "Fri") / midweek;
    let weekend =
        (rate("response_weekday", "Sat") + rate("response_weekday", "Sun")) / 2.0 / midweek;
    assert!((fri - 0.75).abs() < 0.1, "Friday factor {fri:.2}");
    assert!((weekend - 0.5).abs() < 0.12, "weekend factor {weekend:.2}");
    // Response time: fastest quintile (all ≤ 4 h) vs slowest quintile (mostly > 24 h).
    let hours = &effect("hours_to_first_response").groups;
    let (fast, slow) = (hours[0].win_rate, hours[hours.len() - 1].win_rate);
    assert!(hours[0].label.starts_with("≤ "), "{hours:?}");
    assert!(
        (slow / fast - 0.45).abs() < 0.12,
        "slow/fast {:.2}: {hours:?}",
        slow / fast
    );
    // The useless channel shows no effect beyond noise; the real ones do.
    assert!(effect("channel").spread < 0.15, "{:?}", effect("channel"));
    assert!(effect("response_weekday").spread > 0.35);
    assert!(effect("industry").spread > 1.0);
    // And the model's reasons name response time for slow leads.
    let model = train(&data, &TrainConfig::default());
    let slow_lead = Lead {
        industry: Some("retail".into()),
        hours_to_first_response: Some(90.0),
        response_weekday: Some("Sat".into()),
        ..Lead::default()
    };
    let score = &model.score(&[slow_lead])[0];
    let named: Vec<&str> = score.reasons.iter().map(|r| r.feature.as_str()).collect();
    assert!(
        named.contains(&"hours_to_first_response") && named.contains(&"response_weekday"),
        "{score:#?}"
    );
    assert!(score.reasons.iter().all(|r| r.effect < 0.0), "{score:#?}");
}

#[test]
fn ranking_beats_single_rule_and_plain_clusters_on_held_out_auc() {
    let (leads, data) = synthetic(20_000, 3);
    // Fewer candidate k than the CLI's 2..=10 keep the debug-build test fast.
    let eval = evaluate(
        &data,
        &EvalConfig {
            seed: 3,
            ks: vec![2, 4, 8],
            silhouette_sample: 500,
            ..EvalConfig::default()
        },
    );
    // The best any ranking can do: the planted probabilities of the held-out (newest) leads.
    let held_out = &leads[leads.len() - eval.test_rows..];
    let oracle = super::metrics::auc(
        &held_out.iter().map(|l| l.probability).collect::<Vec<_>>(),
        &held_out.iter().map(|l| l.won).collect::<Vec<_>>(),
    );
    assert!(eval.split.starts_with("time"), "{}", eval.split);
    assert_eq!(eval.test_rows, 5000);
    let summary = format!(
        "oracle {oracle:.3}, spur {:.3} (segments {:.3}), rule {} {:.3}, clusters k={} {:.3}",
        eval.auc,
        eval.segments_only.auc,
        eval.baseline_rule.column,
        eval.baseline_rule.auc,
        eval.cluster_rank.k,
        eval.cluster_rank.auc
    );
    assert!(eval.auc > eval.baseline_rule.auc + 0.05, "{summary}");
    assert!(eval.auc > eval.cluster_rank.auc + 0.05, "{summary}");
    assert!(eval.lift_at_20 > eval.baseline_rule.lift_at_20, "{summary}");
    assert!(eval.auc > oracle - 0.03, "{summary}");
    // Calibrated within a few points on held-out leads.
    for bin in &eval.calibration {
        assert!(
            (bin.mean_predicted - bin.observed).abs() < 0.08,
            "{:?}",
            eval.calibration
        );
    }
    eprintln!("{summary}");
}

#[test]
fn the_edge_call_scores_what_the_cli_scores() {
    // The same lead through the JSON body (edge/browser) and through a CSV row (CLI) gets the
    // same score from a model that went through the artifact.
    let (leads, data) = synthetic(5000, 21);
    let trained = train(&data, &TrainConfig::default());
    let (_, m) =
        crate::model::decode_leads(&crate::model::encode_leads(&trained, 0)).expect("round trip");
    let lead = as_lead(&leads[0]);
    let body = serde_json::to_vec(&serde_json::json!({ "leads": [lead] })).expect("json");
    let from_body = m.score_body(&body).expect("valid body");
    let csv = generate::leads_csv(&leads[..1]);
    let parsed = super::csv::parse(csv.as_bytes()).expect("csv");
    let row = super::encode::CsvRow {
        header: &parsed.header,
        fields: &parsed.records[0].fields,
    };
    let from_csv = m.score_record(&row, Some(leads[0].id.clone()));
    assert_eq!(from_body, vec![from_csv]);
    assert_eq!(
        m.score_body(b"{\"industy\":1}").map_err(|e| e.code()),
        Err("invalid_field")
    );
}
