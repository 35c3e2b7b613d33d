//! The hub's state, in memory.

pub mod twin;
