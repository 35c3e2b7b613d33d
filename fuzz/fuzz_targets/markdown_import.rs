//! Import of a localized reference document on any text: it never panics,
//! reports problems at lines of the document, fills only places the spec
//! has, and what it imports is a catalog that writes, reads back and
//! renders.
#![no_main]

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use iothub_codegen::docs::{self, import, Catalog};
use iothub_codegen::ir::Api;
use libfuzzer_sys::fuzz_target;

fn api() -> &'static Api {
    static API: OnceLock<Api> = OnceLock::new();
    API.get_or_init(|| {
        let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/iothub-mqtt5.yaml");
        iothub_codegen::load(spec).expect("the workspace's spec loads")
    })
}

/// Every key a catalog entry may have.
fn keys() -> &'static HashSet<String> {
    static KEYS: OnceLock<HashSet<String>> = OnceLock::new();
    KEYS.get_or_init(|| {
        docs::plan(api())
            .units()
            .into_iter()
            .flat_map(|u| [Some(u.place.clone()), u.shared.clone()])
            .flatten()
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let imported = import::import(api(), "sv-SE", text);
    let lines = text.lines().count().max(1);
    for u in &imported.unaligned {
        assert!(
            (1..=lines + 1).contains(&u.line),
            "line {} of {lines}",
            u.line
        );
        assert!(!u.message.is_empty());
    }
    for (key, entry) in imported.catalog.entries() {
        assert!(keys().contains(key), "invented key {key}");
        assert!(!entry.msgstr.is_empty(), "{key}: empty translation");
        assert!(!entry.msgstr.contains('\n'), "{key}: {:?}", entry.msgstr);
    }
    let po = imported.catalog.to_po(&docs::project_id(api()));
    if let Err(e) = Catalog::parse(&po, Path::new("imported.po"), "sv-SE") {
        panic!("the imported catalog does not read: {e}\n{po}");
    }
    if let Err(e) = docs::render(api(), Some(&imported.catalog)) {
        panic!("the imported catalog does not render: {e}");
    }
});
