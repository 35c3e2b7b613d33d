//! The docs workflow over folders: catalogs in `spec/locales/`, documents in
//! `docs/<TAG>/`, the POT template; and the freshness and coverage check.

use std::path::{Path, PathBuf};

use super::catalog::Catalog;
use super::plan::Plan;
use super::render::{Coverage, Options};
use super::{locale, render, template, DOC_FILE, POT_FILE, SOURCE_LOCALE};
use crate::error::{Error, Result};
use crate::ir::Api;
use crate::output::write_if_changed;

/// Every `<TAG>.po` in `dir`, sorted by tag; a file not named after a
/// locale tag (`sv_SE.po`) is an error naming it.
pub fn load_catalogs(dir: &Path) -> Result<Vec<Catalog>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(Error::Io {
                path: dir.to_path_buf(),
                source,
            })
        }
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "po"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|path| {
            let tag = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            locale::check(tag).map_err(|message| Error::CatalogName {
                path: path.clone(),
                message: format!("{message}; catalogs are named `<TAG>.po`"),
            })?;
            Catalog::load(path, tag)
        })
        .collect()
}

/// Where the document of `locale` goes under `out`.
pub fn doc_path(out: &Path, locale: &str) -> PathBuf {
    out.join(locale).join(DOC_FILE)
}

/// One rendered document.
#[derive(Debug)]
pub struct Rendered {
    /// Locale tag.
    pub locale: String,
    /// Document text.
    pub text: String,
    /// How its places were filled.
    pub coverage: Coverage,
}

/// English plus every catalog (or only the `only` locales, when given).
pub fn render_all(api: &Api, catalogs: &[Catalog], only: &[String]) -> Result<Vec<Rendered>> {
    render_all_with(api, catalogs, only, Options::default())
}

/// [`render_all`] with `options`.
pub fn render_all_with(
    api: &Api,
    catalogs: &[Catalog],
    only: &[String],
    options: Options,
) -> Result<Vec<Rendered>> {
    render_plan(&super::plan(api), catalogs, only, options)
}

/// [`render_all`] of an already built plan.
fn render_plan(
    plan: &Plan,
    catalogs: &[Catalog],
    only: &[String],
    options: Options,
) -> Result<Vec<Rendered>> {
    let wanted = |tag: &str| only.is_empty() || only.iter().any(|o| o == tag);
    let mut out = Vec::new();
    if wanted(SOURCE_LOCALE) {
        let (text, coverage) = render::render_with(plan, None, options)?;
        out.push(Rendered {
            locale: SOURCE_LOCALE.to_owned(),
            text,
            coverage,
        });
    }
    for catalog in catalogs.iter().filter(|c| wanted(&c.locale)) {
        let (text, coverage) = render::render_with(plan, Some(catalog), options)?;
        out.push(Rendered {
            locale: catalog.locale.clone(),
            text,
            coverage,
        });
    }
    Ok(out)
}

/// Writes each rendered document under `out` (only when changed); returns
/// the paths written.
pub fn write_docs(rendered: &[Rendered], out: &Path) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for r in rendered {
        let path = doc_path(out, &r.locale);
        if write_if_changed(&path, &r.text)? {
            written.push(path);
        }
    }
    Ok(written)
}

/// Writes the POT template into `locales` (only when changed), with the
/// overrides that `catalogs` hold (see [`template`]).
pub fn write_pot(api: &Api, catalogs: &[Catalog], locales: &Path) -> Result<Option<PathBuf>> {
    let path = locales.join(POT_FILE);
    let text = template::pot(api, &super::plan(api), catalogs)?;
    Ok(write_if_changed(&path, &text)?.then_some(path))
}

/// An obsolete (`#~`) entry of a catalog: kept, never shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// Locale of the catalog.
    pub locale: String,
    /// Its context, if it has one.
    pub key: Option<String>,
    /// Its line.
    pub line: usize,
}

/// What `check` found about the docs and catalogs.
#[derive(Debug, Default)]
pub struct CheckReport {
    /// Documents that differ from what the spec and catalogs render.
    pub stale: Vec<PathBuf>,
    /// Catalog entries whose place no longer exists: (locale, key, line).
    pub obsolete: Vec<(String, String, usize)>,
    /// Coverage per locale.
    pub coverage: Vec<(String, Coverage)>,
    /// Whether the POT template is out of date.
    pub stale_pot: Option<PathBuf>,
    /// Obsolete (`#~`) entries: reported, not a failure (gettext keeps
    /// them for when their English comes back).
    pub kept_obsolete: Vec<Kept>,
}

impl CheckReport {
    /// Whether anything must be fixed (fuzzy and missing translations are
    /// reported, not failures).
    pub fn is_ok(&self) -> bool {
        self.stale.is_empty() && self.obsolete.is_empty() && self.stale_pot.is_none()
    }

    /// Whether every place of every locale has a current translation (what
    /// `check --strict` requires on top of [`is_ok`](Self::is_ok)).
    pub fn is_complete(&self) -> bool {
        self.coverage.iter().all(|(_, c)| c.is_complete())
    }
}

/// Compares `docs` and the POT in `locales` with what would be generated,
/// and every catalog with the spec's places.
pub fn check(api: &Api, catalogs: &[Catalog], locales: &Path, docs: &Path) -> Result<CheckReport> {
    check_with(api, catalogs, locales, docs, Options::default())
}

/// [`check`], the docs rendered with `options` (as `generate` was run).
pub fn check_with(
    api: &Api,
    catalogs: &[Catalog],
    locales: &Path,
    docs: &Path,
    options: Options,
) -> Result<CheckReport> {
    let mut report = CheckReport::default();
    let plan = super::plan(api);
    let keys: std::collections::HashSet<&str> = plan
        .units()
        .into_iter()
        .flat_map(|u| [Some(u.place.as_str()), u.shared.as_deref()])
        .flatten()
        .collect();
    for catalog in catalogs {
        for (key, entry) in catalog.entries() {
            if !keys.contains(key) {
                report
                    .obsolete
                    .push((catalog.locale.clone(), key.to_owned(), entry.line));
            }
        }
        report
            .kept_obsolete
            .extend(catalog.obsolete().iter().map(|o| Kept {
                locale: catalog.locale.clone(),
                key: o.context.clone(),
                line: o.entry.line,
            }));
    }
    for r in render_plan(&plan, catalogs, &[], options)? {
        let path = doc_path(docs, &r.locale);
        if std::fs::read(&path).ok().as_deref() != Some(r.text.as_bytes()) {
            report.stale.push(path);
        }
        report.coverage.push((r.locale, r.coverage));
    }
    let pot_path = locales.join(POT_FILE);
    let pot = template::pot(api, &plan, catalogs)?;
    if std::fs::read(&pot_path).ok().as_deref() != Some(pot.as_bytes()) {
        report.stale_pot = Some(pot_path);
    }
    Ok(report)
}
