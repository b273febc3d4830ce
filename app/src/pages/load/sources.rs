//! The source list shown when several files are opened (or the laundry demo): per source its
//! name, format, size, `source` label and, for CSV, the preview/role editor; then the merge
//! options (entity attribute, the activities that close an entity's case) and "Merge and
//! import". The first source is the primary (grouped by case); every other one is a secondary
//! whose case column is the entity unless mapped otherwise (core's `merge::sources`).

use super::preview::{refresh, CsvPreviewEditor};
use super::SourceRow;
use crate::download;
use crate::protocol::sources::SourceFormat;
use crate::worker_client::sources as worker;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A byte count for people.
pub fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b if b >= 1_000 => format!("{:.1} kB", b as f64 / 1e3),
        b => format!("{b} B"),
    }
}

/// The list of sources and the merge options; `on_merge` starts the merge.
#[component]
pub fn SourceList(
    rows: RwSignal<Vec<SourceRow>>,
    entity: RwSignal<String>,
    closes: RwSignal<String>,
    on_merge: Callback<()>,
) -> impl IntoView {
    // A secondary's preview depends on the entity (its default case column): read it again.
    Effect::new(move |prev: Option<String>| {
        let e = entity.get();
        if prev.is_some_and(|p| p != e) {
            for k in 1..rows.with_untracked(Vec::len) {
                refresh(rows, k, e.clone());
            }
        }
        e
    });
    let (save_error, set_save_error) = signal(None::<String>);
    let download_source = move |k: usize| {
        let Some(index) = rows.with_untracked(|r| r.get(k).map(|s| s.info.index)) else {
            return;
        };
        spawn_local(async move {
            let result = match worker::source_bytes(index).await {
                Ok((name, bytes)) => download::save(&name, "text/csv", &bytes),
                Err(e) => Err(e.message),
            };
            set_save_error.set(result.err());
        });
    };
    // Only a change in the number of sources rebuilds the list (not every preview update).
    let count = Memo::new(move |_| rows.with(Vec::len));
    view! {
        <section class="card sources" id="sources">
            <h2>{move || format!("{} sources to merge", count.get())}</h2>
            <p class="status">"The first source is the primary: its cases (e.g. bookings) name the entity they ran on in the entity attribute. Every other source is attached by entity and time to the case running on that entity, else kept in an entity-level case. Their case column is the entity column unless you map another."</p>
            <ol class="source-list">
                {move || (0..count.get()).map(|k| {
                    let info = rows.with_untracked(|r| r[k].info.clone());
                    let is_csv = info.format == SourceFormat::Csv;
                    let label = move || rows.with(|r| r.get(k).map(|s| s.label.clone()).unwrap_or_default());
                    let on_label = move |ev: leptos::ev::Event| {
                        let v = event_target_value(&ev);
                        rows.update(|r| if let Some(s) = r.get_mut(k) { s.label = v });
                    };
                    let entity_signal = Signal::derive(move || if k == 0 { String::new() } else { entity.get() });
                    view! {
                        <li class="source" id=format!("source-{k}") data-name=info.name.clone()>
                            <div class="source-head">
                                <strong class="source-name">{info.name.clone()}</strong>
                                <span class="source-format">{info.format.label()}</span>
                                <span class="source-size">{size(info.bytes)}</span>
                                <span class="source-role">{if k == 0 { "primary" } else { "secondary" }}</span>
                                <label>"source label "
                                    <input id=format!("source-label-{k}") prop:value=label on:change=on_label />
                                </label>
                                <button id=format!("source-download-{k}") class="link"
                                    on:click=move |_| download_source(k)>"Download"</button>
                            </div>
                            {is_csv.then(|| view! { <CsvPreviewEditor rows k entity=entity_signal /> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
            {move || save_error.get().map(|e| view! { <p class="error">{e}</p> })}
            <div class="merge-options">
                <label>"Entity attribute "
                    <input id="merge-entity" placeholder="machine" prop:value=move || entity.get()
                        on:change=move |ev| entity.set(event_target_value(&ev)) />
                </label>
                <label>"Activities that close an entity's case (comma-separated) "
                    <input id="merge-closes" placeholder="logged out" prop:value=move || closes.get()
                        on:change=move |ev| closes.set(event_target_value(&ev)) />
                </label>
                <button id="merge-import" class="primary"
                    disabled=move || entity.with(|e| e.trim().is_empty())
                    on:click=move |_| on_merge.run(())>"Merge and import"</button>
            </div>
        </section>
    }
}
