//! The Leads screen's activity log (issue 19): beside the lead table, an event log of the leads'
//! sales activities (any format the Load screen reads, previewed and mapped with the Load
//! screen's editor; or the demo CRM's log), the join and funnel options (outcome and id columns,
//! the stages as an ordered list, detected then editable, the time zone), a run in the screen's
//! activity worker with a progress bar and Cancel, the results
//! ([`ActivityResults`](crate::components::leads_activities::ActivityResults)), and the buttons
//! that hand the log to the process screen filtered to won or lost leads.
//!
//! Cancel stops only the activity worker: the lead table (main worker), the log's file, its
//! mapping and every choice here stay, and the log is sent to the fresh worker at once.

use crate::components::leads_activities::ActivityResults;
use crate::download;
use crate::handoff::{Handoff, ToProcess};
use crate::latest::{Latest, Ticket};
use crate::pages::load::preview::CsvPreviewEditor;
use crate::pages::load::sources::size;
use crate::pages::load::SourceRow;
use crate::protocol::activities::{
    ActivitiesMined, ActivitiesRequest, OpenLeads, OUTCOME_ATTRIBUTE,
};
use crate::protocol::leads::{LeadTable, DEMO_ROWS, DEMO_SEED};
use crate::protocol::sources::{Preview, SourceFormat, SourceInfo};
use crate::protocol::ErrorDto;
use crate::worker_client::activities::{self as worker, MineProgress};
use crate::worker_client::Lane;
use leptos::prelude::*;
use leptos::task::spawn_local;
use spur_core::import::ImportOptions;
use spur_core::leads::activities::timing::parse_tz;
use spur_core::leads::table::Role;
use spur_core::recipe::{Op, Step};
use spur_core::toolkit::compare::CompareOptions;
use spur_core::toolkit::filter::Filter;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[derive(Debug, Clone, PartialEq)]
enum Status {
    Idle,
    Working(String),
    Running(MineProgress),
}

/// Where the activity log came from, to send it again after Cancel restarted its worker.
#[derive(Clone)]
enum Origin {
    Demo,
    File(web_sys::File),
}

/// The id column proposed for a lead table: `id`, else its first identifier column.
fn propose_id(t: &LeadTable) -> String {
    t.columns
        .iter()
        .find(|c| c.name.eq_ignore_ascii_case("id"))
        .or_else(|| t.columns.iter().find(|c| c.role == Role::Identifier))
        .or_else(|| t.columns.first())
        .map(|c| c.name.clone())
        .unwrap_or_default()
}

/// Cases whose lead `outcome` attribute is `value`.
fn outcome_is(value: &str) -> Filter {
    Filter::CaseAttribute {
        attribute: OUTCOME_ATTRIBUTE.into(),
        values: vec![value.into()],
        keep: true,
    }
}

/// The process screen's first steps for `which` leads: the won-vs-lost comparison of all leads
/// (its map difference), then, for won or lost, the filter to those leads.
fn steps_for(which: OpenLeads) -> Vec<Step> {
    let compare = Step {
        id: "compare-won-lost".into(),
        enabled: true,
        op: Op::Compare {
            a: vec![outcome_is("won")],
            b: Some(vec![outcome_is("lost")]),
            options: CompareOptions::default(),
        },
    };
    let filter = |value: &str| Step {
        id: format!("filter-{value}-leads"),
        enabled: true,
        op: Op::Filter {
            filter: outcome_is(value),
        },
    };
    match which {
        OpenLeads::Won => vec![compare, filter("won")],
        OpenLeads::Lost => vec![compare, filter("lost")],
        OpenLeads::Compare => vec![compare],
    }
}

/// The options source 0 is read with: the plan its preview shows, guesses pinned (as the Load
/// screen imports); the mapping for the recipe's import step when it is a CSV.
fn read_options(row: &SourceRow) -> (ImportOptions, Option<spur_core::import::Mapping>) {
    let mut options = row.options.clone();
    let mapping = match &row.preview {
        Some(Preview::Ok(p)) => {
            options.mapping = p.dialect.resolved_mapping();
            Some(options.mapping.clone())
        }
        _ => (row.info.format == SourceFormat::Csv).then(|| row.options.mapping.clone()),
    };
    (options, mapping)
}

