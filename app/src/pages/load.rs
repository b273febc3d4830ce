//! The load screen: files the user picks or drops (one or several), the bundled demo log and
//! the laundry demo's three sources. Each file is sent once to the worker, which keeps it
//! (see `analysis_worker/sources.rs`): one CSV gets a preview with an editable dialect and
//! column roles ([`preview`]), several files a source list with merge options ([`sources`]);
//! XES/XES.gz/Parquet alone import directly; an object-centric log (OCEL) opens as object types
//! to map and flatten on ([`ocel`]). Import and merge run in the worker with a progress
//! bar and a Cancel button; their report ([`report`]) and then the process screen follow.

mod cancel;
mod ocel;
pub(crate) mod preview;
mod report;
pub(crate) mod sources;

use crate::components::summary_view::SummaryView;
use crate::handoff::ToProcess;
use crate::latest::{Latest, Ticket};
use crate::pages::process::{KeptSteps, ProcessPage};
use crate::protocol::sources::{Preview, SourceFormat, SourceInfo, SourceSpec};
use crate::protocol::ErrorDto;
use crate::worker_client::ocel::{self as ocel_worker, Opened};
use crate::worker_client::process::{self as worker, ImportProgress};
use crate::worker_client::sources as source_worker;
use crate::worker_client::Lane;
use leptos::prelude::*;
use leptos::task::spawn_local;
use report::{ImportNotes, MergeReportView};
use spur_core::import::{ImportOptions, Mapping};
use spur_core::recipe::Step;
use spur_core::summary::Summary;
use spur_core::toolkit::merge::{MergeOptions, MergeReport};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The bundled demo log, copied into `dist/demo/` by Trunk from `public/demo/`.
const DEMO_LOG: &str = "demo/laundry-bookings.csv";
/// Orders in the object-centric demo (about 11 events each).
const OCEL_DEMO_ORDERS: u32 = 1000;

/// One source as the Load screen edits it: what the worker said about it, the options the user
/// chose, its `source` label and the latest preview under those options.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRow {
    pub info: SourceInfo,
    pub options: ImportOptions,
    pub label: String,
    pub preview: Option<Preview>,
    /// The worker that holds the file (the Recommendations screen has its own).
    pub lane: Lane,
}

impl From<SourceInfo> for SourceRow {
    fn from(info: SourceInfo) -> Self {
        SourceRow {
            lane: Lane::Main,
            options: info.options.clone(),
            label: info.label.clone(),
            preview: info.preview.clone(),
            info,
        }
    }
}

#[derive(Clone, PartialEq)]
enum State {
    Idle,
    Cancelled(String),
    Working(String),
    /// One CSV file: its preview, then Import.
    Preview,
    /// Several files (or the laundry demo): the source list, then Merge and import.
    Sources,
    /// An object-centric log: its object types, map, and Flatten.
    Ocel(Box<Opened>),
    Loaded {
        name: String,
        summary: Summary,
        notes: Vec<String>,
        /// The recipe's import step (the CSV mapping used), if any.
        import: Option<Mapping>,
        merge: Option<Box<MergeReport>>,
        /// The object-centric log this one was flattened from (still in the worker).
        ocel: Option<Box<Opened>>,
        /// The recipe's first steps after the import (a log handed over by another screen).
        steps: Vec<Step>,
        /// A log summary file (issue 18): the map, variants and statistics without events.
        summary_file: bool,
    },
    Failed(ErrorDto),
}

