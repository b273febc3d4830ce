//! The load screen: the bundled demo log or a file the user picks, imported in the worker (with
//! a progress bar and a Cancel button), then summarised and analysed on the process screen.

use crate::components::download;
use crate::components::summary_view::SummaryView;
use crate::pages::process::ProcessPage;
use crate::protocol::ErrorDto;
use crate::worker_client::process::{self as worker, ImportProgress};
use leptos::prelude::*;
use leptos::task::spawn_local;
use spur_core::summary::Summary;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The bundled demo log, copied into `dist/demo/` by Trunk from `public/demo/`.
const DEMO_LOG: &str = "demo/laundry-bookings.csv";

#[derive(Clone, PartialEq)]
enum State {
    Idle,
    Cancelled(String),
    Working(String),
    Loaded {
        name: String,
        summary: Summary,
        notes: Vec<String>,
    },
    Failed(ErrorDto),
}

#[component]
pub fn LoadPage() -> impl IntoView {
    let (state, set_state) = signal(State::Idle);
    let (progress, set_progress) = signal(ImportProgress::default());
    // Each import gets a number; a cancelled import's late reply is ignored.
    let current = StoredValue::new(0u32);

    let start = move |name: String, bytes: js_sys::ArrayBuffer| {
        let generation = current.get_value().wrapping_add(1);
        current.set_value(generation);
        set_progress.set(ImportProgress {
            total_bytes: bytes.byte_length() as u64,
            ..Default::default()
        });
        set_state.set(State::Working(format!("importing {name}…")));
        spawn_local(async move {
            let result = worker::import(name.clone(), bytes, move |p| {
                if current.get_value() == generation {
                    set_progress.set(p);
                }
            })
            .await;
            if current.get_value() != generation {
                return;
            }
            set_state.set(match result {
                Ok((summary, notes)) => State::Loaded {
                    name,
                    summary,
                    notes,
                },
                Err(e) => State::Failed(e),
            });
        });
    };

    let load_demo = move |_| {
        set_state.set(State::Working(format!("reading the demo log {DEMO_LOG}…")));
        spawn_local(async move {
            match fetch_bytes(DEMO_LOG).await {
                Ok(buf) => start("laundry-bookings.csv".into(), buf),
                Err(e) => set_state.set(State::Failed(e)),
            }
        });
    };

    let read_file = move |file: web_sys::File| {
        let name = file.name();
        set_state.set(State::Working(format!("reading {name}…")));
        spawn_local(async move {
            match JsFuture::from(file.array_buffer()).await {
                Ok(buf) => start(name, buf.unchecked_into()),
                Err(e) => set_state.set(State::Failed(ErrorDto {
                    code: "read_failed".into(),
                    message: format!("cannot read {name}: {e:?}"),
                })),
            }
        });
    };
    let pick_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|list| list.get(0)) {
            input.set_value("");
            read_file(file);
        }
    };
    let (hover, set_hover) = signal(false);
    let on_drag_over = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        set_hover.set(true);
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        set_hover.set(false);
        let file = ev
            .data_transfer()
            .and_then(|d| d.files())
            .and_then(|list| list.get(0));
        if let (Some(file), false) = (file, busy_now(state)) {
            read_file(file);
        }
    };

    let cancel = move |_| {
        current.set_value(current.get_value().wrapping_add(1));
        worker::cancel();
        set_state.set(State::Cancelled(
            "Import cancelled; load a file to start again.".into(),
        ));
    };

    let busy = move || matches!(state.get(), State::Working(_));
    view! {
        <section class="card drop-zone" id="drop-zone" class:hover=hover
            on:dragover=on_drag_over on:dragleave=move |_| set_hover.set(false) on:drop=on_drop>
            <h2>"Load an event log"</h2>
            <p class="status">"CSV/TSV (case, activity, timestamp columns), XES, XES.gz or Parquet. Drop it here or choose it. It is read in a background worker on this machine; nothing is uploaded."</p>
            <div class="actions">
                <button id="load-demo" on:click=load_demo disabled=busy>"Open the demo log"</button>
                <label class="file">
                    "Choose a file…"
                    <input id="file-input" type="file" accept=".csv,.tsv,.txt,.xes,.gz,.parquet" on:change=pick_file />
                </label>
            </div>
        </section>
        {move || match state.get() {
            State::Idle => view! { <p class="status" id="status">"No log loaded yet."</p> }.into_any(),
            State::Cancelled(what) => view! { <p class="status" id="status">{what}</p> }.into_any(),
            State::Working(what) => view! {
                <section class="card" id="import">
                    <p class="status" id="status">{what}</p>
                    <ImportBar progress />
                    <button id="import-cancel" on:click=cancel>"Cancel"</button>
                </section>
            }.into_any(),
            State::Loaded { name, summary, notes } => {
                let activities = summary.activities.iter().map(|a| a.name.clone()).collect();
                view! {
                <SummaryView name summary />
                {(!notes.is_empty()).then(|| view! {
                    <section class="card notes" id="import-notes">
                        <h3>"Import report"</h3>
                        <ul>{notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
                        <button id="import-report-save" on:click=move |_| {
                            let _ = download::save_text("import-report.txt", &notes.join("\n"), "text/plain");
                        }>"Download the report"</button>
                    </section>
                })}
                <ProcessPage activities import=None />
            }.into_any()},
            State::Failed(e) => view! {
                <section class="card error" id="error" data-code=e.code.clone()>
                    <h2>"This file could not be read"</h2>
                    <p>{e.message.clone()}</p>
                    <p class="status">"Fix the file or choose another one; the app is ready."</p>
                </section>
            }.into_any(),
        }}
    }
}

fn busy_now(state: ReadSignal<State>) -> bool {
    state.with_untracked(|s| matches!(s, State::Working(_)))
}

/// Bytes and events read so far.
#[component]
fn ImportBar(progress: ReadSignal<ImportProgress>) -> impl IntoView {
    let mb = |b: u64| format!("{:.1} MB", b as f64 / 1e6);
    view! {
        <progress id="import-progress"
            max=move || progress.get().total_bytes.max(1) as f64
            value=move || progress.get().bytes as f64></progress>
        <span class="status" id="import-counts">{move || {
            let p = progress.get();
            format!("{} of {} · {} events", mb(p.bytes), mb(p.total_bytes), p.events)
        }}</span>
    }
}

async fn fetch_bytes(url: &str) -> Result<js_sys::ArrayBuffer, ErrorDto> {
    let fail = |what: String| ErrorDto {
        code: "fetch_failed".into(),
        message: what,
    };
    let window = web_sys::window().ok_or_else(|| fail("no window".into()))?;
    let resp: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| fail(format!("cannot fetch {url}: {e:?}")))?
        .unchecked_into();
    if !resp.ok() {
        return Err(fail(format!("cannot fetch {url}: HTTP {}", resp.status())));
    }
    let promise = resp.array_buffer().map_err(|e| fail(format!("{e:?}")))?;
    let buf = JsFuture::from(promise)
        .await
        .map_err(|e| fail(format!("cannot read {url}: {e:?}")))?;
    Ok(buf.unchecked_into())
}
