//! The detective views: how each recipe step's output is drawn, and the forms that add a view
//! step (before/after, compare, roles) to the recipe.
//!
//! The notebook draws every cell's output with [`step_output`]; the outputs are core's serde
//! structs as the worker's replay returned them, so the screen shows the numbers `spur run`
//! prints.

use leptos::prelude::*;
use spur_core::recipe::StepResult;

/// The drawing of one step's result (nothing for disabled steps).
pub fn step_output(result: &StepResult) -> AnyView {
    match &result.output {
        None => ().into_any(),
        Some(output) => {
            let text = serde_json::to_string_pretty(output).unwrap_or_default();
            view! { <pre class="step-json">{text}</pre> }.into_any()
        }
    }
}
