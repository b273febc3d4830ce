//! The Model card (issue 14): the inductive miner's model of the current (filtered) view — the
//! BPMN picture core draws, the process tree in pm4py's syntax, PNML/BPMN downloads — and a
//! conformance check of the view against a model the analyst uploads (PNML or BPMN): fitness,
//! precision, alignment fitness and the most deviating activities. The worker computes all of it
//! with core exactly as `spur discover` / `spur conformance` do, so the numbers equal the CLI's.
//!
//! A check can take long (alignments are synchronous in the worker), so it shows which part is
//! running and offers Cancel, which restarts the worker — the only way to stop it — and loses
//! the loaded log; the card says so and what to do next.

use super::ProcessCtx;
use crate::components::download;
use crate::latest::Latest;
use crate::protocol::model::DiscoveredModel;
use crate::protocol::ErrorDto;
use crate::worker_client::{model as worker, process::cancel};
use leptos::prelude::*;
use leptos::task::spawn_local;
use spur_core::conformance::{ConformanceReport, Method};
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
    Done(Box<ConformanceReport>),
    Failed(ErrorDto),
}

fn running_part(method: Method, done: u64) -> &'static str {
    match (method, done) {
        (Method::Alignments, _) | (Method::Both, 2..) => "aligning every variant",
        (_, 0) => "token replay",
        _ => "precision (ETConformance)",
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
        spawn_local(async move {
            let result = match JsFuture::from(file.array_buffer()).await {
                Ok(buf) => {
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
                    worker::check(name, buf.unchecked_into(), how, on_progress).await
                }
                Err(e) => Err(ErrorDto {
                    code: "read_failed".into(),
                    message: format!("cannot read {name}: {e:?}; choose the file again"),
                }),
            };
            if !n.is_current() {
                return;
            }
            check.set(match result {
                Ok(report) => Check::Done(Box::new(report)),
                Err(e) => Check::Failed(e),
            });
        });
    };
    let stop = move |_| {
        checking.next();
        cancel();
        check.set(Check::Failed(ErrorDto {
            code: "cancelled".into(),
            message: "Cancelled: the worker was restarted and no longer holds the log; load it again (Load screen) to continue".into(),
        }));
    };

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
                    <div class="model-svg" id="model-svg" inner_html=m.svg.clone()></div>
                    <pre class="model-tree" id="model-tree">{r.tree.clone()}</pre>
                    <p class="status" id="model-sizes" data-places=r.places data-transitions=r.transitions
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
            {move || check_view(check.get(), method.get_untracked(), stop)}
        </section>
    }
}

fn check_view(
    check: Check,
    method: Method,
    stop: impl Fn(leptos::ev::MouseEvent) + 'static,
) -> AnyView {
    match check {
        Check::Idle => ().into_any(),
        Check::Running { name, done, total } => view! {
            <p class="status" id="model-progress" data-done=done data-total=total>
                {format!("checking {name}: {} ({done} of {total} parts done)…", running_part(method, done))}
                " "<button id="model-cancel" on:click=stop>"Cancel"</button>
            </p>
        }
        .into_any(),
        Check::Failed(e) => {
            view! { <p class="error" id="model-check-error" data-code=e.code>{e.message}</p> }
                .into_any()
        }
        Check::Done(report) => report_view(&report),
    }
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
