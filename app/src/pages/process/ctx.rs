//! What the views of the process screen share: the recipe (the notebook of the analysis) and
//! its latest replay by the worker.
//!
//! The recipe is the single source of truth: a click on the map, a filter in the filter panel,
//! a before/after or compare view — each is a [`Step`] pushed here. The process page replays the
//! recipe in the worker whenever it changes and bumps [`ProcessCtx::revision`], which makes the
//! views of the filtered log (map, variants, charts, cases) ask again.

use leptos::prelude::*;
use spur_core::recipe::{Op, Recipe, Replay, Step, StepResult};
use spur_core::toolkit::filter::Filter;

#[derive(Clone, Copy)]
pub struct ProcessCtx {
    /// The recipe, in order; every change is replayed by the worker.
    pub recipe: RwSignal<Recipe>,
    /// The latest successful replay of `recipe` (step outputs in recipe order).
    pub replay: RwSignal<Option<Replay>>,
    /// Bumped each time the worker's filtered log changed; 0 until the first replay.
    pub revision: RwSignal<u32>,
    /// The activities of the loaded log, most frequent first (for pickers).
    #[expect(dead_code, reason = "the filter panel and views use it next")]
    pub activities: RwSignal<Vec<String>>,
}

impl ProcessCtx {
    pub fn new(recipe: Recipe, activities: Vec<String>) -> ProcessCtx {
        ProcessCtx {
            recipe: RwSignal::new(recipe),
            replay: RwSignal::new(None),
            revision: RwSignal::new(0),
            activities: RwSignal::new(activities),
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

    #[expect(dead_code, reason = "the recipe panel and views use it next")]
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

    /// The enabled filters, in order (tracked).
    pub fn filters(&self) -> Vec<Filter> {
        self.recipe.with(|r| {
            r.steps
                .iter()
                .filter(|s| s.enabled)
                .filter_map(|s| match &s.op {
                    Op::Filter { filter } => Some(filter.clone()),
                    _ => None,
                })
                .collect()
        })
    }

    #[expect(dead_code, reason = "the detective views use it next")]
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
