//! `iothub-codegen`: the spec of the IoT Hub data-plane MQTT 5 API
//! (`spec/iothub-mqtt5.yaml`) as a typed, validated model, and the generators
//! built on it.
//!
//! ```no_run
//! let api = iothub_codegen::load("spec/iothub-mqtt5.yaml")?;
//! for op in &api.operations {
//!     println!("{} on {}", op.name, op.topic.text);
//! }
//! # Ok::<(), iothub_codegen::Error>(())
//! ```
//!
//! Loading runs in three steps: YAML text → [`spec::model`] (shape, with
//! source positions) → [`validate`] (meaning; every problem is collected and
//! located) → [`ir`] (resolved, what generators read). A spec with problems
//! yields [`Error::InvalidSpec`] with one [`Diagnostic`] per problem.
//!
//! Features: `docs` adds the localized reference documents (`docs`: plan,
//! PO catalogs, rendering, import); `cli` (default) adds the
//! `iothub-codegen` command line and implies `docs`. A build script that
//! only generates Rust needs neither:
//! `iothub-codegen = { version = "…", default-features = false }`.
#![deny(missing_docs)]

pub mod asyncapi;
pub mod diagnostic;
#[cfg(feature = "docs")]
pub mod diff;
#[cfg(feature = "docs")]
pub mod docs;
mod error;
pub mod ident;
pub mod ir;
pub mod output;
pub mod rust;
#[cfg(feature = "docs")]
pub mod site;
pub mod spec;
pub mod status;
pub mod topic;
mod tree;
pub mod validate;

use std::path::Path;

pub use diagnostic::{Diagnostic, DiagnosticKind, Diagnostics, Location};
pub use error::{Error, Result};

use spec::source::Source;

/// Reads, validates and lowers the spec at `path`.
pub fn load(path: impl AsRef<Path>) -> Result<ir::Api> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&text, path)
}

/// Validates and lowers spec `text`; `file` names it in diagnostics.
pub fn parse(text: &str, file: &Path) -> Result<ir::Api> {
    parse_with_tree(text, file).map(|(api, _)| api)
}

/// [`parse`], also giving the YAML tree the spec was read from (whose
/// positions locate any of its values).
pub(crate) fn parse_with_tree(text: &str, file: &Path) -> Result<(ir::Api, marked_yaml::Node)> {
    let mut source = Source::new(file, text);
    let parsed = spec::load::parse(text, &mut source);
    if let Some((model, _)) = &parsed {
        validate::validate(model, &mut source);
    }
    match parsed {
        Some((model, tree)) if !source.has_errors() => match ir::lower(&model) {
            Some(api) => Ok((api, tree)),
            None => {
                source.report_at(
                    source.marker(None),
                    DiagnosticKind::Shape,
                    "the spec passed validation but could not be resolved (a bug in iothub-codegen)",
                    Some("please report this with the spec attached".to_owned()),
                );
                Err(Error::InvalidSpec(Diagnostics::from_vec(
                    source.into_diagnostics(),
                )))
            }
        },
        _ => Err(Error::InvalidSpec(Diagnostics::from_vec(
            source.into_diagnostics(),
        ))),
    }
}