async fn send_again(origin: Option<Origin>) -> Result<(), ErrorDto> {
    match origin {
        Some(Origin::Demo) => worker::demo(DEMO_ROWS, DEMO_SEED).await.map(|_| ()),
        Some(Origin::File(file)) => {
            let buf = read_file(&file).await?;
            worker::open(file.name(), buf).await.map(|_| ())
        }
        None => Err(ErrorDto {
            code: "no_log".into(),
            message: "no activity log chosen: use the demo activity log or choose a file".into(),
        }),
    }
}

async fn read_file(file: &web_sys::File) -> Result<js_sys::ArrayBuffer, ErrorDto> {
    JsFuture::from(file.array_buffer())
        .await
        .map(|b| b.unchecked_into())
        .map_err(|e| ErrorDto {
            code: "read_failed".into(),
            message: format!("cannot read {}: {e:?}", file.name()),
        })
}

#[component]
pub fn ActivityLog(
    /// The lead table the main worker holds (its columns give the outcome and id choices).
    table: RwSignal<Option<LeadTable>>,
) -> impl IntoView {
    let rows = RwSignal::new(Vec::<SourceRow>::new());
    let origin = StoredValue::new_local(None::<Origin>);
    // After Cancel the activity worker is empty: send the log again before the next call.
    let resend = StoredValue::new(false);
    let outcome = RwSignal::new(String::new());
    let id = RwSignal::new(String::new());
    let stages = RwSignal::new(Vec::<String>::new());
    let stages_given = RwSignal::new(false);
    let new_stage = RwSignal::new(String::new());
    let tz = RwSignal::new("UTC".to_string());
    let status = RwSignal::new(Status::Idle);
    let error = RwSignal::new(None::<ErrorDto>);
    let note = RwSignal::new(None::<String>);
    let mined = RwSignal::new(None::<ActivitiesMined>);
    let current = Latest::new();
    let to_process = use_context::<ToProcess>();

    // A new lead table (or outcome): propose its outcome and id columns.
    Effect::new(move |_| {
        table.with(|t| {
            if let Some(t) = t {
                outcome.set(t.outcome.clone());
                id.set(propose_id(t));
            }
        })
    });

    let begin = move |s: Status| -> Ticket {
        let g = current.next();
        error.set(None);
        note.set(None);
        status.set(s);
        g
    };
    // After Cancel the activity worker is empty: a run or a handoff gives it the log again
    // first. `false` when that failed (the error is shown).
    let restored = move |g: Ticket| async move {
        if !resend.get_value() {
            return true;
        }
        match send_again(origin.get_value()).await {
            Ok(()) => {
                resend.set_value(false);
                true
            }
            Err(e) => {
                if g.is_current() {
                    status.set(Status::Idle);
                    error.set(Some(e));
                }
                false
            }
        }
    };
    let got_source = move |g: Ticket, result: Result<SourceInfo, ErrorDto>, from: Origin| {
        if !g.is_current() {
            return;
        }
        status.set(Status::Idle);
        match result {
            Ok(info) => {
                let mut row = SourceRow::from(info);
                row.lane = Lane::Activities;
                origin.set_value(Some(from));
                resend.set_value(false);
                mined.set(None);
                stages.set(Vec::new());
                stages_given.set(false);
                rows.set(vec![row]);
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let open_demo = move |_| {
        let g = begin(Status::Working(format!(
            "generating the demo CRM's activity log ({DEMO_ROWS} leads, seed {DEMO_SEED}) in the worker…"
        )));
        spawn_local(async move {
            got_source(g, worker::demo(DEMO_ROWS, DEMO_SEED).await, Origin::Demo)
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
            let result = match read_file(&file).await {
                Ok(buf) => worker::open(name, buf).await,
                Err(e) => Err(e),
            };
            got_source(g, result, Origin::File(file));
        });
    };

    let fail = move |message: String| {
        error.set(Some(ErrorDto {
            code: "invalid".into(),
            message,
        }))
    };
    let run = move |_| {
        let Some(row) = rows.with_untracked(|r| r.first().cloned()) else {
            return;
        };
        let Some(leads_name) = table.with_untracked(|t| t.as_ref().map(|t| t.name.clone())) else {
            fail("load a lead table first (the demo leads or your CSV): the activity log is joined to it".into());
            return;
        };
        let tz_offset_minutes = match parse_tz(&tz.get_untracked()) {
            Ok(m) => m,
            Err(e) => return fail(e),
        };
        let given = stages_given.get_untracked();
        if given && stages.with_untracked(Vec::is_empty) {
            return fail("name at least one stage, or click “Detect again”".into());
        }
        let request = ActivitiesRequest {
            leads_name,
            outcome: outcome.get_untracked(),
            id: id.get_untracked(),
            stages: given.then(|| stages.get_untracked()),
            tz_offset_minutes,
            options: read_options(&row).0,
        };
        let g = begin(Status::Running(MineProgress::Mining {
            done: 0.0,
            step: "starting".into(),
        }));
        spawn_local(async move {
            if !restored(g).await {
                return;
            }
            let progress = move |p: MineProgress| {
                if g.is_current() {
                    status.set(Status::Running(p));
                }
            };
            let result = worker::mine(request, move || g.is_current(), progress).await;
            if !g.is_current() {
                return;
            }
            status.set(Status::Idle);
            match result {
                Ok(m) => {
                    if !given {
                        stages.set(
                            m.findings
                                .funnel
                                .stages
                                .iter()
                                .map(|s| s.activity.clone())
                                .collect(),
                        );
                    }
                    mined.set(Some(m));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };

    let cancel = move |_| {
        current.invalidate();
        worker::cancel();
        // The fresh worker gets the log back at once, so the preview editor keeps working; a
        // run or a handoff started before that has come sends it again (harmless: one source).
        resend.set_value(true);
        // Previews asked before the log is back wait for it.
        crate::worker_client::hold(Lane::Activities);
        spawn_local(async move {
            if send_again(origin.get_value()).await.is_ok() {
                resend.set_value(false);
            }
            crate::worker_client::release(Lane::Activities);
        });
        status.set(Status::Idle);
        note.set(Some(
            "Cancelled: the activity worker was stopped. The lead table, the activity log, its mapping and your choices are kept; run again when ready."
                .into(),
        ));
    };

    let open_in_process = Callback::new(move |which: OpenLeads| {
        let Some(row) = rows.with_untracked(|r| r.first().cloned()) else {
            return;
        };
        let Some(to_process) = to_process else { return };
        let (options, mapping) = read_options(&row);
        let (out, lead_id) = (outcome.get_untracked(), id.get_untracked());
        let g = begin(Status::Working(format!(
            "opening {} in the process screen…",
            row.info.name
        )));
        spawn_local(async move {
            if !restored(g).await {
                return;
            }
            let result = worker::open_in_process(options, out, lead_id).await;
            if !g.is_current() {
                return;
            }
            status.set(Status::Idle);
            match result {
                Ok((name, summary, notes)) => to_process.send(Handoff {
                    serial: 0,
                    name,
                    summary,
                    notes,
                    import: mapping,
                    steps: steps_for(which),
                }),
                Err(e) => error.set(Some(e)),
            }
        });
    });

    let download_json = Callback::new(move |()| {
        let Some((name, json)) = mined.with_untracked(|m| {
            m.as_ref().map(|m| {
                (
                    m.name.clone(),
                    serde_json::to_string_pretty(&m.findings).map(|s| s + "\n"),
                )
            })
        }) else {
            return;
        };
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
        let saved = json.map_err(|e| e.to_string()).and_then(|j| {
            download::save(
                &format!("{stem}-findings.json"),
                "application/json",
                j.as_bytes(),
            )
        });
        if let Err(message) = saved {
            error.set(Some(ErrorDto {
                code: "download_failed".into(),
                message,
            }));
        }
    });

    let busy = Signal::derive(move || status.get() != Status::Idle);
    let no_table = move || table.with(Option::is_none);
    let columns = move || {
        table.with(|t| {
            t.as_ref()
                .map(|t| t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    };
    let column_select = move |sel_id: &'static str, chosen: RwSignal<String>| {
        view! {
            <select id=sel_id on:change=move |ev| chosen.set(event_target_value(&ev))>
                {move || columns().into_iter().map(|n| {
                    let (m, label) = (n.clone(), n.clone());
                    view! { <option value=n prop:selected=move || chosen.with(|c| *c == m)>{label}</option> }
                }).collect_view()}
            </select>
        }
    };
    let activity_names = move || {
        mined.with(|m| {
            let mut names: Vec<String> = m
                .as_ref()
                .map(|m| {
                    m.findings
                        .features
                        .iter()
                        .map(|f| f.activity.clone())
                        .chain(m.findings.funnel.stages.iter().map(|s| s.activity.clone()))
                        .collect()
                })
                .unwrap_or_default();
            names.sort();
            names.dedup();
            names
        })
    };
    let edit = move |f: &dyn Fn(&mut Vec<String>)| {
        stages.update(|s| f(s));
        stages_given.set(true);
    };
    let stage_list = move || {
        stages
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                view! {
                    <li class="stage-item" data-stage=s.clone()>
                        <span>{s.clone()}</span>" "
                        <button class="stage-up" title="earlier" disabled=move || i == 0
                            on:click=move |_| edit(&|v: &mut Vec<String>| if i > 0 && i < v.len() { v.swap(i, i - 1) })>"↑"</button>
                        <button class="stage-down" title="later"
                            on:click=move |_| edit(&|v: &mut Vec<String>| if i + 1 < v.len() { v.swap(i, i + 1) })>"↓"</button>
                        <button class="stage-remove" title="not a stage"
                            on:click=move |_| edit(&|v: &mut Vec<String>| if i < v.len() { v.remove(i); })>"✕"</button>
                    </li>
                }
            })
            .collect_view()
    };
    let add_stage = move |_| {
        let name = new_stage.get_untracked().trim().to_string();
        if name.is_empty() {
            return;
        }
        edit(&|v: &mut Vec<String>| {
            if !v.contains(&name) {
                v.push(name.clone())
            }
        });
        new_stage.set(String::new());
    };
    let stage_source = move || match (stages_given.get(), stages.with(Vec::is_empty)) {
        (true, _) => "given by you (in this order); the next run uses them",
        (false, true) => "detected from the log's order when you run (you can then edit them)",
        (false, false) => "detected from the log's order; edit them to fix the funnel",
    };

    view! {
        <section class="card" id="activities">
            <h2>"What wins deals: the sales activity log"</h2>
            <p class="status">
                "An event log of the leads' activities (one case per lead: created, first response, follow-ups, meetings, offers…), in any format the Load screen reads. "
                "Spur joins it to the lead table, finds the funnel stages, and compares won with lost leads among leads that reached the same stage. It runs in a background worker; nothing is uploaded."
            </p>
            <div class="actions">
                <button id="activities-demo" on:click=open_demo disabled=move || busy.get()>"Use the demo activity log"</button>
                <label class="file">
                    "Choose an activity log (CSV/TSV, XES, Parquet…)…"
                    <input id="activities-file" type="file" accept=".csv,.tsv,.txt,.xes,.gz,.parquet,.arrow,.feather" on:change=pick_file />
                </label>
            </div>
            {move || no_table().then(|| view! { <p class="status" id="activities-no-table">"Load a lead table above first: the log is joined to it by lead id."</p> })}
        </section>
        {move || note.get().map(|n| view! { <p class="status" id="activities-note">{n}</p> })}
        {move || match status.get() {
            Status::Idle => ().into_any(),
            Status::Working(what) => view! { <p class="status" id="activities-status">{what}</p> }.into_any(),
            Status::Running(p) => {
                let (value, text) = match &p {
                    MineProgress::Reading { bytes, total, events } => (
                        0.1 * *bytes as f64 / (*total).max(1) as f64,
                        format!("reading the log: {} of {} · {events} events", size(*bytes), size(*total)),
                    ),
                    MineProgress::Mining { done, step } => (
                        0.1 + 0.9 * done,
                        format!("mining: {step} ({:.0} %)", 100.0 * done),
                    ),
                };
                view! {
                    <section class="card" id="activities-running">
                        <progress id="activities-progress" max="1" value=format!("{value:.3}")></progress>
                        <span class="status" id="activities-phase">{text}</span>
                        " "
                        <button id="activities-cancel" on:click=cancel>"Cancel"</button>
                    </section>
                }.into_any()
            }
        }}
        {move || error.get().map(|e| view! {
            <section class="card error" id="activities-error" data-code=e.code.clone()>
                <h2>"That did not work"</h2>
                <p>{e.message.clone()}</p>
                <p class="status">"Fix the file, the mapping or the choice and try again; the screen is ready."</p>
            </section>
        })}
        {move || (rows.with(Vec::len) == 1).then(|| {
            let (name, format, bytes) = rows.with_untracked(|r| (r[0].info.name.clone(), r[0].info.format, r[0].info.bytes));
            let is_csv = format == SourceFormat::Csv;
            let ready = move || rows.with(|r| !is_csv || matches!(r.first().and_then(|s| s.preview.as_ref()), Some(Preview::Ok(_))));
            view! {
                <section class="card preview" id="activities-preview" data-name=name.clone()>
                    <h2>{format!("{name} · {} · {}", format.label(), size(bytes))}</h2>
                    {if is_csv {
                        view! {
                            <p class="status">"Check how the file is read: the lead id is the case column, the activity and its time the activity and timestamp columns."</p>
                            <CsvPreviewEditor rows k=0 entity=Signal::derive(String::new) />
                        }.into_any()
                    } else {
                        view! { <p class="status">"Read as the Load screen reads it (case = lead id); its report follows the run."</p> }.into_any()
                    }}
                    <div class="form" id="activities-options">
                        <label>"Outcome column " {column_select("activities-outcome", outcome)}</label>
                        <label>"Lead id column " {column_select("activities-id", id)}</label>
                        <label>"Time zone "
                            <input id="activities-tz" size="8" prop:value=move || tz.get()
                                on:change=move |ev| tz.set(event_target_value(&ev)) />
                        </label>
                    </div>
                    <div id="activities-stages-editor" data-given=move || stages_given.get().to_string()>
                        <p class="status">"Funnel stages: " {stage_source}</p>
                        <ol id="activities-stage-list">{stage_list}</ol>
                        <div class="actions">
                            <input id="activities-stage-new" list="activities-activity-names" placeholder="activity"
                                prop:value=move || new_stage.get() on:input=move |ev| new_stage.set(event_target_value(&ev)) />
                            <datalist id="activities-activity-names">
                                {move || activity_names().into_iter().map(|n| view! { <option value=n></option> }).collect_view()}
                            </datalist>
                            <button id="activities-stage-add" on:click=add_stage>"Add stage"</button>
                            <button id="activities-stages-detect" on:click=move |_| { stages.set(Vec::new()); stages_given.set(false); }>"Detect again"</button>
                        </div>
                    </div>
                    <div class="actions">
                        <button id="activities-run" class="primary" disabled=move || !ready() || busy.get() || no_table() on:click=run>"Find what wins deals"</button>
                    </div>
                </section>
            }
        })}
        {move || mined.get().map(|m| view! {
            <ActivityResults mined=m on_open=open_in_process on_download=download_json busy />
        })}
    }
}
