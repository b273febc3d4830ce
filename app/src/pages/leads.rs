//! The Leads screen: open a lead table (the synthetic demo CRM or a CSV), choose the outcome,
//! value and excluded columns, train in the worker, compare the ranking with the rules people
//! would otherwise use, download the model artifact, and rank new leads with it; beside the
//! table, mine the leads' sales activity log ([`activities`], issue 19).
//!
//! Every number comes from spur-core in the worker (`worker_client::leads`); this file holds the
//! screen's state and wires the controls. Training runs on a worker of its own, so its Cancel
//! keeps the table, the choices and the model trained before.

mod activities;

use crate::components::leads_results::TrainedView;
use crate::components::leads_scores::ScoresView;
use crate::components::leads_setup::ColumnsForm;
use crate::components::ship_edge::ShipToEdge;
use crate::download;
use crate::latest::Latest;
use crate::protocol::leads::{
    LeadTable, LeadsScored, LeadsTrainRequest, LeadsTrained, DEMO_ROWS, DEMO_SEED, TRAIN_STAGES,
};
use crate::protocol::ErrorDto;
use crate::worker_client::leads as worker;
use leptos::prelude::*;
use leptos::task::spawn_local;
use spur_core::leads::table::Role;
use spur_core::model::ModelKind;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// What the screen is doing.
#[derive(Debug, Clone, PartialEq)]
enum Status {
    Idle,
    Working(String),
    Training { done: u64, total: u64 },
}

/// Stage names of a training run, indexed by the worker's progress `done`.
const STAGES: [&str; 5] = [
    "importing the table",
    "held-out evaluation: training on one part, ranking the rest, fitting the baselines",
    "training the model on all leads",
    "writing the model artifact",
    "done",
];

/// A trained model as the screen keeps it: the results and the artifact's bytes.
#[derive(Debug, Clone, PartialEq)]
struct Trained {
    result: LeadsTrained,
    artifact: Vec<u8>,
    /// Click to result, on the UI thread's clock.
    wall_seconds: f64,
}

/// Columns excluded unless the user says otherwise: identifiers and suspected leaks.
fn default_exclude(table: &LeadTable) -> Vec<String> {
    let mut out: Vec<String> = table
        .columns
        .iter()
        .filter(|c| c.role == Role::Identifier)
        .map(|c| c.name.clone())
        .collect();
    for leak in &table.suspected_leaks {
        if !out.contains(leak) {
            out.push(leak.clone());
        }
    }
    out
}

async fn file_bytes(file: &web_sys::File) -> Result<js_sys::ArrayBuffer, ErrorDto> {
    JsFuture::from(file.array_buffer())
        .await
        .map(|b| b.unchecked_into())
        .map_err(|e| ErrorDto {
            code: "read_failed".into(),
            message: format!("cannot read {}: {e:?}", file.name()),
        })
}

/// The picked file, with the input cleared so that picking it again fires `change`.
fn take_file(ev: &leptos::ev::Event) -> Option<web_sys::File> {
    let input: web_sys::HtmlInputElement = event_target(ev);
    let file = input.files().and_then(|list| list.get(0));
    input.set_value("");
    file
}

