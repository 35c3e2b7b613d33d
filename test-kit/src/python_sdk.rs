//! Where the tests find the official IoT Hub service SDK for Python
//! (`azure-iot-hub`, pinned in `tests/python/requirements.txt`): the
//! virtual environment `.ci/python-sdk.sh` makes, `IOTHUB_PYTHON` if set,
//! else `target/python-sdk/bin/python`. When it is missing: under CI
//! (`CI=true`) the test fails; elsewhere it prints `skipped: …` (as the
//! source-document tests do) and `.ci/run` counts it as skipped.

use std::path::PathBuf;

use crate::sources::{missing, root};

/// The python of the SDK's environment for `test`, or `None` (see the
/// module) when there is none.
pub fn python_sdk(test: &str) -> Option<PathBuf> {
    let python = std::env::var_os("IOTHUB_PYTHON").map_or_else(
        || root().join("target/python-sdk/bin/python"),
        PathBuf::from,
    );
    if python.is_file() {
        return Some(python);
    }
    missing(&format!(
        "{test} needs the service SDK for Python, which is not at {} (run `bash .ci/python-sdk.sh`, or set IOTHUB_PYTHON)",
        python.display()
    ));
    None
}
