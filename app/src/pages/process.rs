//! The process screen (issue 6): the filters over the loaded log as removable chips with live
//! case/event counts, and the views of the filtered log — process map, variants, statistics.
//!
//! The log lives in the worker; this screen holds only the filter list. When it changes the
//! worker re-filters and [`ProcessCtx::revision`] is bumped, which makes every view ask again.

mod cases;
mod charts;
mod ctx;
mod map;
mod variants;

use crate::protocol::{ErrorDto, LogCounts};
use crate::worker_client::process as worker;
pub use ctx::ProcessCtx;
use leptos::prelude::*;
use leptos::task::spawn_local;
use spur_core::import::Mapping;
use spur_core::recipe::{Op, Recipe, Step};

#[component]
pub fn ProcessPage(
    /// The loaded log's activities, most frequent first.
    activities: Vec<String>,
    /// The column roles the log was read with: the recipe's first (`import`) step.
    import: Option<Mapping>,
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
                .collect(),
        },
        activities,
    );
    provide_context(ctx);
    let counts = RwSignal::new(None::<LogCounts>);
    let error = RwSignal::new(None::<ErrorDto>);
    // Requests are answered in order; only the newest filtering's counts are shown.
    let sent = StoredValue::new(0u32);
    Effect::new(move |_| {
        let list = ctx.filters();
        let n = sent.get_value().wrapping_add(1);
        sent.set_value(n);
        spawn_local(async move {
            let result = worker::set_filters(list).await;
            if sent.get_value() != n {
                return;
            }
            match result {
                Ok((c, _steps)) => {
                    error.set(None);
                    counts.set(Some(c));
                    ctx.revision.update(|r| *r += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });

    let chips = move || {
        ctx.recipe
            .get()
            .steps
            .into_iter()
            .filter_map(|s| match s.op {
                Op::Filter { filter } if s.enabled => Some((s.id, filter)),
                _ => None,
            })
            .map(|(id, f)| {
                let text = f.to_string();
                let remove = move |_| ctx.recipe.update(|r| r.steps.retain(|s| s.id != id));
                view! {
                    <span class="chip" data-filter=text.clone()>
                        {text.clone()}
                        <button class="chip-remove" title="remove this filter" on:click=remove>"×"</button>
                    </span>
                }
            })
            .collect_view()
    };
    let count_line = move || {
        counts.get().map(|c| {
            view! {
                <b id="filtered-cases">{c.cases}</b>" of "{c.cases_total}" cases · "
                <b id="filtered-events">{c.events}</b>" of "{c.events_total}" events"
            }
        })
    };
    view! {
        <section class="card filters" id="filters">
            <div class="filter-line">
                <span class="status">"Filters: "</span>
                {move || ctx.filters().is_empty().then(|| view! {
                    <span class="status">"none — click an activity or a path on the map"</span>
                })}
                {chips}
            </div>
            <div class="status" id="filter-counts">{count_line}</div>
            {move || error.get().map(|e| view! {
                <p class="error" id="filter-error" data-code=e.code.clone()>{e.message.clone()}</p>
            })}
        </section>
        <map::MapCard />
        <variants::VariantsCard />
        <cases::CasesCard />
        <charts::ChartsCard />
    }
}
