//! The POT template, and catalogs laid out the way `msgmerge` lays them out
//! against it — so that `msgmerge --update TAG.po iothub-mqtt5.pot` finds
//! nothing to change in a catalog this project wrote.
//!
//! The template holds every entry a catalog may hold: one per key (the
//! shared key of places showing the same English in the same role, else
//! the place), in document order, each with a comment naming the places it
//! serves; and, after the shared key, an entry for each place that some
//! catalog translates on its own (an override), so that `msgmerge` keeps
//! those translations too. Front matter values are header fields, which
//! `msgmerge` keeps as they are.

use std::collections::{HashMap, HashSet};

use super::catalog::{Catalog, Entry};
use super::plan::Plan;
use super::{front_matter, project_id};
use crate::error::Result;
use crate::ir::Api;

/// One entry of the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateEntry {
    /// Its key (`msgctxt`).
    pub key: String,
    /// The English text (`msgid`).
    pub english: String,
    /// Its comment (`#.`): the places it serves; empty when it serves
    /// only the place it is named after.
    pub comment: String,
    /// Whether it is a place's own entry beside a shared key's.
    pub is_override: bool,
}

/// Every entry a catalog of `plan` may hold, in template order: each key
/// where it first serves a place, each place of a shared key where it
/// appears.
pub fn all_entries(plan: &Plan) -> Vec<TemplateEntry> {
    let mut places: HashMap<&str, Vec<&str>> = HashMap::new();
    for unit in plan.units() {
        places.entry(unit.key()).or_default().push(&unit.place);
    }
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    for unit in plan.units() {
        let key = unit.key();
        if seen.insert(key) {
            let comment = match places[key].as_slice() {
                [only] if *only == key => String::new(),
                [only] => format!("Shown at {only}"),
                many if many.len() <= 4 => {
                    format!("Shown at {} places: {}", many.len(), many.join(", "))
                }
                many => format!(
                    "Shown at {} places, e.g. {}, …",
                    many.len(),
                    many[..3].join(", ")
                ),
            };
            out.push(TemplateEntry {
                key: key.to_owned(),
                english: unit.english.clone(),
                comment,
                is_override: false,
            });
        }
        if let Some(shared) = &unit.shared {
            out.push(TemplateEntry {
                key: unit.place.clone(),
                english: unit.english.clone(),
                comment: format!(
                    "Only here, instead of `{shared}`'s translation; left empty, that one is shown"
                ),
                is_override: true,
            });
        }
    }
    out
}

/// The template's entries: every key, and the overrides that one of
/// `catalogs` holds.
pub fn entries(plan: &Plan, catalogs: &[Catalog]) -> Vec<TemplateEntry> {
    all_entries(plan)
        .into_iter()
        .filter(|e| !e.is_override || catalogs.iter().any(|c| c.get(&e.key).is_some()))
        .collect()
}

/// The POT text of `api` (its `plan`) with the overrides `catalogs` hold:
/// a catalog of the source locale whose translations are all empty.
pub fn pot(api: &Api, plan: &Plan, catalogs: &[Catalog]) -> Result<String> {
    let metadata = plan.metadata.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let mut pot = Catalog::new(super::SOURCE_LOCALE);
    if let Some(date) = front_matter::revision_date(metadata) {
        pot.set_header_field("PO-Revision-Date", &date)?;
    }
    for e in entries(plan, catalogs) {
        let mut entry = Entry::new(&e.english, "");
        entry.notes.extracted = comment_lines(&e.comment);
        pot.insert(&e.key, entry)?;
    }
    Ok(pot.to_po(&project_id(api)))
}

fn comment_lines(comment: &str) -> Vec<String> {
    if comment.is_empty() {
        Vec::new()
    } else {
        vec![comment.to_owned()]
    }
}

/// Lays `catalog` out as `msgmerge` would against the template: its
/// entries in template order (entries the template lacks after them, as
/// they were), each with the template's comment and no references or
/// flags but `fuzzy`; translator comments and previous strings kept.
pub fn conform(plan: &Plan, catalog: &mut Catalog) {
    let all = all_entries(plan);
    let rank: HashMap<&str, usize> = all
        .iter()
        .enumerate()
        .map(|(i, e)| (e.key.as_str(), i))
        .collect();
    catalog.sort_entries_by_key(|key| rank.get(key).copied().unwrap_or(usize::MAX));
    for e in &all {
        if let Some(entry) = catalog.get_mut(&e.key) {
            entry.notes.extracted = comment_lines(&e.comment);
            entry.notes.references.clear();
            entry.notes.wrap = None;
            entry.notes.flags.clear();
        }
    }
}
