//! `iothub-codegen docs` and `generate`.

use std::path::Path;

use iothub_codegen::docs::{publish, Options};
use iothub_codegen::Error;

use super::derived::Derived;
use super::report::Chatter;

/// Writes the documents of the wanted locales.
pub fn docs(
    spec: &Path,
    locales: &Path,
    only: &[String],
    out: &Path,
    options: Options,
    say: Chatter,
) -> Result<bool, Error> {
    let api = iothub_codegen::load(spec)?;
    let catalogs = publish::load_catalogs(locales)?;
    let rendered = publish::render_all_with(&api, &catalogs, only, options)?;
    let unknown: Vec<&String> = only
        .iter()
        .filter(|tag| !rendered.iter().any(|r| &&r.locale == tag))
        .collect();
    for tag in &unknown {
        eprintln!(
            "error: no catalog for locale `{tag}` in {} (import one with `iothub-codegen import --locale {tag} --from FILE.md`)",
            locales.display()
        );
    }
    say.wrote(&publish::write_docs(&rendered, out)?);
    Ok(unknown.is_empty())
}

/// Validates, then writes every document, the POT template, the AsyncAPI
/// document and (for the workspace's spec) the client crate's spec copy and
/// the golden Rust.
pub fn generate(
    spec: &Path,
    locales: &Path,
    out: &Path,
    options: Options,
    say: Chatter,
) -> Result<bool, Error> {
    let api = iothub_codegen::load(spec)?;
    let catalogs = publish::load_catalogs(locales)?;
    let rendered = publish::render_all_with(&api, &catalogs, &[], options)?;
    say.wrote(&publish::write_docs(&rendered, out)?);
    say.wrote(
        &publish::write_pot(&api, &catalogs, locales)?
            .into_iter()
            .collect::<Vec<_>>(),
    );
    let derived = Derived::of(spec)?;
    say.wrote(&derived.write()?);
    let locales: Vec<&str> = rendered.iter().map(|r| r.locale.as_str()).collect();
    say.say(format!(
        "docs, the POT template, the AsyncAPI document, the client's spec copy and the golden Rust are up to date ({})",
        locales.join(", ")
    ));
    Ok(true)
}
