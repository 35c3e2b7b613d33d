//! `iothub-codegen check`: spec validation, catalog consistency, docs
//! freshness and translation coverage (`--strict`: complete coverage too).
//! Also reported, without failing: obsolete (`#~`) entries, the English a
//! fuzzy translation was made for (`#|`), and catalog warnings (front
//! matter values in the old form, a `Language` that is not the catalog's).

use std::path::Path;

use iothub_codegen::docs::{publish, Catalog, Options, Plan};
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

/// The English a fuzzy place's translation was made for (`#| msgid`), if
/// the catalog says.
fn previous_english<'a>(catalog: &'a Catalog, plan: &Plan, place: &str) -> Option<&'a str> {
    let unit = plan.units().into_iter().find(|u| u.place == place)?;
    [Some(unit.place.as_str()), unit.shared.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(|key| catalog.get(key))
        .find(|e| !e.msgstr.trim().is_empty())
        .and_then(|e| e.notes.previous_msgid.as_deref())
}

/// Text on one line, cut at 80 characters.
fn one_line(text: &str) -> String {
    let flat = text.replace('\n', " ");
    let mut shown: String = flat.chars().take(80).collect();
    if shown.len() < flat.len() {
        shown.push('…');
    }
    shown
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
    let plan = iothub_codegen::docs::plan(&api);
    let catalog_path = |locale: &str| locales.join(format!("{locale}.po"));
    for catalog in &catalogs {
        for w in catalog.warnings() {
            eprintln!(
                "{}:{}: warning: {}",
                catalog_path(&catalog.locale).display(),
                w.line,
                w.message
            );
        }
    }
    for (locale, coverage) in &report.coverage {
        if locale == iothub_codegen::docs::SOURCE_LOCALE {
            continue;
        }
        let catalog = catalogs.iter().find(|c| &c.locale == locale);
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
            let was = catalog
                .and_then(|c| previous_english(c, &plan, place))
                .map(|old| format!("; it was made for «{}»", one_line(old)))
                .unwrap_or_default();
            out.say(format!(
                "  fuzzy: {place} (translates older English or is marked fuzzy; {shown}{was})"
            ));
        }
        for s in &coverage.suggested {
            out.say(format!(
                "  fuzzy: {} (new place; suggested from `{}`; {shown})",
                s.place, s.from
            ));
        }
        for place in &coverage.missing {
            // `msgmerge` makes a translation obsolete when the English
            // changed too much to call it fuzzy.
            let kept = catalog.is_some_and(|c| {
                c.obsolete()
                    .iter()
                    .any(|o| o.context.as_deref() == Some(place.as_str()))
            });
            let hint = if kept {
                "; an obsolete `#~` entry keeps its translation of older English"
            } else {
                ""
            };
            out.say(format!("  missing: {place} (shown in English{hint})"));
        }
        for kept in report.kept_obsolete.iter().filter(|k| &k.locale == locale) {
            out.say(format!(
                "  obsolete: {} (line {}; kept as `#~` for when its English comes back, never shown)",
                kept.key.as_deref().unwrap_or("(no context)"),
                kept.line
            ));
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
