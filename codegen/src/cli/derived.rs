//! Files derived from the workspace's spec outside the docs: the copy of the
//! spec that the `iothub-client` crate ships (its build script reads it when
//! built outside the workspace), and the golden generated Rust
//! (`tests/golden/iothub_api.rs`). `generate` refreshes them and `check`
//! reports them stale, but only for the workspace's own spec: a spec given
//! with `--spec` elsewhere leaves them alone.

use std::path::{Path, PathBuf};

use iothub_codegen::output::write_if_changed;
use iothub_codegen::Error;

use super::paths::{workspace_root, DEFAULT_SPEC};

/// Where the client crate keeps its copy of the spec, under the workspace root.
const CLIENT_SPEC: &str = "generated-client/spec/iothub-mqtt5.yaml";

/// The golden generated Rust, under the workspace root.
const GOLDEN: &str = "tests/golden/iothub_api.rs";

/// Each derived file with the content it must have.
pub struct Derived {
    files: Vec<(PathBuf, String)>,
}

impl Derived {
    /// The derived files of `spec`: none unless it is the spec of an
    /// iothub-mqtt5 workspace.
    pub fn of(spec: &Path) -> Result<Self, Error> {
        let root = std::fs::canonicalize(spec)
            .ok()
            .and_then(|spec| spec.parent().and_then(workspace_root))
            .filter(|root| {
                std::fs::canonicalize(root.join(DEFAULT_SPEC)).ok()
                    == std::fs::canonicalize(spec).ok()
                    && root.join("generated-client").is_dir()
            });
        let Some(root) = root else {
            return Ok(Self { files: Vec::new() });
        };
        let text = std::fs::read_to_string(spec).map_err(|source| Error::Io {
            path: spec.to_path_buf(),
            source,
        })?;
        // The golden Rust of exactly the text copied (the file may have
        // changed since `api` was loaded).
        let golden = iothub_codegen::rust::generate(&iothub_codegen::parse(&text, spec)?)?;
        Ok(Self {
            files: vec![(root.join(CLIENT_SPEC), text), (root.join(GOLDEN), golden)],
        })
    }

    /// Writes those that changed; returns their paths.
    pub fn write(&self) -> Result<Vec<PathBuf>, Error> {
        let mut written = Vec::new();
        for (path, content) in &self.files {
            if write_if_changed(path, content)? {
                written.push(path.clone());
            }
        }
        Ok(written)
    }

    /// Those whose file differs from what they must be.
    pub fn stale(&self) -> Vec<&Path> {
        self.files
            .iter()
            .filter(|(path, content)| {
                std::fs::read(path).ok().as_deref() != Some(content.as_bytes())
            })
            .map(|(path, _)| path.as_path())
            .collect()
    }
}
