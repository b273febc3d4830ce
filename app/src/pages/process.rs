//! The process screen (issue 6) as a workspace (issue 15): a left rail with the log summary
//! (given by the Load screen), the filter panel and the notebook holding the recipe (every
//! filter and view the analyst applied, as cells); the main area shows one view of the filtered
//! log at a time, switched by tabs (`panes`) — the process map first, filling the area, then the
//! discovered model (with conformance checks), variants, cases, statistics and the form adding a
//! view. `Esc` closes open panels (enlarged views, the rail's open details).
//!
//! The log lives in the worker; this screen holds only the recipe. When its steps change the
//! worker replays it (debounced, stale replies ignored) and, when the filtered log changed,
//! [`ProcessCtx::revision`] is bumped, which makes every view ask again.

mod add_view;
mod cases;
mod charts;
mod ctx;
mod filter_form;
mod filter_panel;
mod map;
mod model;
mod notebook;
mod panes;
mod recipe_bar;
mod store;
mod variants;

use crate::latest::Latest;
use crate::worker_client::recipe as worker;
pub use ctx::ProcessCtx;
use ctx::ReplayError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use panes::{Pane, PaneBox, PaneTabs};
use spur_core::import::Mapping;
use spur_core::recipe::{Op, Recipe, Step};
use std::time::Duration;

/// Recipe edits closer together than this are replayed once.
const DEBOUNCE: Duration = Duration::from_millis(150);

/// Where the process screen keeps a copy of its recipe's steps for the screen that mounted it:
/// the Load screen, which shows the same log again with the same recipe when an import that
/// replaced it is cancelled (the worker kept the log; the recipe lives only here).
#[derive(Clone, Copy)]
pub struct KeptSteps(pub StoredValue<Vec<Step>>);

