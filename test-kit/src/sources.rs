//! Where the tests find the source documents (`../shared`), and what they
//! do when they are missing: fail under CI, say so and skip elsewhere.

use std::path::PathBuf;

/// The workspace root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Where the source documents are: `IOTHUB_SOURCES`, default `../shared`
/// beside the workspace.
pub fn sources_path() -> PathBuf {
    std::env::var_os("IOTHUB_SOURCES").map_or_else(|| root().join("../shared"), PathBuf::from)
}

/// Whether `dir` holds the source documents (the seeds and the English
/// reference).
fn has_sources(dir: &std::path::Path) -> bool {
    dir.join("seeds").is_dir() && dir.join("reference/en-US").is_dir()
}

/// The source documents folder for `test`. When it is missing: under CI
/// (`CI=true`) the test fails, naming itself and the folder, so a run cannot
/// pass by skipping; elsewhere it returns `None` after one line
/// `skipped: TEST …` on the test's standard error (written past the test
/// harness's capture, so it shows, and `.ci/run` counts it in its tally).
pub fn sources_dir(test: &str) -> Option<PathBuf> {
    let dir = sources_path();
    if has_sources(&dir) {
        return Some(dir);
    }
    missing(&format!(
        "{test} needs the source documents, which are not at {} (set IOTHUB_SOURCES)",
        dir.display()
    ));
    None
}

/// What a test does when something it needs is missing (`message` says
/// what): under CI (`CI=true`) it fails, so a run cannot pass by skipping;
/// elsewhere it writes one line `skipped: MESSAGE` on standard error
/// (past the test harness's capture, so it shows, and `.ci/run` counts it
/// in its tally) and the caller skips.
pub(crate) fn missing(message: &str) {
    assert!(
        std::env::var_os("CI").is_none_or(|ci| ci != "true"),
        "{message}"
    );
    // Not `eprintln!`: the harness would capture it for a passing test.
    let _ = std::io::Write::write_fmt(&mut std::io::stderr(), format_args!("skipped: {message}\n"));
}
