//! Shared helpers of the integration tests (each test binary uses some).
#![allow(dead_code)]

use std::path::PathBuf;

/// The folder with the source documents (`IOTHUB_SOURCES`, default
/// `../shared` beside the workspace). `None`, after saying so in one line,
/// when it is absent: the caller then skips.
pub fn sources_dir(test: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os("IOTHUB_SOURCES") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    if dir.join("reference/en-US").is_dir() {
        Some(dir)
    } else {
        println!(
            "skipping {test}: source documents not found at {} (set IOTHUB_SOURCES)",
            dir.display()
        );
        None
    }
}

/// The real spec of the workspace.
pub fn spec_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/iothub-mqtt5.yaml")
}
