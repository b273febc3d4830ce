//! What an analyst sees first of an object-centric log: its size, the event and object types,
//! how long objects live and which types meet, and what the import dropped.
//!
//! One struct for every shell (the browser's Load screen shows it; it is cheap: no flattening),
//! so the numbers on screen are core's, computed once per import.

use super::import::{OcelFormat, OcelReport};
use super::objects::{interactions, lifecycles, Interaction, Lifecycle};
use super::stats::{event_type_counts, object_type_counts, objects_per_event};
use super::OcelLog;
use serde::{Deserialize, Serialize};

/// Issues of the import listed one by one (all are counted).
pub const ISSUES_SHOWN: usize = 5;

/// The overview of an imported OCEL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OcelOverview {
    pub format: OcelFormat,
    pub events: u64,
    pub objects: u64,
    pub e2o: u64,
    pub o2o: u64,
    /// Events per event type, most frequent first, ties by name.
    pub event_types: Vec<(String, u64)>,
    /// Objects per object type, most frequent first, ties by name.
    pub object_types: Vec<(String, u64)>,
    /// Per object type with events, by name.
    pub lifecycles: Vec<Lifecycle>,
    /// Object types that share events or O2O relations, most shared events first.
    pub interactions: Vec<Interaction>,
    /// `(objects, events)`: how many events touch 0, 1, 2, … objects.
    pub objects_per_event: Vec<(u64, u64)>,
    /// Events, objects and relations dropped or repaired by the import.
    pub issue_count: u64,
    /// The first [`ISSUES_SHOWN`] of them, located.
    pub issues: Vec<String>,
}

/// The overview of `log` as imported with `report`.
pub fn overview(log: &OcelLog, report: &OcelReport) -> OcelOverview {
    OcelOverview {
        format: report.format,
        events: log.num_events() as u64,
        objects: log.num_objects() as u64,
        e2o: log.num_e2o() as u64,
        o2o: log.num_o2o() as u64,
        event_types: event_type_counts(log),
        object_types: object_type_counts(log),
        lifecycles: lifecycles(log),
        interactions: interactions(log),
        objects_per_event: objects_per_event(log),
        issue_count: report.issue_count,
        issues: report
            .issues
            .iter()
            .take(ISSUES_SHOWN)
            .map(ToString::to_string)
            .collect(),
    }
}

impl OcelFormat {
    /// How the UI names the format.
    pub fn label(self) -> &'static str {
        match self {
            OcelFormat::Json => "OCEL 2.0 JSON",
            OcelFormat::Xml => "OCEL 2.0 XML",
            OcelFormat::Sqlite => "OCEL 2.0 SQLite",
            OcelFormat::Json1 => "OCEL 1.0 JSON",
            OcelFormat::Xml1 => "OCEL 1.0 XML",
        }
    }
}
