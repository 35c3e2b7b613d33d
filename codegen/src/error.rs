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
