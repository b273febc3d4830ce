//! Conformance checking of a log against an accepting Petri net, with pm4py 2.7's semantics:
//! token-based replay fitness, ETConformance precision, and alignments.
//!
//! Equality with pm4py is the contract (`tests/discovery_golden.rs` checks the figures of
//! `../shared/data/golden/discovery` to 1e-9).

mod alignment_run;
pub mod alignments;
mod codes;
mod deviations;
mod net;
mod precision;
mod report;
mod token_replay;

use crate::discovery::PetriNet;
use crate::log::EventLog;
pub use alignment_run::AlignmentRun;
use codes::{Codes, IntMap};
pub use deviations::EdgeDeviation;
use net::ReplayNet;
pub use report::{
    case_fitness, conformance_report, AlignmentSummary, CaseFitness, ConformanceReport, Deviation,
    Method, TbrSummary,
};
use serde::{Deserialize, Serialize};

/// Token-based replay fitness, as pm4py's `fitness_token_based_replay`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TbrFitness {
    pub log_fitness: f64,
    pub average_trace_fitness: f64,
    pub percentage_of_fitting_traces: f64,
    /// Fitness of each case, in case-code order.
    pub case_fitness: Vec<f64>,
    /// Per activity: events whose transition needed missing tokens, or that the model lacks.
    pub problems: Vec<(String, u64)>,
}

/// The log's traces as label sequences, one per case. pm4py's conformance functions take the
/// dataframe's own event order (unlike discovery, which sorts by completion time; see
/// [`crate::discovery::case_traces`]), and that is the log's order.
fn label_traces(log: &EventLog) -> Vec<Vec<&str>> {
    let names: Vec<&str> = log.activities().iter().collect();
    (0..log.num_cases() as u32)
        .map(|c| {
            log.case_activities(c)
                .iter()
                .map(|&a| names[a as usize])
                .collect()
        })
        .collect()
}

/// Token-based replay of every case (each variant replayed once).
pub fn token_replay_fitness(log: &EventLog, net: &PetriNet) -> TbrFitness {
    let rn = ReplayNet::new(net);
    let names: Vec<&str> = log.activities().iter().collect();
    // Variants are found by their activity codes (integers hash far cheaper than the labels,
    // above all in wasm); the labels are spelt out once per variant, for the replay.
    let by_code = rn.by_code(&names);
    let mut cache: IntMap<Codes<'_>, token_replay::TraceReplay> = IntMap::default();
    let (mut m, mut c, mut r, mut p) = (0i64, 0i64, 0i64, 0i64);
    let (mut fit, mut sum_fit) = (0usize, 0.0f64);
    let n = log.num_cases();
    let mut case_fitness = Vec::with_capacity(n);
    let mut problems = vec![0u64; names.len()];
    for case in 0..n as u32 {
        let t = log.case_activities(case);
        let res = cache.entry(Codes(t)).or_insert_with_key(|codes| {
            token_replay::replay_trace(&rn, codes.0, &by_code, token_replay::FITNESS_MODE)
        });
        m += res.missing;
        c += res.consumed;
        r += res.remaining;
        p += res.produced;
        fit += res.is_fit as usize;
        sum_fit += res.fitness;
        case_fitness.push(res.fitness);
        for &i in res.problems.iter().chain(&res.unknown_activities) {
            if let Some(n) = t.get(i).and_then(|&a| problems.get_mut(a as usize)) {
                *n += 1;
            }
        }
    }
    let (mut perc, mut avg, mut logf) = (0.0, 0.0, 0.0);
    if n > 0 && c > 0 && p > 0 {
        perc = 100.0 * fit as f64 / n as f64;
        avg = sum_fit / n as f64;
        logf = 0.5 * (1.0 - m as f64 / c as f64) + 0.5 * (1.0 - r as f64 / p as f64);
    }
    let mut problems: Vec<(String, u64)> = problems
        .into_iter()
        .zip(&names)
        .filter(|&(n, _)| n > 0)
        .map(|(n, a)| (a.to_string(), n))
        .collect();
    problems.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    TbrFitness {
        log_fitness: logf,
        average_trace_fitness: avg,
        percentage_of_fitting_traces: perc,
        case_fitness,
        problems,
    }
}

/// ETConformance precision (pm4py's `precision_token_based_replay`).
pub fn etc_precision(log: &EventLog, net: &PetriNet) -> f64 {
    let rn = ReplayNet::new(net);
    precision::etc_precision(&rn, log)
}

/// Alignment-based fitness, as pm4py's `fitness_alignments`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlignmentFitness {
    pub log_fitness: f64,
    pub average_trace_fitness: f64,
    pub percentage_of_fitting_traces: f64,
    /// Cases whose search ran out of budget (left out of the figures above).
    pub exhausted: u64,
    /// Fitness of each case (`None`: exhausted or no alignment), in case-code order.
    pub case_fitness: Vec<Option<f64>>,
    /// Per activity: (activity, log moves, model moves), most deviating first.
    pub deviations: Vec<(String, u64, u64)>,
    /// Per directly-follows edge of the log, most deviating first (see [`EdgeDeviation`]).
    pub edge_deviations: Vec<EdgeDeviation>,
}

/// Default per-trace budget of alignment search states.
pub const DEFAULT_ALIGNMENT_BUDGET: usize = 1_000_000;

/// Align every case (each variant once) and aggregate as pm4py (see [`AlignmentRun::finish`]).
pub fn alignment_fitness(log: &EventLog, net: &PetriNet, budget: usize) -> AlignmentFitness {
    AlignmentRun::new(log, net, budget).finish()
}
