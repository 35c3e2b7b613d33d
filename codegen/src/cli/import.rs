//! `iothub-codegen import`: a catalog from a localized reference document.

use std::path::Path;

use iothub_codegen::Error;

/// Imports `from` as locale `locale` into the catalog `out`.
pub fn run(spec: &Path, locale: &str, from: &Path, out: &Path) -> Result<bool, Error> {
    let api = iothub_codegen::load(spec)?;
    let text = std::fs::read_to_string(from).map_err(|source| Error::Io {
        path: from.to_path_buf(),
        source,
    })?;
    let import = iothub_codegen::docs::import::import(&api, locale, &text);
    for problem in &import.unaligned {
        eprintln!(
            "{}:{}: warning: {}",
            from.display(),
            problem.line,
            problem.message
        );
    }
    let po = import
        .catalog
        .to_po(&iothub_codegen::docs::project_id(&api));
    iothub_codegen::output::write_if_changed(out, &po)?;
    println!(
        "{}: {} entries imported from {} ({} places could not be aligned)",
        out.display(),
        import.catalog.len(),
        from.display(),
        import.unaligned.len()
    );
    Ok(true)
}
