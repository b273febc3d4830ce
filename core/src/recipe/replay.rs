//! Replaying a recipe on a log: filters narrow the current log in order, views compute on it.

use super::{Op, Recipe, RecipeError, StepError};
use crate::conformance::{
    case_fitness, conformance_report, ConformanceReport, Method, DEFAULT_ALIGNMENT_BUDGET,
};
use crate::discovery::{discovery_report, read_model, DiscoveryReport};
use crate::import::Mapping;
use crate::log::EventLog;
use crate::map::{process_map, ProcessMap};
use crate::mining::{self, Stats};
use crate::toolkit::before_after::{before_after, BeforeAfter};
use crate::toolkit::compare::{compare, CompareOptions, Comparison};
use crate::toolkit::filter::{self, Filter, FilterStep};
use crate::toolkit::roles::{roles, Roles};
use serde::{Deserialize, Deserializer, Serialize};
use std::borrow::Cow;

/// Every step's result, in recipe order (disabled steps included, without output).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Replay {
    pub steps: Vec<StepResult>,
}

/// One step's result. Read back by `kind` (the output itself is untagged, as the CLI prints it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepResult {
    pub index: usize,
    pub id: String,
    pub kind: &'static str,
    pub enabled: bool,
    /// Cases and events of the log after this step (filters) or the log it looked at (views).
    pub cases: usize,
    pub events: usize,
    /// `None` for disabled steps.
    pub output: Option<Output>,
}

/// A step's output: for views exactly the struct the matching CLI `--json` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Output {
    Import(Mapping),
    Filter(FilterStep),
    Stats(Box<Stats>),
    Map(Box<MapResult>),
    Variants(VariantsResult),
    BeforeAfter(Box<BeforeAfter>),
    Compare(Box<Comparison>),
    Roles(Box<Roles>),
    Discover(Box<DiscoveryReport>),
    Conformance(Box<ConformanceReport>),
}

/// The process map with its size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapResult {
    pub nodes: usize,
    pub edges: usize,
    pub map: ProcessMap,
}

/// The most frequent variants.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantsResult {
    /// Distinct variants of the current log.
    pub variants: usize,
    pub cases: u64,
    /// At most `top`, by count descending, then sequence.
    pub top: Vec<VariantRow>,
}

/// One variant: its activities, cases and share of the cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantRow {
    pub activities: Vec<String>,
    pub count: u64,
    pub share: f64,
}

/// The serialized form of a [`StepResult`], with the output not yet decoded.
#[derive(Deserialize)]
struct RawStepResult {
    index: usize,
    id: String,
    kind: String,
    enabled: bool,
    cases: usize,
    events: usize,
    /// Raw, not a `Value`: a `Value` would re-sort the keys of map-shaped outputs.
    output: Option<Box<serde_json::value::RawValue>>,
}

impl<'de> Deserialize<'de> for StepResult {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let raw = RawStepResult::deserialize(d)?;
        let kind = KINDS
            .iter()
            .find(|k| **k == raw.kind)
            .copied()
            .ok_or_else(|| D::Error::custom(format!("unknown step kind `{}`", raw.kind)))?;
        let output = match raw.output {
            None => None,
            Some(v) => Some(decode_output(kind, v.get()).map_err(D::Error::custom)?),
        };
        Ok(StepResult {
            index: raw.index,
            id: raw.id,
            kind,
            enabled: raw.enabled,
            cases: raw.cases,
            events: raw.events,
            output,
        })
    }
}

/// Every `kind` tag of [`Op`].
const KINDS: &[&str] = &[
    "import",
    "filter",
    "stats",
    "map",
    "variants",
    "before_after",
    "compare",
    "roles",
    "discover",
    "conformance",
    "fitness",
];

fn decode_output(kind: &str, v: &str) -> Result<Output, serde_json::Error> {
    use serde_json::from_str as from_value;
    Ok(match kind {
        "import" => Output::Import(from_value(v)?),
        "filter" => Output::Filter(from_value(v)?),
        "stats" => Output::Stats(from_value(v)?),
        "map" => Output::Map(from_value(v)?),
        "variants" => Output::Variants(from_value(v)?),
        "before_after" => Output::BeforeAfter(from_value(v)?),
        "compare" => Output::Compare(from_value(v)?),
        "discover" => Output::Discover(from_value(v)?),
        "conformance" => Output::Conformance(from_value(v)?),
        "fitness" => Output::Filter(from_value(v)?),
        _ => Output::Roles(from_value(v)?),
    })
}

/// Replay `recipe` on `log` (already read with [`Recipe::import_mapping`]). The first failing
/// step stops the replay; its error names the step and the problem.
pub fn replay(recipe: &Recipe, log: &EventLog) -> Result<Replay, RecipeError> {
    replay_view(recipe, log).map(|(replay, _)| replay)
}

