//! Third-party command-line tools the tests run, installed by the
//! project's CI scripts: the AsyncAPI CLI (`.ci/node-tools.sh`, into
//! `target/node-tools`) and check-jsonschema (`.ci/python-tools.sh`, into
//! `target/python-tools`). An environment variable may name another copy.
//! When one is missing: under CI (`CI=true`) the test fails; elsewhere it
//! prints `skipped: …` and the caller skips.

use std::path::PathBuf;

use crate::sources::{missing, root};

fn tool(test: &str, variable: &str, default: &str, install: &str) -> Option<PathBuf> {
    let path = std::env::var_os(variable).map_or_else(|| root().join(default), PathBuf::from);
    if path.is_file() {
        return Some(path);
    }
    missing(&format!(
        "{test} needs {}, which is not there (run `bash {install}`, or set {variable})",
        path.display()
    ));
    None
}

/// The `asyncapi` command of the official AsyncAPI CLI (`IOTHUB_ASYNCAPI`).
pub fn asyncapi_cli(test: &str) -> Option<PathBuf> {
    tool(
        test,
        "IOTHUB_ASYNCAPI",
        "target/node-tools/node_modules/.bin/asyncapi",
        ".ci/node-tools.sh",
    )
}

/// The `check-jsonschema` command (`IOTHUB_CHECK_JSONSCHEMA`).
pub fn check_jsonschema(test: &str) -> Option<PathBuf> {
    tool(
        test,
        "IOTHUB_CHECK_JSONSCHEMA",
        "target/python-tools/bin/check-jsonschema",
        ".ci/python-tools.sh",
    )
}
