//! Small statistics charts as standalone SVG documents (issue 6: events over time, case duration
//! histogram, activity frequencies), pure so the browser's worker and the CLI draw the same
//! picture. Only the already-computed series come in (`mining::events_over_time`,
//! `case_durations`, `activity_counts`, or a log summary file's histogram); every bar is a `<rect class="chart-bar">` with `data-label`
//! and `data-count` for tests, and all text is XML-escaped.

pub mod curves;
pub mod funnel;
pub mod timeline;
pub mod view_box;
pub mod win_rates;

use crate::import::timestamp::format_iso;
use crate::map::svg::esc;
use crate::map::svg::FONT;
use crate::map::{format_count, human_duration};
use crate::mining::summary_file::{DurationHistogram, DURATION_BINS};
use crate::mining::EventsOverTime;
use std::fmt::Write as _;

const BAR: &str = "#1e5a96";
const WIDTH: f64 = 640.0;

/// Horizontal bars, one per `(label, count)` in the given order (e.g. activity frequencies).
pub fn bar_chart(title: &str, bars: &[(String, u64)]) -> String {
    let row = 20.0;
    let label_w = 220.0;
    let top = 30.0;
    let height = top + row * bars.len() as f64 + 10.0;
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1) as f64;
    let mut s = header(title, height);
    for (i, (label, count)) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let w = (WIDTH - label_w - 80.0) * *count as f64 / max;
        let shown: String = if label.chars().count() > 32 {
            label.chars().take(31).chain(['\u{2026}']).collect()
        } else {
            label.clone()
        };
        let _ = write!(
            s,
            r##"<text x="{lx}" y="{ty}" text-anchor="end">{shown}</text><rect class="chart-bar" data-label="{label}" data-count="{count}" x="{label_w}" y="{y}" width="{w:.1}" height="{h}" fill="{BAR}"><title>{label}: {fc}</title></rect><text x="{cx:.1}" y="{ty}" fill="#33414e">{fc}</text>"##,
            lx = label_w - 6.0,
            ty = y + 13.0,
            shown = esc(&shown),
            label = esc(label),
            h = row - 5.0,
            fc = format_count(*count),
            cx = label_w + w + 4.0,
        );
        s.push('\n');
    }
    s.push_str("</svg>\n");
    s
}

/// Histogram of durations in seconds with `bins` equal-width bins between the smallest and the
/// largest value (non-finite values are left out).
pub fn duration_histogram(title: &str, seconds: &[f64], bins: usize) -> String {
    let values: Vec<f64> = seconds.iter().copied().filter(|v| v.is_finite()).collect();
    let bins = bins.max(1);
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let mut counts = vec![0u64; bins];
    if lo <= hi {
        let span = (hi - lo).max(f64::MIN_POSITIVE);
        for v in &values {
            let k = (((v - lo) / span) * bins as f64) as usize;
            counts[k.min(bins - 1)] += 1;
        }
    }
    histogram_columns(title, lo, hi, &counts)
}

/// Equal-width duration bins from `lo` to `hi` seconds (`lo > hi`: no durations) as columns.
fn histogram_columns(title: &str, lo: f64, hi: f64, counts: &[u64]) -> String {
    let bins = counts.len().max(1);
    let labels: Vec<String> = (0..counts.len())
        .map(|k| {
            if lo > hi {
                return String::new();
            }
            let w = (hi - lo) / bins as f64;
            format!(
                "{} – {}",
                human_duration(lo + w * k as f64),
                human_duration(lo + w * (k + 1) as f64)
            )
        })
        .collect();
    let axis = if lo <= hi {
        (human_duration(lo), human_duration(hi))
    } else {
        ("no durations".into(), String::new())
    };
    columns(title, &labels, counts, axis)
}

/// The case-duration histogram a log summary file holds (`mining::summary_file`, its integer
/// bins), drawn as [`duration_histogram`] draws seconds: the chart of a log whose events are
/// not here. `None` (no timestamps): empty bins, "no durations".
pub fn binned_duration_histogram(title: &str, histogram: Option<&DurationHistogram>) -> String {
    match histogram {
        Some(h) => histogram_columns(
            title,
            h.min_ms as f64 / 1000.0,
            h.max_ms as f64 / 1000.0,
            &h.counts,
        ),
        None => histogram_columns(title, f64::INFINITY, f64::NEG_INFINITY, &[0; DURATION_BINS]),
    }
}

/// Events per time bucket as columns, the bucket dates on the axis.
pub fn events_over_time(title: &str, series: &EventsOverTime) -> String {
    let labels: Vec<String> = (0..series.counts.len())
        .map(|k| {
            let from = series.start_ms + series.bucket_ms * k as i64;
            format!("from {}", day(from))
        })
        .collect();
    let end = series.start_ms + series.bucket_ms * series.counts.len() as i64;
    columns(
        title,
        &labels,
        &series.counts,
        (day(series.start_ms), day(end)),
    )
}

/// Merge consecutive buckets so that at most `max_buckets` remain.
pub fn rebucket(series: &EventsOverTime, max_buckets: usize) -> EventsOverTime {
    let max_buckets = max_buckets.max(1);
    let k = series.counts.len().div_ceil(max_buckets).max(1);
    EventsOverTime {
        start_ms: series.start_ms,
        bucket_ms: series.bucket_ms.saturating_mul(k as i64),
        counts: series.counts.chunks(k).map(|c| c.iter().sum()).collect(),
    }
}

fn day(ms: i64) -> String {
    format_iso(ms).chars().take(10).collect()
}

