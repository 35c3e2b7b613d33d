//! The spec file: its serde model, how it is parsed, and source positions.

mod fields;
mod indent;
pub mod load;
pub(crate) mod locate;
pub mod model;
pub mod number;
mod prune;
pub mod schema;
mod shape;
pub mod source;
