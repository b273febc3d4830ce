//! The Model card (issue 14): the inductive miner's model of the current (filtered) view — the
//! BPMN picture core draws, the process tree in pm4py's syntax, PNML/BPMN downloads — and a
//! conformance check of the view against a model the analyst uploads (PNML or BPMN): fitness,
//! precision, alignment fitness and the most deviating activities. The worker computes all of it
//! with core exactly as `spur discover` / `spur conformance` do, so the numbers equal the CLI's.
//!
//! A check can take long: it shows which part is running and how many variants are aligned,
//! and Cancel stops it (the worker aligns in slices and reads Cancel between them), keeping the
//! loaded log. A finished check draws the uploaded model with its deviations, can draw them on
//! the map, and "Show the cases that do not fit" adds the recipe step that keeps them.

use super::ProcessCtx;
use crate::components::download;
use crate::components::zoom::ZoomSvg;
use crate::latest::Latest;
use crate::protocol::model::DiscoveredModel;
use crate::protocol::ErrorDto;
use crate::worker_client::model::{self as worker, Checked};
use leptos::prelude::*;
use leptos::task::spawn_local;
use spur_core::conformance::{ConformanceReport, Method};
use spur_core::recipe::Op;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The noise thresholds offered (0: IM; above: IMf), as `spur discover --noise`.
const NOISES: [&str; 4] = ["0", "0.1", "0.2", "0.3"];
/// Rows of the deviations table.
const TOP_DEVIATIONS: usize = 10;

/// What a conformance check is doing.
#[derive(Debug, Clone, PartialEq)]
enum Check {
    Idle,
    /// Parts finished of the total, for the file `name`.
    Running {
        name: String,
        done: u64,
        total: u64,
    },
    Done(Box<Done>),
    Failed(ErrorDto),
}

/// A finished check and what the card needs to act on it.
#[derive(Debug, Clone, PartialEq)]
struct Done {
    checked: Checked,
    /// The view's revision it was computed on (its deviations describe that view only).
    revision: u32,
    name: String,
    /// The model file's text, for the recipe step that keeps the cases that do not fit.
    text: String,
    method: Method,
}

/// Steps a check counts before the alignments (token replay and precision).
fn offset(method: Method) -> u64 {
    if method == Method::Alignments {
        0
    } else {
        2
    }
}

fn running_part(method: Method, done: u64, total: u64) -> String {
    let skip = offset(method);
    match done {
        d if d >= skip && method != Method::Tbr => format!(
            "aligning variants: {} of {}",
            d - skip,
            total.saturating_sub(skip)
        ),
        0 => "token replay".into(),
        _ => "precision (ETConformance)".into(),
    }
}

