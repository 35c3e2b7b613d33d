//! How the command line talks: errors on stderr as `error: …` (located
//! ones as `FILE:LINE: error: …`) with a `hint:` line saying how to fix
//! them, and progress chatter on stdout that `--quiet` silences.

use std::path::{Path, PathBuf};

use iothub_codegen::Error;

/// An error with what to do about it.
#[derive(Debug)]
pub struct Failure {
    /// What went wrong.
    pub error: Error,
    /// How to fix it, when the command line knows.
    pub hint: Option<String>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        Self { error, hint: None }
    }
}

impl Failure {
    /// The text to print on stderr.
    pub fn message(&self) -> String {
        let mut out = match &self.error {
            // Already located and labelled, one problem per line.
            Error::InvalidSpec(_) => self.error.to_string(),
            Error::Catalog {
                path,
                line,
                message,
            } => format!("{}:{line}: error: {message}", path.display()),
            other => format!("error: {other}"),
        };
        if let Some(hint) = &self.hint {
            out.push_str("\nhint: ");
            out.push_str(hint);
        }
        out
    }
}

/// The inputs of a command that the user may have left to their defaults,
/// to tell which one a file error is about.
#[derive(Debug, Default)]
pub struct Inputs<'a> {
    /// `--spec`.
    pub spec: Option<&'a Path>,
    /// `--locales`.
    pub locales: Option<&'a Path>,
    /// `--from`.
    pub from: Option<&'a Path>,
    /// Whether the defaults were resolved inside a workspace.
    pub in_workspace: bool,
}

impl<'a> Inputs<'a> {
    /// The inputs of a command that reads the spec and the catalogs.
    pub fn spec_and_locales(spec: &'a Path, locales: &'a Path, in_workspace: bool) -> Self {
        Self {
            spec: Some(spec),
            locales: Some(locales),
            from: None,
            in_workspace,
        }
    }

    /// `error` with a hint for the input it is about.
    pub fn fail(&self, error: Error) -> Failure {
        let where_ = if self.in_workspace {
            "run inside the iothub-mqtt5 workspace".to_owned()
        } else {
            "run inside the iothub-mqtt5 workspace (no Cargo.toml with [workspace] above the current directory, so default paths are relative to it)".to_owned()
        };
        let is = |given: Option<&Path>, path: &PathBuf| given.is_some_and(|g| path.starts_with(g));
        let hint = match &error {
            Error::Io { path, .. } if is(self.spec, path) => {
                Some(format!("pass --spec FILE or {where_}"))
            }
            Error::Io { path, .. } if is(self.locales, path) => {
                Some(format!("pass --locales DIR or {where_}"))
            }
            Error::Io { path, .. } if is(self.from, path) => {
                Some("--from takes the localized Markdown document to import".to_owned())
            }
            Error::CatalogName { .. } => {
                Some("rename the catalog after its locale, e.g. spec/locales/sv-SE.po".to_owned())
            }
            Error::NotAReference { .. } => Some(
                "--from takes a localized copy of the IoT Hub MQTT 5 API reference (iot-hub-mqtt-5-reference.md)".to_owned(),
            ),
            _ => None,
        };
        Failure { error, hint }
    }
}

/// Progress output that `--quiet` silences.
#[derive(Debug, Clone, Copy)]
pub struct Chatter {
    /// Whether to stay silent.
    pub quiet: bool,
}

impl Chatter {
    /// Prints `line` on stdout unless quiet.
    pub fn say(&self, line: impl AsRef<str>) {
        if !self.quiet {
            println!("{}", line.as_ref());
        }
    }

    /// Prints a `wrote PATH` line per path.
    pub fn wrote(&self, written: &[PathBuf]) {
        for path in written {
            self.say(format!("wrote {}", path.display()));
        }
    }
}
