//! The Recommendations screen: load a clickstream (the demo shop or a file, previewed and mapped
//! like the Load screen's CSVs, plus the optional shop columns), evaluate and train in the
//! screen's training worker with a progress bar and Cancel (which stops only that worker: the
//! shop, the clicks read and the last model stay), then the results ([`RecoResults`]: the
//! HR@k / MRR@k chart against the baselines, an item's neighbours, "try a session", download
//! and Ship to edge).
//!
//! Every number comes from spur-core in the worker (`worker_client::reco`); this file holds the
//! screen's state and wires the controls.

use crate::components::reco_results::{RecoResults, TrainedModel};
use crate::latest::{Latest, Ticket};
use crate::pages::load::preview::CsvPreviewEditor;
use crate::pages::load::sources::size;
use crate::pages::load::SourceRow;
use crate::protocol::reco::{
    ClicksRead, RecoStage, RecoTrainRequest, DEMO_ITEMS, DEMO_SEED, DEMO_SESSIONS,
};
use crate::protocol::sources::{Preview, SourceInfo};
use crate::protocol::ErrorDto;
use crate::worker_client::process::ImportProgress;
use crate::worker_client::reco as worker;
use crate::worker_client::Lane;
use leptos::prelude::*;
use leptos::task::spawn_local;
use spur_core::reco::ClickColumns;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[derive(Debug, Clone, PartialEq)]
enum Status {
    Idle,
    Working(String),
    Reading(ImportProgress),
    Training {
        stage: RecoStage,
        done: u64,
        total: u64,
    },
}

/// The optional shop columns: field, label, element id, names tried (lower case) to propose one.
const SHOP_COLUMNS: [(&str, &str, &[&str]); 5] = [
    (
        "customer",
        "Customer",
        &["customer", "customer_id", "user", "user_id", "visitor_id"],
    ),
    (
        "event_type",
        "Event type (view/cart/buy)",
        &["event_type", "event", "type", "action"],
    ),
    (
        "category",
        "Category",
        &["category", "category_id", "categoryid"],
    ),
    ("price", "Price", &["price"]),
    (
        "in_stock",
        "In stock",
        &["in_stock", "stock", "available", "availability"],
    ),
];

/// Propose each shop column from the preview's column names.
fn propose(preview: &Option<Preview>) -> Vec<String> {
    let names: Vec<String> = match preview {
        Some(Preview::Ok(p)) => p.dialect.columns.iter().map(|c| c.name.clone()).collect(),
        _ => Vec::new(),
    };
    SHOP_COLUMNS
        .iter()
        .map(|(_, _, tries)| {
            tries
                .iter()
                .find_map(|t| names.iter().find(|n| n.eq_ignore_ascii_case(t)))
                .cloned()
                .unwrap_or_default()
        })
        .collect()
}

/// The chosen columns; "" (none) turns a field off (core's `ClickColumns` reads "" so).
fn click_columns(chosen: &[String]) -> ClickColumns {
    let get = |i: usize| Some(chosen.get(i).cloned().unwrap_or_default());
    ClickColumns {
        customer: get(0),
        event_type: get(1),
        category: get(2),
        price: get(3),
        in_stock: get(4),
    }
}

