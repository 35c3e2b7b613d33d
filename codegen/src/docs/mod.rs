//! The API reference in every locale: the document [`plan`](plan::plan) of
//! the spec, rendered per locale from gettext catalogs, the POT template,
//! import of existing localized documents, and freshness / coverage checks.
//!
//! Translation policy (see the design): the English text lives in the spec;
//! each other locale is a PO catalog whose `msgctxt` is the stable key of a
//! place in the document (or the key shared by all places showing the same
//! English in the same role) and whose `msgid` is that English text. A
//! translation of older English (or one marked `#, fuzzy`) is *fuzzy*; a
//! new place whose English is translated elsewhere in the catalog gets that
//! translation as a fuzzy *suggestion* (msgmerge's translation memory). As
//! msgfmt does, fuzzy translations are not used by default: English is
//! shown and the place is reported; [`Options::use_fuzzy`] shows them. A
//! missing translation falls back to English and is reported. Identifiers
//! are never translated.

pub mod catalog;
pub mod escape;
pub mod front_matter;
pub mod import;
pub mod locale;
pub(crate) mod markdown;
pub mod merge;
pub mod plan;
pub mod po;
mod po_lint;
pub mod publish;
pub mod render;
pub mod sample;

use crate::error::Result;
use crate::ir::Api;

pub use catalog::{Catalog, Entry, Status};
pub use plan::{plan, Plan, Unit};
pub use render::{Coverage, Options, Suggestion};

/// File name of the reference document in each locale folder.
pub const DOC_FILE: &str = "iot-hub-mqtt-5-reference.md";

/// The source locale.
pub const SOURCE_LOCALE: &str = "en-US";

/// File name of the POT template in the locales folder.
pub const POT_FILE: &str = "iothub-mqtt5.pot";

/// `Project-Id-Version` of catalogs.
pub fn project_id(api: &Api) -> String {
    format!("iothub-mqtt5 {}", api.info.api_version)
}

/// The reference document of `api` in the catalog's locale (English without
/// one), fuzzy translations not shown, with the coverage of its places.
pub fn render(api: &Api, catalog: Option<&Catalog>) -> Result<(String, Coverage)> {
    render::render(&plan(api), catalog)
}

/// [`render()`] with `options` (e.g. fuzzy translations shown).
pub fn render_with(
    api: &Api,
    catalog: Option<&Catalog>,
    options: Options,
) -> Result<(String, Coverage)> {
    render::render_with(&plan(api), catalog, options)
}

/// The POT template: one entry per key, in document order, each with the
/// English text and, as a comment, the places it serves.
pub fn pot(api: &Api) -> String {
    pot_of(api, &plan(api))
}

/// The POT template of an already built plan of `api`.
pub fn pot_of(api: &Api, plan: &Plan) -> String {
    use polib::message::Message;

    let mut keys: Vec<(&str, &str, Vec<&str>)> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for unit in plan.units() {
        match index.get(unit.key()) {
            Some(&i) => keys[i].2.push(&unit.place),
            None => {
                index.insert(unit.key(), keys.len());
                keys.push((unit.key(), &unit.english, vec![&unit.place]));
            }
        }
    }
    let mut po = polib::catalog::Catalog::new(catalog::metadata(&project_id(api), ""));
    for (key, english, places) in keys {
        let comment = match places.as_slice() {
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
        po.append_or_update(
            Message::build_singular()
                .with_extracted_comments(comment)
                .with_msgctxt(key.to_owned())
                .with_msgid(english.to_owned())
                .with_msgstr(String::new())
                .done(),
        );
    }
    catalog::write_po(&po)
}
