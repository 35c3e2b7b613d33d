//! Translation catalogs: one gettext PO file per locale, with the lookup
//! rules of the translation policy. Reading and writing are in the
//! `read` and `write` modules ([`Catalog::load`], [`Catalog::to_po`]; the
//! PO format itself in [`po`](super::po)); what a catalog keeps besides translations — the
//! header fields, the locale's front matter values (header fields
//! `X-Front-Matter-KEY`), comments, flags, previous strings and obsolete
//! (`#~`) entries — survives a read and write unchanged.

mod header;
mod read;
mod write;

use std::collections::HashMap;

use super::front_matter;
use super::plan::Unit;
use crate::error::Error;

pub use header::{FRONT_MATTER_FIELD, GENERATOR};

/// `msgctxt` prefix of front matter values kept as entries, as catalogs
/// did before they kept them in the header (still read).
pub const FRONT_MATTER_PREFIX: &str = front_matter::PREFIX;

/// What an entry carries besides its texts: comments, flags other than
/// `fuzzy`, and the strings a fuzzy translation was made for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes {
    /// Translator comments (`# …`), one per line.
    pub comments: Vec<String>,
    /// Comments from the template (`#. …`), one per line.
    pub extracted: Vec<String>,
    /// References (`#: …`).
    pub references: Vec<String>,
    /// `no-wrap` (`Some(false)`) or `wrap` (`Some(true)`).
    pub wrap: Option<bool>,
    /// Other flags (`c-format`, …), as read.
    pub flags: Vec<String>,
    /// `#| msgctxt`: the context a fuzzy translation was made for.
    pub previous_msgctxt: Option<String>,
    /// `#| msgid`: the English a fuzzy translation was made for.
    pub previous_msgid: Option<String>,
}

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
    /// Comments, other flags, previous strings.
    pub notes: Notes,
}

impl Entry {
    /// A current (not fuzzy) translation of `msgid`, made in memory.
    pub fn new(msgid: &str, msgstr: &str) -> Self {
        Self {
            msgid: msgid.to_owned(),
            msgstr: msgstr.to_owned(),
            fuzzy: false,
            line: 0,
            notes: Notes::default(),
        }
    }

    /// Whether it translates `english`, not fuzzy, with a translation.
    fn is_current_for(&self, english: &str) -> bool {
        !self.fuzzy && self.msgid == english && !self.msgstr.trim().is_empty()
    }
}

/// An obsolete entry (`#~`): kept in the file for when its English comes
/// back, as gettext keeps it; never shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Obsolete {
    /// Its context, if it has one.
    pub context: Option<String>,
    /// The entry.
    pub entry: Entry,
}

/// Something in a catalog that works but wants attention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Line in the catalog file.
    pub line: usize,
    /// What and how to fix it.
    pub message: String,
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
    /// Header fields other than the front matter's, in file order.
    header: Vec<(String, String)>,
    /// Comments and flags of the header entry.
    header_notes: Notes,
    header_fuzzy: bool,
    obsolete: Vec<Obsolete>,
    warnings: Vec<Warning>,
}

