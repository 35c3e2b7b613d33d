//! `iothub-codegen check`: validation.

use std::path::Path;

/// Validates the spec and prints a one-line summary.
pub fn run(spec: &Path) -> Result<(), iothub_codegen::Error> {
    let api = iothub_codegen::load(spec)?;
    println!(
        "{}: ok ({} operations, {} responses, api-version {})",
        spec.display(),
        api.operations.len(),
        api.responses.len(),
        api.info.api_version
    );
    Ok(())
}
