//! Unit tests of the segment tree: small datasets in, splits and rules out.

use super::*;
use crate::leads::table::{import_csv, ImportConfig};

#[test]
fn finds_the_planted_rule_and_writes_it_readably() {
    // Win iff industry = energy and hours ≤ 4 (deterministic), 400 rows.
    let mut csv = String::from("industry,hours,won\n");
    for i in 0..400 {
        let industry = ["energy", "retail", "software", "finance"][i % 4];
        let hours = (i / 4) % 10;
        let won = industry == "energy" && hours <= 4;
        csv.push_str(&format!("{industry},{hours},{}\n", won as u8));
    }
    let data = import_csv(csv.as_bytes(), &ImportConfig::new("won"))
        .unwrap()
        .dataset;
    let enc = Encoder::fit(&data);
    let rows: Vec<Vec<Raw>> = (0..data.rows()).map(|i| enc.raw_row(&data, i)).collect();
    let tree = grow(
        &enc,
        &rows,
        &data.outcome,
        &[],
        &TreeConfig {
            min_leaf: 20,
            ..Default::default()
        },
    );
    assert!(tree.is_valid(enc.features.len()));
    let mut rules: Vec<(String, usize, usize)> = tree
        .segments
        .iter()
        .map(|s| (s.rule.clone(), s.size, s.wins))
        .collect();
    rules.sort();
    assert_eq!(
        rules,
        [
            ("industry = energy AND hours > 4".to_string(), 50, 0),
            ("industry = energy AND hours ≤ 4".to_string(), 50, 50),
            ("industry ≠ energy".to_string(), 300, 0),
        ]
    );
    for (i, row) in rows.iter().enumerate() {
        let s = &tree.segments[tree.segment_of(row)];
        assert_eq!(s.wins > 0, data.outcome[i]);
    }
}