#[component]
pub fn ProcessPage(
    /// The loaded log's activities, most frequent first.
    activities: Vec<String>,
    /// The column roles the log was read with: the recipe's first (`import`) step.
    import: Option<Mapping>,
    /// The recipe's next steps (from a screen that handed the log over, e.g. won leads only).
    #[prop(optional)]
    steps: Vec<Step>,
    /// The file is a log summary (issue 18): the map, variants and statistics only, drawn from
    /// it; no recipe is replayed, as there are no events to filter.
    #[prop(optional)]
    summary_file: bool,
    /// What the rail shows above the filters: the log's summary and what its import noted.
    children: Children,
) -> impl IntoView {
    let ctx = ProcessCtx::new(
        Recipe {
            version: 1,
            name: String::new(),
            steps: import
                .map(|mapping| Step {
                    id: "import".into(),
                    enabled: true,
                    op: Op::Import { mapping },
                })
                .into_iter()
                .chain(steps)
                .collect(),
        },
        activities,
        summary_file,
    );
    provide_context(ctx);
    // Renaming the recipe does not replay it: only its steps count.
    let steps = Memo::new(move |_| ctx.recipe.with(|r| r.steps.clone()));
    if let Some(KeptSteps(kept)) = use_context::<KeptSteps>() {
        Effect::new(move |_| kept.set_value(steps.get()));
    }
    // Requests are answered in order; only the newest replay is applied.
    let sent = Latest::new();
    let pending = RwSignal::new(true);
    let replayed_filters = StoredValue::new(None::<Vec<Op>>);
    if summary_file {
        // Nothing to replay: the views ask the worker's summary once.
        pending.set(false);
        ctx.revision.set(1);
    }
    Effect::new(move |_| {
        if summary_file {
            return;
        }
        let steps = steps.get();
        let n = sent.next();
        pending.set(true);
        set_timeout(
            move || {
                if !n.is_current() {
                    return;
                }
                let filters = enabled_filters(&steps);
                let recipe = Recipe {
                    version: 1,
                    name: ctx.recipe.with_untracked(|r| r.name.clone()),
                    steps,
                };
                spawn_local(async move {
                    let result = worker::replay(recipe).await;
                    if !n.is_current() {
                        return;
                    }
                    pending.set(false);
                    match result {
                        Ok((replay, counts)) => {
                            ctx.error.set(None);
                            ctx.replay.set(Some(replay));
                            ctx.counts.set(Some(counts));
                            if replayed_filters.get_value().as_ref() != Some(&filters) {
                                replayed_filters.set_value(Some(filters));
                                ctx.revision.update(|r| *r += 1);
                            }
                        }
                        Err(f) => ctx.error.set(Some(ReplayError {
                            step: f.step,
                            message: f.message,
                        })),
                    }
                });
            },
            DEBOUNCE,
        );
    });

    let current = RwSignal::new(Pane::Map);
    let rail_open = RwSignal::new(true);
    // Turning on the check's deviations on the map shows the map.
    Effect::new(move |_| {
        if ctx.deviations.get() {
            current.set(Pane::Map);
        }
    });
    let rail = NodeRef::<leptos::html::Aside>::new();
    let esc = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" {
            close_details(rail.get_untracked());
        }
    });
    on_cleanup(move || esc.remove());

    view! {
        <div class="process-layout workspace" class:rail-closed=move || !rail_open.get()
            data-pending=move || pending.get().to_string()
            data-revision=move || ctx.revision.get().to_string()>
            <aside class="rail" id="rail" node_ref=rail>
                {children()}
                {if summary_file {
                    view! {
                        <section class="card" id="summary-file-note">
                            <p class="status">"Log summary file: the map, variants and statistics \
                                of a log without its events (written by "<code>"spur stats --summary-out"</code>
                                ", in memory or by DuckDB or Spark). Filters, cases and models \
                                need the events: open the log itself for them."</p>
                        </section>
                    }.into_any()
                } else {
                    view! {
                        <filter_panel::FilterPanel />
                        <notebook::Notebook pending />
                    }.into_any()
                }}
            </aside>
            <div class="process-main">
                {if summary_file {
                    view! {
                        <PaneTabs current rail_open panes=&Pane::SUMMARY />
                        <PaneBox pane=Pane::Map current><map::MapCard /></PaneBox>
                        <PaneBox pane=Pane::Variants current><variants::VariantsCard /></PaneBox>
                        <PaneBox pane=Pane::Statistics current><charts::ChartsCard /></PaneBox>
                    }.into_any()
                } else {
                    view! {
                        <PaneTabs current rail_open panes=&Pane::ALL />
                        <PaneBox pane=Pane::Map current><map::MapCard /></PaneBox>
                        <PaneBox pane=Pane::Model current><model::ModelCard /></PaneBox>
                        <PaneBox pane=Pane::Variants current><variants::VariantsCard /></PaneBox>
                        <PaneBox pane=Pane::Cases current><cases::CasesCard /></PaneBox>
                        <PaneBox pane=Pane::Statistics current><charts::ChartsCard /></PaneBox>
                        <PaneBox pane=Pane::Views current><add_view::AddView /></PaneBox>
                    }.into_any()
                }}
            </div>
        </div>
    }
}

/// Close every open `<details>` in the rail (`Esc`).
fn close_details(rail: Option<web_sys::HtmlElement>) {
    let Some(all) = rail.map(|r| r.get_elements_by_tag_name("details")) else {
        return;
    };
    for i in 0..all.length() {
        if let Some(el) = all.item(i) {
            let _ = el.remove_attribute("open");
        }
    }
}

/// The enabled steps of `steps` that narrow the log (filters and fitness filters), in order:
/// what the worker's view depends on.
fn enabled_filters(steps: &[Step]) -> Vec<Op> {
    steps
        .iter()
        .filter(|s| s.enabled && matches!(s.op, Op::Filter { .. } | Op::Fitness { .. }))
        .map(|s| s.op.clone())
        .collect()
}
