//! What the views of the process screen share: the recipe (the notebook of the analysis) and
//! its latest replay by the worker.
//!
//! The recipe is the single source of truth: a click on the map, a filter in the filter panel,
//! a before/after or compare view — each is a [`Step`] pushed here. The process page replays the
//! recipe in the worker whenever it changes and bumps [`ProcessCtx::revision`], which makes the
//! views of the filtered log (map, variants, charts, cases) ask again.

use crate::protocol::LogCounts;
use leptos::prelude::*;
use spur_core::recipe::{Op, Recipe, Replay, Step, StepResult};
use spur_core::toolkit::filter::Filter;

/// Why the last replay failed: the step it names (if any) and the message.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayError {
    pub step: Option<String>,
    pub message: String,
}

#[derive(Clone, Copy)]
pub struct ProcessCtx {
    /// The recipe, in order; every change is replayed by the worker.
    pub recipe: RwSignal<Recipe>,
    /// The latest successful replay of `recipe` (step outputs in recipe order).
    pub replay: RwSignal<Option<Replay>>,
    /// Cases/events of the whole log and after all enabled filters, from the latest replay.
    pub counts: RwSignal<Option<LogCounts>>,
    /// The latest replay's failure; the last good `replay` is kept meanwhile.
    pub error: RwSignal<Option<ReplayError>>,
    /// Bumped each time the worker's filtered log changed; 0 until the first replay.
    pub revision: RwSignal<u32>,
    /// The activities of the loaded log, most frequent first (for pickers).
    pub activities: RwSignal<Vec<String>>,
    /// Draw the Model card's last conformance check on the map (only while that check
    /// describes the current view: the card turns it off when the view changes).
    pub deviations: RwSignal<bool>,
    /// The open file is a log summary (issue 18): no events, so no filters or replays; the
    /// map shows every activity.
    pub summary_file: bool,
}

impl ProcessCtx {
    pub fn new(recipe: Recipe, activities: Vec<String>, summary_file: bool) -> ProcessCtx {
        ProcessCtx {
            recipe: RwSignal::new(recipe),
            replay: RwSignal::new(None),
            counts: RwSignal::new(None),
            error: RwSignal::new(None),
            revision: RwSignal::new(0),
            activities: RwSignal::new(activities),
            deviations: RwSignal::new(false),
            summary_file,
        }
    }

    /// Add a filter step unless an enabled step already has this filter.
    pub fn add(&self, filter: Filter) {
        let present = self.recipe.with_untracked(|r| {
            r.steps
                .iter()
                .any(|s| s.enabled && matches!(&s.op, Op::Filter { filter: f } if *f == filter))
        });
        if !present {
            self.push(Op::Filter { filter });
        }
    }

    /// Append a step; returns its id (the kind and a number, unique in the recipe).
    pub fn push(&self, op: Op) -> String {
        let mut id = String::new();
        self.recipe.update(|r| {
            id = fresh_id(r, op.kind());
            r.steps.push(Step {
                id: id.clone(),
                enabled: true,
                op,
            });
        });
        id
    }

    /// Replace the operation of step `id`, or append it under that id.
    pub fn upsert(&self, id: &str, op: Op) {
        self.recipe
            .update(|r| match r.steps.iter_mut().find(|s| s.id == id) {
                Some(step) => step.op = op,
                None => r.steps.push(Step {
                    id: id.to_string(),
                    enabled: true,
                    op,
                }),
            });
    }

    /// Move step `id` one place up (`-1`) or down (`+1`). The `import` step stays first.
    pub fn shift(&self, id: &str, delta: isize) {
        self.recipe.update(|r| {
            let Some(i) = r.steps.iter().position(|s| s.id == id) else {
                return;
            };
            let Some(j) = i.checked_add_signed(delta).filter(|&j| j < r.steps.len()) else {
                return;
            };
            let import = |k: usize| matches!(r.steps[k].op, Op::Import { .. });
            if import(i) || import(j) {
                return;
            }
            r.steps.swap(i, j);
        });
    }

    /// Turn step `id` on or off.
    pub fn toggle(&self, id: &str) {
        self.recipe.update(|r| {
            if let Some(step) = r.steps.iter_mut().find(|s| s.id == id) {
                step.enabled = !step.enabled;
            }
        });
    }

    /// Delete step `id`.
    pub fn remove(&self, id: &str) {
        self.recipe.update(|r| r.steps.retain(|s| s.id != id));
    }

    /// The latest result of step `id` (tracked).
    pub fn result(&self, id: &str) -> Option<StepResult> {
        self.replay.with(|r| {
            r.as_ref()
                .and_then(|r| r.steps.iter().find(|s| s.id == id).cloned())
        })
    }
}

/// `kind-N` with the smallest N ≥ 1 not used in `recipe`.
fn fresh_id(recipe: &Recipe, kind: &str) -> String {
    (1..)
        .map(|n| format!("{kind}-{n}"))
        .find(|id| recipe.steps.iter().all(|s| s.id != *id))
        .unwrap_or_default()
}
