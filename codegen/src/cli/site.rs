//! `iothub-codegen site`: the localized reference as a static site (see
//! `iothub_codegen::site`), written only where it changes.

use std::path::Path;

use iothub_codegen::docs::{publish, Options, SOURCE_LOCALE};
use iothub_codegen::{site, Error};

use super::report::Chatter;

/// Builds and writes the site; prints each locale's coverage.
pub fn run(
    spec: &Path,
    locales: &Path,
    out: &Path,
    options: Options,
    say: Chatter,
) -> Result<bool, Error> {
    let api = iothub_codegen::load(spec)?;
    let catalogs = publish::load_catalogs(locales)?;
    let built = site::build(&api, &catalogs, options)?;
    say.wrote(&site::write(&built, out)?);
    for (tag, coverage) in &built.coverage {
        if tag == SOURCE_LOCALE {
            continue;
        }
        say.say(format!(
            "{tag}: {} places: {} current, {} fuzzy, {} missing (shown in English, marked)",
            coverage.total(),
            coverage.translated,
            coverage.fuzzy_count(),
            coverage.missing.len()
        ));
    }
    say.say(format!(
        "site: {} ({} locales); serve it with any static file server, e.g. `python3 -m http.server -d {}`",
        out.join(site::PAGE).display(),
        built.coverage.len(),
        out.display()
    ));
    Ok(true)
}
