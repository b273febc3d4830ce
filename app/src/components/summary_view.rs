//! Counts of a log and its activity frequencies as a bar table (folded: on the process screen it
//! heads the narrow left rail, where the counts matter most and the table is one click away).

use leptos::prelude::*;
use spur_core::summary::Summary;

#[component]
pub fn SummaryView(name: String, summary: Summary) -> impl IntoView {
    let max = summary
        .activities
        .first()
        .map(|a| a.count)
        .unwrap_or(1)
        .max(1);
    let rows = summary
        .activities
        .iter()
        .map(|a| {
            let width = format!("width:{:.1}%", 100.0 * a.count as f64 / max as f64);
            view! {
                <tr>
                    <td>{a.name.clone()}</td>
                    <td class="n">{a.count}</td>
                    <td style="width:40%"><div class="bar" style=width></div></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" id="summary">
            <h2>{name}</h2>
            <div class="counts">
                <div class="count"><b id="count-events">{summary.events}</b><span>"events"</span></div>
                <div class="count"><b id="count-cases">{summary.cases}</b><span>"cases"</span></div>
                <div class="count"><b id="count-activities">{summary.activities.len()}</b><span>"activities"</span></div>
            </div>
            <details class="summary-activities">
                <summary>"events per activity"</summary>
                <table>
                    <thead><tr><th>"activity"</th><th class="n">"events"</th><th></th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </section>
    }
}
