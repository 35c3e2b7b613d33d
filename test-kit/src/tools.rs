//! Third-party command-line tools the tests run, installed by the
//! project's CI scripts: the AsyncAPI CLI and html-validate
//! (`.ci/node-tools.sh`, into `target/node-tools`) and check-jsonschema (`.ci/python-tools.sh`, into
//! `target/python-tools`, with selenium), and Debian's chromium and
//! chromedriver (`.ci/chromium.sh`). An environment variable may name
//! another copy.
//! When one is missing: under CI (`CI=true`) the test fails; elsewhere it
//! prints `skipped: …` and the caller skips.

use std::path::PathBuf;

use crate::sources::{missing, root};

fn tool(test: &str, variable: &str, default: &str, install: &str) -> Option<PathBuf> {
    // `root().join` keeps an absolute default as it is.
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

/// The `html-validate` command (`IOTHUB_HTML_VALIDATE`).
pub fn html_validate(test: &str) -> Option<PathBuf> {
    tool(
        test,
        "IOTHUB_HTML_VALIDATE",
        "target/node-tools/node_modules/.bin/html-validate",
        ".ci/node-tools.sh",
    )
}

/// The python of the tools' environment, which has selenium
/// (`IOTHUB_PYTHON_TOOLS`).
pub fn python_tools(test: &str) -> Option<PathBuf> {
    tool(
        test,
        "IOTHUB_PYTHON_TOOLS",
        "target/python-tools/bin/python",
        ".ci/python-tools.sh",
    )
}

/// Debian's `chromium` and `chromedriver` (`IOTHUB_CHROMIUM`,
/// `IOTHUB_CHROMEDRIVER`; installed by `.ci/chromium.sh`).
pub fn chromium(test: &str) -> Option<(PathBuf, PathBuf)> {
    let browser = tool(
        test,
        "IOTHUB_CHROMIUM",
        "/usr/bin/chromium",
        ".ci/chromium.sh",
    )?;
    let driver = tool(
        test,
        "IOTHUB_CHROMEDRIVER",
        "/usr/bin/chromedriver",
        ".ci/chromium.sh",
    )?;
    Some((browser, driver))
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
