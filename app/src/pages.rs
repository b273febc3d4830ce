//! One module per screen.

pub mod load;
