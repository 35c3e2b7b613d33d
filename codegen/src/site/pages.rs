//! The site's other pages: the landing page (every locale with its
//! coverage) and each locale's coverage page (its translated, fuzzy and
//! missing places, each linked to where it shows).

use askama::Template;

use crate::docs::Coverage;

/// How many places of a locale are current, fuzzy and missing.
#[derive(Debug, Clone, Copy)]
pub struct Counts {
    pub translated: usize,
    pub fuzzy: usize,
    pub missing: usize,
    pub total: usize,
    /// The current share, in whole percent.
    pub percent: usize,
}

impl Counts {
    /// The counts of `coverage`.
    pub fn of(coverage: &Coverage) -> Self {
        let total = coverage.total();
        Self {
            translated: coverage.translated,
            fuzzy: coverage.fuzzy_count(),
            missing: coverage.missing.len(),
            total,
            percent: (coverage.translated * 100)
                .checked_div(total)
                .unwrap_or(100),
        }
    }
}

/// A place linked to the section that shows it.
pub struct PlaceLink {
    pub key: String,
    pub anchor: String,
}

/// One list of the coverage page.
pub struct Group {
    pub id: &'static str,
    pub heading: &'static str,
    pub places: Vec<PlaceLink>,
}

#[derive(Template)]
#[template(path = "site/coverage.html")]
pub struct CoveragePage {
    pub tag: String,
    pub name: String,
    pub counts: Counts,
    pub groups: Vec<Group>,
}

/// A locale on the landing page.
pub struct LocaleRow {
    pub tag: String,
    pub name: String,
    pub counts: Counts,
}

#[derive(Template)]
#[template(path = "site/index.html")]
pub struct IndexPage {
    pub title: String,
    pub locales: Vec<LocaleRow>,
}