#[component]
pub fn RecoPage() -> impl IntoView {
    let rows = RwSignal::new(Vec::<SourceRow>::new());
    let shop_cols = RwSignal::new(vec![String::new(); SHOP_COLUMNS.len()]);
    let status = RwSignal::new(Status::Idle);
    let note = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ErrorDto>);
    let clicks = RwSignal::new(None::<ClicksRead>);
    let trained = RwSignal::new(None::<TrainedModel>);
    let test_days = RwSignal::new("1".to_string());
    let k = RwSignal::new("20".to_string());
    // Each job gets a number; a cancelled job's late reply is ignored.
    let current = Latest::new();
    let begin = move |s: Status| {
        let g = current.next();
        error.set(None);
        note.set(None);
        status.set(s);
        g
    };

    let got_source = move |g: Ticket, result: Result<SourceInfo, ErrorDto>| {
        if !g.is_current() {
            return;
        }
        status.set(Status::Idle);
        match result {
            Ok(info) => {
                let mut row = SourceRow::from(info);
                row.lane = Lane::Reco;
                shop_cols.set(propose(&row.preview));
                clicks.set(None);
                trained.set(None);
                rows.set(vec![row]);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let open_demo = move |_| {
        let g = begin(Status::Working(format!(
            "generating the demo shop ({DEMO_SESSIONS} sessions, {DEMO_ITEMS} items, seed {DEMO_SEED}) in the worker…"
        )));
        spawn_local(async move {
            got_source(g, worker::demo(DEMO_SESSIONS, DEMO_ITEMS, DEMO_SEED).await)
        });
    };
    let pick_file = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let file = input.files().and_then(|l| l.get(0));
        input.set_value("");
        let Some(file) = file else { return };
        let name = file.name();
        let g = begin(Status::Working(format!("reading {name}…")));
        spawn_local(async move {
            let result = match JsFuture::from(file.array_buffer()).await {
                Ok(buf) => worker::open(name, buf.unchecked_into()).await,
                Err(e) => Err(ErrorDto {
                    code: "read_failed".into(),
                    message: format!("cannot read {name}: {e:?}"),
                }),
            };
            got_source(g, result);
        });
    };

    let read_clicks = move |_| {
        let Some(row) = rows.with_untracked(|r| r.first().cloned()) else {
            return;
        };
        // Read with the plan the preview shows (guesses pinned), as the Load screen imports.
        let mut options = row.options.clone();
        if let Some(Preview::Ok(p)) = &row.preview {
            options.mapping = p.dialect.resolved_mapping();
        }
        let columns = click_columns(&shop_cols.get_untracked());
        let g = begin(Status::Reading(ImportProgress {
            total_bytes: row.info.bytes,
            ..Default::default()
        }));
        spawn_local(async move {
            let progress = move |p: ImportProgress| {
                if g.is_current() {
                    status.set(Status::Reading(p));
                }
            };
            let result = worker::read(options, columns, progress).await;
            if !g.is_current() {
                return;
            }
            status.set(Status::Idle);
            match result {
                Ok(c) => {
                    trained.set(None);
                    clicks.set(Some(c));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    let train = move |_| {
        let days = test_days.get_untracked().trim().parse::<f64>();
        let cut = k.get_untracked().trim().parse::<usize>();
        let (Ok(days), Ok(cut)) = (days, cut) else {
            error.set(Some(ErrorDto {
                code: "invalid".into(),
                message: "test days and k must be numbers (e.g. 1 and 20)".into(),
            }));
            return;
        };
        if !(days.is_finite() && days > 0.0 && (1..=50).contains(&cut)) {
            error.set(Some(ErrorDto {
                code: "invalid".into(),
                message: format!(
                    "test days must be positive (got {days}) and k 1 to 50 (got {cut})"
                ),
            }));
            return;
        }
        let request = RecoTrainRequest {
            test_days: days,
            k: cut,
            seed: 0,
        };
        let name = clicks
            .with_untracked(|c| c.as_ref().map(|c| c.name.clone()))
            .unwrap_or_default();
        let g = begin(Status::Training {
            stage: RecoStage::Tuning,
            done: 0,
            total: 1,
        });
        spawn_local(async move {
            let progress = move |stage, done, total| {
                if g.is_current() {
                    status.set(Status::Training { stage, done, total });
                }
            };
            let result = worker::train(request, progress, move || g.is_current()).await;
            if !g.is_current() {
                return;
            }
            status.set(Status::Idle);
            match result {
                Ok((result, artifact)) => trained.set(Some(TrainedModel {
                    result,
                    artifact,
                    name,
                })),
                Err(e) => error.set(Some(e)),
            }
        });
    };

    // Only the training worker stops: the shop, its mapping, the clicks read and the last model
    // stay, and the next read or training gives a new training worker the file again.
    let cancel = move |_| {
        let reading = matches!(status.get_untracked(), Status::Reading(_));
        current.invalidate();
        worker::cancel();
        status.set(Status::Idle);
        let name = rows
            .with_untracked(|r| r.first().map(|s| s.info.name.clone()))
            .unwrap_or_default();
        note.set(Some(if reading {
            format!(
                "Reading cancelled: {name} is still open with its mapping; read the clicks again when ready."
            )
        } else {
            let model = if trained.with_untracked(Option::is_some) {
                ", and so is the model trained before"
            } else {
                ""
            };
            format!(
                "Training cancelled: {name} and its clicks are still loaded{model}; train again when ready."
            )
        }));
    };

    let busy = Signal::derive(move || status.get() != Status::Idle);
    let shop_form = move || {
        let names: Vec<String> = rows.with(|r| match r.first().and_then(|s| s.preview.as_ref()) {
            Some(Preview::Ok(p)) => p.dialect.columns.iter().map(|c| c.name.clone()).collect(),
            _ => Vec::new(),
        });
        SHOP_COLUMNS
            .iter()
            .enumerate()
            .map(|(i, (field, label, _))| {
                let options = names
                    .iter()
                    .map(|n| {
                        let (m, label) = (n.clone(), n.clone());
                        view! { <option value=n.clone() prop:selected=move || shop_cols.with(|c| c[i] == m)>{label}</option> }
                    })
                    .collect_view();
                view! {
                    <label>{format!("{label} ")}
                        <select id=format!("reco-col-{field}") on:change=move |ev| {
                            let v = event_target_value(&ev);
                            shop_cols.update(|c| c[i] = v);
                        }>
                            <option value="" prop:selected=move || shop_cols.with(|c| c[i].is_empty())>"(none)"</option>
                            {options}
                        </select>
                    </label>
                }
            })
            .collect_view()
    };

    view! {
        <section class="card">
            <h2>"What should we offer next?"</h2>
            <p class="status">
                "A clickstream (one row per click: session, item, time; optionally customer, event type, category, price, stock). "
                "Spur learns session neighbours, sequential rules and popularity, tunes their blend, and checks next-item accuracy "
                "on the last days against popularity and item-to-item kNN. Everything runs in a background worker on this machine; nothing is uploaded until you ship the model."
            </p>
            <div class="actions">
                <button id="reco-demo" on:click=open_demo disabled=move || busy.get()>"Open the demo shop"</button>
                <label class="file">
                    "Choose a clickstream (CSV/TSV, XES, Parquet)…"
                    <input id="reco-file" type="file" accept=".csv,.tsv,.txt,.xes,.gz,.parquet" on:change=pick_file />
                </label>
            </div>
        </section>
        {move || note.get().map(|n| view! { <p class="status" id="reco-note">{n}</p> })}
        {move || match status.get() {
            Status::Idle => ().into_any(),
            Status::Working(what) => view! { <p class="status" id="reco-status">{what}</p> }.into_any(),
            Status::Reading(p) => view! {
                <section class="card" id="reco-reading">
                    <progress id="reco-read-progress" max=p.total_bytes.max(1).to_string() value=p.bytes.to_string()></progress>
                    <span class="status">{format!("{} of {} · {} clicks", size(p.bytes), size(p.total_bytes), p.events)}</span>
                    <button id="reco-cancel" on:click=cancel>"Cancel"</button>
                </section>
            }.into_any(),
            Status::Training { stage, done, total } => view! {
                <section class="card" id="reco-training">
                    <progress id="reco-progress" max=total.max(1).to_string() value=done.to_string()></progress>
                    <p class="status" id="reco-stage" data-stage=format!("{stage:?}")>
                        {format!("{}… {:.0} %", stage.label(), 100.0 * done as f64 / total.max(1) as f64)}
                    </p>
                    <button id="reco-cancel" on:click=cancel>"Cancel"</button>
                </section>
            }.into_any(),
        }}
        {move || error.get().map(|e| view! {
            <section class="card error" id="reco-error" data-code=e.code.clone()>
                <h2>"That did not work"</h2>
                <p>{e.message.clone()}</p>
                <p class="status">"Fix the file, the mapping or the choice and try again; the screen is ready."</p>
            </section>
        })}
        {move || (rows.with(Vec::len) == 1).then(|| {
            let (name, format, bytes) = rows.with_untracked(|r| (r[0].info.name.clone(), r[0].info.format, r[0].info.bytes));
            let ready = move || rows.with(|r| matches!(r.first().and_then(|s| s.preview.as_ref()), Some(Preview::Ok(_))));
            view! {
                <section class="card preview" id="reco-preview" data-name=name.clone()>
                    <h2>{format!("{name} · {} · {}", format.label(), size(bytes))}</h2>
                    <p class="status">"Check how the file is read: the session is the case column, the item the activity, the time the timestamp."</p>
                    <CsvPreviewEditor rows k=0 entity=Signal::derive(String::new) />
                    <div class="form" id="reco-shop-columns">{shop_form}</div>
                    <div class="actions">
                        <button id="reco-read" class="primary" disabled=move || !ready() || busy.get() on:click=read_clicks>"Read clicks"</button>
                    </div>
                </section>
            }
        })}
        {move || clicks.get().map(|c| view! {
            <section class="card" id="reco-clicks" data-sessions=c.sessions data-clicks=c.clicks>
                <h2>"Clicks"</h2>
                <p class="status" id="reco-counts">
                    {format!(
                        "{} sessions, {} clicks, {} items{}; {} sessions with a customer, {} items with a category.",
                        c.sessions, c.clicks, c.items,
                        if c.timed { format!(" over {:.1} days", c.days) } else { " (no timestamps: tested on the last tenth in file order)".into() },
                        c.with_customer, c.with_category,
                    )}
                </p>
                {(!c.notes.is_empty()).then(|| view! {
                    <ul class="warning">{c.notes.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}</ul>
                })}
                <div class="form">
                    <label>"Test on the last "
                        <input id="reco-test-days" size="4" prop:value=move || test_days.get()
                            on:change=move |ev| test_days.set(event_target_value(&ev)) />
                        " day(s)"
                    </label>
                    <label>"k "
                        <input id="reco-k" size="3" prop:value=move || k.get()
                            on:change=move |ev| k.set(event_target_value(&ev)) />
                    </label>
                    <button id="reco-train" class="primary" disabled=move || busy.get() on:click=train>"Train and evaluate"</button>
                </div>
            </section>
        })}
        {move || trained.get().map(|t| view! { <RecoResults trained=t on_error=Callback::new(move |e| error.set(Some(e))) /> })}
    }
}
