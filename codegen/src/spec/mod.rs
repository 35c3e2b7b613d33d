//! The spec file: its serde model, how it is parsed, and source positions.

pub mod load;
pub mod model;
pub mod number;
pub mod source;
