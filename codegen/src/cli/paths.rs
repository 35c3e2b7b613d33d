//! Default paths are relative to the workspace root: the nearest ancestor of
//! the current directory whose `Cargo.toml` has a `[workspace]` section,
//! never the current directory first. Paths the user gives are taken as
//! given (relative to the current directory). Outside any workspace the
//! defaults are relative to the current directory, and errors say so.

use std::path::{Path, PathBuf};

/// Default spec location.
pub const DEFAULT_SPEC: &str = "spec/iothub-mqtt5.yaml";

/// Default catalogs folder.
pub const DEFAULT_LOCALES: &str = "spec/locales";

/// Default docs folder.
pub const DEFAULT_DOCS: &str = "docs";

/// Default static site folder, under the workspace root.
pub const DEFAULT_SITE: &str = "site";

/// Where default paths are resolved.
#[derive(Debug, Clone)]
pub struct Defaults {
    /// The workspace root, if the current directory is inside one.
    pub root: Option<PathBuf>,
}

impl Defaults {
    /// The defaults of the current directory.
    pub fn from_current_dir() -> Self {
        let root = std::env::current_dir()
            .ok()
            .and_then(|cwd| workspace_root(&cwd));
        Self { root }
    }

    /// The path the user gave, else `default` under the workspace root
    /// (under the current directory outside any workspace).
    pub fn or_default(&self, given: Option<PathBuf>, default: &str) -> PathBuf {
        given.unwrap_or_else(|| match &self.root {
            Some(root) => root.join(default),
            None => PathBuf::from(default),
        })
    }
}

/// The nearest ancestor of `dir` (itself included) whose `Cargo.toml` has a
/// `[workspace]` section.
pub fn workspace_root(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| {
            std::fs::read_to_string(d.join("Cargo.toml"))
                .is_ok_and(|toml| toml.lines().any(|l| l.trim() == "[workspace]"))
        })
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_of_this_workspace_is_found_from_a_member_folder() {
        let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/docs");
        let root = workspace_root(&here).expect("inside the workspace");
        assert!(root.join("spec/iothub-mqtt5.yaml").is_file(), "{root:?}");
        let defaults = Defaults {
            root: Some(root.clone()),
        };
        assert_eq!(defaults.or_default(None, DEFAULT_DOCS), root.join("docs"));
        assert_eq!(
            defaults.or_default(Some("x".into()), DEFAULT_DOCS),
            PathBuf::from("x")
        );
        let outside = Defaults { root: None };
        assert_eq!(
            outside.or_default(None, DEFAULT_DOCS),
            PathBuf::from("docs")
        );
    }
}
