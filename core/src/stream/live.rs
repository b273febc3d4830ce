//! What a live view of a stream shows, computed from the final windows a consumer holds: the
//! current window, its directly-follows graph as a process map (drawn by `map`'s layout and
//! SVG like the process screen's map) and the window counts over time as a column chart.
//!
//! The current window is the latest one emitted (largest end, then start). For tumbling and
//! sliding windows its picture sums every key's window with exactly that span; sessions are
//! per key, so it sums every session overlapping that span.
//!
//! The window DFG aggregate holds directly-follows pairs only, so the map's numbers are
//! derived from them: an activity's count is the larger of its incoming and outgoing pair
//! counts, and a surplus of outgoing over incoming pairs is drawn as a start path (a surplus
//! of incoming as an end path). Activities of one-event traces have no pair and are absent.

use super::event::{AggValue, WindowResult};
use super::finals::FinalWindows;
use super::window::WindowSpec;
use crate::chart;
use crate::import::timestamp::format_iso;
use crate::map::{
    assemble, layout_map, render_svg, LayoutOptions, MapView, Parts, ProcessMap, SvgOptions,
};
use crate::mining::{Dfg, DfgEdge};
use std::collections::BTreeMap;

/// The span `[start, end)` of the latest emitted window, if any.
pub fn current_span(finals: &FinalWindows) -> Option<(i64, i64)> {
    finals
        .windows
        .values()
        .map(|w| (w.end, w.start))
        .max()
        .map(|(e, s)| (s, e))
}

fn in_span(w: &WindowResult, span: (i64, i64), window: &WindowSpec) -> bool {
    match window {
        WindowSpec::Session { .. } => w.start < span.1 && w.end > span.0,
        _ => (w.start, w.end) == span,
    }
}

/// The windows the current picture sums, and their summed count.
pub fn span_windows<'a>(
    finals: &'a FinalWindows,
    span: (i64, i64),
    window: &'a WindowSpec,
) -> impl Iterator<Item = &'a WindowResult> + 'a {
    finals
        .windows
        .values()
        .filter(move |w| in_span(w, span, window))
}

/// The directly-follows pairs of the windows in `span`, summed over keys, count descending
/// then names; `None` when the aggregates have no `dfg`.
pub fn span_dfg(
    finals: &FinalWindows,
    span: (i64, i64),
    window: &WindowSpec,
) -> Option<Vec<(String, String, u64)>> {
    let mut sum: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut any = false;
    for w in span_windows(finals, span, window) {
        for a in &w.aggs {
            if let AggValue::Dfg(pairs) = a {
                any = true;
                for (f, t, c) in pairs {
                    *sum.entry((f.clone(), t.clone())).or_insert(0) += c;
                }
                break;
            }
        }
    }
    if !any {
        // A window without pairs still has a dfg aggregate: tell it from "no dfg at all".
        let has_dfg = finals
            .windows
            .values()
            .next()
            .is_some_and(|w| w.aggs.iter().any(|a| matches!(a, AggValue::Dfg(_))));
        if !has_dfg {
            return None;
        }
    }
    let mut v: Vec<_> = sum.into_iter().map(|((f, t), c)| (f, t, c)).collect();
    v.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| (&a.0, &a.1).cmp(&(&b.0, &b.1))));
    Some(v)
}

