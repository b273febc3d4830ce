//! Judging one feature: test it, flag it (`constant`, `no_difference`) and tabulate it
//! (values side by side with `(other)` and `(missing)`, or quantile summaries). The rules are
//! documented on the `compare` module.

use super::features::{Counts, Labels, Samples};
use super::{
    stats_tests, AttributeComparison, CompareOptions, Detail, Groups, NumericSummary, Source, Unit,
    ValueShares,
};

/// Codes with a count, by total count descending, ties by label.
pub(super) fn value_order(counts: &Counts, labels: Labels<'_>) -> Vec<u32> {
    let mut order: Vec<u32> = (0..counts.a.len() as u32)
        .filter(|&v| counts.a[v as usize] + counts.b[v as usize] > 0)
        .collect();
    let total = |v: u32| counts.a[v as usize] + counts.b[v as usize];
    order.sort_by(|&x, &y| {
        total(y)
            .cmp(&total(x))
            .then_with(|| labels.get(x).cmp(labels.get(y)))
    });
    order
}

/// Test, flag and tabulate a categorical feature. `multi`: a case may hold several values
/// (then `(other)` comes from `counts.rare_*`, otherwise it is the sum of the rare values).
pub(super) fn categorical(
    (name, source): (&str, Source),
    labels: Labels<'_>,
    counts: Counts,
    multi: bool,
    groups: &Groups,
    opts: &CompareOptions,
) -> AttributeComparison {
    let order = value_order(&counts, labels);
    let total = |v: u32| counts.a[v as usize] + counts.b[v as usize];
    let mut rows: Vec<(String, u64, u64)> = order
        .iter()
        .take(opts.top_values)
        .map(|&v| {
            (
                labels.get(v).to_string(),
                counts.a[v as usize],
                counts.b[v as usize],
            )
        })
        .collect();
    if order.len() > opts.top_values {
        let (oa, ob) = if multi {
            (counts.rare_a, counts.rare_b)
        } else {
            order[opts.top_values..].iter().fold((0, 0), |(x, y), &v| {
                (x + counts.a[v as usize], y + counts.b[v as usize])
            })
        };
        rows.push(("(other)".to_string(), oa, ob));
    }
    if counts.missing_a + counts.missing_b > 0 {
        rows.push(("(missing)".to_string(), counts.missing_a, counts.missing_b));
    }
    rows.sort_by(|x, y| (y.1 + y.2).cmp(&(x.1 + x.2)).then_with(|| x.0.cmp(&y.0)));
    let table: Vec<u64> = rows
        .iter()
        .map(|r| r.1)
        .chain(rows.iter().map(|r| r.2))
        .collect();
    let test = stats_tests::chi_square(&table, rows.len());
    // Constant: judged on the full counts, before `(other)` lumps rare values together, in the data and
    // within each group: a value rare in the data but common in a small group (a remote
    // `start booking` in 21 % of reset bookings, 0.4 % of the rest) is a finding, not noise.
    let present = |side: &[u64], missing: u64| -> Vec<u64> {
        order
            .iter()
            .map(|&v| side[v as usize])
            .chain([missing])
            .filter(|&k| k > 0)
            .collect()
    };
    let pooled: Vec<u64> = order
        .iter()
        .map(|&v| total(v))
        .chain([counts.missing_a + counts.missing_b])
        .filter(|&k| k > 0)
        .collect();
    let constant = is_constant(&pooled, groups.n_a + groups.n_b, opts)
        && is_constant(&present(&counts.a, counts.missing_a), groups.n_a, opts)
        && is_constant(&present(&counts.b, counts.missing_b), groups.n_b, opts);
    let (na, nb) = (groups.n_a as f64, groups.n_b as f64);
    let values = rows
        .into_iter()
        .map(|(value, count_a, count_b)| ValueShares {
            value,
            count_a,
            share_a: count_a as f64 / na,
            count_b,
            share_b: count_b as f64 / nb,
        })
        .collect();
    flagged(
        name,
        source,
        (test.cramers_v, test.p_value),
        constant,
        opts,
        Detail::Categorical {
            chi_square: test.statistic,
            dof: test.dof,
            cramers_v: test.cramers_v,
            values,
        },
    )
}

/// Constant: at most one value, or some value covers at least `constant_share` of the `cases`
/// and every value covers at least that or at most `1 − constant_share` of them (a case may
/// count under several values: each is then near-always or near-never present).
pub(super) fn is_constant(counts: &[u64], cases: u64, opts: &CompareOptions) -> bool {
    let live: Vec<f64> = counts
        .iter()
        .filter(|&&k| k > 0)
        .map(|&k| k as f64 / cases.max(1) as f64)
        .collect();
    let cs = opts.constant_share;
    live.len() <= 1
        || (live.iter().any(|&s| s >= cs) && live.iter().all(|&s| s >= cs || s <= 1.0 - cs + 1e-12))
}

/// Test, flag and summarise a numeric feature.
pub(super) fn numeric(
    (name, source): (&str, Source),
    unit: Unit,
    s: Samples,
    opts: &CompareOptions,
) -> AttributeComparison {
    let test = stats_tests::two_sample(&s.a, &s.b);
    // Constant: the most common value (or missing) covers nearly every case, or all values
    // are equal.
    let mut runs: Vec<u64> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < s.a.len() || j < s.b.len() {
        let v = match (s.a.get(i), s.b.get(j)) {
            (Some(&x), Some(&y)) => x.min(y),
            (Some(&x), None) | (None, Some(&x)) => x,
            (None, None) => break,
        };
        let start = i + j;
        while s.a.get(i) == Some(&v) {
            i += 1;
        }
        while s.b.get(j) == Some(&v) {
            j += 1;
        }
        runs.push((i + j - start) as u64);
    }
    runs.push(s.missing_a + s.missing_b);
    let cases = (s.a.len() + s.b.len()) as u64 + s.missing_a + s.missing_b;
    let distinct_values = runs.len() - 1;
    let constant = distinct_values <= 1 || is_constant(&runs, cases, opts);
    flagged(
        name,
        source,
        (test.cliffs_delta.abs(), test.mw_p),
        constant,
        opts,
        Detail::Numeric {
            unit,
            ks_d: test.ks_d,
            ks_p: test.ks_p,
            mann_whitney_u: test.mw_u,
            mann_whitney_p: test.mw_p,
            cliffs_delta: test.cliffs_delta,
            a: Box::new(summary(&s.a, s.missing_a)),
            b: Box::new(summary(&s.b, s.missing_b)),
        },
    )
}

fn flagged(
    name: &str,
    source: Source,
    (effect, p_value): (f64, f64),
    constant: bool,
    opts: &CompareOptions,
    detail: Detail,
) -> AttributeComparison {
    let no_difference = effect < opts.min_effect || p_value >= opts.alpha || p_value.is_nan();
    AttributeComparison {
        name: name.to_string(),
        source,
        effect,
        p_value,
        informative: !constant && !no_difference,
        constant,
        no_difference,
        detail,
    }
}

/// Summary of a sorted sample.
fn summary(sorted: &[f64], missing: u64) -> NumericSummary {
    let q = |p: f64| (!sorted.is_empty()).then(|| stats_tests::quantile(sorted, p));
    NumericSummary {
        count: sorted.len() as u64,
        missing,
        mean: (!sorted.is_empty()).then(|| sorted.iter().sum::<f64>() / sorted.len() as f64),
        min: sorted.first().copied(),
        p10: q(0.1),
        p25: q(0.25),
        median: q(0.5),
        p75: q(0.75),
        p90: q(0.9),
        max: sorted.last().copied(),
    }
}
