//! The final windows of a stream: what a consumer holds after applying every emission (the
//! latest revision of each window, minus windows a session merge superseded). Tests compare
//! it with a batch computation; shells use it to show the current picture.

use super::event::WindowResult;
use std::collections::BTreeMap;

/// Latest result per `(key, start, end)`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FinalWindows {
    pub windows: BTreeMap<(String, i64, i64), WindowResult>,
}

impl FinalWindows {
    /// Apply one emission (later revisions overwrite; `replaces` removes).
    pub fn apply(&mut self, w: &WindowResult) {
        for &(s, e) in &w.replaces {
            self.windows.remove(&(w.key.clone(), s, e));
        }
        let id = (w.key.clone(), w.start, w.end);
        match self.windows.get(&id) {
            Some(old) if old.revision > w.revision => {}
            _ => {
                self.windows.insert(id, w.clone());
            }
        }
    }

    /// The windows with revisions zeroed (to compare runs that emitted different numbers of
    /// intermediate revisions, e.g. per-event vs micro-batch).
    pub fn contents(&self) -> Vec<WindowResult> {
        self.windows
            .values()
            .map(|w| WindowResult {
                revision: 0,
                replaces: Vec::new(),
                ..w.clone()
            })
            .collect()
    }
}
