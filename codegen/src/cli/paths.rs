//! Default paths are relative to the workspace root, found by walking up from
//! the current directory; paths the user gives are taken as given (relative
//! to the current directory).

use std::path::{Path, PathBuf};

/// Default spec location.
pub const DEFAULT_SPEC: &str = "spec/iothub-mqtt5.yaml";

/// Default catalogs folder.
pub const DEFAULT_LOCALES: &str = "spec/locales";

/// Default docs folder.
pub const DEFAULT_DOCS: &str = "docs";

/// The path the user gave, else `default` resolved against the workspace root.
pub fn or_default(given: Option<PathBuf>, default: &str) -> PathBuf {
    given.unwrap_or_else(|| resolve_default(Path::new(default)))
}

/// `path` as is if it is absolute or the current directory is inside no
/// workspace; otherwise relative to the workspace root (the nearest
/// ancestor holding `spec/iothub-mqtt5.yaml`) when it does not exist here.
pub fn resolve_default(path: &Path) -> PathBuf {
    if path.is_absolute() || path.exists() {
        return path.to_path_buf();
    }
    let Ok(cwd) = std::env::current_dir() else {
        return path.to_path_buf();
    };
    cwd.ancestors()
        .find(|dir| dir.join(DEFAULT_SPEC).is_file())
        .map_or_else(|| path.to_path_buf(), |root| root.join(path))
}
