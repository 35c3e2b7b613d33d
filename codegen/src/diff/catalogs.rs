//! What a spec change does to each translation catalog: the places whose
//! translation becomes fuzzy (their English changed) or missing (they are
//! new), found by judging each catalog against the old and the new
//! document plan exactly as rendering does.

use crate::docs::{render, Catalog, Coverage};
use crate::error::Result;
use crate::ir::Api;

/// The effect of a change on one catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocaleEffect {
    /// The catalog's locale.
    pub locale: String,
    /// Places current (or missing) before and fuzzy after, in document order.
    pub fuzzy: Vec<String>,
    /// Places missing after that were not before, in document order.
    pub missing: Vec<String>,
}

fn fuzzy_places(coverage: &Coverage) -> Vec<String> {
    coverage
        .fuzzy
        .iter()
        .cloned()
        .chain(coverage.suggested.iter().map(|s| s.place.clone()))
        .collect()
}

/// The effect on every catalog, in the catalogs' order.
pub fn effects(old: &Api, new: &Api, catalogs: &[Catalog]) -> Result<Vec<LocaleEffect>> {
    let mut out = Vec::new();
    for catalog in catalogs {
        let (_, before) = render(old, Some(catalog))?;
        let (_, after) = render(new, Some(catalog))?;
        let was_fuzzy = fuzzy_places(&before);
        let fuzzy = fuzzy_places(&after)
            .into_iter()
            .filter(|p| !was_fuzzy.contains(p))
            .collect();
        let missing = after
            .missing
            .iter()
            .filter(|p| !before.missing.contains(p))
            .cloned()
            .collect();
        out.push(LocaleEffect {
            locale: catalog.locale.clone(),
            fuzzy,
            missing,
        });
    }
    Ok(out)
}
