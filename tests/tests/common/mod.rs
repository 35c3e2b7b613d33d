//! Helpers shared by the cross-crate tests (each test binary uses some).
#![allow(dead_code)]

use std::path::PathBuf;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The source documents folder (`IOTHUB_SOURCES`, default `../shared` beside
/// the workspace), or `None` after saying in one line that `test` skips.
pub fn sources_dir(test: &str) -> Option<PathBuf> {
    let dir =
        std::env::var_os("IOTHUB_SOURCES").map_or_else(|| root().join("../shared"), PathBuf::from);
    if dir.join("seeds").is_dir() && dir.join("reference/en-US").is_dir() {
        Some(dir)
    } else {
        println!(
            "skipping {test}: source documents not found at {} (set IOTHUB_SOURCES)",
            dir.display()
        );
        None
    }
}

/// The seed documents with their locale (`ms.contentlocale`), sorted by file.
pub fn seeds(sources: &std::path::Path) -> Vec<(String, PathBuf)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(sources.join("seeds"))
        .expect("seeds folder")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("seed readable");
            let locale = text
                .lines()
                .find_map(|l| l.strip_prefix("ms.contentlocale:"))
                .expect("seed names its locale")
                .trim()
                .to_owned();
            (locale, path)
        })
        .collect()
}
