//! Third-party programs the tests run, installed by the project's CI
//! scripts: the official IoT Hub service SDK for Python
//! (`.ci/python-sdk.sh`, into `target/python-sdk`), the AsyncAPI CLI and html-validate
//! (`.ci/node-tools.sh`, into `target/node-tools`) and check-jsonschema (`.ci/python-tools.sh`, into
//! `target/python-tools`, with selenium), and Debian's chromium and
//! chromedriver (`.ci/chromium.sh`). An environment variable may name
//! another copy.
//! When one is missing: under CI (`CI=true`) the test fails; elsewhere it
//! prints `skipped: …` and the caller skips.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::sources::{missing, root};

/// The program `variable` names, else `default` (under the workspace root
/// when relative); `None` after saying what `test` misses.
fn tool(test: &str, what: &str, variable: &str, default: &str, install: &str) -> Option<PathBuf> {
    // `root().join` keeps an absolute default as it is.
    let path = std::env::var_os(variable).map_or_else(|| root().join(default), PathBuf::from);
    if path.is_file() {
        return Some(path);
    }
    missing(&format!(
        "{test} needs {what}, which is not at {} (run `bash {install}`, or set {variable})",
        path.display()
    ));
    None
}

/// The python of the official IoT Hub service SDK's environment
/// (`azure-iot-hub`, pinned in `tests/python/requirements.txt`; made by
/// `.ci/python-sdk.sh`; `IOTHUB_PYTHON`).
pub fn python_sdk(test: &str) -> Option<PathBuf> {
    tool(
        test,
        "the service SDK for Python",
        "IOTHUB_PYTHON",
        "target/python-sdk/bin/python",
        ".ci/python-sdk.sh",
    )
}

/// The `asyncapi` command of the official AsyncAPI CLI (`IOTHUB_ASYNCAPI`).
pub fn asyncapi_cli(test: &str) -> Option<PathBuf> {
    tool(
        test,
        "the AsyncAPI CLI",
        "IOTHUB_ASYNCAPI",
        "target/node-tools/node_modules/.bin/asyncapi",
        ".ci/node-tools.sh",
    )
}

/// The `html-validate` command (`IOTHUB_HTML_VALIDATE`).
pub fn html_validate(test: &str) -> Option<PathBuf> {
    tool(
        test,
        "html-validate",
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
        "the Python tools (selenium)",
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
        "Chromium",
        "IOTHUB_CHROMIUM",
        "/usr/bin/chromium",
        ".ci/chromium.sh",
    )?;
    let driver = tool(
        test,
        "ChromeDriver",
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
        "check-jsonschema",
        "IOTHUB_CHECK_JSONSCHEMA",
        "target/python-tools/bin/check-jsonschema",
        ".ci/python-tools.sh",
    )
}

/// Runs `command` to its end (no standard input; standard output and error
/// captured) and returns its output. Panics if it does not start, or if it
/// takes longer than `limit` (it is killed first), naming it as `what`.
/// It blocks the calling thread: async tests call it on a blocking thread.
pub fn output_within(mut command: Command, limit: Duration, what: &str) -> Output {
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what} does not start: {e}"));
    let pid = child.id();
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(child.wait_with_output());
    });
    match receive.recv_timeout(limit) {
        Ok(output) => output.unwrap_or_else(|e| panic!("{what}'s output: {e}")),
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("{what} took longer than {limit:?}");
        }
    }
}
