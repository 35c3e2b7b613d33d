//! What a spec change means before anyone regenerates: a typed diff of two
//! specs over the resolved API (never over text), each change classified,
//! located in both files, and summed up as the semver bump each crate needs
//! and the translations it makes stale.
//!
//! Whom a change breaks is judged on the wire, in both pairings:
//!
//! - *breaking for devices*: a device built with the client generated from
//!   the old spec may fail against a hub that implements the new one (a
//!   topic or QoS changed, a property the device sends made required, a
//!   limit lowered, a status removed);
//! - *breaking for hubs*: a hub that implements the old spec may fail
//!   devices built from the new one in an operation both know (a property
//!   the hub sends made required, a limit raised, a capability added);
//! - otherwise *compatible* (an addition: a new operation, an optional
//!   property, a new status, which receivers built from the old spec see as
//!   the generated `Unknown` status) or *docs-only* (prose).
//!
//! Who sends a message decides which side a property change breaks: the
//! device sends a client-to-server request or message and the answers to a
//! server-to-client one; the hub sends the rest.
//!
//! Separately, each change says what it does to the generated Rust API
//! ([`RustApi`]): the generated messages and outcome enums are exhaustive,
//! so even a wire-compatible addition of a property or status breaks code
//! that builds or matches them. The `iothub-client` bump counts both; the
//! emulator's bump counts what breaks hubs.

mod catalogs;
mod change;
mod connection;
mod definitions;
mod differ;
mod operations;
mod properties;
pub mod semver;
mod spec_file;

pub use catalogs::{effects, LocaleEffect};
pub use change::{Change, Class, Kind, RustApi};
pub use semver::{bumps, Bump, CrateBump};
pub use spec_file::SpecFile;

use differ::Differ;

/// Every change from `old` to `new`, in the order of the spec's sections
/// (api, document, types, schemas, connection, operations, responses).
pub fn diff(old: &SpecFile, new: &SpecFile) -> Vec<Change> {
    let mut differ = Differ::new(old, new);
    differ.info();
    differ.document();
    differ.types();
    differ.schemas();
    differ.connection();
    differ.operations();
    differ.responses();
    differ.out
}
