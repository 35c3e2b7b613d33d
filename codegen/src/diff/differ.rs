//! The walk's state: both specs and the changes found so far, each located
//! in both files as it is recorded.

use super::change::{Change, Impact, Kind};
use super::spec_file::SpecFile;

/// Both specs and the changes found so far.
pub(super) struct Differ<'a> {
    pub old: &'a SpecFile,
    pub new: &'a SpecFile,
    pub out: Vec<Change>,
}

/// Where a change is in each spec, as paths into the YAML
/// (`operations[2].qos`).
pub(super) struct At {
    pub old: String,
    pub new: String,
}

impl At {
    /// The same path in both specs.
    pub fn same(path: impl Into<String>) -> Self {
        let path = path.into();
        Self {
            old: path.clone(),
            new: path,
        }
    }

    /// Different paths.
    pub fn pair(old: impl Into<String>, new: impl Into<String>) -> Self {
        Self {
            old: old.into(),
            new: new.into(),
        }
    }

    /// Both paths with `suffix` added (`.qos`, `[3]`).
    pub fn join(&self, suffix: &str) -> Self {
        Self::pair(
            format!("{}{suffix}", self.old),
            format!("{}{suffix}", self.new),
        )
    }
}

impl<'a> Differ<'a> {
    pub fn new(old: &'a SpecFile, new: &'a SpecFile) -> Self {
        Self {
            old,
            new,
            out: Vec::new(),
        }
    }

    /// Records a change.
    pub fn push(
        &mut self,
        kind: Kind,
        impact: Impact,
        subject: impl Into<String>,
        detail: impl Into<String>,
        at: &At,
    ) {
        self.out.push(Change {
            kind,
            classes: impact.classes(),
            rust_api: impact.rust,
            subject: subject.into(),
            detail: detail.into(),
            old: self.old.locate(&at.old),
            new: self.new.locate(&at.new),
        });
    }

    /// Compares two lists, `list` being where each is: in the old list's
    /// order, each item is compared with its match by `same` (given where
    /// both are) or recorded as removed (at the list it left); then each
    /// new item without a match is recorded as added (at the list it joins).
    pub fn keyed<T>(
        &mut self,
        old: &[T],
        new: &[T],
        list: &At,
        how: Keyed<impl Fn(&T) -> String, impl Fn(&T) -> Listed, impl Fn(&T) -> Listed>,
        mut same: impl FnMut(&mut Self, &T, &T, &At),
    ) {
        let new_keys: Vec<String> = new.iter().map(&how.key).collect();
        let old_keys: Vec<String> = old.iter().map(&how.key).collect();
        for (i, o) in old.iter().enumerate() {
            match new_keys.iter().position(|k| *k == old_keys[i]) {
                Some(j) => {
                    let at = At::pair(format!("{}[{i}]", list.old), format!("{}[{j}]", list.new));
                    same(self, o, &new[j], &at);
                }
                None => {
                    let at = At::pair(format!("{}[{i}]", list.old), list.new.clone());
                    self.record((how.removed)(o), &at);
                }
            }
        }
        for (j, n) in new.iter().enumerate() {
            if !old_keys.contains(&new_keys[j]) {
                let at = At::pair(list.old.clone(), format!("{}[{j}]", list.new));
                self.record((how.added)(n), &at);
            }
        }
    }

    fn record(&mut self, listed: Listed, at: &At) {
        self.push(
            listed.kind,
            listed.impact,
            listed.subject,
            listed.detail,
            at,
        );
    }

    /// Records a prose change of `what` if the texts differ.
    pub fn prose(&mut self, subject: &str, what: &str, old: &str, new: &str, at: &At) {
        if old != new {
            self.push(
                Kind::ProseChanged,
                Impact::DOCS,
                subject,
                format!("{what}: «{}» → «{}»", short(old), short(new)),
                at,
            );
        }
    }

    /// [`Self::prose`] for optional texts.
    pub fn prose_opt(
        &mut self,
        subject: &str,
        what: &str,
        old: Option<&str>,
        new: Option<&str>,
        at: &At,
    ) {
        self.prose(subject, what, old.unwrap_or(""), new.unwrap_or(""), at);
    }
}

/// A text on one line, cut at 60 characters.
pub(super) fn short(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out: String = flat.chars().take(60).collect();
    if out.len() < flat.len() {
        out.push('…');
    }
    out
}

/// An item added to or removed from a list, to be recorded.
pub(super) struct Listed {
    pub kind: Kind,
    pub impact: Impact,
    pub subject: String,
    pub detail: String,
}

/// How the items of two lists are matched and reported.
pub(super) struct Keyed<K, R, A> {
    /// The key items are matched by.
    pub key: K,
    /// What an old item without a match is.
    pub removed: R,
    /// What a new item without a match is.
    pub added: A,
}
