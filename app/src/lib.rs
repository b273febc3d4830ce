//! spur-app: the browser shell. Leptos components on the UI thread, spur-core in a Web Worker.
//!
//! Adapter code only: DOM, files, the worker channel ([`worker_client`]), drawing. No analysis
//! logic lives here; every number on screen was computed by spur-core in the worker.

pub mod protocol;

#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod pages;
#[cfg(target_arch = "wasm32")]
mod worker_client;

#[cfg(target_arch = "wasm32")]
pub use app::App;

#[cfg(target_arch = "wasm32")]
mod app {
    use crate::pages::load::LoadPage;
    use leptos::prelude::*;

    /// The root component: the page frame around the current screen.
    #[component]
    pub fn App() -> impl IntoView {
        view! {
            <header>
                <h1>"Spur"</h1>
                <p>"a data detective's workbench — your data never leaves this browser"</p>
            </header>
            <main>
                <LoadPage />
            </main>
        }
    }
}
