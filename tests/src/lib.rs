//! Cross-crate tests of iothub-mqtt5 (see `tests/`), and the one helper
//! every test that reads the source documents uses: [`sources_dir`].
#![deny(missing_docs)]

use std::path::PathBuf;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

// Shared with `iothub-codegen`'s tests, which include the same file.
include!("sources.rs");
