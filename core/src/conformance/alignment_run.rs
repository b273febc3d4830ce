//! Alignments of a whole log as a resumable run: the work is one search per variant, so a shell
//! that must stay responsive (the browser's worker) aligns a slice of variants, reports
//! progress, checks for Cancel and continues, while the CLI runs it in one go. The run owns
//! what it needs (the variants, the net's arcs), so it outlives the borrow of the log it came
//! from, and the figures are the same however it is sliced.

use super::alignments::{align_with, AlignNet, Aligned, Scratch, MOVE_COST};
use super::deviations::Tally;
use super::{label_traces, AlignmentFitness};
use crate::discovery::PetriNet;
use crate::log::EventLog;
use hashbrown::HashMap;

/// Alignments of every variant of a log on one net, computed a slice at a time.
#[derive(Debug, Clone)]
pub struct AlignmentRun {
    net: AlignNet,
    budget: usize,
    /// Distinct traces, in order of first occurrence.
    variants: Vec<Vec<String>>,
    /// Variant of each case, in case-code order.
    case_variant: Vec<u32>,
    /// Cost of the empty trace (pm4py's best worst cost); `None`: no alignment.
    bwc: Option<u64>,
    results: Vec<Aligned>,
    /// The search's buffers, reused by every variant.
    scratch: Scratch,
}

impl AlignmentRun {
    /// Prepare the run (aligns the empty trace once: pm4py's best worst cost).
    pub fn new(log: &EventLog, net: &PetriNet, budget: usize) -> AlignmentRun {
        let an = AlignNet::new(net);
        let mut index: HashMap<Vec<&str>, u32> = HashMap::new();
        let mut variants = Vec::new();
        let mut case_variant = Vec::with_capacity(log.num_cases());
        for t in label_traces(log) {
            let next = index.len() as u32;
            let v = *index.entry(t).or_insert_with_key(|t| {
                variants.push(t.iter().map(|s| s.to_string()).collect());
                next
            });
            case_variant.push(v);
        }
        let mut scratch = Scratch::default();
        let bwc = match align_with::<&str>(&an, &[], budget, &mut scratch) {
            Aligned::Done { cost, .. } => Some(cost),
            _ => None,
        };
        AlignmentRun {
            net: an,
            budget,
            results: Vec::with_capacity(variants.len()),
            variants,
            case_variant,
            bwc,
            scratch,
        }
    }

    /// Variants aligned so far.
    pub fn done(&self) -> usize {
        self.results.len()
    }

    /// Variants to align in all.
    pub fn total(&self) -> usize {
        self.variants.len()
    }

    /// Align up to `max` more variants; true when every variant is aligned.
    pub fn step(&mut self, max: usize) -> bool {
        let end = self
            .variants
            .len()
            .min(self.results.len().saturating_add(max));
        for v in self.results.len()..end {
            let result = align_with(&self.net, &self.variants[v], self.budget, &mut self.scratch);
            self.results.push(result);
        }
        self.is_finished()
    }

    pub fn is_finished(&self) -> bool {
        self.results.len() == self.variants.len()
    }

    /// Aggregate as pm4py: trace fitness 1 − ⌊cost/10000⌋ / ⌊(10000·len + bwc)/10000⌋, log
    /// fitness 1 − Σcost / Σbwc. Runs the remaining variants first if any are left.
    pub fn finish(mut self) -> AlignmentFitness {
        self.step(usize::MAX);
        let (mut n, mut fit, mut sum_fit, mut sum_cost, mut sum_bwc, mut exhausted) =
            (0u64, 0u64, 0.0f64, 0.0f64, 0.0f64, 0u64);
        let mut case_fitness = Vec::with_capacity(self.case_variant.len());
        let mut tally = Tally::default();
        for &v in &self.case_variant {
            let (t, a) = (&self.variants[v as usize], &self.results[v as usize]);
            let (Aligned::Done { cost, moves }, Some(bwc)) = (a, self.bwc) else {
                exhausted += matches!(a, Aligned::Exhausted) as u64;
                case_fitness.push(None);
                continue;
            };
            let ltrace_bwc = MOVE_COST * t.len() as u64 + bwc;
            let (num, den) = (cost / MOVE_COST, ltrace_bwc / MOVE_COST);
            let f = if den > 0 {
                1.0 - num as f64 / den as f64
            } else {
                0.0
            };
            n += 1;
            fit += (f == 1.0) as u64;
            sum_fit += f;
            sum_cost += *cost as f64;
            sum_bwc += ltrace_bwc as f64;
            case_fitness.push(Some(f));
            tally.add(t, moves, &self.net.labels);
        }
        let (mut perc, mut avg, mut logf) = (0.0, 0.0, 0.0);
        if n > 0 {
            perc = 100.0 * fit as f64 / n as f64;
            avg = sum_fit / n as f64;
            logf = 1.0
                - if sum_bwc > 0.0 {
                    sum_cost / sum_bwc
                } else {
                    0.0
                };
        }
        let (deviations, edge_deviations) = tally.finish();
        AlignmentFitness {
            log_fitness: logf,
            average_trace_fitness: avg,
            percentage_of_fitting_traces: perc,
            exhausted,
            case_fitness,
            deviations,
            edge_deviations,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::{tree_to_net, ProcessTree};
    use crate::import::{import_bytes, ImportOptions};

    #[test]
    fn slicing_does_not_change_the_figures() {
        let net = tree_to_net(&ProcessTree::parse("->( 'a', X( 'b', tau ), 'c' )").unwrap());
        let mut csv = String::from("case,activity,time\n");
        for (case, trace) in ["abc", "ac", "abbc", "xc", "abc", "ca", "ac"]
            .iter()
            .enumerate()
        {
            for (i, a) in trace.chars().enumerate() {
                csv.push_str(&format!("{case},{a},2024-01-01T00:00:{i:02}\n"));
            }
        }
        let (log, _) = import_bytes("t.csv", csv.as_bytes(), &ImportOptions::default()).unwrap();
        let whole = AlignmentRun::new(&log, &net, 10_000).finish();
        let mut run = AlignmentRun::new(&log, &net, 10_000);
        assert_eq!((run.done(), run.total()), (0, 5));
        let mut steps = 0;
        while !run.step(2) {
            steps += 1;
            assert_eq!(run.done(), 2 * steps);
        }
        assert_eq!(run.done(), 5);
        assert_eq!(run.finish(), whole);
        assert_eq!(whole.case_fitness.len(), 7);
        assert_eq!(whole.percentage_of_fitting_traces, 100.0 * 4.0 / 7.0);
    }
}
