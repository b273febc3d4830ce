//! Petri nets with an initial and a final marking (accepting Petri nets), as pm4py holds them:
//! places and transitions by index, arcs as a multiset (pm4py allows parallel arcs), silent
//! transitions have no label.

use serde::{Deserialize, Serialize};

/// A place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    pub name: String,
}

/// A transition; `label: None` is silent (tau).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    pub name: String,
    pub label: Option<String>,
}

/// An arc between a place and a transition, either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Arc {
    /// place → transition
    In {
        place: usize,
        transition: usize,
        weight: u32,
    },
    /// transition → place
    Out {
        transition: usize,
        place: usize,
        weight: u32,
    },
}

/// An accepting Petri net.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PetriNet {
    pub name: String,
    pub places: Vec<Place>,
    pub transitions: Vec<Transition>,
    pub arcs: Vec<Arc>,
    /// Tokens per place index (places not listed hold none).
    pub initial_marking: Vec<(usize, u32)>,
    pub final_marking: Vec<(usize, u32)>,
}

/// The sizes the golden files record for a net.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetSize {
    pub places: usize,
    pub transitions: usize,
    pub visible_transitions: usize,
    pub arcs: usize,
}

impl PetriNet {
    pub fn size(&self) -> NetSize {
        NetSize {
            places: self.places.len(),
            transitions: self.transitions.len(),
            visible_transitions: self
                .transitions
                .iter()
                .filter(|t| t.label.is_some())
                .count(),
            arcs: self.arcs.len(),
        }
    }

    /// Input places of each transition with arc weights: `pre[t] = [(place, weight)]`.
    pub fn presets(&self) -> Vec<Vec<(usize, u32)>> {
        let mut pre = vec![Vec::new(); self.transitions.len()];
        for a in &self.arcs {
            if let Arc::In {
                place,
                transition,
                weight,
            } = *a
            {
                pre[transition].push((place, weight));
            }
        }
        pre
    }

    /// Output places of each transition with arc weights.
    pub fn postsets(&self) -> Vec<Vec<(usize, u32)>> {
        let mut post = vec![Vec::new(); self.transitions.len()];
        for a in &self.arcs {
            if let Arc::Out {
                transition,
                place,
                weight,
            } = *a
            {
                post[transition].push((place, weight));
            }
        }
        post
    }
}
