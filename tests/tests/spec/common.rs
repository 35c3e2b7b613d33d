//! Helpers shared by the cross-crate tests (each test binary uses some).
#![allow(dead_code)]

use std::path::PathBuf;

#[allow(unused_imports)]
pub use iothub_test_kit::{root, sources_dir};

/// The number of PO catalogs in `spec/locales`.
pub fn catalog_count() -> usize {
    std::fs::read_dir(root().join("spec/locales"))
        .expect("spec/locales")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "po"))
        })
        .count()
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
