//! The hub's state, in memory.

pub mod commands;
pub mod twin;
