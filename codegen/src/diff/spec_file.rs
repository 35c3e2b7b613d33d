//! One side of a diff: a spec's resolved API together with its YAML tree,
//! so that every change can be shown at `file:line:column`.

use std::path::{Path, PathBuf};

use marked_yaml::Node;

use crate::diagnostic::Location;
use crate::error::{Error, Result};
use crate::ir::Api;
use crate::spec::source::Source;

/// A valid spec, with what is needed to locate its values.
#[derive(Debug)]
pub struct SpecFile {
    /// The resolved API.
    pub api: Api,
    /// The name shown in locations (a path, or `REF:path` for a git
    /// revision).
    pub name: PathBuf,
    root: Node,
    source: Source,
}

impl SpecFile {
    /// Reads and validates the spec at `path`.
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Validates spec `text`; `name` is shown in locations and diagnostics.
    pub fn parse(text: &str, name: &Path) -> Result<Self> {
        let (api, root) = crate::parse_with_tree(text, name)?;
        Ok(Self {
            api,
            name: name.to_path_buf(),
            root,
            source: Source::new(name, text),
        })
    }

    /// Where the value at `path` (`operations[2].qos`, kebab-case keys as
    /// the spec writes them) is; the deepest existing node on the way when
    /// the path goes further than the file.
    pub fn locate(&self, path: &str) -> Location {
        let marker = crate::spec::locate::locate(&self.root, path, false);
        self.source.marker(marker.as_ref())
    }
}
