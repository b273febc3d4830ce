//! spur-app: the browser shell. Leptos components on the UI thread, spur-core in a Web Worker.
//!
//! Adapter code only: DOM, files, the worker channel ([`worker_client`]), drawing. No analysis
//! logic lives here; every number on screen was computed by spur-core in the worker.

pub mod protocol;

#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod download;
#[cfg(target_arch = "wasm32")]
mod handoff;
#[cfg(target_arch = "wasm32")]
mod latest;
#[cfg(target_arch = "wasm32")]
mod pages;
#[cfg(target_arch = "wasm32")]
mod worker_client;

#[cfg(target_arch = "wasm32")]
pub use app::App;

#[cfg(target_arch = "wasm32")]
mod app {
    use crate::components::ship_edge::EdgeTarget;
    use crate::handoff::ToProcess;
    use crate::pages::leads::LeadsPage;
    use crate::pages::load::LoadPage;
    use crate::pages::reco::RecoPage;
    use crate::pages::stream::StreamPage;
    use leptos::prelude::*;

    /// The app's screens, one tab each.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Screen {
        Process,
        Leads,
        Stream,
        Recommendations,
    }

    /// The root component: the page frame, the tabs, and the screens. Every screen stays
    /// mounted (hidden when not current) so that switching tabs keeps its state.
    #[component]
    pub fn App() -> impl IntoView {
        let (screen, set_screen) = signal(Screen::Process);
        // Where "Ship to edge" sends models: one edge URL and token for the tab, in memory only.
        provide_context(EdgeTarget::new());
        // Another screen (Leads) hands a log to the process screen: show that tab.
        let to_process = ToProcess::new();
        provide_context(to_process);
        Effect::new(move |_| {
            if to_process.0.with(Option::is_some) {
                set_screen.set(Screen::Process);
            }
        });
        let tab = move |which: Screen, id: &'static str, label: &'static str| {
            view! {
                <button
                    id=id
                    class="tab"
                    class:current=move || screen.get() == which
                    aria-selected=move || (screen.get() == which).to_string()
                    on:click=move |_| set_screen.set(which)
                >
                    {label}
                </button>
            }
        };
        view! {
            <header>
                <h1>"Spur"</h1>
                <p>"a data detective's workbench — your data never leaves this browser"</p>
            </header>
            <nav class="tabs" role="tablist">
                {tab(Screen::Process, "nav-process", "Process")}
                {tab(Screen::Leads, "nav-leads", "Leads")}
                {tab(Screen::Stream, "nav-stream", "Stream")}
                {tab(Screen::Recommendations, "nav-reco", "Recommendations")}
            </nav>
            <main>
                <div id="screen-process" hidden=move || screen.get() != Screen::Process>
                    <LoadPage />
                </div>
                <div id="screen-leads" hidden=move || screen.get() != Screen::Leads>
                    <LeadsPage />
                </div>
                <div id="screen-stream" hidden=move || screen.get() != Screen::Stream>
                    <StreamPage />
                </div>
                <div id="screen-reco" hidden=move || screen.get() != Screen::Recommendations>
                    <RecoPage />
                </div>
            </main>
        }
    }
}