#[component]
pub fn ModelCard() -> impl IntoView {
    let ctx = expect_context::<ProcessCtx>();
    let noise = RwSignal::new(NOISES[0].to_string());
    let method = RwSignal::new(Method::Both);
    let model = RwSignal::new(None::<DiscoveredModel>);
    let error = RwSignal::new(None::<ErrorDto>);
    let busy = RwSignal::new(false);
    let check = RwSignal::new(Check::Idle);
    let requested = Latest::new();
    let checking = Latest::new();

    // Discover again when the view or the noise threshold changes.
    Effect::new(move |_| {
        let revision = ctx.revision.get();
        let noise = noise.get().parse::<f64>().unwrap_or(0.0);
        if revision == 0 {
            return;
        }
        let n = requested.next();
        busy.set(true);
        spawn_local(async move {
            let result = worker::discover(noise).await;
            if !n.is_current() {
                return;
            }
            busy.set(false);
            match result {
                Ok(m) => {
                    error.set(None);
                    model.set(Some(m));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });

    let save = move |pnml: bool| {
        model.with_untracked(|m| {
            let Some(m) = m else { return };
            let result = if pnml {
                download::save_text("model.pnml", &m.pnml, "application/xml")
            } else {
                download::save_text("model.bpmn", &m.bpmn, "application/xml")
            };
            if let Err(message) = result {
                error.set(Some(ErrorDto {
                    code: "save_failed".into(),
                    message: format!("{message}: try again, or use `spur discover -o`"),
                }));
            }
        })
    };

    let pick_model = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let file = input.files().and_then(|l| l.get(0));
        input.set_value("");
        let Some(file) = file else { return };
        let name = file.name();
        let how = method.get_untracked();
        let n = checking.next();
        check.set(Check::Running {
            name: name.clone(),
            done: 0,
            total: 1,
        });
        let revision = ctx.revision.get_untracked();
        spawn_local(async move {
            let mut text = String::new();
            let result = match JsFuture::from(file.array_buffer()).await {
                Ok(buf) => {
                    text = String::from_utf8_lossy(&js_sys::Uint8Array::new(&buf).to_vec())
                        .into_owned();
                    let progress_name = name.clone();
                    let on_progress = move |done, total| {
                        if n.is_current() {
                            check.set(Check::Running {
                                name: progress_name.clone(),
                                done,
                                total,
                            });
                        }
                    };
                    worker::check(name.clone(), buf.unchecked_into(), how, on_progress).await
                }
                Err(e) => Err(ErrorDto {
                    code: "read_failed".into(),
                    message: format!("cannot read {name}: {e:?}; choose the file again"),
                }),
            };
            if !n.is_current() {
                return;
            }
            ctx.deviations.set(false);
            check.set(match result {
                Ok(checked) => Check::Done(Box::new(Done {
                    checked,
                    revision,
                    name,
                    text,
                    method: how,
                })),
                Err(e) => Check::Failed(e),
            });
        });
    };
    // The worker answers the running check with `cancelled`, which the card then shows.
    let stop = move |_| {
        spawn_local(async move {
            if let Err(e) = worker::cancel_check().await {
                error.set(Some(e));
            }
        });
    };
    // A check describes the view it ran on: a changed view stops drawing its deviations.
    Effect::new(move |_| {
        let revision = ctx.revision.get();
        let stale = check.with_untracked(|c| matches!(c, Check::Done(d) if d.revision != revision));
        if stale {
            ctx.deviations.set(false);
        }
    });

    let noise_options = NOISES
        .iter()
        .map(|v| {
            view! { <option value=*v selected=move || noise.get() == *v>{*v}</option> }
        })
        .collect_view();
    let picture = move || {
        model.with(|m| {
            m.as_ref().map(|m| {
                let r = &m.report;
                let sizes = format!(
                    "net: {} places, {} transitions ({} visible), {} arcs",
                    r.places, r.transitions, r.visible_transitions, r.arcs
                );
                view! {
                    <ZoomSvg id="model-svg" svg=m.svg.clone() />
                    <pre class="model-tree" id="model-tree">{r.tree.clone()}</pre>
                    <p class="status" id="model-sizes" data-mined-ms=m.mined_ms data-places=r.places data-transitions=r.transitions
                        data-visible-transitions=r.visible_transitions data-arcs=r.arcs>{sizes}</p>
                }
            })
        })
    };

    view! {
        <section class="card" id="model-card" data-busy=move || busy.get().to_string()>
            <h2>"Model"</h2>
            <div class="toolbar">
                <label>"Noise "
                    <select id="model-noise" on:change=move |ev| noise.set(event_target_value(&ev))>
                        {noise_options}
                    </select>
                </label>
                <button id="model-download-pnml" disabled=move || model.with(Option::is_none)
                    on:click=move |_| save(true)>"Download PNML"</button>
                <button id="model-download-bpmn" disabled=move || model.with(Option::is_none)
                    on:click=move |_| save(false)>"Download BPMN"</button>
            </div>
            {move || error.get().map(|e| view! { <p class="error" id="model-error">{e.message}</p> })}
            {picture}
            <div class="toolbar">
                <label>"Method "
                    <select id="model-method" on:change=move |ev| {
                        method.set(Method::parse(&event_target_value(&ev)).unwrap_or_default())
                    }>
                        <option value="both" selected=true>"both"</option>
                        <option value="tbr">"token replay"</option>
                        <option value="alignments">"alignments"</option>
                    </select>
                </label>
                <label class="file">"Check against a model…"
                    <input id="model-file" type="file" accept=".pnml,.bpmn,.xml" on:change=pick_model />
                </label>
            </div>
            {move || check_view(check.get(), method.get_untracked(), stop, ctx)}
        </section>
    }
}

fn check_view(
    check: Check,
    method: Method,
    stop: impl Fn(leptos::ev::MouseEvent) + 'static,
    ctx: ProcessCtx,
) -> AnyView {
    match check {
        Check::Idle => ().into_any(),
        Check::Running { name, done, total } => view! {
            <p class="status" id="model-progress" data-done=done data-total=total>
                {format!("checking {name}: {}…", running_part(method, done, total))}
                " "<progress max=total.max(1) value=done></progress>
                " "<button id="model-cancel" on:click=stop>"Cancel"</button>
            </p>
        }
        .into_any(),
        Check::Failed(e) => {
            view! { <p class="error" id="model-check-error" data-code=e.code>{e.message}</p> }
                .into_any()
        }
        Check::Done(done) => done_view(*done, ctx),
    }
}

/// The report, the model drawn with its deviations, and what to do with them.
fn done_view(done: Done, ctx: ProcessCtx) -> AnyView {
    let Done {
        checked,
        revision,
        name,
        text,
        method,
    } = done;
    let stale = move || ctx.revision.get() != revision;
    let unfit = checked
        .report
        .cases
        .iter()
        .filter(|c| c.fitness.is_none_or(|f| f < 1.0))
        .count();
    let method = if method == Method::Tbr {
        Method::Tbr
    } else {
        Method::Alignments
    };
    let show_unfit = move |_| {
        ctx.push(Op::Fitness {
            model: text.clone(),
            below: 1.0,
            method,
            fitting: false,
            name: name.clone(),
        });
    };
    let t = checked.times;
    let ms = |v: Option<f64>| v.map(|v| v.to_string());
    view! {
        <div id="model-check-times" hidden data-tbr-ms=ms(t.tbr_ms) data-precision-ms=ms(t.precision_ms)
            data-alignments-ms=ms(t.alignments_ms)></div>
        {report_view(&checked.report)}
        <div class="toolbar">
            <label>
                <input type="checkbox" id="model-deviations-on-map" disabled=stale
                    prop:checked=move || ctx.deviations.get()
                    on:change=move |ev| ctx.deviations.set(event_target_checked(&ev)) />
                " Draw the deviations on the map"
            </label>
            <button id="model-show-unfit" data-cases=unfit disabled=move || stale() || unfit == 0
                on:click=show_unfit>{format!("Show the {unfit} cases that do not fit")}</button>
            {move || stale().then(|| view! {
                <span class="status" id="model-stale">"The view changed since this check: check again to see its deviations."</span>
            })}
        </div>
        <ZoomSvg id="model-check-svg" svg=checked.svg />
    }
    .into_any()
}

fn report_view(r: &ConformanceReport) -> AnyView {
    let fitness = r.tbr.as_ref().map(|t| {
        view! {
            <p id="model-fitness" data-log-fitness=t.log_fitness.to_string()
                data-fitting=t.percentage_of_fitting_traces.to_string()
                data-average=t.average_trace_fitness.to_string()>
                {format!("Token replay: log fitness {:.4}, {:.1}% of traces fit (average trace fitness {:.4})",
                    t.log_fitness, t.percentage_of_fitting_traces, t.average_trace_fitness)}
            </p>
            <p id="model-precision" data-precision=t.precision.to_string()>
                {format!("Precision (ETConformance): {:.4}", t.precision)}
            </p>
        }
    });
    let aligned = r.alignments.as_ref().map(|a| {
        let exhausted = if a.exhausted > 0 {
            format!(
                "; {} traces ran out of search budget (left out): try `spur conformance --budget`",
                a.exhausted
            )
        } else {
            String::new()
        };
        view! {
            <p id="model-alignment-fitness" data-log-fitness=a.log_fitness.to_string()
                data-fitting=a.percentage_of_fitting_traces.to_string() data-exhausted=a.exhausted>
                {format!("Alignments: log fitness {:.4}, {:.1}% of traces fit{exhausted}",
                    a.log_fitness, a.percentage_of_fitting_traces)}
            </p>
        }
    });
    let rows = r
        .deviations
        .iter()
        .take(TOP_DEVIATIONS)
        .map(|d| {
            view! {
                <tr data-activity=d.activity.clone() data-log-moves=d.log_moves data-model-moves=d.model_moves>
                    <td>{d.activity.clone()}</td>
                    <td class="n">{d.log_moves}</td>
                    <td class="n">{d.model_moves}</td>
                </tr>
            }
        })
        .collect_view();
    let none = r.deviations.is_empty().then(|| {
        view! { <p class="status">"No deviations: every event is explained by the model."</p> }
    });
    view! {
        <div class="model-check">
            {fitness}
            {aligned}
            <table class="variants" id="model-deviations" data-rows=r.deviations.len()>
                <thead><tr><th>"activity"</th><th class="n">"log moves"</th><th class="n">"model moves"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            {none}
        </div>
    }
    .into_any()
}
