//! The plain outputs of a recipe: the import mapping, a filter's before → after counts, the
//! statistics, the map's size (the map card draws the map itself) and the top variants.

use super::chevrons::chevrons;
use super::{distribution, pct, secs};
use leptos::prelude::*;
use spur_core::import::Mapping;
use spur_core::mining::Stats;
use spur_core::recipe::{MapResult, VariantsResult};
use spur_core::toolkit::filter::FilterStep;
use spur_core::toolkit::Distribution;

/// The column roles as a small table.
pub fn import(m: &Mapping) -> impl IntoView {
    let rows: Vec<(&str, String)> = [
        ("case", &m.case),
        ("activity", &m.activity),
        ("timestamp", &m.timestamp),
        ("start timestamp", &m.start_timestamp),
        ("resource", &m.resource),
    ]
    .into_iter()
    .filter_map(|(role, col)| col.clone().map(|c| (role, c)))
    .collect();
    let formats = m
        .timestamp_formats
        .iter()
        .map(|(col, f)| {
            let text = serde_json::to_string(f).unwrap_or_default();
            view! { <tr><td>{format!("format of {col}")}</td><td><code>{text}</code></td></tr> }
        })
        .collect_view();
    let detected = rows.is_empty().then(|| {
        view! { <p class="status">"Every role as detected from the column names."</p> }
    });
    let rows = rows
        .into_iter()
        .map(|(role, col)| {
            view! { <tr data-role=role><td>{role}</td><td><code>{col}</code></td></tr> }
        })
        .collect_view();
    view! {
        <div class="view-import">
            {detected}
            <table class="mapping"><tbody>{rows}{formats}</tbody></table>
        </div>
    }
}

/// Cases and events before → after, with the kept share.
pub fn filter(s: &FilterStep) -> impl IntoView {
    let share = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let line = |what: &'static str, before: usize, after: usize| {
        let kept = share(after, before);
        view! {
            <div class="dist-row kept" data-value=what data-count=after data-before=before>
                <span class="dist-label">{what}</span>
                <span class="dist-bar"><span style=format!("width:{:.1}%", 100.0 * kept)></span></span>
                <span class="n">{format!("{before} → {after}")}</span>
                <span class="n share">{pct(kept)}</span>
            </div>
        }
    };
    view! {
        <div class="view-filter" data-filter=s.filter.clone() data-cases=s.cases_after data-events=s.events_after>
            <p><code>{s.filter.clone()}</code></p>
            {line("cases", s.cases_before, s.cases_after)}
            {line("events", s.events_before, s.events_after)}
        </div>
    }
}

/// Counts, case durations and the activity frequencies.
pub fn stats(s: &Stats) -> impl IntoView {
    let activities = Distribution::from_counts(s.activities.iter().map(|(a, n)| (a.clone(), *n)));
    let durations = s.case_duration_seconds.as_ref().map(|d| {
        format!(
            "case duration: median {}, mean {}, min {}, max {}",
            secs(d.median),
            secs(d.mean),
            secs(d.min),
            secs(d.max)
        )
    });
    view! {
        <div class="view-stats" data-cases=s.cases data-events=s.events>
            <p>
                <b>{s.cases}</b>" cases · "<b>{s.events}</b>" events · "
                {s.activities.len()}" activities · "{s.variants.len()}" variants · "
                {s.dfg.len()}" directly-follows pairs"
            </p>
            {durations.map(|d| view! { <p class="status">{d}</p> })}
            {distribution("activities (events)".into(), &activities, 12)}
        </div>
    }
}

/// The map's size; the map card shows the drawing.
pub fn map(m: &MapResult) -> impl IntoView {
    view! {
        <div class="view-map" data-nodes=m.nodes data-edges=m.edges>
            <p>
                <b>{m.nodes}</b>" nodes · "<b>{m.edges}</b>" paths ("
                {m.map.activities_shown}" of "{m.map.activities_total}" activities, "
                {m.map.paths_shown}" of "{m.map.paths_total}" paths shown) — drawn in the process map card."
            </p>
        </div>
    }
}

/// The top variants as chevron rows.
pub fn variants(v: &VariantsResult) -> impl IntoView {
    let rows = v
        .top
        .iter()
        .enumerate()
        .map(|(rank, row)| {
            view! {
                <tr class="variant" data-count=row.count data-rank=rank + 1>
                    <td class="n">{rank + 1}</td>
                    <td class="n">{row.count}</td>
                    <td class="n">{pct(row.share)}</td>
                    <td class="n">{row.activities.len()}</td>
                    <td>{chevrons(row.activities.clone())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="view-variants" data-variants=v.variants data-cases=v.cases>
            <p class="status">{format!("top {} of {} variants · {} cases", v.top.len(), v.variants, v.cases)}</p>
            <table class="variants">
                <thead><tr><th>"#"</th><th class="n">"cases"</th><th class="n">"share"</th><th class="n">"events"</th><th>"sequence"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
