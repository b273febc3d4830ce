//! The workspace's view switcher (issue 15): the process screen shows one view of the filtered
//! log at a time in its main area — the map first — as Disco, Celonis and ProM do, instead of
//! one long page. Every view stays mounted (hidden when not current), so switching keeps its
//! state and its hooks, and a view that must be seen (the check drawn on the map) can bring
//! itself forward by setting the current pane.

use leptos::prelude::*;

/// One view of the main area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Map,
    Model,
    Variants,
    Cases,
    Statistics,
    Views,
}

impl Pane {
    /// In the switcher's order.
    pub const ALL: [Pane; 6] = [
        Pane::Map,
        Pane::Model,
        Pane::Variants,
        Pane::Cases,
        Pane::Statistics,
        Pane::Views,
    ];

    /// What a log summary file can show (it has no events: no cases, models or added views).
    pub const SUMMARY: [Pane; 3] = [Pane::Map, Pane::Variants, Pane::Statistics];

    /// The name in the pane's `data-pane` and its tab's id (`pane-tab-{id}`).
    pub fn id(self) -> &'static str {
        match self {
            Pane::Map => "map",
            Pane::Model => "model",
            Pane::Variants => "variants",
            Pane::Cases => "cases",
            Pane::Statistics => "statistics",
            Pane::Views => "views",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Pane::Map => "Map",
            Pane::Model => "Model",
            Pane::Variants => "Variants",
            Pane::Cases => "Cases",
            Pane::Statistics => "Statistics",
            Pane::Views => "Add a view",
        }
    }
}

/// The tabs of `panes` above the main area, and the button that hides or shows the left rail.
#[component]
pub fn PaneTabs(
    current: RwSignal<Pane>,
    rail_open: RwSignal<bool>,
    panes: &'static [Pane],
) -> impl IntoView {
    let tabs = panes
        .iter()
        .copied()
        .map(|pane| {
            view! {
                <button class="pane-tab" role="tab" id=format!("pane-tab-{}", pane.id())
                    data-pane=pane.id() class:current=move || current.get() == pane
                    aria-selected=move || (current.get() == pane).to_string()
                    on:click=move |_| current.set(pane)>{pane.label()}</button>
            }
        })
        .collect_view();
    view! {
        <nav class="pane-tabs" id="pane-tabs" role="tablist">
            <button id="rail-toggle" class="link" title="hide or show the side panel (log, filters, recipe)"
                on:click=move |_| rail_open.update(|o| *o = !*o)>
                {move || if rail_open.get() { "«" } else { "»" }}
            </button>
            {tabs}
        </nav>
    }
}

/// One view in the main area, shown only while it is the current pane.
#[component]
pub fn PaneBox(pane: Pane, current: RwSignal<Pane>, children: Children) -> impl IntoView {
    view! {
        <div class="pane" role="tabpanel" data-pane=pane.id() class:pane-off=move || current.get() != pane>
            {children()}
        </div>
    }
}
