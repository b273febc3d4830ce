//! Lead prioritisation: the wire shape of leads and, later, segments and scoring.

pub mod request;
