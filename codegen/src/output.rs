//! Writing generated files: only when their content changes, so build tools
//! and `git status` see no churn.

use std::path::Path;

use crate::error::{Error, Result};

/// Writes `content` to `path` (creating its folder) unless the file already
/// holds exactly that; returns whether it wrote.
pub fn write_if_changed(path: &Path, content: &str) -> Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == content.as_bytes()) {
        return Ok(false);
    }
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    std::fs::write(path, content).map_err(io)?;
    Ok(true)
}
