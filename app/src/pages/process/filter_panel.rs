//! The filter panel: the recipe's filter steps stacked as chips with the cases/events left after
//! each (from the worker's replay) and the totals, plus two ways to add any toolkit filter — the
//! guided form ([`super::filter_form`]) and a text box reading core's filter syntax
//! (`has:reset`, `df:A->B`, `time:2024-01-01..2024-02-01`, …). Each filter becomes a recipe step.

use super::filter_form::FilterForm;
use super::ProcessCtx;
use leptos::prelude::*;
use spur_core::recipe::Op;
use spur_core::toolkit::filter::{Filter, FORMS};

#[component]
pub fn FilterPanel() -> impl IntoView {
    let ctx = expect_context::<ProcessCtx>();
    let chips = move || {
        let steps: Vec<(String, bool, Filter)> = ctx.recipe.with(|r| {
            r.steps
                .iter()
                .filter_map(|s| match &s.op {
                    Op::Filter { filter } => Some((s.id.clone(), s.enabled, filter.clone())),
                    _ => None,
                })
                .collect()
        });
        steps
            .into_iter()
            .map(|(id, enabled, f)| {
                let text = f.to_string();
                let result = {
                    let id = id.clone();
                    move || ctx.result(&id)
                };
                let failed = {
                    let id = id.clone();
                    move || ctx.error.with(|e| e.as_ref().and_then(|e| e.step.as_ref()) == Some(&id))
                };
                let after = move || {
                    result().map(|r| {
                        if r.enabled {
                            format!("→ {} cases · {} events", r.cases, r.events)
                        } else {
                            "off".to_string()
                        }
                    })
                };
                let remove = {
                    let id = id.clone();
                    move |_| ctx.remove(&id)
                };
                view! {
                    <span class="chip" class:off=!enabled class:failed=failed
                        data-filter=text.clone() data-step-id=id.clone()>
                        <code>{text.clone()}</code>
                        <span class="chip-counts">{after}</span>
                        <button class="chip-remove" title="remove this filter" on:click=remove>"×"</button>
                    </span>
                }
            })
            .collect_view()
    };
    let none_yet = move || {
        ctx.recipe
            .with(|r| !r.steps.iter().any(|s| matches!(s.op, Op::Filter { .. })))
    };
    let count_line = move || {
        ctx.counts.get().map(|c| {
            view! {
                <b id="filtered-cases">{c.cases}</b>" of "{c.cases_total}" cases · "
                <b id="filtered-events">{c.events}</b>" of "{c.events_total}" events"
            }
        })
    };
    let replay_error = move || {
        ctx.error.get().map(|e| {
            let which = e
                .step
                .map(|s| format!(" (step `{s}` is marked in the recipe)"))
                .unwrap_or_default();
            view! {
                <p class="error" id="filter-error">{e.message}{which}
                    " — the views show the last recipe that ran; fix or disable that step."</p>
            }
        })
    };

    // The text form.
    let text = RwSignal::new(String::new());
    let text_error = RwSignal::new(None::<String>);
    let add_text = move || {
        let input = text.get_untracked();
        if input.trim().is_empty() {
            text_error.set(Some("type a filter, e.g. has:reset or df:A->B".into()));
            return;
        }
        match input.parse::<Filter>() {
            Ok(f) => {
                text_error.set(None);
                text.set(String::new());
                ctx.add(f);
            }
            Err(e) => text_error.set(Some(format!("`{}`: {}", e.input.trim(), e.message))),
        }
    };
    view! {
        <section class="card filter-panel" id="filter-panel">
            <h2>"Filters"</h2>
            <div class="filter-line" id="filters">
                {move || none_yet().then(|| view! {
                    <span class="status">"none — add one below, or click an activity or a path on the map"</span>
                })}
                {chips}
            </div>
            <div class="status" id="filter-counts">{count_line}</div>
            {replay_error}
            <FilterForm />
            <div class="filter-text">
                <label>"Filter text "
                    <input id="filter-text" type="text" spellcheck="false"
                        placeholder="e.g. has:reset · df:A->B · time:2024-01-01..2024-02-01 · size:3.."
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                        on:keydown=move |ev: web_sys::KeyboardEvent| if ev.key() == "Enter" { add_text() } />
                </label>
                <button id="filter-text-add" on:click=move |_| add_text()>"Add"</button>
            </div>
            {move || text_error.get().map(|e| view! {
                <div class="error" id="filter-text-error">
                    <p>{e}</p>
                    <details><summary>"Accepted forms"</summary><pre>{FORMS}</pre></details>
                </div>
            })}
        </section>
    }
}
