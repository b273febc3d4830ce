//! The process screen (issue 6): a notebook side panel holding the recipe (every filter and view
//! the analyst applied, as cells), the filter panel, and the views of the filtered log —
//! process map, the discovered model (with conformance checks), variants, statistics.
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
mod recipe_bar;
mod store;
mod variants;

use crate::latest::Latest;
use crate::worker_client::recipe as worker;
pub use ctx::ProcessCtx;
use ctx::ReplayError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use spur_core::import::Mapping;
use spur_core::recipe::{Op, Recipe, Step};
use std::time::Duration;

/// Recipe edits closer together than this are replayed once.
const DEBOUNCE: Duration = Duration::from_millis(150);

#[component]
pub fn ProcessPage(
    /// The loaded log's activities, most frequent first.
    activities: Vec<String>,
    /// The column roles the log was read with: the recipe's first (`import`) step.
    import: Option<Mapping>,
    /// The recipe's next steps (from a screen that handed the log over, e.g. won leads only).
    #[prop(optional)]
    steps: Vec<Step>,
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
    );
    provide_context(ctx);
    // Renaming the recipe does not replay it: only its steps count.
    let steps = Memo::new(move |_| ctx.recipe.with(|r| r.steps.clone()));
    // Requests are answered in order; only the newest replay is applied.
    let sent = Latest::new();
    let pending = RwSignal::new(true);
    let replayed_filters = StoredValue::new(None::<Vec<Op>>);
    Effect::new(move |_| {
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

    view! {
        <div class="process-layout" data-pending=move || pending.get().to_string()
            data-revision=move || ctx.revision.get().to_string()>
            <div class="process-main">
                <filter_panel::FilterPanel />
                <add_view::AddView />
                <map::MapCard />
                <model::ModelCard />
                <variants::VariantsCard />
                <cases::CasesCard />
                <charts::ChartsCard />
            </div>
            <notebook::Notebook pending />
        </div>
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
