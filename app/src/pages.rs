//! One module per screen.

pub mod load;
pub mod process;
