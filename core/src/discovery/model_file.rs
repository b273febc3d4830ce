//! One way to read a model file the analyst gives (PNML or BPMN 2.0), for every shell: the CLI's
//! `spur conformance`, the recipe's `conformance` step and the browser's Model card used to
//! decide the format three ways. BPMN when the name ends in `.bpmn` or, for other names, when
//! the document's root is `<definitions>`; PNML otherwise. A BPMN diagram is kept beside its
//! net so a picture can draw what the analyst drew.

use super::{bpmn_to_net, read_bpmn, read_pnml, Bpmn, BpmnError, BpmnLimits, PetriNet, PnmlError};
use super::{ModelMarks, PnmlLimits};

/// A model as read: its workflow net, and its diagram when it was BPMN.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFile {
    pub net: PetriNet,
    pub bpmn: Option<Bpmn>,
}

impl ModelFile {
    /// The model drawn as the analyst gave it (BPMN diagram or Petri net), deviations marked.
    pub fn render_svg(&self, marks: &ModelMarks) -> String {
        match &self.bpmn {
            Some(b) => super::render_bpmn_svg_marked(b, marks),
            None => super::render_petri_svg(&self.net, marks),
        }
    }
}

/// Why a model file cannot be used; the inner errors name the line.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ModelError {
    #[error(transparent)]
    Pnml(#[from] PnmlError),
    #[error(transparent)]
    Bpmn(#[from] BpmnError),
}

/// Read `text` (the file named `name`; may be empty) with the default limits.
pub fn read_model(name: &str, text: &str) -> Result<ModelFile, ModelError> {
    let lower = name.to_ascii_lowercase();
    let bpmn = |text: &str| -> Result<ModelFile, ModelError> {
        let b = read_bpmn(text, &BpmnLimits::default())?;
        Ok(ModelFile {
            net: bpmn_to_net(&b),
            bpmn: Some(b),
        })
    };
    if lower.ends_with(".bpmn") {
        return bpmn(text);
    }
    match read_pnml(text, &PnmlLimits::default()) {
        Ok(net) => Ok(ModelFile { net, bpmn: None }),
        // A BPMN document's root is <definitions>; anything else keeps the PNML error.
        Err(e)
            if !lower.ends_with(".pnml")
                && e.message.contains("not <pnml>")
                && e.message.contains("<definitions>") =>
        {
            bpmn(text)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discovery::{tree_to_bpmn, tree_to_net, write_bpmn, write_pnml, ProcessTree};

    #[test]
    fn the_format_comes_from_the_name_or_the_root_element() {
        let tree = ProcessTree::parse("->( 'a', 'b' )").unwrap();
        let pnml = write_pnml(&tree_to_net(&tree));
        let bpmn = write_bpmn(&tree_to_bpmn(&tree));
        for name in ["m.pnml", "m.xml", ""] {
            let m = read_model(name, &pnml).unwrap();
            assert!(m.bpmn.is_none(), "{name}");
        }
        for name in ["m.bpmn", "m.xml", ""] {
            let m = read_model(name, &bpmn).unwrap();
            assert!(m.bpmn.is_some(), "{name}");
            assert_eq!(m.net.size().visible_transitions, 2);
        }
        // A name that says PNML keeps the PNML error, which names the root it found.
        let e = read_model("m.pnml", &bpmn).unwrap_err().to_string();
        assert!(e.contains("not <pnml>"), "{e}");
        assert!(read_model("m.bpmn", &pnml).is_err());
    }
}
