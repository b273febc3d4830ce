//! The detective views: how each recipe step's output is drawn (before/after, compare, roles,
//! statistics, variants). The form that adds one is the process page's (`pages/process/add_view.rs`).
//!
//! The notebook draws every cell's output with [`step_output`]; the outputs are core's serde
//! structs as the worker's replay returned them, so the screen shows the numbers `spur run`
//! (and `spur before|compare|roles --json`) prints. Drawing is DOM only: the one computed
//! picture, the compare view's DFG difference, is core's `map::dfg_diff` over the replay's
//! edge rows (at most 60 edges laid out; milliseconds).
//!
//! Every output carries `data-*` attributes with its key numbers, so tests read findings from
//! the page: distribution rows `.dist-row[data-value][data-count]`, `.view-before-after
//! [data-occurrences]`, `.view-compare[data-cases-a][data-cases-b]`, `.view-roles`.

mod basic;
mod before_after;
pub mod chevrons;
mod compare;
mod roles;

use leptos::prelude::*;
use spur_core::recipe::{Op, Output, StepResult};
pub(crate) use spur_core::text::pct_compact as pct;
use spur_core::toolkit::before_after::Quantiles;
use spur_core::toolkit::Distribution;

/// The drawing of one step's result (nothing for disabled steps); `op` is the step as the recipe
/// holds it (the compare view labels its groups with their filter texts).
pub fn step_output(result: &StepResult, op: Option<&Op>) -> AnyView {
    let Some(output) = &result.output else {
        return ().into_any();
    };
    let id = result.id.clone();
    match output {
        Output::Import(mapping) => basic::import(mapping).into_any(),
        Output::Filter(step) => basic::filter(step).into_any(),
        Output::Stats(stats) => frame(basic::stats(stats).into_any()),
        Output::Map(map) => basic::map(map).into_any(),
        Output::Variants(v) => frame(basic::variants(v).into_any()),
        Output::BeforeAfter(b) => frame(before_after::view(&id, b).into_any()),
        Output::Compare(c) => frame(compare::view(&id, c, result.cases, op).into_any()),
        Output::Roles(r) => frame(roles::view(&id, r).into_any()),
        Output::Discover(d) => view! {
            <p class="view-discover" data-tree=d.tree.clone()>
                {format!("{} · net: {} places, {} transitions", d.tree, d.places, d.transitions)}
            </p>
        }
        .into_any(),
        Output::Conformance(c) => view! {
            <pre class="view-conformance">{serde_json::to_string_pretty(c).unwrap_or_default()}</pre>
        }
        .into_any(),
    }
}

/// A view with an "enlarge" button: the notebook column is narrow, the enlarged view covers the
/// page until closed (its button or `Esc`).
fn frame(inner: AnyView) -> AnyView {
    let big = RwSignal::new(false);
    let esc = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && big.try_get_untracked() == Some(true) {
            big.set(false);
        }
    });
    on_cleanup(move || esc.remove());
    view! {
        <div class="view-frame" class:enlarged=move || big.get()>
            <button class="enlarge" title="show this view over the whole page"
                on:click=move |_| big.update(|b| *b = !*b)>
                {move || if big.get() { "close ×" } else { "enlarge ⤢" }}
            </button>
            {inner}
        </div>
    }
    .into_any()
}

/// Seconds in a short human unit (`21 min`, `2.3 h`), as the map labels them.
pub(crate) fn secs(s: f64) -> String {
    spur_core::map::human_duration(s)
}

/// A distribution as horizontal bar rows (value, bar, count, share), the first `top` values and
/// a line for the rest.
pub(crate) fn distribution(title: String, d: &Distribution, top: usize) -> impl IntoView {
    let max = d.0.iter().map(|r| r.count).max().unwrap_or(0).max(1) as f64;
    let rows =
        d.0.iter()
            .take(top)
            .map(|r| {
                let width = format!("width:{:.1}%", 100.0 * r.count as f64 / max);
                view! {
                    <div class="dist-row" data-value=r.value.clone() data-count=r.count data-share=r.share>
                        <span class="dist-label" title=r.value.clone()>{r.value.clone()}</span>
                        <span class="dist-bar"><span style=width></span></span>
                        <span class="n">{r.count}</span>
                        <span class="n share">{pct(r.share)}</span>
                    </div>
                }
            })
            .collect_view();
    let rest = (d.0.len() > top).then(|| {
        let n: u64 = d.0[top..].iter().map(|r| r.count).sum();
        view! { <p class="status more">{format!("… {} more values ({n})", d.0.len() - top)}</p> }
    });
    view! {
        <div class="dist" data-title=title.clone()>
            <h4>{title.clone()}</h4>
            {rows}
            {rest}
        </div>
    }
}

/// Quantiles of durations in one line, with a small box plot (p10–p90 whisker, p25–p75 box,
/// median tick) on a 0…max scale.
pub(crate) fn quantiles(label: &str, q: &Quantiles) -> impl IntoView {
    let max = q.max.max(1e-9);
    let at = |v: f64| format!("{:.1}", 100.0 * (v / max).clamp(0.0, 1.0));
    let text = format!(
        "n={} · median {} · p25–p75 {}–{} · p10–p90 {}–{} · min {} · max {} · mean {}",
        q.count,
        secs(q.median),
        secs(q.p25),
        secs(q.p75),
        secs(q.p10),
        secs(q.p90),
        secs(q.min),
        secs(q.max),
        secs(q.mean)
    );
    view! {
        <div class="quantiles" data-median=q.median data-count=q.count>
            <span class="q-label">{label.to_string()}</span>
            <svg class="q-box" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                <line x1=at(q.p10) x2=at(q.p90) y1="5" y2="5" stroke="#7a8794" stroke-width="1" />
                <rect x=at(q.p25) width=format!("{:.1}", 100.0 * ((q.p75 - q.p25) / max).clamp(0.0, 1.0)) y="2" height="6" fill="#b9cde3" />
                <line x1=at(q.median) x2=at(q.median) y1="1" y2="9" stroke="#1e4f7f" stroke-width="1.5" />
            </svg>
            <span class="q-text">{text}</span>
        </div>
    }
}
