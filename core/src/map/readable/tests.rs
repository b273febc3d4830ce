//! The readable first map on a generated spaghetti log (45 activities, well over 1,000 paths):
//! at most 2 paths per node, every activity shown and connected, exactly the map the sliders
//! give at the chosen share; and small logs open at 100 %, unchanged.

use super::*;
use crate::import::{import_bytes, ImportOptions};
use crate::leads::rng::Rng;
use crate::map::NodeKind;

/// `cases` cases over `activities` activities: half the steps follow a backbone `k → k+1`, the
/// rest jump to a skewed random activity, so nearly every pair is a path, with very uneven
/// counts.
pub(crate) fn spaghetti(activities: usize, cases: usize, seed: u64) -> EventLog {
    let mut rng = Rng::new(seed);
    let weights: Vec<f64> = (0..activities).map(|a| 1.0 / (1.0 + a as f64)).collect();
    let mut csv = String::from("case,activity,timestamp\n");
    for case in 0..cases {
        let mut a = rng.weighted(&weights);
        let len = 8 + rng.below(23);
        for step in 0..len {
            let t = 1_704_067_200 + case as i64 * 86_400 + step as i64 * 600;
            csv.push_str(&format!("c{case},act {a:02},{t}\n"));
            a = if rng.chance(0.5) {
                (a + 1) % activities
            } else {
                rng.weighted(&weights)
            };
        }
    }
    import_bytes("spaghetti.csv", csv.as_bytes(), &ImportOptions::default())
        .expect("generated log imports")
        .0
}

/// Every activity has a path in and a path out.
fn assert_connected(m: &ProcessMap) {
    for (i, n) in m.nodes.iter().enumerate() {
        let has_in = m.edges.iter().any(|e| e.to == i && e.from != i);
        let has_out = m.edges.iter().any(|e| e.from == i && e.to != i);
        match n.kind {
            NodeKind::Start => assert!(has_out),
            NodeKind::End => assert!(has_in),
            NodeKind::Activity => assert!(has_in && has_out, "{} floats", n.label),
        }
    }
}

#[test]
fn a_spaghetti_log_opens_readable_with_every_activity() {
    let log = spaghetti(45, 1500, 7);
    let full = process_map(&log, &MapOptions::default());
    assert_eq!(full.activities_total, 45);
    assert!(full.paths_total >= 1000, "{} paths", full.paths_total);

    let (map, r) = readable_map(&log);
    assert_eq!(r.options.activity_share, 1.0);
    assert!(
        r.options.path_share > 0.0 && r.options.path_share < 1.0,
        "{r:?}"
    );
    assert_eq!(map.activities_shown, 45);
    assert_eq!(map.nodes.len(), 47);
    assert_eq!(
        (r.nodes, r.paths_shown, r.paths_total),
        (47, map.edges.len(), full.paths_total)
    );
    assert!(
        map.edges.len() as f64 <= 2.0 * map.nodes.len() as f64,
        "{}",
        map.edges.len()
    );
    // More than the strongest paths alone: the budget is used.
    assert!(
        map.edges.len() as f64 > 1.5 * map.nodes.len() as f64,
        "{}",
        map.edges.len()
    );
    assert_connected(&map);
    // Exactly what the sliders at the chosen share give (the browser sets the slider there).
    assert_eq!(map, process_map(&log, &r.options));
    assert_eq!(
        r.sentence,
        format!(
            "showing {} of {} paths — drag to show more",
            map.edges.len(),
            format_count(full.paths_total as u64)
        )
    );
    eprintln!(
        "spaghetti: {} activities, {} paths; readable: {} nodes, {} edges ({:.2} per node), path share {:.4}",
        full.activities_total,
        full.paths_total,
        map.nodes.len(),
        map.edges.len(),
        map.edges.len() as f64 / map.nodes.len() as f64,
        r.options.path_share
    );
}

#[test]
fn small_logs_open_at_100_percent_unchanged() {
    let mut csv = String::from("case,activity,timestamp\n");
    for (case, acts) in [(1, "abc"), (2, "abc"), (3, "ac"), (4, "abbc")] {
        for (i, a) in acts.chars().enumerate() {
            csv.push_str(&format!("{case},{a},2024-01-0{case} {:02}:00\n", 8 + i));
        }
    }
    let log = import_bytes("t.csv", csv.as_bytes(), &ImportOptions::default())
        .expect("valid")
        .0;
    let (map, r) = readable_map(&log);
    assert_eq!(r.options, MapOptions::default());
    assert_eq!(map, process_map(&log, &MapOptions::default()));
    assert_eq!(r.sentence, "showing all 6 paths");
}

#[test]
fn every_share_of_the_full_map_equals_the_sliders() {
    let log = spaghetti(12, 200, 3);
    let full = process_map(&log, &MapOptions::default());
    for share in [0.0, 0.1, 0.35, 0.8, 0.999, 1.0] {
        let opts = MapOptions {
            activity_share: 1.0,
            path_share: share,
        };
        assert_eq!(
            with_path_share(&full, share),
            process_map(&log, &opts),
            "{share}"
        );
    }
}

#[test]
fn few_cases_over_many_activities_stay_within_the_budget() {
    let log = spaghetti(40, 60, 11);
    let (map, r) = readable_map(&log);
    assert!(map.edges.len() as f64 <= 2.0 * map.nodes.len() as f64);
    assert_eq!(map.activities_shown, 40);
    assert!(r.options.path_share >= 0.0);
    assert_connected(&map);
}
