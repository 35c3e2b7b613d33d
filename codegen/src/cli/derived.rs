//! Files derived from the spec outside the docs: its AsyncAPI document,
//! beside it (`spec/iothub-mqtt5.asyncapi.yaml`); and for the workspace's
//! own spec, the copy that the `iothub-client` crate ships (its build script
//! reads it when built outside the workspace), the golden generated Rust
//! (`tests/golden/iothub_api.rs`) and the JSON Schema of the spec format
//! (`spec/schema.json`). `generate` refreshes them and `check`
//! reports them stale.

use std::path::{Path, PathBuf};

use iothub_codegen::output::write_if_changed;
use iothub_codegen::Error;

use super::paths::{workspace_root, DEFAULT_SPEC};

/// Where the client crate keeps its copy of the spec, under the workspace root.
const CLIENT_SPEC: &str = "generated-client/spec/iothub-mqtt5.yaml";

/// The golden generated Rust, under the workspace root.
const GOLDEN: &str = "tests/golden/iothub_api.rs";

/// The JSON Schema of the spec format, under the workspace root.
const SCHEMA: &str = "spec/schema.json";

/// Where the AsyncAPI document of `spec` is kept: beside it, named after it
/// (`spec/iothub-mqtt5.asyncapi.yaml`).
pub fn asyncapi_path(spec: &Path) -> PathBuf {
    let stem = spec
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "spec".to_owned());
    spec.with_file_name(format!("{stem}.asyncapi.yaml"))
}

/// Each derived file with the content it must have.
pub struct Derived {
    files: Vec<(PathBuf, String)>,
}

impl Derived {
    /// The derived files of `spec`: its AsyncAPI document beside it, and
    /// for the spec of an iothub-mqtt5 workspace the client's copy and the
    /// golden Rust.
    pub fn of(spec: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(spec).map_err(|source| Error::Io {
            path: spec.to_path_buf(),
            source,
        })?;
        // Everything of exactly the text read (the file may have changed
        // since the caller loaded it).
        let api = iothub_codegen::parse(&text, spec)?;
        let mut files = vec![(asyncapi_path(spec), iothub_codegen::asyncapi::yaml(&api))];
        let root = std::fs::canonicalize(spec)
            .ok()
            .and_then(|spec| spec.parent().and_then(workspace_root))
            .filter(|root| {
                std::fs::canonicalize(root.join(DEFAULT_SPEC)).ok()
                    == std::fs::canonicalize(spec).ok()
                    && root.join("generated-client").is_dir()
            });
        if let Some(root) = root {
            let golden = iothub_codegen::rust::generate(&api)?;
            files.push((root.join(CLIENT_SPEC), text));
            files.push((root.join(GOLDEN), golden));
            files.push((
                root.join(SCHEMA),
                iothub_codegen::spec::schema::json_schema()?,
            ));
        }
        Ok(Self { files })
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
