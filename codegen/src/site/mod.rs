//! The localized reference as a static site: one page per locale, from the
//! same plan and catalogs as the Markdown documents (no second source of
//! text), with the anchors the Markdown uses, a language switcher on every
//! section (plain links: it works without JavaScript; a small script lets
//! the page's own switcher keep the reader's section), `lang`/`dir`
//! attributes, `hreflang` alternates and a canonical link; each place whose
//! translation is fuzzy or missing shows the English text, marked; each page
//! says how much of it is current, and a coverage page per locale lists its
//! places. Every text is escaped by askama's HTML escaper; links are
//! relative, so the site can be hosted anywhere.
//!
//! ```text
//! site/index.html                 every locale with its coverage
//! site/site.css, site/site.js
//! site/<TAG>/index.html           the reference in TAG
//! site/<TAG>/coverage.html        its translated, fuzzy and missing places
//! ```

mod inline;
pub mod languages;
mod pages;
mod reference;
pub mod text;

use std::path::{Path, PathBuf};

use askama::Template;

use crate::docs::{plan, Catalog, Coverage, Options, SOURCE_LOCALE};
use crate::error::Result;
use crate::ir::Api;
use crate::output::write_if_changed;

pub use reference::{FUZZY_SECTION, MISSING_SECTION};
pub use text::{FUZZY_NOTE, MISSING_NOTE};

/// The file name of a locale's reference page (and of the landing page).
pub const PAGE: &str = "index.html";
/// The file name of a locale's coverage page.
pub const COVERAGE_PAGE: &str = "coverage.html";

const CSS: &str = include_str!("../../templates/site/site.css");
const JS: &str = include_str!("../../templates/site/site.js");

/// A locale of the site.
#[derive(Debug, Clone)]
pub struct Locale {
    /// Its tag.
    pub tag: String,
    /// The language's name in itself.
    pub name: String,
    /// `ltr` or `rtl`.
    pub dir: &'static str,
}

/// One file of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// Its path under the site's folder.
    pub path: PathBuf,
    /// Its content.
    pub content: String,
}

/// The whole site.
#[derive(Debug, Clone)]
pub struct Site {
    /// Every file.
    pub pages: Vec<Page>,
    /// Each locale's coverage (the source locale's is complete).
    pub coverage: Vec<(String, Coverage)>,
}

/// The site of `api` in English and every catalog's locale.
pub fn build(api: &Api, catalogs: &[Catalog], options: Options) -> Result<Site> {
    let plan = plan(api);
    let mut sorted: Vec<&Catalog> = catalogs.iter().collect();
    sorted.sort_by(|a, b| a.locale.cmp(&b.locale));
    let mut tags: Vec<&str> = vec![SOURCE_LOCALE];
    tags.extend(sorted.iter().map(|c| c.locale.as_str()));
    let locales: Vec<Locale> = tags
        .iter()
        .map(|tag| Locale {
            tag: (*tag).to_owned(),
            name: languages::name(tag, &tags),
            dir: languages::direction(tag),
        })
        .collect();
    let mut pages = vec![
        Page {
            path: PathBuf::from("site.css"),
            content: CSS.to_owned(),
        },
        Page {
            path: PathBuf::from("site.js"),
            content: JS.to_owned(),
        },
    ];
    let mut coverage = Vec::new();
    let mut rows = Vec::new();
    for locale in &locales {
        let catalog = sorted.iter().copied().find(|c| c.locale == locale.tag);
        let mut texts = text::Texts::new(catalog, options);
        let (page, cov) = reference::page(&plan, &mut texts, &locales, locale);
        pages.push(Page {
            path: Path::new(&locale.tag).join(PAGE),
            content: page.render()?,
        });
        let by = |wanted: text::Freshness| -> Vec<pages::PlaceLink> {
            texts
                .places
                .iter()
                .filter(|p| p.freshness == wanted)
                .map(|p| pages::PlaceLink {
                    key: p.key.clone(),
                    anchor: p.section.clone(),
                })
                .collect()
        };
        let counts = pages::Counts::of(&cov);
        let coverage_page = pages::CoveragePage {
            tag: locale.tag.clone(),
            name: locale.name.clone(),
            counts,
            groups: vec![
                pages::Group {
                    id: "fuzzy",
                    heading: "Fuzzy",
                    places: by(text::Freshness::Fuzzy),
                },
                pages::Group {
                    id: "missing",
                    heading: "Missing",
                    places: by(text::Freshness::Missing),
                },
                pages::Group {
                    id: "translated",
                    heading: "Translated",
                    places: by(text::Freshness::Current),
                },
            ],
        };
        pages.push(Page {
            path: Path::new(&locale.tag).join(COVERAGE_PAGE),
            content: coverage_page.render()?,
        });
        rows.push(pages::LocaleRow {
            tag: locale.tag.clone(),
            name: locale.name.clone(),
            counts,
        });
        coverage.push((locale.tag.clone(), cov));
    }
    let index = pages::IndexPage {
        title: api.document.heading.replace(['`', '*'], ""),
        locales: rows,
    };
    pages.push(Page {
        path: PathBuf::from(PAGE),
        content: index.render()?,
    });
    Ok(Site { pages, coverage })
}

/// Writes the pages that changed under `out`; returns their paths.
pub fn write(site: &Site, out: &Path) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    for page in &site.pages {
        let path = out.join(&page.path);
        if write_if_changed(&path, &page.content)? {
            written.push(path);
        }
    }
    Ok(written)
}
