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
//!
//! Catalogs survive the translators' own tools: [`po`] reads and writes the
//! format as GNU gettext does (a catalog is byte for byte what `msgcat`
//! writes), the [`template`] holds every entry a catalog may hold (so that
//! `msgmerge` makes none of them obsolete), and a locale's front matter
//! values are header fields (`X-Front-Matter-KEY`), which the tools keep.

pub mod catalog;
pub mod escape;
pub mod front_matter;
pub mod import;
pub mod locale;
pub(crate) mod markdown;
pub mod merge;
pub mod plan;
pub mod po;
pub mod publish;
pub mod render;
pub mod sample;
pub mod template;

use crate::error::Result;
use crate::ir::Api;

pub use catalog::{Catalog, Entry, Notes, Obsolete, Status, Warning};
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

/// The POT template of `api`: one entry per key, in document order, each
/// with the English text and, as a comment, the places it serves (see
/// [`template`]; [`publish::write_pot`] adds the overrides catalogs hold).
pub fn pot(api: &Api) -> Result<String> {
    template::pot(api, &plan(api), &[])
}