/// Refuses what gettext cannot hold in a string: U+0000 anywhere, and the
/// context separator U+0004 in a context or English text.
fn check_text(context: &str, what: &str, text: &str, separator: bool) -> Result<(), Error> {
    let bad = text.contains('\0') || (separator && text.contains('\u{4}'));
    if bad {
        return Err(Error::InvalidEntry {
            context: context.to_owned(),
            message: format!("the {what} holds U+0000 or U+0004, which gettext cannot keep"),
        });
    }
    Ok(())
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
    /// msgid, text gettext cannot keep, or a context of the front matter's.
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
        check_text(context, "context", context, true)?;
        check_text(context, "English text", &entry.msgid, true)?;
        check_text(context, "translation", &entry.msgstr, false)?;
        if front_matter::key_of_context(context).is_some() {
            return invalid(
                "the context names a front matter value; use `set_front_matter` (kept in the header)",
            );
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
    /// which must be a plain key (letters, digits, `.`, `_`, `-`), with a
    /// value of one line (see [`front_matter::check_value`]).
    pub fn set_front_matter(&mut self, key: &str, value: &str) -> Result<(), Error> {
        let invalid = |message: String| Error::InvalidEntry {
            context: front_matter::field_of_key(key),
            message,
        };
        if !front_matter::is_plain_key(key) {
            return Err(invalid(format!(
                "front matter key `{key}` is not a plain key (letters, digits, `.`, `_`, `-`)"
            )));
        }
        front_matter::check_value(value)
            .map_err(|why| invalid(format!("front matter value of `{key}` {why}")))?;
        match self.front_matter.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value.to_owned(),
            None => self.front_matter.push((key.to_owned(), value.to_owned())),
        }
        Ok(())
    }

    /// The header field `name` as read (or set), other than the front
    /// matter's.
    pub fn header_field(&self, name: &str) -> Option<&str> {
        self.header
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Sets a header field (`PO-Revision-Date`, `Last-Translator`, …).
    /// The fields that [`to_po`](Self::to_po) decides (`Language`,
    /// `Content-Type`, …) are written as it decides whatever is set here.
    pub fn set_header_field(&mut self, name: &str, value: &str) -> Result<(), Error> {
        header::check_field(name, value).map_err(|message| Error::InvalidEntry {
            context: name.to_owned(),
            message,
        })?;
        match self.header.iter_mut().find(|(n, _)| n == name) {
            Some((_, v)) => *v = value.to_owned(),
            None => self.header.push((name.to_owned(), value.to_owned())),
        }
        Ok(())
    }

    /// The obsolete (`#~`) entries, in file order.
    pub fn obsolete(&self) -> &[Obsolete] {
        &self.obsolete
    }

    /// What reading the file found worth a warning (front matter values
    /// in the old form, a `Language` that is not the catalog's).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The entry of `context`.
    pub fn get(&self, context: &str) -> Option<&Entry> {
        self.entries.get(context)
    }

    /// The entry of `context`, to change its notes or texts in place.
    pub fn get_mut(&mut self, context: &str) -> Option<&mut Entry> {
        self.entries.get_mut(context)
    }

    /// Every entry with its context, in file order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &Entry)> {
        self.order
            .iter()
            .filter_map(|k| self.entries.get(k).map(|e| (k.as_str(), e)))
    }

    /// Puts the entries in the order of `rank` (smaller first); entries it
    /// ranks equal keep their order.
    pub fn sort_entries_by_key<K: Ord>(&mut self, mut rank: impl FnMut(&str) -> K) {
        self.order.sort_by_cached_key(|k| rank(k));
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The translation of `unit` and how it was found, fuzzy translations
    /// not used; see [`find_with`](Self::find_with).
    pub fn find<'a>(&'a self, unit: &'a Unit) -> Option<Found<'a>> {
        self.find_with(unit, false)
    }

    /// The translation of `unit` and how it was found. Of the place's own
    /// entry and the shared one, the first current translation
    /// ([`Status::Translated`]); with `use_fuzzy`, or when neither is
    /// current, the first with a translation ([`Status::Fuzzy`] unless
    /// current) — as msgfmt ignores fuzzy entries unless asked, a fuzzy
    /// entry of the place (as `msgmerge` makes for a new place) does not
    /// hide the shared translation. Else a suggestion: the fallback's
    /// entry, else the first entry in file order that translates the same
    /// English (translation memory). Empty translations are none.
    pub fn find_with<'a>(&'a self, unit: &'a Unit, use_fuzzy: bool) -> Option<Found<'a>> {
        let usable = |key: &'a str| {
            self.entries
                .get_key_value(key)
                .filter(|(_, e)| !e.msgstr.trim().is_empty())
                .map(|(k, e)| (k.as_str(), e))
        };
        let own: Vec<(&str, &Entry)> = [Some(&unit.place), unit.shared.as_ref()]
            .into_iter()
            .flatten()
            .filter_map(|key| usable(key))
            .collect();
        let current = own
            .iter()
            .find(|(_, e)| e.is_current_for(&unit.english))
            .filter(|_| !use_fuzzy);
        if let Some(&(key, entry)) = current.or_else(|| own.first()) {
            let status = if entry.is_current_for(&unit.english) {
                Status::Translated
            } else {
                Status::Fuzzy
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
}
