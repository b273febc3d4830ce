//! The conformance report: what `spur conformance --json` prints and the recipe step
//! `conformance` outputs, built here once so both give the same numbers by construction.

use super::{
    alignment_fitness, etc_precision, token_replay_fitness, AlignmentFitness, EdgeDeviation,
    TbrFitness,
};
use crate::discovery::PetriNet;
use crate::log::EventLog;
use serde::{Deserialize, Serialize};

/// Which conformance checks to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Tbr,
    Alignments,
    #[default]
    Both,
}

impl Method {
    /// `tbr`, `alignments` or `both`.
    pub fn parse(s: &str) -> Option<Method> {
        match s {
            "tbr" => Some(Method::Tbr),
            "alignments" => Some(Method::Alignments),
            "both" => Some(Method::Both),
            _ => None,
        }
    }
}

/// Token-based replay figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TbrSummary {
    pub log_fitness: f64,
    pub average_trace_fitness: f64,
    pub percentage_of_fitting_traces: f64,
    pub precision: f64,
}

/// Alignment figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlignmentSummary {
    pub log_fitness: f64,
    pub average_trace_fitness: f64,
    pub percentage_of_fitting_traces: f64,
    pub exhausted: u64,
}

/// Log and model moves of one activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deviation {
    pub activity: String,
    pub log_moves: u64,
    pub model_moves: u64,
}

/// One case's fitness (alignments when computed, else token replay; `None`: exhausted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseFitness {
    pub case: String,
    pub fitness: Option<f64>,
}

/// Everything `spur conformance --json` prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConformanceReport {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tbr: Option<TbrSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alignments: Option<AlignmentSummary>,
    /// From alignments; with token replay only, the events replay had to force (log moves).
    pub deviations: Vec<Deviation>,
    /// Per directly-follows edge, from alignments (empty with token replay only).
    pub edge_deviations: Vec<EdgeDeviation>,
    pub cases: Vec<CaseFitness>,
}

impl ConformanceReport {
    /// Assemble the report from the computed parts (the CLI times each part itself).
    pub fn from_parts(
        log: &EventLog,
        tbr: Option<(TbrFitness, f64)>,
        alignments: Option<AlignmentFitness>,
    ) -> ConformanceReport {
        let ids = log.case_ids();
        Self::from_parts_named(|c| ids.resolve(c).to_string(), tbr, alignments)
    }

    /// [`Self::from_parts`] with the case ids from `case_name(case code)`: for a shell that
    /// finishes a check after the log it came from may have changed (the browser's sliced
    /// alignments), having kept the names.
    pub fn from_parts_named(
        case_name: impl Fn(u32) -> String,
        tbr: Option<(TbrFitness, f64)>,
        alignments: Option<AlignmentFitness>,
    ) -> ConformanceReport {
        let mut out = ConformanceReport {
            tbr: None,
            alignments: None,
            deviations: Vec::new(),
            edge_deviations: Vec::new(),
            cases: Vec::new(),
        };
        let mut case_fit: Vec<Option<f64>> = Vec::new();
        if let Some((f, precision)) = tbr {
            out.tbr = Some(TbrSummary {
                log_fitness: f.log_fitness,
                average_trace_fitness: f.average_trace_fitness,
                percentage_of_fitting_traces: f.percentage_of_fitting_traces,
                precision,
            });
            out.deviations = f
                .problems
                .into_iter()
                .map(|(activity, n)| Deviation {
                    activity,
                    log_moves: n,
                    model_moves: 0,
                })
                .collect();
            case_fit = f.case_fitness.into_iter().map(Some).collect();
        }
        if let Some(a) = alignments {
            out.alignments = Some(AlignmentSummary {
                log_fitness: a.log_fitness,
                average_trace_fitness: a.average_trace_fitness,
                percentage_of_fitting_traces: a.percentage_of_fitting_traces,
                exhausted: a.exhausted,
            });
            out.deviations = a
                .deviations
                .into_iter()
                .map(|(activity, log_moves, model_moves)| Deviation {
                    activity,
                    log_moves,
                    model_moves,
                })
                .collect();
            out.edge_deviations = a.edge_deviations;
            case_fit = a.case_fitness;
        }
        out.cases = case_fit
            .into_iter()
            .enumerate()
            .map(|(c, fitness)| CaseFitness {
                case: case_name(c as u32),
                fitness,
            })
            .collect();
        out
    }
}

/// Check `log` against `net` with `method` (alignments with a per-trace state `budget`).
pub fn conformance_report(
    log: &EventLog,
    net: &PetriNet,
    method: Method,
    budget: usize,
) -> ConformanceReport {
    let tbr = (method != Method::Alignments)
        .then(|| (token_replay_fitness(log, net), etc_precision(log, net)));
    let alignments = (method != Method::Tbr).then(|| alignment_fitness(log, net, budget));
    ConformanceReport::from_parts(log, tbr, alignments)
}

/// Each case's fitness (case-code order) by alignments, or by token replay with `Method::Tbr`;
/// `None`: the alignment ran out of budget or the final marking is unreachable.
pub fn case_fitness(
    log: &EventLog,
    net: &PetriNet,
    method: Method,
    budget: usize,
) -> Vec<Option<f64>> {
    if method == Method::Tbr {
        token_replay_fitness(log, net)
            .case_fitness
            .into_iter()
            .map(Some)
            .collect()
    } else {
        alignment_fitness(log, net, budget).case_fitness
    }
}