/// [`replay`], also returning the log after every enabled filter: the view the browser's map,
/// variants and cases show alongside the recipe's own outputs.
pub fn replay_view<'a>(
    recipe: &Recipe,
    log: &'a EventLog,
) -> Result<(Replay, Cow<'a, EventLog>), RecipeError> {
    recipe.validate()?;
    let mut current = Cow::Borrowed(log);
    let mut steps = Vec::with_capacity(recipe.steps.len());
    for (index, step) in recipe.steps.iter().enumerate() {
        let kind = step.op.kind();
        let output = if step.enabled {
            let (next, output) =
                run_step(&current, &step.op).map_err(|source| RecipeError::Step {
                    index,
                    id: step.id.clone(),
                    kind,
                    source: Box::new(source),
                })?;
            if let Some(next) = next {
                current = Cow::Owned(next);
            }
            Some(output)
        } else {
            None
        };
        steps.push(StepResult {
            index,
            id: step.id.clone(),
            kind,
            enabled: step.enabled,
            cases: current.num_cases(),
            events: current.num_events(),
            output,
        });
    }
    Ok((Replay { steps }, current))
}

/// Run one step: the narrowed log (filters only) and the output.
fn run_step(log: &EventLog, op: &Op) -> Result<(Option<EventLog>, Output), StepError> {
    Ok(match op {
        Op::Import { mapping } => (None, Output::Import(mapping.clone())),
        Op::Filter { filter } => {
            let filtered = filter::apply(log, filter)?;
            (Some(filtered.log), Output::Filter(filtered.step))
        }
        Op::Stats {} => (None, Output::Stats(Box::new(mining::stats(log)))),
        Op::Map { options } => {
            let map = process_map(log, options);
            let result = MapResult {
                nodes: map.nodes.len(),
                edges: map.edges.len(),
                map,
            };
            (None, Output::Map(Box::new(result)))
        }
        Op::Variants { top } => (None, Output::Variants(top_variants(log, *top))),
        Op::BeforeAfter { query } => {
            let result = before_after(log, query)?;
            (None, Output::BeforeAfter(Box::new(result)))
        }
        Op::Compare { a, b, options } => {
            let result = compare_groups(log, a, b.as_deref(), options)?;
            (None, Output::Compare(Box::new(result)))
        }
        Op::Roles { role } => (None, Output::Roles(Box::new(roles(log, role.as_deref())?))),
        Op::Discover { noise } => {
            if !(0.0..1.0).contains(noise) {
                return Err(StepError::Noise(*noise));
            }
            let report = discovery_report(log, *noise);
            (None, Output::Discover(Box::new(report)))
        }
        Op::Conformance { model, method } => {
            // The CLI's defaults: PNML/BPMN limits and the alignment state budget.
            let net = read_model("", model)?.net;
            let report = conformance_report(log, &net, *method, DEFAULT_ALIGNMENT_BUDGET);
            (None, Output::Conformance(Box::new(report)))
        }
        Op::Fitness {
            model,
            below,
            method,
            fitting,
            name,
        } => {
            if !(0.0..=1.0).contains(below) {
                return Err(StepError::Below(*below));
            }
            let net = read_model(name, model)?.net;
            let fitness = case_fitness(log, &net, *method, DEFAULT_ALIGNMENT_BUDGET);
            let keep: Vec<bool> = fitness
                .iter()
                .map(|f| f.is_none_or(|f| f < *below) != *fitting)
                .collect();
            let kept = log.select_cases(&keep);
            let how = if *method == Method::Tbr {
                "token replay"
            } else {
                "alignments"
            };
            let model = if name.is_empty() { "the model" } else { name };
            let relation = if *fitting { ">=" } else { "<" };
            let step = FilterStep {
                filter: format!("fitness{relation}{below} to {model} ({how})"),
                cases_before: log.num_cases(),
                cases_after: kept.num_cases(),
                events_before: log.num_events(),
                events_after: kept.num_events(),
            };
            (Some(kept), Output::Filter(step))
        }
    })
}

fn top_variants(log: &EventLog, top: usize) -> VariantsResult {
    let all = mining::variant_counts(log);
    let cases = log.num_cases() as u64;
    let share = |count: u64| {
        if cases == 0 {
            0.0
        } else {
            count as f64 / cases as f64
        }
    };
    VariantsResult {
        variants: all.len(),
        cases,
        top: all
            .into_iter()
            .take(top)
            .map(|(activities, count)| VariantRow {
                activities,
                count,
                share: share(count),
            })
            .collect(),
    }
}

/// Compare the cases every filter of `a` keeps with those of `b` (the rest of A when `None`),
/// as `spur compare` does.
pub fn compare_groups(
    log: &EventLog,
    a: &[Filter],
    b: Option<&[Filter]>,
    options: &CompareOptions,
) -> Result<Comparison, StepError> {
    let mask_a =
        filter::case_mask_all(log, a).map_err(|source| StepError::Group { group: "a", source })?;
    let mask_b = match b {
        Some(filters) => filter::case_mask_all(log, filters)
            .map_err(|source| StepError::Group { group: "b", source })?,
        None => mask_a.iter().map(|x| !x).collect(),
    };
    Ok(compare(log, &mask_a, &mask_b, options)?)
}
