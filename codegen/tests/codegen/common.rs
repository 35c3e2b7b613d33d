//! Shared helpers of the integration tests (each test binary uses some).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

// `sources_dir`: the one implementation, in the test kit.
#[allow(unused_imports)]
pub use iothub_test_kit::sources_dir;

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

/// A temporary folder, removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A fresh, empty folder named after `tag`.
    pub fn new(tag: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "iothub-codegen-{tag}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

/// The part of a rendered document from the anchor `anchor` to the next `###`.
pub fn section<'a>(doc: &'a str, anchor: &str) -> &'a str {
    let start = doc
        .find(&format!("<a name=\"{anchor}\"></a>"))
        .unwrap_or_else(|| panic!("no anchor {anchor}"));
    let rest = &doc[start..];
    let end = rest[1..].find("\n### ").map_or(rest.len(), |i| i + 1);
    &rest[..end]
}

/// The largest char boundary of `s` at or before `i`.
pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Whether the GNU gettext tools (`msgmerge`, `msgcat`, `msgfmt`) run, for
/// `test`. When they do not: under CI (`CI=true`) the test fails, naming
/// itself (`.ci/gettext.sh` installs them); elsewhere it prints one line
/// `skipped: TEST …` past the harness's capture and returns `false`.
pub fn gettext_tools(test: &str) -> bool {
    let runs = |tool: &str| {
        std::process::Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if ["msgmerge", "msgcat", "msgfmt"].into_iter().all(runs) {
        return true;
    }
    let message = format!(
        "{test} needs the GNU gettext tools (msgmerge, msgcat, msgfmt), which are not installed (Debian package `gettext`; `bash .ci/gettext.sh` installs it)"
    );
    assert!(
        std::env::var_os("CI").is_none_or(|ci| ci != "true"),
        "{message}"
    );
    // Not `eprintln!`: the harness would capture it for a passing test.
    let _ = std::io::Write::write_fmt(&mut std::io::stderr(), format_args!("skipped: {message}\n"));
    false
}