#[component]
pub fn LoadPage() -> impl IntoView {
    let (state, set_state) = signal(State::Idle);
    let (progress, set_progress) = signal(ImportProgress::default());
    // Each job gets a number; a cancelled job's late reply is ignored.
    let current = Latest::new();
    let rows = RwSignal::new(Vec::<SourceRow>::new());
    let entity = RwSignal::new(String::new());
    let closes = RwSignal::new(String::new());
    // The log on screen before a job replaced it, and its recipe (the process screen keeps the
    // steps here): a cancelled import shows them again, as the worker still holds that log.
    let last_loaded = StoredValue::new(None::<State>);
    let kept_steps = StoredValue::new(Vec::<Step>::new());
    provide_context(KeptSteps(kept_steps));
    Effect::new(move |_| {
        state.with(|s| {
            if matches!(s, State::Loaded { .. }) {
                last_loaded.set_value(Some(s.clone()));
            }
        })
    });
    // What happened to the last job, shown above the screen ("import cancelled; … still open").
    let notice = RwSignal::new(None::<String>);
    // The running job is a merge: its Cancel goes back to the source list.
    let merging = StoredValue::new(false);

    let begin = move |what: String, total_bytes: u64| {
        let generation = current.next();
        notice.set(None);
        merging.set_value(false);
        set_progress.set(ImportProgress {
            total_bytes,
            ..Default::default()
        });
        set_state.set(State::Working(what));
        generation
    };
    let on_progress = move |generation: Ticket| {
        move |p: ImportProgress| {
            if generation.is_current() {
                set_progress.set(p);
            }
        }
    };

    // The bundled demo log: a known-good CSV, imported directly.
    let start = move |name: String, bytes: js_sys::ArrayBuffer| {
        let generation = begin(format!("importing {name}…"), bytes.byte_length() as u64);
        spawn_local(async move {
            let result = worker::import(name.clone(), bytes, on_progress(generation)).await;
            if !generation.is_current() {
                return;
            }
            set_state.set(match result {
                Ok((summary, notes, summary_file)) => State::Loaded {
                    name,
                    summary,
                    notes,
                    import: None,
                    merge: None,
                    ocel: None,
                    steps: Vec::new(),
                    summary_file,
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

    // Import source `k` alone with its options.
    let import_source = move |k: usize| {
        let Some(row) = rows.with_untracked(|r| r.get(k).cloned()) else {
            return;
        };
        let name = row.info.name.clone();
        let generation = begin(format!("importing {name}…"), row.info.bytes);
        // A CSV is read with the plan its preview shows, pinned (guesses included); that
        // mapping is also the recipe's import step.
        let mut options = row.options.clone();
        let mapping = match &row.preview {
            Some(Preview::Ok(p)) => {
                options.mapping = p.dialect.resolved_mapping();
                Some(options.mapping.clone())
            }
            _ => (row.info.format == SourceFormat::Csv).then(|| row.options.mapping.clone()),
        };
        spawn_local(async move {
            let result =
                source_worker::import(row.info.index, options, on_progress(generation)).await;
            if !generation.is_current() {
                return;
            }
            set_state.set(match result {
                Ok((summary, notes, summary_file)) => State::Loaded {
                    name,
                    summary,
                    notes,
                    import: mapping.filter(|_| !summary_file),
                    merge: None,
                    ocel: None,
                    steps: Vec::new(),
                    summary_file,
                },
                Err(e) => State::Failed(e),
            });
        });
    };

    // An object-centric log: read in the worker (events counted as they come), then its types.
    let opened = move |generation: Ticket, result: Result<Opened, ErrorDto>| {
        if !generation.is_current() {
            return;
        }
        set_state.set(match result {
            Ok(o) => State::Ocel(Box::new(o)),
            Err(e) => State::Failed(e),
        });
    };
    let open_ocel = move |k: usize| {
        let Some(row) = rows.with_untracked(|r| r.get(k).cloned()) else {
            return;
        };
        let generation = begin(
            format!("reading the object-centric log {}…", row.info.name),
            row.info.bytes,
        );
        spawn_local(async move {
            opened(
                generation,
                ocel_worker::open(row.info.index, on_progress(generation)).await,
            );
        });
    };
    let load_ocel_demo = move |_| {
        let generation = begin(
            format!(
                "generating the orders demo ({OCEL_DEMO_ORDERS} orders, their items and packages)…"
            ),
            0,
        );
        spawn_local(async move {
            opened(generation, ocel_worker::demo(OCEL_DEMO_ORDERS, 17).await);
        });
    };
    let flatten_on = Callback::new(move |object_type: String| {
        let from = state.with_untracked(|s| match s {
            State::Ocel(o) => Some(o.clone()),
            _ => None,
        });
        let Some(from) = from else {
            return;
        };
        let name = from.name.clone();
        let generation = begin(format!("flattening {name} on {object_type}…"), 0);
        spawn_local(async move {
            let result = ocel_worker::flatten(object_type.clone()).await;
            if !generation.is_current() {
                return;
            }
            set_state.set(match result {
                Ok((summary, notes)) => State::Loaded {
                    name: format!("{name} · flattened on {object_type}"),
                    summary,
                    notes,
                    import: None,
                    merge: None,
                    ocel: Some(from),
                    steps: Vec::new(),
                    summary_file: false,
                },
                Err(e) => State::Failed(e),
            });
        });
    });

    // Files chosen or dropped: each is sent to the worker once and kept there.
    let open_files = move |files: Vec<web_sys::File>| {
        if files.is_empty() {
            return;
        }
        let generation = begin(format!("reading {} file(s)…", files.len()), 0);
        spawn_local(async move {
            let mut infos = Vec::new();
            let added: Result<(), ErrorDto> = async {
                source_worker::clear().await?;
                for file in files {
                    let name = file.name();
                    let buf = JsFuture::from(file.array_buffer())
                        .await
                        .map_err(|e| ErrorDto {
                            code: "read_failed".into(),
                            message: format!("cannot read {name}: {e:?}"),
                        })?;
                    infos.push(source_worker::add(name, buf.unchecked_into()).await?);
                }
                Ok(())
            }
            .await;
            if !generation.is_current() {
                return;
            }
            if let Err(e) = added {
                set_state.set(State::Failed(e));
                return;
            }
            let ocel = infos.iter().any(|i| i.format == SourceFormat::Ocel);
            if ocel && infos.len() > 1 {
                set_state.set(State::Failed(ErrorDto {
                    code: "ocel_with_others".into(),
                    message: "an object-centric log (OCEL) is opened alone: drop it without the \
                              other files, then flatten it on an object type"
                        .into(),
                }));
                return;
            }
            if infos.len() > 1 && infos.iter().any(|i| i.format == SourceFormat::Summary) {
                set_state.set(State::Failed(ErrorDto {
                    code: "summary_with_others".into(),
                    message: "a log summary file (spur stats --summary-out) is opened alone: it \
                              holds a log's map and statistics, not events to merge; drop it \
                              without the other files"
                        .into(),
                }));
                return;
            }
            let single_table = infos.len() == 1 && infos[0].format != SourceFormat::Csv;
            rows.set(infos.into_iter().map(SourceRow::from).collect());
            if ocel {
                open_ocel(0);
            } else if single_table {
                import_source(0);
            } else if rows.with_untracked(Vec::len) == 1 {
                set_state.set(State::Preview);
            } else {
                entity.set(String::new());
                closes.set(String::new());
                set_state.set(State::Sources);
            }
        });
    };

    let load_laundry = move |_| {
        let generation = begin("generating the laundry scenario's three sources…".into(), 0);
        spawn_local(async move {
            let result = source_worker::laundry().await;
            if !generation.is_current() {
                return;
            }
            match result {
                Ok((infos, merge)) => {
                    let merge = merge.unwrap_or_default();
                    entity.set(merge.entity);
                    closes.set(merge.closes.join(", "));
                    rows.set(infos.into_iter().map(SourceRow::from).collect());
                    set_state.set(State::Sources);
                }
                Err(e) => set_state.set(State::Failed(e)),
            }
        });
    };

    let merge_now = Callback::new(move |()| {
        let specs: Vec<SourceSpec> = rows.with_untracked(|r| {
            r.iter()
                .map(|s| SourceSpec {
                    index: s.info.index,
                    label: s.label.trim().to_string(),
                    options: s.options.clone(),
                })
                .collect()
        });
        let total: u64 = rows.with_untracked(|r| r.iter().map(|s| s.info.bytes).sum());
        let opts = MergeOptions {
            entity: entity.get_untracked().trim().to_string(),
            closes: closes
                .get_untracked()
                .split(',')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .collect(),
        };
        let generation = begin(format!("merging {} sources…", specs.len()), total);
        merging.set_value(true);
        let name = format!(
            "merged ({})",
            specs
                .iter()
                .map(|s| s.label.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        spawn_local(async move {
            let result = source_worker::merge(specs, opts, on_progress(generation)).await;
            if !generation.is_current() {
                return;
            }
            set_state.set(match result {
                Ok((summary, done)) => State::Loaded {
                    name,
                    summary,
                    notes: done.notes,
                    import: None,
                    merge: Some(Box::new(done.report)),
                    ocel: None,
                    steps: Vec::new(),
                    summary_file: false,
                },
                Err(e) => State::Failed(e),
            });
        });
    });

    let pick_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let files = input.files().map(file_list).unwrap_or_default();
        input.set_value("");
        open_files(files);
    };
    let (hover, set_hover) = signal(false);
    let on_drag_over = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        set_hover.set(true);
    };
    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        set_hover.set(false);
        let files = ev
            .data_transfer()
            .and_then(|d| d.files())
            .map(file_list)
            .unwrap_or_default();
        if !busy_now(state) {
            open_files(files);
        }
    };

    // The worker stops an import between two slices and keeps what it held: the log on screen
    // before comes back with its recipe; a merge goes back to its sources, still loaded with
    // their mappings. A job that cannot stop so (an object-centric log) restarts the worker,
    // which forgets everything.
    let stopping = StoredValue::new(false);
    let cancel = move |_| {
        // A second click while the first is answered would find nothing running and restart.
        if stopping.get_value() {
            return;
        }
        stopping.set_value(true);
        current.invalidate();
        set_state.set(State::Working("stopping the import…".into()));
        spawn_local(async move {
            let kept = worker::cancel().await;
            stopping.set_value(false);
            let after = cancel::after(cancel::Stopped {
                kept,
                merging: merging.get_value(),
                sources: rows.with_untracked(Vec::len),
                last: last_loaded.get_value(),
                steps: kept_steps.get_value(),
            });
            if after.forget {
                last_loaded.set_value(None);
                rows.set(Vec::new());
            }
            notice.set(after.notice);
            set_state.set(after.state);
        });
    };

    // A log another screen opened in the main worker (the Leads screen's activity log): show it
    // as loaded, starting the recipe with the steps it asked for; any job here is overtaken.
    if let Some(to_process) = use_context::<ToProcess>() {
        Effect::new(move |_| {
            let Some(h) = to_process.0.get() else { return };
            current.invalidate();
            rows.set(Vec::new());
            set_state.set(State::Loaded {
                name: h.name,
                summary: h.summary,
                notes: h.notes,
                import: h.import,
                merge: None,
                ocel: None,
                steps: h.steps,
                summary_file: false,
            });
        });
    }

    let busy = move || matches!(state.get(), State::Working(_));
    view! {
        <section class="card drop-zone" id="drop-zone" class:hover=hover
            class:compact=move || state.with(|s| matches!(s, State::Loaded { .. }))
            on:dragover=on_drag_over on:dragleave=move |_| set_hover.set(false) on:drop=on_drop>
            <h2>"Load event logs"</h2>
            <p class="status">"CSV/TSV (previewed: delimiter, header, encoding and column roles are editable), XES, XES.gz or Parquet; or an object-centric log (OCEL 2.0 JSON, XML or SQLite; OCEL 1.0); or a log summary (spur stats --summary-out) of a log too large for the browser. Drop one file or several (to merge them) here, or choose them. They are read in a background worker on this machine; nothing is uploaded."</p>
            <div class="actions">
                <button id="load-demo" on:click=load_demo disabled=busy>"Open the demo log"</button>
                <button id="load-laundry" on:click=load_laundry disabled=busy>"Open the laundry demo (3 sources)"</button>
                <button id="load-ocel-demo" on:click=load_ocel_demo disabled=busy>"Open the orders demo (object-centric)"</button>
                <label class="file">
                    "Choose files…"
                    <input id="file-input" type="file" multiple accept=".csv,.tsv,.txt,.xes,.gz,.parquet,.arrow,.feather,.jsonocel,.xmlocel,.sqlite,.json,.xml" on:change=pick_file />
                </label>
            </div>
        </section>
        {move || notice.get().map(|n| view! { <p class="status notice" id="load-notice">{n}</p> })}
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
            State::Preview => {
                let (name, format, bytes) = rows.with_untracked(|r| r.first().map(|s| (s.info.name.clone(), s.info.format, s.info.bytes)).unwrap_or((String::new(), SourceFormat::Csv, 0)));
                let ready = move || rows.with(|r| matches!(r.first().and_then(|s| s.preview.as_ref()), Some(Preview::Ok(_))));
                view! {
                    <section class="card preview" id="preview" data-name=name.clone()>
                        <h2>{format!("{name} · {} · {}", format.label(), sources::size(bytes))}</h2>
                        <p class="status">"Check how the file is read; change what is wrong, then import."</p>
                        <preview::CsvPreviewEditor rows k=0 entity=Signal::derive(String::new) />
                        <div class="actions">
                            <button id="csv-import" class="primary" disabled=move || !ready() on:click=move |_| import_source(0)>"Import"</button>
                        </div>
                    </section>
                }.into_any()
            }
            State::Sources => view! { <sources::SourceList rows entity closes on_merge=merge_now /> }.into_any(),
            State::Ocel(opened) => view! { <ocel::OcelView opened=*opened on_flatten=flatten_on /> }.into_any(),
            State::Loaded { name, summary, notes, import, merge, ocel, steps, summary_file } => {
                let activities = summary.activities.iter().map(|a| a.name.clone()).collect();
                let back = ocel.map(|opened| {
                    let target = State::Ocel(opened);
                    view! {
                        <div class="actions">
                            <button id="ocel-back" on:click=move |_| set_state.set(target.clone())>"← Back to the object types"</button>
                        </div>
                    }
                });
                view! {
                    <ProcessPage activities import steps summary_file>
                        {back}
                        <SummaryView name summary />
                        {merge.map(|report| view! { <MergeReportView report=*report /> })}
                        <ImportNotes notes />
                    </ProcessPage>
                }.into_any()
            }
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

fn file_list(list: web_sys::FileList) -> Vec<web_sys::File> {
    (0..list.length()).filter_map(|i| list.get(i)).collect()
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
            value=move || {
                // Readers that count events but not bytes (OCEL): an indeterminate bar.
                let p = progress.get();
                (p.bytes > 0 || p.events == 0).then_some(p.bytes as f64)
            }></progress>
        <span class="status" id="import-counts">{move || {
            let p = progress.get();
            if p.bytes == 0 && p.events > 0 {
                format!("{} events read · {} file", p.events, mb(p.total_bytes))
            } else {
                format!("{} of {} · {} events", mb(p.bytes), mb(p.total_bytes), p.events)
            }
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
