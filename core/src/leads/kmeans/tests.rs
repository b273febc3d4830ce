//! Unit tests of k-means: seeded data in, centres, labels and silhouettes out.

use super::*;
use proptest::prelude::*;

#[test]
fn tiny_dataset_known_answer() {
    // Two obvious groups on a line and one far point.
    let data = [
        0.0, 0.0, 0.1, 0.0, 0.0, 0.1, 10.0, 10.0, 10.1, 10.0, 50.0, 50.0,
    ];
    let run = kmeans(
        &data,
        2,
        &KMeansConfig {
            k: 3,
            max_iter: 50,
            tol: 0.0,
            seed: 3,
        },
    );
    let l = &run.labels;
    assert_eq!(l[0], l[1]);
    assert_eq!(l[1], l[2]);
    assert_eq!(l[3], l[4]);
    assert!(l[0] != l[3] && l[3] != l[5] && l[0] != l[5]);
    let c = l[3] as usize;
    assert!(
        (run.centres[c * 2] - 10.05).abs() < 1e-5 && (run.centres[c * 2 + 1] - 10.0).abs() < 1e-5
    );
    // Group {0,1,2}: centre (1/30, 1/30), inertia 4/300; group {3,4}: 2 × 0.05² = 0.005.
    assert!(
        (run.inertia - (4.0 / 300.0 + 0.005)).abs() < 1e-5,
        "{}",
        run.inertia
    );
    assert!(silhouette(&data, 2, &run.labels, 100, 1) > 0.8);
}

#[test]
fn degenerate_inputs() {
    let run = kmeans(&[], 3, &KMeansConfig::default());
    assert_eq!((run.k, run.labels.len()), (0, 0));
    let run = kmeans(
        &[1.0, 1.0, 1.0, 1.0],
        2,
        &KMeansConfig {
            k: 5,
            ..Default::default()
        },
    );
    assert_eq!(run.k, 2);
    assert_eq!(run.inertia, 0.0);
    let run = kmeans(&[1.0, 2.0], 0, &KMeansConfig::default());
    assert_eq!(run.k, 0);
}

#[test]
fn silhouette_picks_the_planted_k() {
    let mut rng = super::Rng::new(5);
    let mut data = Vec::new();
    for i in 0..600 {
        let c = (i % 4) as f32 * 6.0;
        data.push(c + rng.normal() as f32);
        data.push(-c + rng.normal() as f32);
    }
    let (curve, best) = choose_k(
        &data,
        2,
        &[2, 3, 4, 5, 6],
        &KMeansConfig {
            seed: 1,
            ..Default::default()
        },
        300,
    );
    assert_eq!(curve.len(), 5);
    assert_eq!(best.map(|b| b.k), Some(4), "{curve:?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn lloyd_invariants(
        points in proptest::collection::vec(-100.0f32..100.0, 2..240),
        dims in 1usize..5,
        k in 1usize..12,
        seed in any::<u64>(),
    ) {
        let n = points.len() / dims;
        prop_assume!(n >= 1);
        let data = &points[..n * dims];
        let run = kmeans(data, dims, &KMeansConfig { k, max_iter: 30, tol: 0.0, seed });
        // Inertia never increases from one assignment step to the next.
        for w in run.history.windows(2) {
            prop_assert!(w[1] <= w[0] * (1.0 + 1e-5) + 1e-3, "{:?}", run.history);
        }
        // Every row is assigned to a nearest centre.
        for (i, row) in data.chunks_exact(dims).enumerate() {
            let d = |c: usize| -> f32 { row.iter().zip(&run.centres[c * dims..(c + 1) * dims]).map(|(a, b)| (a - b) * (a - b)).sum() };
            let own = d(run.labels[i] as usize);
            let best = (0..run.k).map(d).fold(f32::INFINITY, f32::min);
            prop_assert!(own <= best * (1.0 + 1e-5) + 1e-4, "row {i}: {own} > {best}");
        }
        prop_assert!((run.inertia - run.history.last().copied().unwrap_or(0.0)).abs() < 1e-9);
    }
}
