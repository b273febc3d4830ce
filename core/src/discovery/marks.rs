//! Deviations drawn on a model picture: how many times each activity was skipped (a model move:
//! the model expected it, the log lacks it) or came where the model does not allow it (a log
//! move), from a conformance check, so the BPMN and Petri net pictures mark the same tasks the
//! deviations table lists. Activities the model lacks have no task to mark; the picture lists
//! them in a note instead.

use crate::map::svg::{esc, format_count};
use hashbrown::HashMap;
use std::fmt::Write as _;

/// Colour of a deviating task's outline and badge.
pub(crate) const DEVIATION: &str = "#c0392b";

/// Log and model moves per activity.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelMarks {
    moves: HashMap<String, (u64, u64)>,
}

impl ModelMarks {
    /// From `(activity, log moves, model moves)` rows (a conformance report's deviations).
    pub fn new<'a>(rows: impl IntoIterator<Item = (&'a str, u64, u64)>) -> ModelMarks {
        let mut moves: HashMap<String, (u64, u64)> = HashMap::new();
        for (a, l, m) in rows {
            let e = moves.entry(a.to_string()).or_default();
            e.0 += l;
            e.1 += m;
        }
        moves.retain(|_, &mut (l, m)| l + m > 0);
        ModelMarks { moves }
    }

    pub fn is_empty(&self) -> bool {
        self.moves.is_empty()
    }

    /// The (log, model) moves of `activity`, if it deviates.
    pub fn get(&self, activity: &str) -> Option<(u64, u64)> {
        self.moves.get(activity).copied()
    }

    /// The attributes and outline of a task: `data-log-moves`/`data-model-moves` when it
    /// deviates.
    pub(crate) fn attributes(&self, activity: &str) -> String {
        match self.get(activity) {
            Some((l, m)) => format!(" data-log-moves=\"{l}\" data-model-moves=\"{m}\""),
            None => String::new(),
        }
    }

    /// A badge above the box at (`x`, `y`) of width `w` saying what deviates there.
    pub(crate) fn badge(&self, o: &mut String, activity: &str, x: f64, y: f64, w: f64) {
        let Some((l, m)) = self.get(activity) else {
            return;
        };
        let mut parts = Vec::new();
        if m > 0 {
            parts.push(format!("skipped {}", format_count(m)));
        }
        if l > 0 {
            parts.push(format!("{} out of place", format_count(l)));
        }
        let _ = write!(
            o,
            "<text class=\"deviation\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" font-weight=\"600\" fill=\"{DEVIATION}\" paint-order=\"stroke\" stroke=\"#ffffff\" stroke-width=\"3\">{}</text>",
            x + w / 2.0,
            y - 5.0,
            esc(&parts.join(" · "))
        );
    }

    /// A note under the picture at `y` listing deviating activities the model has no task for
    /// (`drawn` says which it has); returns the height it took.
    pub(crate) fn note(&self, o: &mut String, drawn: &dyn Fn(&str) -> bool, y: f64) -> f64 {
        let mut missing: Vec<(&str, u64)> = self
            .moves
            .iter()
            .filter(|(a, _)| !drawn(a))
            .map(|(a, &(l, _))| (a.as_str(), l))
            .collect();
        if missing.is_empty() {
            return 0.0;
        }
        missing.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let list: Vec<String> = missing
            .iter()
            .take(8)
            .map(|(a, l)| format!("{} ({})", a, format_count(*l)))
            .collect();
        let more = if missing.len() > 8 {
            format!(" and {} more", missing.len() - 8)
        } else {
            String::new()
        };
        let _ = write!(
            o,
            "<text class=\"deviation-note\" x=\"20\" y=\"{}\" font-size=\"11\" fill=\"{DEVIATION}\">{}</text>",
            y + 14.0,
            esc(&format!("Not in the model (events out of place): {}{more}", list.join(", ")))
        );
        24.0
    }
}
