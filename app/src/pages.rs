//! One module per screen.

pub mod leads;
pub mod load;
pub mod process;
pub mod reco;
pub mod stream;
