//! Default paths are relative to the workspace root, found by walking up from
//! the current directory; paths the user gives are taken as given.

use std::path::{Path, PathBuf};

/// Default spec location.
pub const DEFAULT_SPEC: &str = "spec/iothub-mqtt5.yaml";

/// `path` as is if it exists from the current directory or is absolute;
/// otherwise the same relative path under the nearest ancestor that has it.
pub fn resolve_default(path: &Path) -> PathBuf {
    if path.is_absolute() || path.exists() {
        return path.to_path_buf();
    }
    let Ok(cwd) = std::env::current_dir() else {
        return path.to_path_buf();
    };
    cwd.ancestors()
        .map(|dir| dir.join(path))
        .find(|candidate| candidate.exists())
        .unwrap_or_else(|| path.to_path_buf())
}