#[component]
pub fn LeadsPage() -> impl IntoView {
    let table = RwSignal::new(None::<LeadTable>);
    let outcome = RwSignal::new(String::new());
    let value = RwSignal::new(None::<String>);
    let exclude = RwSignal::new(Vec::<String>::new());
    let status = RwSignal::new(Status::Idle);
    let error = RwSignal::new(None::<ErrorDto>);
    let trained = RwSignal::new(None::<Trained>);
    let scored = RwSignal::new(None::<(LeadsScored, Vec<u8>)>);
    // What the last Cancel did; a cancelled run's late reply is ignored.
    let note = RwSignal::new(None::<String>);
    let training = Latest::new();

    // A table arrived: take its proposals (set before the table, which re-renders the form).
    let show_table = move |t: LeadTable, fresh: bool| {
        outcome.set(t.outcome.clone());
        value.set(t.value.clone());
        exclude.set(default_exclude(&t));
        if fresh {
            trained.set(None);
            scored.set(None);
        }
        table.set(Some(t));
    };
    let settle = move |result: Result<LeadTable, ErrorDto>, fresh: bool| {
        status.set(Status::Idle);
        match result {
            Ok(t) => show_table(t, fresh),
            Err(e) => error.set(Some(e)),
        }
    };
    let start = move |what: String| {
        error.set(None);
        note.set(None);
        status.set(Status::Working(what));
    };

    let use_demo = move |_| {
        start(format!(
            "generating {DEMO_ROWS} synthetic leads (seed {DEMO_SEED}) in the worker…"
        ));
        spawn_local(async move { settle(worker::demo(DEMO_ROWS, DEMO_SEED).await, true) });
    };

    let pick_table = move |ev: leptos::ev::Event| {
        let Some(file) = take_file(&ev) else { return };
        let name = file.name();
        start(format!("reading {name}…"));
        spawn_local(async move {
            let result = match file_bytes(&file).await {
                Ok(buf) => worker::open(name, buf).await,
                Err(e) => Err(e),
            };
            settle(result, true);
        });
    };

    let choose_outcome = Callback::new(move |column: String| {
        outcome.set(column.clone());
        start(format!("reading the table with `{column}` as the outcome…"));
        spawn_local(async move { settle(worker::inspect(column).await, false) });
    });

    let train = Callback::new(move |()| {
        let request = LeadsTrainRequest {
            outcome: outcome.get_untracked(),
            value: value.get_untracked(),
            exclude: exclude.with_untracked(|ex| {
                ex.iter()
                    .filter(|c| {
                        **c != outcome.get_untracked()
                            && Some(c.as_str()) != value.get_untracked().as_deref()
                    })
                    .cloned()
                    .collect()
            }),
            // A suspected leak the user did not leave excluded is one they chose to use.
            include: table.with_untracked(|t| {
                t.as_ref().map_or_else(Vec::new, |t| {
                    exclude.with_untracked(|ex| {
                        t.suspected_leaks
                            .iter()
                            .filter(|c| !ex.contains(c))
                            .cloned()
                            .collect()
                    })
                })
            }),
            seed: 0,
        };
        error.set(None);
        note.set(None);
        status.set(Status::Training {
            done: 0,
            total: TRAIN_STAGES,
        });
        let started = js_sys::Date::now();
        let ticket = training.next();
        spawn_local(async move {
            let progress = move |done, total| {
                if ticket.is_current() {
                    status.set(Status::Training { done, total });
                }
            };
            let result = worker::train(request, progress, move || ticket.is_current()).await;
            if !ticket.is_current() {
                return;
            }
            status.set(Status::Idle);
            match result {
                Ok((result, artifact)) => {
                    scored.set(None);
                    trained.set(Some(Trained {
                        result,
                        artifact,
                        wall_seconds: (js_sys::Date::now() - started) / 1000.0,
                    }));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });

    // Only the training worker stops: the table, the choices and the last model stay.
    let cancel = move |_| {
        training.invalidate();
        worker::cancel();
        status.set(Status::Idle);
        let kept = if trained.with_untracked(Option::is_some) {
            "the lead table, your column choices and the model trained before (its results and scores below) are kept"
        } else {
            "the lead table and your column choices are kept"
        };
        note.set(Some(format!(
            "Training cancelled: {kept}. Change the choices or train again when ready."
        )));
    };

    let download_model = move |_| {
        let Some(bytes) = trained.with_untracked(|t| t.as_ref().map(|t| t.artifact.clone())) else {
            return;
        };
        let name = table
            .with_untracked(|t| t.as_ref().map(|t| t.name.clone()))
            .unwrap_or_default();
        let stem = name.strip_suffix(".csv").unwrap_or(&name);
        if let Err(message) =
            download::save(&format!("{stem}.spur"), "application/octet-stream", &bytes)
        {
            error.set(Some(ErrorDto {
                code: "download_failed".into(),
                message,
            }));
        }
    };

    let pick_new_leads = move |ev: leptos::ev::Event| {
        let Some(file) = take_file(&ev) else { return };
        let name = file.name();
        start(format!("scoring {name} in the worker…"));
        spawn_local(async move {
            let result = match file_bytes(&file).await {
                Ok(buf) => worker::score(name, buf).await,
                Err(e) => Err(e),
            };
            status.set(Status::Idle);
            match result {
                Ok(s) => scored.set(Some(s)),
                Err(e) => error.set(Some(e)),
            }
        });
    };

    let download_scores = Callback::new(move |()| {
        let Some((name, bytes)) =
            scored.with_untracked(|s| s.as_ref().map(|(s, b)| (s.name.clone(), b.clone())))
        else {
            return;
        };
        let stem = name.strip_suffix(".csv").unwrap_or(&name);
        if let Err(message) = download::save(&format!("{stem}-ranked.csv"), "text/csv", &bytes) {
            error.set(Some(ErrorDto {
                code: "download_failed".into(),
                message,
            }));
        }
    });

    let busy = Signal::derive(move || status.get() != Status::Idle);
    view! {
        <section class="card">
            <h2>"Which leads first?"</h2>
            <p class="status">
                "A CSV of past leads with a won/lost column. Spur learns readable segments and a scorer from it, "
                "compares them on held-out leads with the best single rule and plain clusters, and ranks new leads. "
                "Everything runs in a background worker on this machine; nothing is uploaded."
            </p>
            <div class="actions">
                <button id="leads-demo" on:click=use_demo disabled=move || busy.get()>"Use demo leads"</button>
                <label class="file">
                    "Choose a lead table (CSV)…"
                    <input id="leads-file" type="file" accept=".csv,.txt" on:change=pick_table />
                </label>
            </div>
        </section>
        {move || match status.get() {
            Status::Idle => ().into_any(),
            Status::Working(what) => view! { <p class="status" id="leads-status">{what}</p> }.into_any(),
            Status::Training { done, total } => {
                let label = STAGES.get(done as usize).copied().unwrap_or("working");
                view! {
                    <section class="card" id="leads-training">
                        <progress id="leads-progress" max=total.to_string() value=done.to_string()></progress>
                        <p class="status">{format!("step {} of {total}: {label}…", (done + 1).min(total))}</p>
                        <button id="leads-cancel" on:click=cancel>"Cancel"</button>
                    </section>
                }.into_any()
            }
        }}
        {move || note.get().map(|n| view! { <p class="status notice" id="leads-note">{n}</p> })}
        {move || error.get().map(|e| view! {
            <section class="card error" id="leads-error" data-code=e.code.clone()>
                <h2>"That did not work"</h2>
                <p>{e.message.clone()}</p>
                <p class="status">"Fix the file or the choice and try again; the screen is ready."</p>
            </section>
        })}
        {move || table.get().map(|t| view! {
            <ColumnsForm table=t outcome value exclude busy on_outcome=choose_outcome on_train=train />
        })}
        <activities::ActivityLog table />
        {move || trained.get().map(|t| view! {
            <TrainedView result=t.result.clone() wall_seconds=t.wall_seconds />
            <section class="card" id="leads-model">
                <h2>"Use the model"</h2>
                <p class="status">
                    {format!(
                        "The artifact ({} bytes, sha256 {}…) is what `spur leads train` writes and the edge's PUT /admin/model accepts.",
                        t.result.artifact_bytes,
                        t.result.sha256.get(..16).unwrap_or_default(),
                    )}
                </p>
                <div class="actions">
                    <button id="leads-download" on:click=download_model>"Download model (.spur)"</button>
                    <label class="file">
                        "Score new leads (CSV)…"
                        <input id="leads-score-file" type="file" accept=".csv,.txt" on:change=pick_new_leads />
                    </label>
                </div>
                <ShipToEdge id="leads-ship" kind=ModelKind::Leads sha256=t.result.sha256.clone()
                    artifact=Callback::new(move |()| trained.with_untracked(|t| t.as_ref().map(|t| t.artifact.clone()))) />
            </section>
        })}
        {move || scored.get().map(|(s, _)| view! { <ScoresView scored=s on_download=download_scores /> })}
    }
}