fn header(title: &str, height: f64) -> String {
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="spur-chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" font-family="{FONT}" font-size="11" role="img" aria-label="{t}">
<rect width="{WIDTH}" height="{height}" fill="#ffffff"/><text x="8" y="18" font-size="13" font-weight="600">{t}</text>
"##,
        t = esc(title)
    )
}

/// Vertical columns with a count axis and the first/last labels under the x axis.
pub(crate) fn columns(
    title: &str,
    labels: &[String],
    counts: &[u64],
    axis: (String, String),
) -> String {
    let (height, left, top, bottom) = (240.0, 56.0, 30.0, 30.0);
    let plot_h = height - top - bottom;
    let plot_w = WIDTH - left - 12.0;
    let max = counts.iter().copied().max().unwrap_or(0).max(1);
    let mut s = header(title, height);
    let base = top + plot_h;
    let _ = writeln!(
        s,
        r##"<line x1="{left}" y1="{base}" x2="{r}" y2="{base}" stroke="#8896a4"/><text x="{lx}" y="{ty}" text-anchor="end">{m}</text><text x="{lx}" y="{by}" text-anchor="end">0</text>"##,
        r = left + plot_w,
        lx = left - 4.0,
        ty = top + 8.0,
        by = base,
        m = format_count(max),
    );
    let n = counts.len().max(1) as f64;
    let w = plot_w / n;
    for (k, &c) in counts.iter().enumerate() {
        let h = plot_h * c as f64 / max as f64;
        let label = labels.get(k).map_or("", String::as_str);
        let _ = writeln!(
            s,
            r#"<rect class="chart-bar" data-label="{l}" data-count="{c}" x="{x:.2}" y="{y:.2}" width="{bw:.2}" height="{h:.2}" fill="{BAR}"><title>{l}: {fc}</title></rect>"#,
            l = esc(label),
            x = left + w * k as f64,
            y = base - h,
            bw = (w - if w > 3.0 { 1.0 } else { 0.0 }).max(0.5),
            fc = format_count(c),
        );
    }
    let _ = write!(
        s,
        r#"<text x="{left}" y="{y}">{a}</text><text x="{r}" y="{y}" text-anchor="end">{b}</text>
</svg>
"#,
        y = base + 16.0,
        r = left + plot_w,
        a = esc(&axis.0),
        b = esc(&axis.1),
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bars(svg: &str) -> Vec<(String, u64)> {
        svg.split(r#"class="chart-bar" data-label=""#)
            .skip(1)
            .map(|rest| {
                let label = rest.split('"').next().unwrap_or_default().to_string();
                let count = rest
                    .split(r#"data-count=""#)
                    .nth(1)
                    .and_then(|c| c.split('"').next())
                    .and_then(|c| c.parse().ok())
                    .unwrap_or(u64::MAX);
                (label, count)
            })
            .collect()
    }

    #[test]
    fn bar_chart_has_one_escaped_bar_per_row() {
        let svg = bar_chart("Activities", &[("a<b".into(), 3), ("c".into(), 1)]);
        assert_eq!(bars(&svg), vec![("a&lt;b".into(), 3), ("c".into(), 1)]);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn histogram_puts_every_value_in_a_bin() {
        let svg = duration_histogram("Durations", &[0.0, 30.0, 60.0, 60.0, f64::NAN], 2);
        let counts: Vec<u64> = bars(&svg).into_iter().map(|b| b.1).collect();
        assert_eq!(counts, vec![1, 3]);
        let empty = duration_histogram("Durations", &[], 3);
        assert_eq!(bars(&empty).len(), 3);
    }

    #[test]
    fn a_summary_files_histogram_draws_as_the_durations_do() {
        use crate::import::{import_bytes, ImportOptions};
        let csv = "case,activity,timestamp\n1,a,2024-01-01 10:00\n1,b,2024-01-01 10:01\n\
                   1,b,2024-01-01 10:03\n2,a,2024-01-01 09:00\n2,b,2024-01-01 12:00\n\
                   3,a,2024-01-02 00:00\n";
        let log = import_bytes("t.csv", csv.as_bytes(), &ImportOptions::default())
            .expect("valid")
            .0;
        let summary = crate::mining::LogSummary::of(&log);
        let h = summary.case_durations.histogram.as_ref();
        let from_file = binned_duration_histogram("Case durations", h);
        let seconds: Vec<f64> = crate::mining::case_durations(&log)
            .per_case
            .into_iter()
            .flatten()
            .collect();
        let from_events = duration_histogram("Case durations", &seconds, DURATION_BINS);
        assert_eq!(from_file, from_events);
        let counts: Vec<u64> = bars(&from_file).into_iter().map(|b| b.1).collect();
        assert_eq!(Some(&counts), h.map(|h| &h.counts));
        let none = binned_duration_histogram("Case durations", None);
        assert_eq!(
            none,
            duration_histogram("Case durations", &[], DURATION_BINS)
        );
    }

    #[test]
    fn rebucket_keeps_the_total() {
        let s = EventsOverTime {
            start_ms: 0,
            bucket_ms: 10,
            counts: vec![1, 2, 3, 4, 5],
        };
        let r = rebucket(&s, 2);
        assert_eq!((r.bucket_ms, r.counts.clone()), (30, vec![6, 9]));
        let svg = events_over_time("Events", &r);
        assert_eq!(bars(&svg).len(), 2);
        assert!(svg.contains("1970-01-01"), "{svg}");
    }
}
