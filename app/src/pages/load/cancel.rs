//! What the Load screen shows after Cancel (issue 15), decided apart from the signals: the
//! worker stopped the job between two slices and kept what it held (`kept`), or had to be
//! restarted empty (an object-centric log is read in one go).
//!
//! A cancelled import shows the log that was open again, with its recipe; a cancelled merge
//! goes back to the source list, whose files and mappings the worker still holds.

use super::State;
use spur_core::recipe::{Op, Step};

/// What Cancel found.
pub(super) struct Stopped {
    /// The worker stopped the job itself and keeps its log, view and sources.
    pub kept: bool,
    /// The job was a merge.
    pub merging: bool,
    /// Sources on the screen's list.
    pub sources: usize,
    /// The log on screen before the job.
    pub last: Option<State>,
    /// Its recipe's steps, as the process screen left them.
    pub steps: Vec<Step>,
}

/// The screen after Cancel.
pub(super) struct After {
    pub state: State,
    pub notice: Option<String>,
    /// The worker was restarted: the screen forgets the last log and the sources.
    pub forget: bool,
}

pub(super) fn after(s: Stopped) -> After {
    if s.kept && s.merging {
        let open = match &s.last {
            Some(State::Loaded { name, .. }) => format!(" ({name} stays loaded in the worker)"),
            _ => String::new(),
        };
        return After {
            state: State::Sources,
            notice: Some(format!(
                "Merge cancelled: the {} sources are still loaded with their mappings{open}; change them or merge again when ready.",
                s.sources
            )),
            forget: false,
        };
    }
    match s.last.filter(|_| s.kept) {
        Some(State::Loaded {
            name,
            summary,
            notes,
            import,
            merge,
            ocel,
            summary_file,
            ..
        }) => {
            // The process screen makes the `import` step again from `import`.
            let mut steps = s.steps;
            if import.is_some()
                && matches!(
                    steps.first(),
                    Some(Step {
                        op: Op::Import { .. },
                        ..
                    })
                )
            {
                steps.remove(0);
            }
            After {
                notice: Some(format!(
                    "Import cancelled; {name} is still open, with its recipe."
                )),
                state: State::Loaded {
                    name,
                    summary,
                    notes,
                    import,
                    merge,
                    ocel,
                    steps,
                    summary_file,
                },
                forget: false,
            }
        }
        _ if s.kept => After {
            state: State::Cancelled("Import cancelled: load a file (or a demo) when ready.".into()),
            notice: None,
            forget: false,
        },
        _ => After {
            state: State::Cancelled(
                "Import cancelled; the worker was restarted empty: load a file (or a demo) to start again."
                    .into(),
            ),
            notice: None,
            forget: true,
        },
    }
}
