//! The crate's error type.

use std::path::PathBuf;

use crate::diagnostic::Diagnostics;

/// Everything that can go wrong in `iothub-codegen`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The spec has problems; each one is located.
    #[error("{0}")]
    InvalidSpec(Diagnostics),
    /// A translation catalog is malformed.
    #[error("{}:{line}: {message}", path.display())]
    Catalog {
        /// The catalog file.
        path: PathBuf,
        /// Line of the (first) problem.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A catalog file is not named after a locale tag (`<TAG>.po`).
    #[error("{}: {message}", path.display())]
    CatalogName {
        /// The catalog file.
        path: PathBuf,
        /// What is wrong with its name.
        message: String,
    },
    /// A document given to import is not (enough of) this API's reference.
    #[error(
        "{}: aligned {aligned} of {total} places ({percent}%); at least {needed}% needed: is it a localized IoT Hub MQTT 5 API reference?",
        path.display(),
        percent = aligned * 100 / (*total).max(1)
    )]
    NotAReference {
        /// The document.
        path: PathBuf,
        /// Places of the spec's document found in it.
        aligned: usize,
        /// Places of the spec's document.
        total: usize,
        /// The threshold, in percent.
        needed: usize,
    },
    /// An entry that a PO catalog cannot hold was put into a catalog.
    #[error("catalog entry `{context}`: {message}")]
    InvalidEntry {
        /// The entry's context (`msgctxt`) or front matter key.
        context: String,
        /// What is wrong.
        message: String,
    },
    /// A spec could not be read from a git revision.
    #[error("{}: cannot read it at git revision `{revision}`: {message}", path.display())]
    Git {
        /// The git revision asked for.
        revision: String,
        /// The spec file in the working copy.
        path: PathBuf,
        /// What git said.
        message: String,
    },
    /// The docs template failed to render (a bug in iothub-codegen).
    #[cfg(feature = "docs")]
    #[error("rendering the reference document: {0}")]
    Template(#[from] askama::Error),
    /// Generated Rust did not parse back (a bug in the generator, never in the spec).
    #[error("generated Rust does not parse: {0}")]
    GeneratedRust(#[from] syn::Error),
}

/// Result with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
