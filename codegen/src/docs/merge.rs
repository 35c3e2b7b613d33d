//! Merging an imported catalog into an existing one, so that a translator's
//! work is never lost silently: existing translations are kept, new ones
//! added, an empty existing translation filled, and every place where the
//! two disagree reported with both texts (the existing one wins). What the
//! existing catalog holds besides translations (header, comments, obsolete
//! entries) stays.

use super::catalog::{Catalog, Entry};
use super::front_matter;

/// A place where the existing catalog and the import disagree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The entry's context (`msgctxt`), or `front-matter.meta.KEY`.
    pub key: String,
    /// Line of the existing entry in its file (0 for front matter and
    /// catalogs made in memory).
    pub line: usize,
    /// The existing translation (kept).
    pub existing: String,
    /// The imported translation (not taken).
    pub imported: String,
}

/// The result of a merge.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The existing catalog with the import's new entries.
    pub catalog: Catalog,
    /// Entries (and front matter values) taken from the import.
    pub added: usize,
    /// Entries both have alike.
    pub unchanged: usize,
    /// Entries where they differ; the existing one was kept.
    pub conflicts: Vec<Conflict>,
}

/// Merges `imported` into `existing` (see the module documentation). New
/// entries come after the existing ones, in the import's order.
pub fn merge(existing: &Catalog, imported: &Catalog) -> Merged {
    let mut catalog = existing.clone();
    let mut merged = Merged {
        catalog: Catalog::new(&existing.locale),
        added: 0,
        unchanged: 0,
        conflicts: Vec::new(),
    };
    for (key, new) in imported.entries() {
        match existing.get(key) {
            Some(old) if old.msgid == new.msgid && old.msgstr == new.msgstr => {
                merged.unchanged += 1
            }
            // The same translation, confirmed for the current English: the
            // entry now translates it (no longer fuzzy), not a conflict.
            Some(old) if old.msgstr == new.msgstr => {
                let mut entry = Entry {
                    msgid: new.msgid.clone(),
                    fuzzy: false,
                    ..old.clone()
                };
                entry.notes.previous_msgctxt = None;
                entry.notes.previous_msgid = None;
                if catalog.insert(key, entry).is_ok() {
                    merged.unchanged += 1;
                }
            }
            Some(old) if !old.msgstr.trim().is_empty() => merged.conflicts.push(Conflict {
                key: key.to_owned(),
                line: old.line,
                existing: old.msgstr.clone(),
                imported: new.msgstr.clone(),
            }),
            // None, or an empty translation (as one started from the POT has).
            _ => {
                // The existing entry's line and translator comments stay.
                let entry = match existing.get(key) {
                    Some(old) => Entry {
                        msgid: new.msgid.clone(),
                        msgstr: new.msgstr.clone(),
                        fuzzy: new.fuzzy,
                        ..old.clone()
                    },
                    None => new.clone(),
                };
                // Both catalogs hold only valid entries.
                if catalog.insert(key, entry).is_ok() {
                    merged.added += 1;
                }
            }
        }
    }
    for (key, value) in imported.front_matter() {
        match existing.front_matter_value(key) {
            Some(old) if old == value => merged.unchanged += 1,
            Some(old) => merged.conflicts.push(Conflict {
                key: front_matter::context_of_key(key),
                line: 0,
                existing: old.to_owned(),
                imported: value.clone(),
            }),
            None => {
                if catalog.set_front_matter(key, value).is_ok() {
                    merged.added += 1;
                }
            }
        }
    }
    merged.catalog = catalog;
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(msgid: &str, msgstr: &str) -> Entry {
        Entry::new(msgid, msgstr)
    }

    #[test]
    fn keeps_existing_adds_new_and_reports_conflicts() {
        let mut old = Catalog::new("sv-SE");
        old.insert("a", entry("A", "a-old")).expect("valid");
        old.insert("b", entry("B", "b")).expect("valid");
        old.insert("e", entry("E", "")).expect("valid");
        old.set_front_matter("ms.date", "1").expect("valid");
        let mut new = Catalog::new("sv-SE");
        new.insert("a", entry("A", "a-new")).expect("valid");
        new.insert("b", entry("B", "b")).expect("valid");
        new.insert("c", entry("C", "c")).expect("valid");
        new.insert("e", entry("E", "e")).expect("valid");
        new.set_front_matter("ms.date", "2").expect("valid");
        new.set_front_matter("ms.locfileid", "9").expect("valid");
        let m = merge(&old, &new);
        let texts: Vec<(&str, &str)> = m
            .catalog
            .entries()
            .map(|(k, e)| (k, e.msgstr.as_str()))
            .collect();
        assert_eq!(texts, [("a", "a-old"), ("b", "b"), ("e", "e"), ("c", "c")]);
        assert_eq!(m.added, 3);
        assert_eq!(m.unchanged, 1);
        assert_eq!(
            m.conflicts
                .iter()
                .map(|c| (c.key.as_str(), c.existing.as_str(), c.imported.as_str()))
                .collect::<Vec<_>>(),
            [
                ("a", "a-old", "a-new"),
                ("front-matter.meta.ms.date", "1", "2")
            ]
        );
        assert_eq!(
            m.catalog.front_matter(),
            [
                ("ms.date".to_owned(), "1".to_owned()),
                ("ms.locfileid".to_owned(), "9".to_owned())
            ]
        );
    }

    #[test]
    fn the_same_translation_of_newer_english_updates_the_entry_without_a_conflict() {
        let mut old = Catalog::new("sv-SE");
        old.insert(
            "a",
            Entry {
                fuzzy: true,
                ..entry("Old English", "text")
            },
        )
        .expect("valid");
        let mut new = Catalog::new("sv-SE");
        new.insert("a", entry("New English", "text"))
            .expect("valid");
        let m = merge(&old, &new);
        assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
        let a = m.catalog.get("a").expect("kept");
        assert_eq!(
            (a.msgid.as_str(), a.msgstr.as_str(), a.fuzzy),
            ("New English", "text", false)
        );
    }
}
