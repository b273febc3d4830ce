//! The notebook side panel: the recipe's cells in order — kind, a readable summary, the cases
//! and events after each, its output drawn below (views), and buttons to move, disable or
//! delete it. Header: the recipe bar (name, saved recipes, import/export).

use super::recipe_bar::RecipeBar;
use super::ProcessCtx;
use crate::components::views::step_output;
use leptos::prelude::*;
use spur_core::recipe::{Op, Step};

#[component]
pub fn Notebook(
    /// A replay is scheduled or running.
    pending: RwSignal<bool>,
) -> impl IntoView {
    let ctx = expect_context::<ProcessCtx>();
    let collapsed = RwSignal::new(false);
    let ids = Memo::new(move |_| {
        ctx.recipe
            .with(|r| r.steps.iter().map(|s| s.id.clone()).collect::<Vec<_>>())
    });
    let general_error = move || {
        ctx.error.get().filter(|e| e.step.is_none()).map(|e| {
            view! { <p class="error" id="recipe-replay-error">{e.message}</p> }
        })
    };
    view! {
        <aside class="notebook card" id="notebook" class:collapsed=collapsed
            data-pending=move || pending.get().to_string()>
            <div class="notebook-head">
                <h2>"Recipe"</h2>
                <span class="status">{move || if pending.get() { "replaying…" } else { "" }}</span>
                <button id="notebook-toggle" class="link"
                    on:click=move |_| collapsed.update(|c| *c = !*c)>
                    {move || if collapsed.get() { "show" } else { "hide" }}
                </button>
            </div>
            <div class="notebook-body">
                <RecipeBar />
                {general_error}
                {move || ids.with(Vec::is_empty).then(|| view! {
                    <p class="status">"No steps yet: add a filter or click the map."</p>
                })}
                <ol class="cells" id="cells">
                    <For each=move || ids.get() key=|id| id.clone() let:id>
                        <Cell id />
                    </For>
                </ol>
            </div>
        </aside>
    }
}

#[component]
fn Cell(id: String) -> impl IntoView {
    let ctx = expect_context::<ProcessCtx>();
    let step = {
        let id = id.clone();
        Memo::new(move |_| {
            ctx.recipe.with(|r| {
                let i = r.steps.iter().position(|s| s.id == id)?;
                Some((i, r.steps.len(), r.steps[i].clone()))
            })
        })
    };
    let result = {
        let id = id.clone();
        Memo::new(move |_| ctx.result(&id))
    };
    let error = {
        let id = id.clone();
        Memo::new(move |_| {
            ctx.error.with(|e| {
                e.as_ref()
                    .filter(|e| e.step.as_ref() == Some(&id))
                    .map(|e| e.message.clone())
            })
        })
    };
    let kind = move || step.with(|s| s.as_ref().map(|(_, _, s)| s.op.kind()).unwrap_or(""));
    let enabled = move || step.with(|s| s.as_ref().is_some_and(|(_, _, s)| s.enabled));
    let is_import = move || {
        step.with(|s| {
            matches!(
                s,
                Some((
                    _,
                    _,
                    Step {
                        op: Op::Import { .. },
                        ..
                    }
                ))
            )
        })
    };
    let first_movable = move || {
        // The import step stays first, so the step after it cannot move up.
        ctx.recipe.with(|r| {
            r.steps
                .iter()
                .position(|s| !matches!(s.op, Op::Import { .. }))
        })
    };
    let up_disabled =
        move || is_import() || step.with(|s| s.as_ref().map(|(i, ..)| *i)) == first_movable();
    let down_disabled =
        move || is_import() || step.with(|s| s.as_ref().is_none_or(|(i, n, _)| i + 1 >= *n));
    let counts = move || {
        result.with(|r| match r {
            Some(r) if r.enabled => format!("{} cases · {} events", r.cases, r.events),
            Some(_) => "off".into(),
            None => "…".into(),
        })
    };
    let (up, down, toggle, delete) = {
        let (a, b, c, d) = (id.clone(), id.clone(), id.clone(), id.clone());
        (
            move |_| ctx.shift(&a, -1),
            move |_| ctx.shift(&b, 1),
            move |_| ctx.toggle(&c),
            move |_| ctx.remove(&d),
        )
    };
    let output = move || {
        let view_kind = !matches!(kind(), "import" | "filter" | "fitness" | "");
        result.with(|r| match r {
            Some(r) if view_kind => {
                Some(step.with(|s| step_output(r, s.as_ref().map(|(_, _, s)| &s.op))))
            }
            _ => None,
        })
    };
    view! {
        <li class="cell" class:off=move || !enabled() class:failed=move || error.with(Option::is_some)
            data-step-id=id.clone() data-kind=kind
            data-cases=move || result.with(|r| r.as_ref().map(|r| r.cases.to_string()))
            data-events=move || result.with(|r| r.as_ref().map(|r| r.events.to_string()))>
            <div class="cell-head">
                <span class="cell-kind">{move || label(kind())}</span>
                <span class="cell-id status">{id.clone()}</span>
                <span class="cell-buttons">
                    <button class="cell-up" title="move up" disabled=up_disabled on:click=up>"↑"</button>
                    <button class="cell-down" title="move down" disabled=down_disabled on:click=down>"↓"</button>
                    <button class="cell-toggle" title="turn this step on or off" on:click=toggle>
                        {move || if enabled() { "disable" } else { "enable" }}
                    </button>
                    <button class="cell-delete" title="delete this step" disabled=is_import on:click=delete>"×"</button>
                </span>
            </div>
            <div class="cell-summary">{move || step.with(|s| s.as_ref().map(|(_, _, s)| summary(&s.op)))}</div>
            <div class="cell-counts status">{counts}</div>
            {move || error.get().map(|e| view! { <p class="error cell-error">{e}</p> })}
            <div class="cell-output">{output}</div>
        </li>
    }
}

