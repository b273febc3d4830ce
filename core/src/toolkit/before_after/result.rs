//! The result types of [`before_after`](super::before_after) (JSON shape: see the parent module).

use super::Quantiles;
use crate::toolkit::Distribution;
use serde::{Deserialize, Serialize};

/// The answer: an overall block and, with [`Query::by`], one block per group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BeforeAfter {
    pub activity: String,
    pub occurrences: u64,
    pub overall: Block,
    pub by: Option<Breakdown>,
}

/// One block per group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Breakdown {
    /// The field name, or `@previous` / `@next`.
    pub attribute: String,
    pub groups: Vec<Group>,
}

/// The occurrences with one value of the breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    pub value: String,
    /// Of all occurrences.
    pub share: f64,
    #[serde(flatten)]
    pub block: Block,
}

/// Everything measured over a set of occurrences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    pub occurrences: u64,
    pub before: SideResult,
    pub after: SideResult,
    pub describe: Vec<Described>,
    pub preceded_by: Option<PrecededResult>,
}

/// The previous (or next) events of a set of occurrences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SideResult {
    /// The neighbour's activity, with the "none" labels.
    pub distribution: Distribution,
    /// Time between X and the neighbour.
    pub seconds: Option<Quantiles>,
    pub same: Option<Same>,
}

/// How often the neighbour's value of a field equals X's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Same {
    pub attribute: String,
    /// Occurrences where both X and the neighbour have a value.
    pub compared: u64,
    pub equal: u64,
    /// `equal / compared` (0 when nothing was compared).
    pub share: f64,
    pub seconds_when_equal: Option<Quantiles>,
    pub seconds_when_different: Option<Quantiles>,
}

/// The distribution of one of X's fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Described {
    pub attribute: String,
    pub distribution: Distribution,
}

/// How many occurrences had the activity shortly before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrecededResult {
    pub activity: String,
    pub within_seconds: f64,
    pub count: u64,
    pub share: f64,
}
