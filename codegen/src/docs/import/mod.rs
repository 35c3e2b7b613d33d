//! Import: recover a catalog from a localized reference document by aligning
//! it with the spec's plan — by anchors where the document has them, by
//! position where it does not — and report, with line numbers, what could
//! not be aligned. Identifiers the document translated are not taken: the
//! canonical identifier stays.
//!
//! The catalog comes out as `msgmerge` would lay it out against the
//! template (see [`template::conform`]), its `PO-Revision-Date` the
//! document's hand-off (or article) date when its front matter has one.
//!
//! `mod.rs` walks the document's top sections and front matter; the
//! `aligner` matches operations, sections, tables and responses with the
//! plan; `entries` turns what was found into catalog entries.

mod aligner;
mod entries;
mod tables;

use super::catalog::Catalog;
use super::front_matter::{is_plain_key, revision_date, unquote, LOCALE_KEYS};
use super::markdown::{self, Block};
use super::plan::{self, Plan};
use super::template;
use crate::ir::Api;

use aligner::{claimed, paragraph, split_at_level, Aligner};

/// Something in the document that could not be matched with the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unaligned {
    /// Line in the document.
    pub line: usize,
    /// What did not fit.
    pub message: String,
}

/// The share of the spec's places (in percent) that a document must align
/// to be imported: the seeds align all of them, a partial translation of a
/// third of the document still imports, a document that is not this API's
/// reference (a README, another API's reference) aligns a few headings at
/// most and is refused.
pub const MIN_ALIGNED_PERCENT: usize = 20;

/// The result of an import.
#[derive(Debug, Clone)]
pub struct Import {
    /// The recovered catalog.
    pub catalog: Catalog,
    /// What could not be aligned.
    pub unaligned: Vec<Unaligned>,
    /// Places of the spec's document that the document aligned.
    pub aligned: usize,
    /// Places of the spec's document.
    pub total: usize,
}

impl Import {
    /// Whether enough of the document aligned ([`MIN_ALIGNED_PERCENT`]) for
    /// it to be taken as a localized reference of this API.
    pub fn is_reference(&self) -> bool {
        self.aligned * 100 >= MIN_ALIGNED_PERCENT * self.total.max(1)
    }
}

/// Imports the localized reference `text` of `locale`.
pub fn import(api: &Api, locale: &str, text: &str) -> Import {
    let plan = plan::plan(api);
    let mut a = Aligner {
        found: Vec::new(),
        unaligned: Vec::new(),
    };
    let mut catalog = Catalog::new(locale);

    let (front, _) = markdown::front_matter(text);
    let values: Vec<(String, String)> = front
        .iter()
        .map(|(key, raw, _)| (key.clone(), unquote(raw)))
        .collect();
    if let Some(date) = revision_date(values.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
        // A date this function wrote is one line of printable text.
        let _ = catalog.set_header_field("PO-Revision-Date", &date);
    }
    for (key, raw, line) in front {
        // Values are kept as text; rendering writes them back as YAML.
        let value = unquote(&raw);
        match key.as_str() {
            _ if raw.starts_with(['|', '>']) => a.miss(
                line,
                format!("front matter `{key}` is a YAML block scalar; write it on one line"),
            ),
            "title" => a.take(&plan.title, &value),
            "description" => a.take(&plan.description, &value),
            _ if plan.metadata.iter().any(|(k, v)| *k == key && *v == value) => {}
            _ if key.chars().chain(value.chars()).any(char::is_control) => {
                a.miss(line, format!("front matter `{key}` has control characters"))
            }
            _ if !is_plain_key(&key) => a.miss(
                line,
                format!("front matter line `{key}: …` is not a plain `key: value` line"),
            ),
            // A key naming the locale names the target locale, whatever
            // the document says.
            _ => {
                let value = if LOCALE_KEYS.contains(&key.as_str()) {
                    locale
                } else {
                    &value
                };
                if let Err(e) = catalog.set_front_matter(&key, value) {
                    a.miss(line, e.to_string());
                }
            }
        }
    }

    let blocks = markdown::blocks(text);
    align_body(&plan, &blocks, &mut a);

    let Aligner {
        found,
        mut unaligned,
    } = a;
    let aligned = found
        .iter()
        .map(|f| f.unit.place.as_str())
        .collect::<std::collections::HashSet<_>>()
        .len();
    for (key, entry) in entries::entries(&found) {
        if let Err(e) = catalog.insert(&key, entry) {
            unaligned.push(Unaligned {
                line: 1,
                message: e.to_string(),
            });
        }
    }
    template::conform(&plan, &mut catalog);
    unaligned.sort_by_key(|u| u.line);
    Import {
        catalog,
        unaligned,
        aligned,
        total: plan.units().len(),
    }
}

fn align_body<'p>(plan: &'p Plan, blocks: &[Block], a: &mut Aligner<'p>) {
    let (top, sections) = split_at_level(blocks, 2);
    match top.iter().find_map(|b| match b {
        Block::Heading { level: 1, text, .. } => Some(text),
        _ => None,
    }) {
        Some(h) => a.take(&plan.heading, h),
        None => a.miss(1, "no top-level `#` heading"),
    }
    match top.iter().find_map(paragraph) {
        Some(p) => a.take(&plan.introduction, p),
        None => a.miss(1, "no introduction paragraph"),
    }
    let mut seen_ops = false;
    for (i, (anchor, text, line, body)) in sections.iter().enumerate() {
        let is_ops = anchor.as_deref().map_or(i == 0, |x| x == "operations");
        let is_resp = anchor.as_deref().map_or(i == 1, |x| x == "responses");
        let (_, items) = split_at_level(body, 3);
        if is_ops && !seen_ops {
            seen_ops = true;
            a.take(&plan.operations_heading, text);
            let claimed = claimed(&items);
            for (j, (anchor, heading, line, item)) in items.iter().enumerate() {
                let op = match anchor {
                    Some(x) => plan.operations.iter().find(|o| &o.anchor == x),
                    None => plan
                        .operations
                        .get(j)
                        .filter(|o| !claimed.contains(&o.anchor.as_str())),
                };
                match op {
                    Some(op) => a.operation(op, heading, *line, item),
                    None => a.miss(*line, format!("operation `{heading}` is not in the spec")),
                }
            }
        } else if is_resp {
            a.take(&plan.responses_heading, text);
            let claimed = claimed(&items);
            for (j, (anchor, heading, line, item)) in items.iter().enumerate() {
                let r = match anchor {
                    Some(x) => plan.responses.iter().find(|r| &r.anchor == x),
                    None => plan
                        .responses
                        .get(j)
                        .filter(|r| !claimed.contains(&r.anchor.as_str())),
                };
                match r {
                    Some(r) => a.response(r, heading, *line, item),
                    None => a.miss(*line, format!("response `{heading}` is not in the spec")),
                }
            }
        } else {
            a.miss(
                *line,
                format!("section `{text}` matches nothing in the spec"),
            );
        }
    }
}
