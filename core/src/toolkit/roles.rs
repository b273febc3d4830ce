//! (being written: see toolkit.rs)