fn label(kind: &str) -> &str {
    match kind {
        "import" => "import",
        "filter" => "filter",
        "stats" => "statistics",
        "map" => "process map",
        "variants" => "variants",
        "before_after" => "before / after",
        "compare" => "compare",
        "roles" => "roles",
        "fitness" => "fitness filter",
        other => other,
    }
}

/// A step in words: filters in their text form, views by their parameters.
fn summary(op: &Op) -> String {
    let pct = |x: f64| format!("{:.0}%", x * 100.0);
    match op {
        Op::Filter { filter } => filter.to_string(),
        Op::Stats {} => "statistics of the current log".into(),
        Op::Map { options } => format!(
            "activities {} · paths {}",
            pct(options.activity_share),
            pct(options.path_share)
        ),
        Op::Variants { top } => format!("the {top} most frequent variants"),
        Op::Compare { a, b, .. } => {
            let group = |fs: &[spur_core::toolkit::filter::Filter]| {
                let texts: Vec<String> = fs.iter().map(ToString::to_string).collect();
                texts.join(" ∧ ")
            };
            let b = b.as_deref().map_or("the other cases".to_string(), group);
            format!("A: {} vs B: {b}", group(a))
        }
        Op::Discover { noise } => format!("inductive miner, noise {noise}"),
        Op::Conformance { method, .. } => format!("conformance to the given model ({method:?})"),
        Op::Fitness {
            below,
            fitting,
            name,
            method,
            ..
        } => {
            let (who, rel) = if *fitting {
                ("fit", "≥")
            } else {
                ("do not fit", "<")
            };
            let how = if *method == spur_core::conformance::Method::Tbr {
                "token replay"
            } else {
                "alignments"
            };
            let model = if name.is_empty() {
                "the given model"
            } else {
                name
            };
            format!("cases that {who} {model} (fitness {rel} {below}, {how})")
        }
        other => params(other),
    }
}

/// `key: value` for every parameter of the step (`kind` left out).
fn params(op: &Op) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::to_value(op) else {
        return String::new();
    };
    let parts: Vec<String> = map
        .iter()
        .filter(|(k, _)| *k != "kind")
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => format!("{k}: {s}"),
            other => format!("{k}: {other}"),
        })
        .collect();
    if parts.is_empty() {
        "defaults".into()
    } else {
        parts.join(" · ")
    }
}
