//! `iothub-codegen rust`: the generated Rust, for reading and review.

use std::io::Write;
use std::path::Path;

use iothub_codegen::Error;

/// Prints the generated Rust, or writes it to `out` when its content changed.
pub fn run(spec: &Path, out: Option<&Path>) -> Result<(), Error> {
    let api = iothub_codegen::load(spec)?;
    let code = iothub_codegen::rust::generate(&api)?;
    match out {
        Some(path) => iothub_codegen::output::write_if_changed(path, &code).map(|_| ()),
        None => std::io::stdout()
            .write_all(code.as_bytes())
            .map_err(|source| Error::Io {
                path: "<stdout>".into(),
                source,
            }),
    }
}
