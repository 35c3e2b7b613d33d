//! `iothub-codegen check`: spec validation, catalog consistency, docs
//! freshness and translation coverage (`--strict`: complete coverage too).

use std::path::Path;

use iothub_codegen::docs::{publish, Options};
use iothub_codegen::Error;

use super::derived::Derived;
use super::report::Chatter;

/// What `check` is asked to do besides the defaults.
#[derive(Debug, Clone, Copy)]
pub struct Mode {
    /// Docs were generated with fuzzy translations shown.
    pub options: Options,
    /// Any fuzzy or missing translation fails.
    pub strict: bool,
}

/// Runs every check and prints coverage; `Ok(false)` if anything must be fixed.
pub fn run(
    spec: &Path,
    locales: &Path,
    docs: &Path,
    mode: Mode,
    say: Chatter,
) -> Result<bool, Error> {
    let api = iothub_codegen::load(spec)?;
    say.say(format!(
        "{}: ok ({} operations, {} responses, api-version {})",
        spec.display(),
        api.operations.len(),
        api.responses.len(),
        api.info.api_version
    ));
    let catalogs = publish::load_catalogs(locales)?;
    let report = publish::check_with(&api, &catalogs, locales, docs, mode.options)?;
    // Under --strict, incomplete coverage is an error: printed even when quiet.
    let coverage_out = Chatter {
        quiet: say.quiet && !mode.strict,
    };
    let shown = if mode.options.use_fuzzy {
        "shown"
    } else {
        "English shown"
    };
    for (locale, coverage) in &report.coverage {
        if locale == iothub_codegen::docs::SOURCE_LOCALE {
            continue;
        }
        let complete = coverage.is_complete();
        let out = if complete { say } else { coverage_out };
        out.say(format!(
            "{locale}: {} places: {} translated, {} fuzzy, {} missing",
            coverage.total(),
            coverage.translated,
            coverage.fuzzy_count(),
            coverage.missing.len()
        ));
        for place in &coverage.fuzzy {
            out.say(format!(
                "  fuzzy: {place} (translates older English or is marked fuzzy; {shown})"
            ));
        }
        for s in &coverage.suggested {
            out.say(format!(
                "  fuzzy: {} (new place; suggested from `{}`; {shown})",
                s.place, s.from
            ));
        }
        for place in &coverage.missing {
            out.say(format!("  missing: {place} (shown in English)"));
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
    let derived = Derived::of(spec)?;
    let stale_derived = derived.stale();
    for path in &stale_derived {
        eprintln!(
            "{}: error: out of date with the spec; run `iothub-codegen generate`",
            path.display()
        );
    }
    let complete = report.is_complete();
    if mode.strict && !complete {
        eprintln!("error: --strict: some places have fuzzy or missing translations (listed above)");
    }
    Ok(report.is_ok() && stale_derived.is_empty() && (complete || !mode.strict))
}
