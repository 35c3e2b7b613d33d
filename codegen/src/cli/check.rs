//! `iothub-codegen check`: spec validation, catalog consistency, docs
//! freshness and translation coverage.

use std::path::Path;

use iothub_codegen::docs::publish;
use iothub_codegen::Error;

/// Runs every check and prints coverage; `Ok(false)` if anything must be fixed.
pub fn run(spec: &Path, locales: &Path, docs: &Path) -> Result<bool, Error> {
    let api = iothub_codegen::load(spec)?;
    println!(
        "{}: ok ({} operations, {} responses, api-version {})",
        spec.display(),
        api.operations.len(),
        api.responses.len(),
        api.info.api_version
    );
    let catalogs = publish::load_catalogs(locales)?;
    let report = publish::check(&api, &catalogs, locales, docs)?;
    for (locale, coverage) in &report.coverage {
        if locale == iothub_codegen::docs::SOURCE_LOCALE {
            continue;
        }
        println!(
            "{locale}: {} places: {} translated, {} fuzzy, {} missing",
            coverage.total(),
            coverage.translated,
            coverage.fuzzy.len(),
            coverage.missing.len()
        );
        for place in &coverage.fuzzy {
            println!("  fuzzy: {place} (English changed since it was translated)");
        }
        for place in &coverage.missing {
            println!("  missing: {place} (shown in English)");
        }
    }
    for (locale, key, line) in &report.obsolete {
        eprintln!(
            "{}:{line}: error: entry `{key}` names a place the spec no longer has; remove it or move its translation",
            locales.join(format!("{locale}.po")).display()
        );
    }
    for path in &report.stale {
        eprintln!(
            "{}: error: out of date with the spec and catalogs; run `iothub-codegen generate`",
            path.display()
        );
    }
    if let Some(path) = &report.stale_pot {
        eprintln!(
            "{}: error: the POT template is out of date; run `iothub-codegen generate`",
            path.display()
        );
    }
    Ok(report.is_ok())
}
