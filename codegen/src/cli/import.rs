//! `iothub-codegen import`: a catalog from a localized reference document,
//! merged into the existing catalog (replacing it only with `--force`).

use std::path::Path;

use iothub_codegen::docs::{import, merge, template, Catalog};
use iothub_codegen::Error;

use super::report::Chatter;

/// One line of a translation for a warning: escapes newlines, cut long.
fn quoted(text: &str) -> String {
    let one_line = text.replace('\n', "\\n");
    let mut shown: String = one_line.chars().take(80).collect();
    if shown.len() < one_line.len() {
        shown.push('…');
    }
    format!("«{shown}»")
}

/// Imports `from` as locale `locale` into the catalog `out`.
pub fn run(
    spec: &Path,
    locale: &str,
    from: &Path,
    out: &Path,
    force: bool,
    say: Chatter,
) -> Result<bool, Error> {
    let api = iothub_codegen::load(spec)?;
    let text = std::fs::read_to_string(from).map_err(|source| Error::Io {
        path: from.to_path_buf(),
        source,
    })?;
    let imported = import::import(&api, locale, &text);
    if !imported.is_reference() {
        return Err(Error::NotAReference {
            path: from.to_path_buf(),
            aligned: imported.aligned,
            total: imported.total,
            needed: import::MIN_ALIGNED_PERCENT,
        });
    }
    for problem in &imported.unaligned {
        eprintln!(
            "{}:{}: warning: {}",
            from.display(),
            problem.line,
            problem.message
        );
    }
    let project = iothub_codegen::docs::project_id(&api);
    let aligned = format!(
        "aligned {} of {} places; {} places could not be aligned",
        imported.aligned,
        imported.total,
        imported.unaligned.len()
    );
    if force || !out.exists() {
        iothub_codegen::output::write_if_changed(out, &imported.catalog.to_po(&project))?;
        say.say(format!(
            "{}: {} entries imported from {} ({aligned})",
            out.display(),
            imported.catalog.len(),
            from.display(),
        ));
        return Ok(true);
    }
    // An existing catalog that does not read is not overwritten.
    let existing = Catalog::load(out, locale)?;
    let mut merged = merge::merge(&existing, &imported.catalog);
    // As `msgmerge` would lay it out against the template.
    template::conform(&iothub_codegen::docs::plan(&api), &mut merged.catalog);
    for c in &merged.conflicts {
        // Front matter values have no line of their own in the catalog.
        let at = match c.line {
            0 => out.display().to_string(),
            line => format!("{}:{line}", out.display()),
        };
        eprintln!(
            "{at}: warning: `{}`: kept the catalog's {}; the document has {} (pass --force to replace the catalog with the import)",
            c.key,
            quoted(&c.existing),
            quoted(&c.imported)
        );
    }
    iothub_codegen::output::write_if_changed(out, &merged.catalog.to_po(&project))?;
    say.say(format!(
        "{}: merged {} entries from {}: {} added, {} unchanged, {} conflicts kept as they were ({aligned})",
        out.display(),
        imported.catalog.len(),
        from.display(),
        merged.added,
        merged.unchanged,
        merged.conflicts.len(),
    ));
    Ok(true)
}
