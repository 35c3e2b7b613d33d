//! Each place's text in one locale, as HTML, with its freshness: a current
//! translation; or, where the translation is fuzzy or missing, the English
//! text marked as such (in its own language, `lang="en-US"`). Coverage is
//! counted as the Markdown rendering counts it.

use crate::docs::catalog::{Catalog, Status};
use crate::docs::plan::Unit;
use crate::docs::{Coverage, Options, Suggestion, SOURCE_LOCALE};

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
    /// Places in document order with their freshness.
    pub places: Vec<(String, Freshness)>,
}

impl<'a> Texts<'a> {
    /// The texts of `catalog`'s locale (English without one).
    pub fn new(catalog: Option<&'a Catalog>, options: Options) -> Self {
        Self {
            catalog,
            options,
            coverage: Coverage::default(),
            places: Vec::new(),
        }
    }

    /// The text shown for `unit` (Markdown inline syntax) and its freshness.
    pub fn raw(&mut self, unit: &Unit) -> (String, Freshness) {
        let Some(catalog) = self.catalog else {
            self.coverage.translated += 1;
            return (unit.english.clone(), Freshness::Current);
        };
        let found = catalog.find_with(unit, self.options.use_fuzzy);
        let freshness = match &found {
            None => {
                self.coverage.missing.push(unit.place.clone());
                Freshness::Missing
            }
            Some(f) => match f.status {
                Status::Translated => {
                    self.coverage.translated += 1;
                    Freshness::Current
                }
                Status::Fuzzy => {
                    self.coverage.fuzzy.push(unit.place.clone());
                    Freshness::Fuzzy
                }
                Status::Suggested => {
                    self.coverage.suggested.push(Suggestion {
                        place: unit.place.clone(),
                        from: f.key.to_owned(),
                    });
                    Freshness::Fuzzy
                }
                Status::Missing => {
                    self.coverage.missing.push(unit.place.clone());
                    Freshness::Missing
                }
            },
        };
        self.places.push((unit.place.clone(), freshness));
        let text = match found {
            Some(f) if f.status == Status::Translated || self.options.use_fuzzy => {
                f.entry.msgstr.clone()
            }
            _ => unit.english.clone(),
        };
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
        let stale = self.places[from..].iter().map(|(_, f)| *f);
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
