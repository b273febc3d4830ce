//! The recommender's accuracy chart: HR@k and MRR@k for k = 1…K, Spur against the item-kNN and
//! popularity baselines, two panels side by side. Pure drawing from an evaluation's
//! [`Curve`], so the browser's worker and `spur reco evaluate --chart` write the same SVG.
//!
//! Each line is a `<polyline class="curve">` with `data-series` (`spur`, `item_knn`, `pop`),
//! `data-metric` (`hr`, `mrr`) and `data-values` (the figures, k = 1 first) for tests and for
//! reading the exact numbers; a hover title gives the value at the marked `k`.

use crate::map::svg::esc;
use crate::map::svg::FONT;
use crate::reco::evaluate::Curve;
use std::fmt::Write as _;

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 300.0; // TOP + PLOT_H + the k axis
const PANEL_W: f64 = 300.0;
const PLOT_H: f64 = 200.0;
const TOP: f64 = 60.0;
const LEFT: f64 = 48.0;
const GAP: f64 = 60.0;

/// The three series: name in `data-series`, legend label, colour, dash pattern.
const SERIES: [(&str, &str, &str, &str); 3] = [
    ("spur", "Spur", "#1e5a96", ""),
    ("item_knn", "item-kNN", "#c0661c", "6 3"),
    ("pop", "popular", "#7a8793", "2 3"),
];

/// A value to 4 decimals for `data-values` (exact enough to compare, short in the file).
fn v4(x: f64) -> String {
    let x = if x.is_finite() { x } else { 0.0 };
    format!("{x:.4}")
}

