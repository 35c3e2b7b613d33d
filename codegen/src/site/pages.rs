//! The site's other pages: the landing page (every locale with its
//! coverage) and each locale's coverage page (its translated, fuzzy and
//! missing places, each linked to where it shows).

use askama::Template;

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
    pub translated: usize,
    pub fuzzy: usize,
    pub missing: usize,
    pub total: usize,
    pub percent: usize,
    pub groups: Vec<Group>,
}

/// A locale on the landing page.
pub struct LocaleRow {
    pub tag: String,
    pub name: String,
    pub translated: usize,
    pub fuzzy: usize,
    pub missing: usize,
    pub total: usize,
    pub percent: usize,
}

#[derive(Template)]
#[template(path = "site/index.html")]
pub struct IndexPage {
    pub title: String,
    pub locales: Vec<LocaleRow>,
}
