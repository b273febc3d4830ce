//! The sales-activity messages of the Leads screen (issue 19): an activity log next to the lead
//! table, mined in the screen's own worker (`worker_client::Lane::Activities`) with progress and
//! Cancel. The result is core's whole `ActivityFindings`, so the screen shows exactly the numbers
//! `spur leads activities --json` prints; the charts are core's SVGs. Bulk bytes (the lead table,
//! the activity log) travel as transferred payloads, never in these headers.

use serde::{Deserialize, Serialize};
use spur_core::import::ImportOptions;
use spur_core::leads::activities::ActivityFindings;

/// The case attribute the process screen filters on when it opens the activity log for won or
/// lost leads (`won` / `lost`, from the lead table; `leads::activities::with_outcome_attribute`).
pub const OUTCOME_ATTRIBUTE: &str = "lead outcome";

/// What to mine: the activity log (the worker's source 0) read with `options`, joined to the lead
/// table in the payload by `id`, won/lost from `outcome`, as `spur leads activities LEADS LOG
/// --outcome OUTCOME --id ID [--stages …] [--tz …]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivitiesRequest {
    /// The lead table's file name (for messages).
    pub leads_name: String,
    pub outcome: String,
    pub id: String,
    /// The milestones in order; `None`: detected from the log.
    pub stages: Option<Vec<String>>,
    /// Minutes east of UTC in which weekday and hour are read (`--tz`).
    pub tz_offset_minutes: i32,
    pub options: ImportOptions,
}

/// The mined findings and their pictures, all drawn by core.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivitiesMined {
    /// The activity log's file name.
    pub name: String,
    /// Exactly what `spur leads activities --json` prints for the same files and options.
    pub findings: ActivityFindings,
    /// `chart::funnel::funnel_chart` (what `-o FUNNEL.svg` writes).
    pub funnel_svg: String,
    /// Per finding (same order): `chart::win_rates::finding_chart`, `None` without a feature.
    pub finding_svgs: Vec<Option<String>>,
    /// Import notes of the activity log (rejected or repaired rows), as the Load screen shows them.
    pub notes: Vec<String>,
    /// Lead-table rows without an id or outcome, and the first few of them located.
    pub leads_rejected: usize,
    pub first_leads_rejected: Vec<String>,
    /// Wall time of the mining in the worker.
    pub seconds: f64,
}

/// Which leads to open in the process screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OpenLeads {
    Won,
    Lost,
    /// All leads, with the won-vs-lost comparison (the map difference) as the first step.
    Compare,
}
