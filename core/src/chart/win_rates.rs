//! A finding of `leads::activities` as a small SVG chart: one horizontal bar per bucket of the
//! finding's feature, as long as the bucket's win rate, with the two buckets the sentence
//! compares drawn darker, and, when the sentence is adjusted for the stage, first the two
//! stage-standardised rates it quotes. Pure, so the browser (and any shell) draws the numbers
//! core computed. Every bar is a `<rect class="chart-bar">` with `data-label`, `data-rate` (the
//! win rate, 0..=1, as core computed it) and `data-count` (leads), for tests; text is escaped.

use super::{BAR, WIDTH};
use crate::leads::activities::{FeatureEffect, Finding};
use crate::map::format_count;
use crate::map::svg::{esc, FONT};
use crate::text::pct;
use std::fmt::Write as _;

/// One bar: a label, a win rate (0..=1), the leads behind it, drawn darker when `emphasis`.
#[derive(Debug, Clone, PartialEq)]
pub struct RateBar {
    pub label: String,
    pub win_rate: f64,
    pub leads: u64,
    pub emphasis: bool,
}

/// Most raw buckets drawn (a feature with more, e.g. 14 attribute values, shows the first).
const MAX_BUCKETS: usize = 8;
const LIGHT: &str = "#9fb7d0";
const ADJUSTED: &str = "#2e7d32";

/// The chart of `finding` (its feature found in `features` by name); `None` for findings
/// without a feature (outcome markers, the funnel sentence: the funnel chart draws that).
pub fn finding_chart(finding: &Finding, features: &[FeatureEffect]) -> Option<String> {
    let name = finding.feature.as_deref()?;
    let feature = features.iter().find(|f| f.name == name)?;
    let mut bars = Vec::new();
    if let Some(a) = &finding.adjusted {
        bars.push(RateBar {
            label: format!("{} · same stage", a.bucket),
            win_rate: a.rate_bucket,
            leads: a.leads_bucket,
            emphasis: true,
        });
        bars.push(RateBar {
            label: "the rest · same stage".into(),
            win_rate: a.rate_rest,
            leads: a.leads_rest,
            emphasis: true,
        });
    }
    let compared = |label: &str| {
        [&finding.high, &finding.low]
            .iter()
            .any(|b| b.as_ref().is_some_and(|b| b.label == label))
    };
    bars.extend(feature.buckets.iter().take(MAX_BUCKETS).map(|b| RateBar {
        label: b.label.clone(),
        win_rate: b.win_rate,
        leads: b.leads,
        emphasis: finding.adjusted.is_none() && compared(&b.label),
    }));
    let adjusted = finding.adjusted.is_some();
    Some(win_rate_chart(&feature.name, &bars, adjusted))
}

/// Bars of win rates under `title`; with `adjusted`, the first two are the stage-standardised
/// comparison (green) and the rest the raw buckets.
pub fn win_rate_chart(title: &str, bars: &[RateBar], adjusted: bool) -> String {
    let width = WIDTH * 0.75;
    let (row, top, label_w, text_w) = (18.0, 28.0, 170.0, 110.0);
    let height = top + row * bars.len() as f64 + 22.0;
    let span = width - label_w - text_w;
    let max = bars
        .iter()
        .map(|b| b.win_rate)
        .fold(0.0_f64, f64::max)
        .max(0.01);
    let mut s = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="spur-chart finding-chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="{FONT}" font-size="11" role="img" aria-label="{t}">
<rect width="{width}" height="{height}" fill="#ffffff"/><text x="8" y="17" font-size="12" font-weight="600">{t}</text>
"##,
        t = esc(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let rate = if b.win_rate.is_finite() {
            b.win_rate
        } else {
            0.0
        };
        let w = span * rate / max;
        let fill = match (adjusted && i < 2, b.emphasis) {
            (true, _) => ADJUSTED,
            (false, true) => BAR,
            (false, false) => LIGHT,
        };
        let shown: String = if b.label.chars().count() > 28 {
            b.label.chars().take(27).chain(['\u{2026}']).collect()
        } else {
            b.label.clone()
        };
        let _ = write!(
            s,
            r##"<text x="{lx}" y="{ty}" text-anchor="end">{shown}</text><rect class="chart-bar" data-label="{label}" data-rate="{rate}" data-count="{leads}" x="{label_w}" y="{y}" width="{w:.1}" height="{h}" fill="{fill}"><title>{label}: won {p} of {n} leads</title></rect><text x="{tx:.1}" y="{ty}" fill="#33414e">{p} · {n}</text>"##,
            lx = label_w - 6.0,
            ty = y + 12.0,
            shown = esc(&shown),
            label = esc(&b.label),
            leads = b.leads,
            h = row - 4.0,
            p = pct(b.win_rate),
            n = format_count(b.leads),
            tx = label_w + w + 4.0,
        );
        s.push('\n');
    }
    let legend = if adjusted {
        format!(
            r##"<tspan fill="{ADJUSTED}">green: win rates among leads at the same stage</tspan>; blue: all leads"##
        )
    } else {
        "win rate per bucket, all leads".to_string()
    };
    let _ = write!(
        s,
        r##"<text x="8" y="{ly}" fill="#33414e">{legend}</text>"##,
        ly = height - 7.0
    );
    s.push_str("\n</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bar_per_rate_with_its_numbers() {
        let bar = |label: &str, win_rate: f64, leads: u64| RateBar {
            label: label.into(),
            win_rate,
            leads,
            emphasis: false,
        };
        let svg = win_rate_chart(
            "first response: hours",
            &[bar("≤ 4 h", 0.25, 400), bar("> 3 d <x>", 0.125, 80)],
            false,
        );
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches(r#"class="chart-bar""#).count(), 2);
        assert!(
            svg.contains(r#"data-label="&gt; 3 d &lt;x&gt;" data-rate="0.125" data-count="80""#)
        );
        assert!(svg.contains("25.0 % · 400"));
    }
}
