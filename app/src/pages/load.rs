//! The load screen: the bundled demo log or a file the user picks, summarised in the worker.

use crate::components::summary_view::SummaryView;
use crate::protocol::ErrorDto;
use crate::worker_client;
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
    Working(String),
    Loaded { name: String, summary: Summary },
    Failed(ErrorDto),
}

#[component]
pub fn LoadPage() -> impl IntoView {
    let (state, set_state) = signal(State::Idle);

    let load_demo = move |_| {
        set_state.set(State::Working(format!("reading the demo log {DEMO_LOG}…")));
        spawn_local(async move {
            let result = match fetch_bytes(DEMO_LOG).await {
                Ok(buf) => worker_client::summarize("laundry-bookings.csv".into(), buf).await,
                Err(e) => Err(e),
            };
            set_state.set(to_state("laundry-bookings.csv".into(), result));
        });
    };

    let pick_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|list| list.get(0)) else {
            return;
        };
        input.set_value("");
        let name = file.name();
        set_state.set(State::Working(format!("reading {name}…")));
        spawn_local(async move {
            let result = match JsFuture::from(file.array_buffer()).await {
                Ok(buf) => worker_client::summarize(name.clone(), buf.unchecked_into()).await,
                Err(e) => Err(ErrorDto {
                    code: "read_failed".into(),
                    message: format!("cannot read {name}: {e:?}"),
                }),
            };
            set_state.set(to_state(name, result));
        });
    };

    let busy = move || matches!(state.get(), State::Working(_));
    view! {
        <section class="card">
            <h2>"Load an event log"</h2>
            <p class="status">"CSV/TSV (case, activity, timestamp columns), XES or XES.gz. It is read in a background worker on this machine; nothing is uploaded."</p>
            <div class="actions">
                <button id="load-demo" on:click=load_demo disabled=busy>"Open the demo log"</button>
                <label class="file">
                    "Choose a file…"
                    <input id="file-input" type="file" accept=".csv,.tsv,.txt,.xes,.gz" on:change=pick_file />
                </label>
            </div>
        </section>
        {move || match state.get() {
            State::Idle => view! { <p class="status" id="status">"No log loaded yet."</p> }.into_any(),
            State::Working(what) => view! { <p class="status" id="status">{what}</p> }.into_any(),
            State::Loaded { name, summary } => view! { <SummaryView name summary /> }.into_any(),
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

fn to_state(name: String, result: Result<Summary, ErrorDto>) -> State {
    match result {
        Ok(summary) => State::Loaded { name, summary },
        Err(e) => State::Failed(e),
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
