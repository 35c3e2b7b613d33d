//! The PO catalog reader on any text: a catalog or a located
//! `Error::Catalog`, never a panic. A catalog it reads is written back and
//! read again to the same entries, and renders the reference document.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use iothub_codegen::docs::{self, Catalog};
use iothub_codegen::ir::Api;
use iothub_codegen::Error;
use libfuzzer_sys::fuzz_target;

fn api() -> &'static Api {
    static API: OnceLock<Api> = OnceLock::new();
    API.get_or_init(|| {
        let spec = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/iothub-mqtt5.yaml");
        iothub_codegen::load(spec).expect("the workspace's spec loads")
    })
}

type Entries = Vec<(String, String, String, bool)>;

fn entries(catalog: &Catalog) -> Entries {
    catalog
        .entries()
        .map(|(k, e)| (k.to_owned(), e.msgid.clone(), e.msgstr.clone(), e.fuzzy))
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("fuzz.po");
    match Catalog::parse(text, path, "sv-SE") {
        Ok(catalog) => {
            let written = catalog.to_po("iothub-mqtt5 fuzz");
            let again = Catalog::parse(&written, path, "sv-SE")
                .unwrap_or_else(|e| panic!("a written catalog does not read: {e}\n{written}"));
            assert_eq!(entries(&catalog), entries(&again));
            assert_eq!(catalog.front_matter(), again.front_matter());
            let _ = docs::render(api(), Some(&catalog));
        }
        Err(Error::Catalog { line, message, .. }) => {
            assert!(
                (1..=text.split('\n').count() + 1).contains(&line),
                "line {line}: {message}"
            );
            assert!(!message.is_empty());
        }
        Err(other) => panic!("not a catalog error: {other}"),
    }
});
