//! Each place's text in one locale, as HTML, with its freshness: a current
//! translation; or, where the translation is fuzzy or missing, the English
//! text marked as such (in its own language, `lang="en-US"`). Texts and
//! coverage come from the Markdown rendering's own lookup (`docs::render`).

use crate::docs::catalog::{Catalog, Status};
use crate::docs::plan::Unit;
use crate::docs::render::fill;
use crate::docs::{Coverage, Options, SOURCE_LOCALE};

use super::inline;

/// How current a place's text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Translated for the current English (or the source locale).
    Current,
    /// Its translation was made for older English (or is marked fuzzy, or
    /// is suggested from elsewhere).
    Fuzzy,
    /// Not translated.
    Missing,
}

/// A place as shown on a page.
#[derive(Debug, Clone)]
pub struct Place {
    /// Its key.
    pub key: String,
    /// How current its text is.
    pub freshness: Freshness,
    /// The id of the section it shows in.
    pub section: String,
}

/// What a reader is told about a stale place.
pub const FUZZY_NOTE: &str = "This text has not been translated since the English changed.";
/// What a reader is told about an untranslated place.
pub const MISSING_NOTE: &str = "This text has not been translated yet.";

/// The texts of one locale.
#[derive(Debug)]
pub struct Texts<'a> {
    catalog: Option<&'a Catalog>,
    options: Options,
    /// How every place was filled so far.
    pub coverage: Coverage,
    /// Places in document order.
    pub places: Vec<Place>,
    /// The id of the section the next places show in.
    pub section: String,
}

impl<'a> Texts<'a> {
    /// The texts of `catalog`'s locale (English without one).
    pub fn new(catalog: Option<&'a Catalog>, options: Options) -> Self {
        Self {
            catalog,
            options,
            coverage: Coverage::default(),
            places: Vec::new(),
            section: String::new(),
        }
    }

    /// The text shown for `unit` (Markdown inline syntax) and its freshness.
    pub fn raw(&mut self, unit: &Unit) -> (String, Freshness) {
        let (text, freshness) = match self.catalog {
            None => {
                self.coverage.translated += 1;
                (unit.english.clone(), Freshness::Current)
            }
            Some(catalog) => {
                let (text, status) = fill(catalog, unit, self.options, &mut self.coverage);
                let freshness = match status {
                    Status::Translated => Freshness::Current,
                    Status::Fuzzy | Status::Suggested => Freshness::Fuzzy,
                    Status::Missing => Freshness::Missing,
                };
                (text, freshness)
            }
        };
        self.places.push(Place {
            key: unit.place.clone(),
            freshness,
            section: self.section.clone(),
        });
        (text, freshness)
    }

    /// The HTML shown for `unit`: a stale place is wrapped in a marked
    /// `<span>` naming its place (and in English, unless fuzzy
    /// translations are shown).
    pub fn html(&mut self, unit: &Unit) -> String {
        let (text, freshness) = self.raw(unit);
        let html = inline::to_html(&text);
        let (class, note) = match freshness {
            Freshness::Current => return html,
            Freshness::Fuzzy => ("stale fuzzy", FUZZY_NOTE),
            Freshness::Missing => ("stale missing", MISSING_NOTE),
        };
        let lang = if freshness == Freshness::Fuzzy && self.options.use_fuzzy {
            String::new()
        } else {
            format!(" lang=\"{SOURCE_LOCALE}\"")
        };
        format!(
            "<span class=\"{class}\"{lang} data-place=\"{}\" title=\"{}\">{html}</span>",
            inline::escape(&unit.place),
            inline::escape(note)
        )
    }

    /// The plain text shown for `unit` (for `<title>` and `<meta>`).
    pub fn plain(&mut self, unit: &Unit) -> String {
        let (text, _) = self.raw(unit);
        text.replace(['`', '*'], "")
    }

    /// The freshness of the places recorded since `from` (an index into
    /// [`places`](Self::places)): the stalest of them.
    pub fn stalest_since(&self, from: usize) -> Freshness {
        let stale = self.places[from..].iter().map(|p| p.freshness);
        let mut out = Freshness::Current;
        for f in stale {
            match f {
                Freshness::Fuzzy => return Freshness::Fuzzy,
                Freshness::Missing => out = Freshness::Missing,
                Freshness::Current => {}
            }
        }
        out
    }
}
