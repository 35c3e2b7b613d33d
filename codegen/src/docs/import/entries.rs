//! From the translations found for each place to catalog entries.

use std::collections::HashMap;

use super::super::catalog::Entry;
use super::super::plan::Unit;
use super::aligner::Found;

/// Catalog entries from what was found: per key, the translation of the
/// place that owns the key, else the most frequent one (the first on a tie);
/// places whose translation differs get an entry of their own.
pub(super) fn entries(found: &[Found<'_>]) -> Vec<(String, Entry)> {
    let mut keys: Vec<&str> = Vec::new();
    let mut by_key: HashMap<&str, Vec<&Found<'_>>> = HashMap::new();
    for f in found {
        let key = f.unit.key();
        if !by_key.contains_key(key) {
            keys.push(key);
        }
        by_key.entry(key).or_default().push(f);
    }
    let entry = |unit: &Unit, text: &str| Entry::new(&unit.english, text);
    let mut out: Vec<(String, Entry)> = Vec::new();
    let mut written: std::collections::HashSet<String> = std::collections::HashSet::new();
    for key in keys {
        let group = &by_key[key];
        let owner = group.iter().find(|f| f.unit.place == key);
        let chosen = match owner {
            Some(o) => o.text.as_str(),
            None => {
                let mut counts: Vec<(&str, usize)> = Vec::new();
                for f in group {
                    match counts.iter_mut().find(|(t, _)| *t == f.text) {
                        Some((_, n)) => *n += 1,
                        None => counts.push((&f.text, 1)),
                    }
                }
                // max_by_key keeps the last maximum; reverse to prefer the first.
                counts
                    .iter()
                    .rev()
                    .max_by_key(|(_, n)| *n)
                    .map_or("", |(t, _)| *t)
            }
        };
        let first = group[0].unit;
        out.push((key.to_owned(), entry(first, chosen)));
        written.insert(key.to_owned());
        for f in group {
            if f.text != chosen && f.unit.place != key && written.insert(f.unit.place.clone()) {
                out.push((f.unit.place.clone(), entry(f.unit, &f.text)));
            }
        }
    }
    out
}
