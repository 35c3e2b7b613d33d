//! Translation catalogs: one gettext PO file per locale, read and written
//! with `polib` (after the `po_lint` check of the text), and
//! the lookup rules of the translation policy.

use std::collections::HashMap;
use std::path::Path;

use polib::catalog::Catalog as PoCatalog;
use polib::message::{Message, MessageFlags};
use polib::metadata::CatalogMetadata;

use super::front_matter;
use super::plan::Unit;
use super::po_lint;
use crate::error::Error;

/// `msgctxt` prefix of locale-specific front matter values (not translations).
pub const FRONT_MATTER_PREFIX: &str = front_matter::PREFIX;

/// One translation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The English text it translates (`msgid`).
    pub msgid: String,
    /// The translation (`msgstr`).
    pub msgstr: String,
    /// Marked `#, fuzzy` in the file.
    pub fuzzy: bool,
    /// Line of the entry in its file (0 for entries made in memory).
    pub line: usize,
}

/// How a place was found in a catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// A current translation.
    Translated,
    /// The place's own (or shared) entry translates older English, or is
    /// marked `#, fuzzy`: not shown unless fuzzy translations are used.
    Fuzzy,
    /// The place has no entry; the translation of the same (or, for a
    /// fallback, related) English elsewhere in the catalog is suggested, as
    /// msgmerge's translation memory does: fuzzy, never "English changed".
    Suggested,
    /// No translation: English shown, reported.
    Missing,
}

/// A translation found for a place: the entry, its key and how it fits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found<'a> {
    /// The key of the entry (`msgctxt`).
    pub key: &'a str,
    /// The entry.
    pub entry: &'a Entry,
    /// How it fits the place.
    pub status: Status,
}

/// A locale's catalog.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Locale tag, e.g. `sv-SE`.
    pub locale: String,
    entries: HashMap<String, Entry>,
    order: Vec<String>,
    /// Front matter keys and values of this locale's document that are not
    /// translations (`ms.contentlocale`, `ms.locfileid`, …), in order.
    front_matter: Vec<(String, String)>,
}

impl Catalog {
    /// An empty catalog for `locale`.
    pub fn new(locale: &str) -> Self {
        Self {
            locale: locale.to_owned(),
            ..Self::default()
        }
    }

    /// Adds or replaces the entry of `context`. Refuses what a PO catalog
    /// cannot hold (so that [`to_po`](Self::to_po) then
    /// [`parse`](Self::parse) gives back every catalog): an empty context or
    /// msgid, or a context of the front matter's.
    pub fn insert(&mut self, context: &str, entry: Entry) -> Result<(), Error> {
        let invalid = |message: &str| {
            Err(Error::InvalidEntry {
                context: context.to_owned(),
                message: message.to_owned(),
            })
        };
        if context.is_empty() {
            return invalid("the context (`msgctxt`) is empty");
        }
        if entry.msgid.is_empty() {
            return invalid("the English text (`msgid`) is empty");
        }
        if front_matter::key_of_context(context).is_some() {
            return invalid("the context names a front matter value; use `set_front_matter`");
        }
        if self.entries.insert(context.to_owned(), entry).is_none() {
            self.order.push(context.to_owned());
        }
        Ok(())
    }

    /// Front matter keys and values of this locale's document that are not
    /// translations (`ms.contentlocale`, `ms.locfileid`, …), in order.
    pub fn front_matter(&self) -> &[(String, String)] {
        &self.front_matter
    }

    /// The front matter value of `key`.
    pub fn front_matter_value(&self, key: &str) -> Option<&str> {
        self.front_matter
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Sets (adds, or replaces in place) the front matter value of `key`,
    /// which must be a plain key (letters, digits, `.`, `_`, `-`).
    pub fn set_front_matter(&mut self, key: &str, value: &str) -> Result<(), Error> {
        if !front_matter::is_plain_key(key) {
            return Err(Error::InvalidEntry {
                context: front_matter::context_of_key(key),
                message: format!(
                    "front matter key `{key}` is not a plain key (letters, digits, `.`, `_`, `-`)"
                ),
            });
        }
        match self.front_matter.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value.to_owned(),
            None => self.front_matter.push((key.to_owned(), value.to_owned())),
        }
        Ok(())
    }

    /// The entry of `context`.
    pub fn get(&self, context: &str) -> Option<&Entry> {
        self.entries.get(context)
    }

