//! What an import or a merge reported: the rejected/repaired rows (downloadable), and for a
//! merge the per-source counts, the unplaced events with an example, and the merged log as CSV
//! (core's exporter) so that `spur run RECIPE merged.csv` replays a browser recipe on exactly it.

use crate::components::download as save;
use crate::download;
use crate::worker_client::sources as worker;
use leptos::prelude::*;
use leptos::task::spawn_local;
use spur_core::toolkit::merge::MergeReport;

/// The import report: one line per kind of issue, first lines located.
#[component]
pub fn ImportNotes(notes: Vec<String>) -> impl IntoView {
    (!notes.is_empty()).then(|| {
        let text = notes.join("\n");
        view! {
            <section class="card notes" id="import-notes">
                <h3>"Import report"</h3>
                <ul>{notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
                <button id="import-report-save" on:click=move |_| {
                    let _ = save::save_text("import-report.txt", &text, "text/plain");
                }>"Download the report"</button>
            </section>
        }
    })
}

/// The merge report and the merged log's download.
#[component]
pub fn MergeReportView(report: MergeReport) -> impl IntoView {
    let (error, set_error) = signal(None::<String>);
    let download_merged = move |_| {
        spawn_local(async move {
            let result = match worker::export_csv().await {
                Ok(bytes) => download::save("merged.csv", "text/csv", &bytes),
                Err(e) => Err(e.message),
            };
            set_error.set(result.err());
        });
    };
    let open = report.cases.saturating_sub(report.closed_cases);
    view! {
        <section class="card merge-report" id="merge-report"
            data-events=report.events data-cases=report.cases data-entity-cases=report.entity_cases>
            <h3>{format!(
                "Merged {} sources on `{}`: {} events, {} cases + {} entity-level cases",
                report.sources.len(), report.entity, report.events, report.cases, report.entity_cases
            )}</h3>
            <table id="merge-sources">
                <thead><tr>
                    <th>"source"</th><th>"role"</th><th>"events"</th><th>"attached"</th>
                    <th>"entity-level"</th><th>"unplaced"</th>
                </tr></thead>
                <tbody>
                    {report.sources.iter().map(|s| view! {
                        <tr data-source=s.name.clone()>
                            <td>{s.name.clone()}</td><td>{s.role.clone()}</td>
                            <td class="num">{s.events}</td><td class="num">{s.attached}</td>
                            <td class="num">{s.entity_level}</td><td class="num">{s.unplaced}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <ul class="merge-notes">
                <li>{format!("{} cases closed by an end activity, {open} open until the next case on their entity", report.closed_cases)}</li>
                {(report.multi_entity_cases > 0).then(|| view! { <li>{format!("{} cases name several entities (the first is used)", report.multi_entity_cases)}</li> })}
                {(report.cases_without_entity > 0).then(|| view! { <li>{format!("{} cases name no entity", report.cases_without_entity)}</li> })}
                {(report.unknown_entities > 0).then(|| view! { <li>{format!("{} entities appear only in secondary sources", report.unknown_entities)}</li> })}
                {report.first_unplaced.clone().map(|u| view! {
                    <li id="merge-unplaced">{format!(
                        "{} events without a timestamp kept entity-level (e.g. source `{}`, entity `{}`, activity `{}`, event {})",
                        report.unplaced, u.source, u.entity, u.activity, u.event
                    )}</li>
                })}
            </ul>
            <button id="merged-download" on:click=download_merged>"Download merged log (CSV)"</button>
            {move || error.get().map(|e| view! { <p class="error">{e}</p> })}
        </section>
    }
}
