//! The generator's integration tests, as one test binary: the loader and
//! validator on broken specs, the CLI, the docs (structure, catalogs and
//! their format, fuzzy and missing translations, obsolete entries, import,
//! injection, the GNU gettext round trip) and the never-panic properties.

mod common;

mod asyncapi;
mod broken_specs;
mod cli;
mod diff_cli;
mod diff_edits;
mod docs_bad_catalogs;
mod docs_catalog_format;
mod docs_catalogs_never_panic;
mod docs_cli;
mod docs_fuzzy;
mod docs_gettext;
mod docs_import;
mod docs_import_never_panics;
mod docs_injection;
mod docs_missing;
mod docs_obsolete;
mod docs_structure;
mod loader_never_panics;
mod path_parameters;
mod shape_problems;
mod site;
mod site_browser;
mod spec_schema;