/// The chart of `curve` with a vertical mark at cut-off `mark_k` (e.g. the evaluation's k).
pub fn hit_rate_chart(title: &str, curve: &Curve, mark_k: u32) -> String {
    let n = curve.k.len();
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="spur-chart reco-curves" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" font-family="{FONT}" font-size="11" role="img" aria-label="{t}">
<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/><text x="8" y="18" font-size="13" font-weight="600">{t}</text>
"##,
        t = esc(title)
    );
    // Legend.
    let mut lx = 8.0;
    for (_, label, colour, dash) in SERIES {
        let _ = writeln!(
            s,
            r##"<line x1="{lx}" y1="28" x2="{x2}" y2="28" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/><text x="{tx}" y="32">{label}</text>"##,
            x2 = lx + 22.0,
            tx = lx + 26.0,
        );
        lx += 110.0;
    }
    let panels: [(&str, &str, [&[f64]; 3]); 2] = [
        (
            "hr",
            "HR@k (hit rate)",
            [&curve.spur_hr, &curve.item_knn_hr, &curve.pop_hr],
        ),
        (
            "mrr",
            "MRR@k (mean reciprocal rank)",
            [&curve.spur_mrr, &curve.item_knn_mrr, &curve.pop_mrr],
        ),
    ];
    for (p, (metric, label, lines)) in panels.iter().enumerate() {
        let x0 = LEFT + p as f64 * (PANEL_W + GAP);
        let base = TOP + PLOT_H;
        // The y axis runs to the largest value, rounded up to a tenth (at least 0.1).
        let max = lines
            .iter()
            .flat_map(|l| l.iter())
            .copied()
            .filter(|x| x.is_finite())
            .fold(0.0f64, f64::max);
        let top = ((max * 10.0).ceil() / 10.0).max(0.1);
        let x_of = |i: usize| x0 + PANEL_W * i as f64 / (n.max(2) - 1) as f64;
        let y_of = |v: f64| {
            base - PLOT_H
                * (if v.is_finite() {
                    v.clamp(0.0, top)
                } else {
                    0.0
                } / top)
        };
        let _ = writeln!(
            s,
            r##"<g class="panel" data-metric="{metric}"><text x="{x0}" y="{ly}" font-weight="600">{label}</text><line x1="{x0}" y1="{base}" x2="{xr}" y2="{base}" stroke="#8896a4"/><line x1="{x0}" y1="{TOP}" x2="{x0}" y2="{base}" stroke="#8896a4"/>"##,
            ly = TOP - 8.0,
            xr = x0 + PANEL_W,
        );
        for t in 0..=4 {
            let v = top * t as f64 / 4.0;
            let y = y_of(v);
            let _ = writeln!(
                s,
                r##"<line x1="{x0}" y1="{y:.1}" x2="{xr}" y2="{y:.1}" stroke="#e3e8ee"/><text x="{tx}" y="{ty:.1}" text-anchor="end">{v:.2}</text>"##,
                xr = x0 + PANEL_W,
                tx = x0 - 4.0,
                ty = y + 4.0,
            );
        }
        // k ticks at 1, 10, 20, … and the marked k.
        for (i, &k) in curve.k.iter().enumerate() {
            if k == 1 || k % 10 == 0 {
                let _ = writeln!(
                    s,
                    r##"<text x="{x:.1}" y="{y}" text-anchor="middle">{k}</text>"##,
                    x = x_of(i),
                    y = base + 14.0,
                );
            }
        }
        let _ = writeln!(
            s,
            r##"<text x="{x:.1}" y="{y}" text-anchor="middle" fill="#33414e">k</text>"##,
            x = x0 + PANEL_W / 2.0,
            y = base + 28.0,
        );
        if let Some(i) = curve.k.iter().position(|&k| k == mark_k) {
            let _ = writeln!(
                s,
                r##"<line class="mark" x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{base}" stroke="#b8c2cc" stroke-dasharray="3 3"/>"##,
                x = x_of(i),
            );
        }
        for ((series, name, colour, dash), values) in SERIES.iter().zip(lines.iter()) {
            let points: Vec<String> = values
                .iter()
                .enumerate()
                .map(|(i, &v)| format!("{:.1},{:.1}", x_of(i), y_of(v)))
                .collect();
            let data: Vec<String> = values.iter().map(|&v| v4(v)).collect();
            let at = curve
                .k
                .iter()
                .position(|&k| k == mark_k)
                .and_then(|i| values.get(i))
                .map(|&v| format!("{name}: {} @{mark_k} = {}", metric.to_uppercase(), v4(v)))
                .unwrap_or_else(|| name.to_string());
            let _ = writeln!(
                s,
                r##"<polyline class="curve" data-series="{series}" data-metric="{metric}" data-values="{d}" points="{pts}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"><title>{at}</title></polyline>"##,
                d = data.join(" "),
                pts = points.join(" "),
                at = esc(&at),
            );
        }
        s.push_str("</g>\n");
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve() -> Curve {
        Curve {
            k: vec![1, 2, 3],
            spur_hr: vec![0.2, 0.3, 0.35],
            spur_mrr: vec![0.2, 0.25, 0.2667],
            pop_hr: vec![0.01, 0.02, 0.03],
            pop_mrr: vec![0.01, 0.015, 0.0183],
            item_knn_hr: vec![0.1, 0.15, 0.2],
            item_knn_mrr: vec![0.1, 0.125, 0.1417],
        }
    }

    fn values(svg: &str, series: &str, metric: &str) -> Vec<f64> {
        let key = format!(r#"data-series="{series}" data-metric="{metric}" data-values=""#);
        svg.split(&key)
            .nth(1)
            .and_then(|r| r.split('"').next())
            .map(|v| v.split(' ').filter_map(|x| x.parse().ok()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn one_line_per_series_and_metric_with_the_figures() {
        let svg = hit_rate_chart("Next item <test>", &curve(), 2);
        assert_eq!(svg.matches(r#"class="curve""#).count(), 6);
        assert_eq!(values(&svg, "spur", "hr"), vec![0.2, 0.3, 0.35]);
        assert_eq!(values(&svg, "pop", "mrr"), vec![0.01, 0.015, 0.0183]);
        assert_eq!(values(&svg, "item_knn", "hr"), vec![0.1, 0.15, 0.2]);
        assert!(svg.contains("Next item &lt;test&gt;"));
        assert!(svg.contains("Spur: HR @2 = 0.3000"), "{svg}");
        assert_eq!(svg.matches(r#"class="mark""#).count(), 2);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn an_empty_or_non_finite_curve_still_draws() {
        let mut c = curve();
        c.spur_hr[1] = f64::NAN;
        let svg = hit_rate_chart("t", &c, 99);
        assert_eq!(values(&svg, "spur", "hr"), vec![0.2, 0.0, 0.35]);
        assert!(!svg.contains("NaN"));
        let empty = Curve {
            k: vec![],
            spur_hr: vec![],
            spur_mrr: vec![],
            pop_hr: vec![],
            pop_mrr: vec![],
            item_knn_hr: vec![],
            item_knn_mrr: vec![],
        };
        assert!(hit_rate_chart("t", &empty, 1).contains("</svg>"));
    }
}
