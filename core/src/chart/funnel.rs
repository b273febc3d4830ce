//! The sales funnel of `leads::activities` as an SVG chart: one centred bar per stage, as wide
//! as the share of leads that reached it, its won part darker, with the counts beside it. Pure,
//! so the CLI (`spur leads activities -o FUNNEL.svg`) and the browser draw the same picture.
//! Every stage bar is a `<rect class="chart-bar">` with `data-label`, `data-count` (reached)
//! and `data-won`, for tests; all text is XML-escaped.

use super::{header, BAR, WIDTH};
use crate::leads::activities::Stage;
use crate::map::format_count;
use crate::map::svg::esc;
use crate::text::pct;
use std::fmt::Write as _;

const WON: &str = "#2e7d32";

/// The funnel of `stages` (in order) under `title`.
pub fn funnel_chart(title: &str, stages: &[Stage]) -> String {
    let (row, top, label_w, text_w) = (26.0, 30.0, 170.0, 190.0);
    let height = top + row * stages.len() as f64 + 24.0;
    let span = WIDTH - label_w - text_w;
    let max = stages.iter().map(|s| s.reached).max().unwrap_or(0).max(1) as f64;
    let mut s = header(title, height);
    for (i, st) in stages.iter().enumerate() {
        let y = top + row * i as f64;
        let w = span * st.reached as f64 / max;
        let x = label_w + (span - w) / 2.0;
        let won_w = span * st.won as f64 / max;
        let shown: String = if st.activity.chars().count() > 26 {
            st.activity.chars().take(25).chain(['\u{2026}']).collect()
        } else {
            st.activity.clone()
        };
        let _ = write!(
            s,
            r##"<text x="{lx}" y="{ty}" text-anchor="end">{shown}</text><rect class="chart-bar" data-label="{label}" data-count="{reached}" data-won="{won}" x="{x:.1}" y="{y}" width="{w:.1}" height="{h}" fill="{BAR}" fill-opacity="0.55"><title>{label}: {fr} reached, {fw} won</title></rect><rect x="{wx:.1}" y="{y}" width="{won_w:.1}" height="{h}" fill="{WON}"/><text x="{tx}" y="{ty}" fill="#33414e">{fr} ({share}) · won {rate}</text>"##,
            lx = label_w - 6.0,
            ty = y + 15.0,
            shown = esc(&shown),
            label = esc(&st.activity),
            reached = st.reached,
            won = st.won,
            h = row - 6.0,
            fr = format_count(st.reached),
            fw = format_count(st.won),
            wx = label_w + (span - won_w) / 2.0,
            tx = label_w + span + 8.0,
            share = pct(st.reached_share),
            rate = pct(st.won_rate),
        );
        s.push('\n');
    }
    let _ = write!(
        s,
        r##"<text x="{label_w}" y="{ly}" fill="#33414e">bar: leads that reached the stage; <tspan fill="{WON}">green: of those, won</tspan></text>"##,
        ly = height - 8.0
    );
    s.push_str("\n</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bar_per_stage_with_its_counts() {
        let stage = |activity: &str, reached: u64, won: u64| Stage {
            activity: activity.into(),
            reached,
            won,
            won_rate: won as f64 / reached as f64,
            reached_share: reached as f64 / 100.0,
            lost_stopped: 0,
            won_stopped: 0,
            drop_off: None,
        };
        let svg = funnel_chart(
            "Funnel",
            &[stage("created", 100, 10), stage("offer <x>", 40, 10)],
        );
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        let bars: Vec<&str> = svg.matches(r#"class="chart-bar" data-label=""#).collect();
        assert_eq!(bars.len(), 2);
        assert!(svg.contains(r#"data-label="offer &lt;x&gt;" data-count="40" data-won="10""#));
        assert!(svg.contains("40 (40.0 %) · won 25.0 %"));
        assert_eq!(funnel_chart("Funnel", &[]).matches("chart-bar").count(), 0);
    }
}