    /// Every entry with its context, in file order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.order
            .iter()
            .filter_map(|k| self.entries.get(k).map(|e| (k.as_str(), e)))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The translation of `unit` and how it was found: the place's own
    /// entry, else the shared one (translated, or fuzzy when it is marked so
    /// or translates other English); else a suggestion: the fallback's
    /// entry, else the first entry in file order that translates the same
    /// English (translation memory). Empty translations are none.
    pub fn find<'a>(&'a self, unit: &'a Unit) -> Option<Found<'a>> {
        let usable = |key: &'a str| {
            self.entries
                .get_key_value(key)
                .filter(|(_, e)| !e.msgstr.trim().is_empty())
                .map(|(k, e)| (k.as_str(), e))
        };
        let own = [Some(&unit.place), unit.shared.as_ref()]
            .into_iter()
            .flatten()
            .find_map(|key| usable(key));
        if let Some((key, entry)) = own {
            let status = if entry.fuzzy || entry.msgid != unit.english {
                Status::Fuzzy
            } else {
                Status::Translated
            };
            return Some(Found { key, entry, status });
        }
        let suggested = unit.fallback.as_deref().and_then(usable).or_else(|| {
            self.entries()
                .find(|(_, e)| !e.fuzzy && e.msgid == unit.english && !e.msgstr.trim().is_empty())
        });
        suggested.map(|(key, entry)| Found {
            key,
            entry,
            status: Status::Suggested,
        })
    }

    /// The translation of `unit` (English when there is none) and how it
    /// was found; see [`find`](Self::find). Whether a fuzzy or suggested
    /// translation is shown is the renderer's choice.
    pub fn lookup<'a>(&'a self, unit: &'a Unit) -> (&'a str, Status) {
        match self.find(unit) {
            Some(found) => (&found.entry.msgstr, found.status),
            None => (&unit.english, Status::Missing),
        }
    }

    /// Reads the catalog at `path`.
    pub fn load(path: &Path, locale: &str) -> Result<Self, Error> {
        let text = std::fs::read(path).map_err(|source| Error::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let text = String::from_utf8(text).map_err(|e| {
            let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            Error::Catalog {
                path: path.to_path_buf(),
                line,
                message: "the file is not valid UTF-8".to_owned(),
            }
        })?;
        Self::parse(&text, path, locale)
    }

    /// Parses catalog `text`; `path` names it in errors.
    pub fn parse(text: &str, path: &Path, locale: &str) -> Result<Self, Error> {
        let layout = po_lint::check(text).map_err(|problems| Error::Catalog {
            path: path.to_path_buf(),
            line: problems[0].line,
            message: problems
                .iter()
                .map(|p| format!("line {}: {}", p.line, p.message))
                .collect::<Vec<_>>()
                .join("; "),
        })?;
        let po =
            polib::po_file::parse_from_reader(text.as_bytes()).map_err(|e| Error::Catalog {
                path: path.to_path_buf(),
                line: 1,
                message: e.to_string(),
            })?;
        let mut catalog = Catalog::new(locale);
        // The parser makes an empty message of a comment block standing
        // alone; the check has made sure that every entry has a msgid.
        let messages = po.messages().filter(|m| !m.msgid().is_empty());
        for (message, line) in messages.zip(layout.entry_lines.iter().copied()) {
            let context = message.msgctxt().unwrap_or_default().to_owned();
            let msgstr = message.msgstr().unwrap_or_default().to_owned();
            if let Some(key) = front_matter::key_of_context(&context) {
                if !front_matter::is_plain_key(key) {
                    return Err(Error::Catalog {
                        path: path.to_path_buf(),
                        line,
                        message: format!(
                            "front matter key `{key}` is not a plain key (letters, digits, `.`, `_`, `-`)"
                        ),
                    });
                }
                catalog.front_matter.push((key.to_owned(), msgstr));
                continue;
            }
            let entry = Entry {
                msgid: message.msgid().to_owned(),
                msgstr,
                fuzzy: message.flags().is_fuzzy(),
                line,
            };
            catalog
                .insert(&context, entry)
                .map_err(|e| Error::Catalog {
                    path: path.to_path_buf(),
                    line,
                    message: e.to_string(),
                })?;
        }
        Ok(catalog)
    }

    /// The catalog as PO text, entries in their order.
    pub fn to_po(&self, project: &str) -> String {
        let mut po = PoCatalog::new(metadata(project, &self.locale));
        for (key, value) in &self.front_matter {
            po.append_or_update(
                Message::build_singular()
                    .with_extracted_comments(
                        "Front matter value of this locale's document (not a translation)."
                            .to_owned(),
                    )
                    .with_msgctxt(front_matter::context_of_key(key))
                    .with_msgid(key.clone())
                    .with_msgstr(value.clone())
                    .done(),
            );
        }
        for (context, entry) in self.entries() {
            let mut flags = MessageFlags::new();
            if entry.fuzzy {
                flags.add_flag("fuzzy");
            }
            po.append_or_update(
                Message::build_singular()
                    .with_flags(flags)
                    .with_msgctxt(context.to_owned())
                    .with_msgid(entry.msgid.clone())
                    .with_msgstr(entry.msgstr.clone())
                    .done(),
            );
        }
        write_po(&po)
    }
}

/// The header every catalog and the template carry.
pub fn metadata(project: &str, locale: &str) -> CatalogMetadata {
    let mut m = CatalogMetadata::new();
    m.project_id_version = project.to_owned();
    m.language = locale.to_owned();
    m.mime_version = "1.0".to_owned();
    m.content_type = "text/plain; charset=UTF-8".to_owned();
    m.content_transfer_encoding = "8bit".to_owned();
    m
}

/// PO text of a polib catalog.
pub fn write_po(po: &PoCatalog) -> String {
    let mut buffer = std::io::BufWriter::new(Vec::new());
    // Writing to memory cannot fail.
    let _ = polib::po_file::write(po, &mut buffer);
    String::from_utf8(buffer.into_inner().unwrap_or_default()).unwrap_or_default()
}
