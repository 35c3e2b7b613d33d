//! `iothub-codegen asyncapi`: the spec as an AsyncAPI 3.0 document, on
//! stdout or written to a file only when its content changes.

use std::path::Path;

use clap::ValueEnum;
use iothub_codegen::output::write_if_changed;
use iothub_codegen::{asyncapi, Error};

use super::report::Chatter;

/// The document's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// YAML, with an `@generated` header.
    Yaml,
    /// JSON.
    Json,
}

/// Prints or writes the document.
pub fn run(spec: &Path, format: Format, out: Option<&Path>, say: Chatter) -> Result<(), Error> {
    let api = iothub_codegen::load(spec)?;
    let text = match format {
        Format::Yaml => asyncapi::yaml(&api),
        Format::Json => asyncapi::json(&api),
    };
    match out {
        Some(path) => {
            if write_if_changed(path, &text)? {
                say.wrote(&[path.to_path_buf()]);
            }
        }
        None => print!("{text}"),
    }
    Ok(())
}
