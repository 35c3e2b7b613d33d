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

/// The broken specs of `tests/broken/`, sorted.
pub fn broken_specs() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/broken");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/broken exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// The real spec of the workspace.
pub fn spec_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/iothub-mqtt5.yaml")
}