/// A process map of directly-follows pairs (see the module documentation for the counts).
pub fn dfg_map(pairs: &[(String, String, u64)]) -> ProcessMap {
    let mut inc: BTreeMap<&str, u64> = BTreeMap::new();
    let mut out: BTreeMap<&str, u64> = BTreeMap::new();
    for (f, t, c) in pairs {
        *out.entry(f.as_str()).or_insert(0) += c;
        *inc.entry(t.as_str()).or_insert(0) += c;
        inc.entry(f.as_str()).or_insert(0);
        out.entry(t.as_str()).or_insert(0);
    }
    let mut activities: Vec<(String, u64)> = inc
        .iter()
        .map(|(a, i)| (a.to_string(), (*i).max(out.get(a).copied().unwrap_or(0))))
        .collect();
    activities.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let starts: Vec<(String, u64)> = out
        .iter()
        .filter_map(|(a, o)| {
            let s = o.saturating_sub(inc.get(a).copied().unwrap_or(0));
            (s > 0).then(|| (a.to_string(), s))
        })
        .collect();
    let ends: Vec<(String, u64)> = inc
        .iter()
        .filter_map(|(a, i)| {
            let e = i.saturating_sub(out.get(a).copied().unwrap_or(0));
            (e > 0).then(|| (a.to_string(), e))
        })
        .collect();
    let mut edges: Vec<DfgEdge> = pairs
        .iter()
        .map(|(f, t, c)| DfgEdge {
            from: f.clone(),
            to: t.clone(),
            count: *c,
            performance: None,
        })
        .collect();
    edges.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
    let positions = positions(&activities, pairs);
    assemble(
        &activities,
        &Parts {
            activities: &activities,
            starts: &starts,
            ends: &ends,
            dfg: &Dfg { edges },
            positions: &positions,
        },
        1.0,
    )
}

/// A rough "how far into a case" per activity so the layout lets time flow down: the longest
/// chain of pairs leading to it from an activity without predecessors (cycles cut).
fn positions(activities: &[(String, u64)], pairs: &[(String, String, u64)]) -> Vec<(String, f64)> {
    let mut depth: BTreeMap<&str, f64> =
        activities.iter().map(|(a, _)| (a.as_str(), 0.0)).collect();
    for _ in 0..activities.len().min(64) {
        let mut changed = false;
        for (f, t, _) in pairs {
            let d = depth.get(f.as_str()).copied().unwrap_or(0.0) + 1.0;
            let limit = activities.len() as f64;
            if let Some(x) = depth.get_mut(t.as_str()) {
                if d > *x && d <= limit {
                    *x = d;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    depth.into_iter().map(|(a, d)| (a.to_string(), d)).collect()
}

/// The map of `pairs` as SVG with its viewBox size, drawn like the process screen's map.
pub fn dfg_svg(pairs: &[(String, String, u64)]) -> (String, f64, f64) {
    let map = dfg_map(pairs);
    let layout = layout_map(&map, &LayoutOptions::default());
    let svg = render_svg(
        &map,
        &layout,
        &SvgOptions {
            view: MapView::Frequency,
            hide_edge_labels: false,
        },
    );
    (svg, layout.width, layout.height)
}

/// Events per window span (summed over keys), spans by start, the last `max` of them.
pub fn count_series(finals: &FinalWindows, max: usize) -> Vec<(i64, i64, u64)> {
    let mut spans: BTreeMap<(i64, i64), u64> = BTreeMap::new();
    for w in finals.windows.values() {
        *spans.entry((w.start, w.end)).or_insert(0) += w.count;
    }
    let skip = spans.len().saturating_sub(max);
    spans
        .into_iter()
        .skip(skip)
        .map(|((s, e), c)| (s, e, c))
        .collect()
}

/// Column chart of a [`count_series`], the span bounds on the axis.
pub fn count_chart(series: &[(i64, i64, u64)]) -> String {
    let clock = |ms: i64| format_iso(ms).get(11..19).unwrap_or_default().to_string();
    let labels: Vec<String> = series
        .iter()
        .map(|(s, e, _)| format!("[{}, {})", format_iso(*s), format_iso(*e)))
        .collect();
    let counts: Vec<u64> = series.iter().map(|x| x.2).collect();
    let axis = match (series.first(), series.last()) {
        (Some(f), Some(l)) => (clock(f.0), clock(l.1)),
        _ => (String::new(), String::new()),
    };
    chart::columns("Events per window", &labels, &counts, axis)
}
