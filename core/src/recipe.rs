//! Recipes: the notebook of an analysis, as data, so every shell replays it to the same numbers.
//!
//! Every import mapping, filter and view the user applies in the browser becomes a [`Step`] of
//! a [`Recipe`] (a cell list: reordered, disabled, deleted). The recipe is plain JSON; the
//! browser stores and exports it, and `spur run RECIPE LOG` replays the same file. Both call
//! [`replay`], and every view's output is the very core struct the matching CLI `--json`
//! prints, so the numbers agree by construction.
//!
//! ```json
//! {"version": 1, "name": "laundry resets", "steps": [
//!   {"id": "roles", "kind": "import", "mapping": {"case": "case", "activity": "activity"}},
//!   {"id": "resets", "kind": "filter", "filter": {"kind": "has_activity", "activities": ["reset"]}},
//!   {"id": "before", "kind": "before_after", "query": {"activity": "reset", "by": "previous"}},
//!   {"id": "map", "kind": "map", "enabled": false}
//! ]}
//! ```
//!
//! Filters apply in order to the current log; views compute on the current log and leave it
//! alone. The optional `import` step (first only) is the role mapping the shells use when they
//! read the log ([`Recipe::import_mapping`]); [`replay`] takes the already-imported log.

mod replay;
#[cfg(test)]
mod tests;

pub use replay::{
    replay, replay_view, MapResult, Output, Replay, StepResult, VariantRow, VariantsResult,
};

use crate::conformance::Method;
use crate::discovery::ModelError;
use crate::import::Mapping;
use crate::map::MapOptions;
use crate::toolkit::before_after::{BeforeAfterError, FieldError, Query};
use crate::toolkit::compare::{CompareError, CompareOptions};
use crate::toolkit::filter::{Filter, FilterError};
use serde::{Deserialize, Serialize};

/// The recipe format versions this build reads.
pub const SUPPORTED_VERSIONS: &[u32] = &[1];

/// A named list of steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipe {
    /// The format version, `1`.
    pub version: u32,
    #[serde(default)]
    pub name: String,
    pub steps: Vec<Step>,
}

/// One cell: an id (unique in the recipe), whether it runs, and what it does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub id: String,
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub enabled: bool,
    #[serde(flatten)]
    pub op: Op,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn default_top() -> usize {
    10
}

/// What a step does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Op {
    /// Which column plays which role when the log is read (first step only).
    Import { mapping: Mapping },
    /// Keep the cases/events the filter selects; later steps see only those.
    Filter { filter: Filter },
    /// [`crate::mining::stats`] of the current log (as `spur stats --json`).
    Stats {},
    /// The process map (as the `map` of `spur map --json`).
    Map {
        #[serde(default)]
        options: MapOptions,
    },
    /// The `top` most frequent variants (default 10).
    Variants {
        #[serde(default = "default_top")]
        top: usize,
    },
    /// What precedes / follows an activity (as `spur before|after --json`).
    BeforeAfter { query: Query },
    /// Cases all `a` filters keep vs. all `b` filters keep (`b` absent: the rest), as
    /// `spur compare --json`.
    Compare {
        a: Vec<Filter>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        b: Option<Vec<Filter>>,
        #[serde(default)]
        options: CompareOptions,
    },
    /// Activity × resource/role matrix and handovers (as `spur roles --json`).
    Roles {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        role: Option<String>,
    },
    /// The inductive miner's tree and net sizes (IMf when `noise` > 0), as
    /// `spur discover --json`.
    Discover {
        #[serde(default)]
        noise: f64,
    },
    /// The current log checked against a model given inline as PNML or BPMN 2.0 text (told
    /// apart by the root element; BPMN converted as pm4py does), with `method`
    /// `tbr`, `alignments` or `both` (default), as `spur conformance --json`.
    Conformance {
        model: String,
        #[serde(default)]
        method: Method,
    },
    /// Keep the cases that do not fit the model given inline (as `conformance`): fitness below
    /// `below` (default 1, every case that does not fit perfectly) by alignments (`method`
    /// `alignments` or `both`, the default) or token replay (`tbr`). A case whose alignment ran
    /// out of search budget is not shown to fit and is kept. `fitting: true` keeps the other
    /// cases instead; `name` is the model's file name, for people.
    Fitness {
        model: String,
        #[serde(default = "one")]
        below: f64,
        #[serde(default)]
        method: Method,
        #[serde(default, skip_serializing_if = "is_false")]
        fitting: bool,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        name: String,
    },
}

fn one() -> f64 {
    1.0
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Op {
    /// The `kind` tag, as in the JSON.
    pub fn kind(&self) -> &'static str {
        match self {
            Op::Import { .. } => "import",
            Op::Filter { .. } => "filter",
            Op::Stats {} => "stats",
            Op::Map { .. } => "map",
            Op::Variants { .. } => "variants",
            Op::BeforeAfter { .. } => "before_after",
            Op::Compare { .. } => "compare",
            Op::Roles { .. } => "roles",
            Op::Discover { .. } => "discover",
            Op::Conformance { .. } => "conformance",
            Op::Fitness { .. } => "fitness",
        }
    }
}

/// Why a recipe cannot be read or replayed. Every message names where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RecipeError {
    #[error("recipe is not valid JSON at line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("recipe: at `{path}`: {message}")]
    Field { path: String, message: String },
    #[error(
        "recipe version {found} is not supported; this build reads version {}",
        list_versions()
    )]
    Version { found: String },
    #[error("recipe step {index} (`{id}`): {problem}")]
    Structure {
        index: usize,
        id: String,
        problem: String,
    },
    #[error("recipe step {index} (`{id}`, {kind}): {source}")]
    Step {
        index: usize,
        id: String,
        kind: &'static str,
        source: Box<StepError>,
    },
}

fn list_versions() -> String {
    let v: Vec<String> = SUPPORTED_VERSIONS.iter().map(u32::to_string).collect();
    v.join(", ")
}

/// What went wrong inside one step.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StepError {
    #[error(transparent)]
    Filter(#[from] FilterError),
    #[error(transparent)]
    BeforeAfter(#[from] BeforeAfterError),
    #[error("group {group}: {source}")]
    Group {
        group: &'static str,
        source: FilterError,
    },
    #[error(transparent)]
    Compare(#[from] CompareError),
    #[error(transparent)]
    Roles(#[from] FieldError),
    #[error("noise is {0}, not a number in [0, 1)")]
    Noise(f64),
    #[error("model: {0}")]
    Model(#[from] ModelError),
    #[error(
        "`below` is {0}: give a fitness in [0, 1] (1 keeps every case that does not fit perfectly)"
    )]
    Below(f64),
}

impl Recipe {
    /// Read a recipe from JSON: the version first (an unsupported one is refused as such), then
    /// the steps (unknown kinds and fields refused with their path), then the structure
    /// (unique ids, `import` first).
    pub fn from_json(text: &str) -> Result<Recipe, RecipeError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| RecipeError::Syntax {
                line: e.line(),
                column: e.column(),
                message: strip_location(&e.to_string()),
            })?;
        match value.get("version") {
            Some(serde_json::Value::Number(n))
                if n.as_u64()
                    .is_some_and(|v| SUPPORTED_VERSIONS.iter().any(|&s| u64::from(s) == v)) => {}
            Some(v) => {
                return Err(RecipeError::Version {
                    found: v.to_string(),
                })
            }
            None if value.is_object() => {
                return Err(RecipeError::Field {
                    path: "version".into(),
                    message: format!("missing; add `\"version\": {}`", list_versions()),
                })
            }
            None => {
                return Err(RecipeError::Field {
                    path: "$".into(),
                    message:
                        "a recipe is a JSON object `{\"version\": 1, \"name\": …, \"steps\": […]}`"
                            .into(),
                })
            }
        }
        let steps = value.get("steps").cloned();
        let recipe: Recipe = serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            RecipeError::Field {
                path: if path == "." {
                    "$".into()
                } else {
                    path.clone()
                },
                message: format!(
                    "{}{}",
                    step_label(&path, steps.as_ref()),
                    strip_location(&e.into_inner().to_string())
                ),
            }
        })?;
        recipe.validate()?;
        Ok(recipe)
    }

    /// The recipe as pretty JSON (what the browser exports).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Ids unique and non-empty; `import` only as the first step.
    pub fn validate(&self) -> Result<(), RecipeError> {
        let mut seen = std::collections::BTreeSet::new();
        for (index, step) in self.steps.iter().enumerate() {
            let problem = if step.id.is_empty() {
                Some("the id is empty; give every step a unique id".to_string())
            } else if !seen.insert(step.id.as_str()) {
                Some("the id is used by an earlier step; ids must be unique".to_string())
            } else if index > 0 && matches!(step.op, Op::Import { .. }) {
                Some("an `import` step must be the first step".to_string())
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(RecipeError::Structure {
                    index,
                    id: step.id.clone(),
                    problem,
                });
            }
        }
        Ok(())
    }

    /// The role mapping of the (enabled) `import` step, to apply when reading the log.
    pub fn import_mapping(&self) -> Option<&Mapping> {
        match self.steps.first() {
            Some(Step {
                enabled: true,
                op: Op::Import { mapping },
                ..
            }) => Some(mapping),
            _ => None,
        }
    }
}

/// For a path `steps[i]…`, the step's id and kind as far as the raw JSON has them.
fn step_label(path: &str, steps: Option<&serde_json::Value>) -> String {
    let index = path
        .strip_prefix("steps[")
        .and_then(|rest| rest.split(']').next())
        .and_then(|i| i.parse::<usize>().ok());
    let Some(step) = index.and_then(|i| steps?.get(i)) else {
        return String::new();
    };
    let text = |key: &str| step.get(key).and_then(serde_json::Value::as_str);
    match (text("id"), text("kind")) {
        (Some(id), Some(kind)) => format!("(step `{id}`, {kind}) "),
        (Some(id), None) => format!("(step `{id}`) "),
        (None, Some(kind)) => format!("({kind} step) "),
        (None, None) => String::new(),
    }
}

fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}
