//! Missing translations: a place without a translation shows the English
//! text and is reported as missing; rendering never fails, whatever the
//! catalog lacks.

use crate::common;

use common::section;

use std::path::{Path, PathBuf};

use iothub_codegen::docs::{self, Catalog, Entry, Status};
use iothub_codegen::ir::Api;

fn locales_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/locales")
}

fn sv_text() -> String {
    std::fs::read_to_string(locales_dir().join("sv-SE.po")).expect("sv-SE.po readable")
}

fn api() -> Api {
    iothub_codegen::load(common::spec_path()).expect("spec loads")
}

/// The catalog text without the entry whose `msgctxt` line is `msgctxt "{context}"`.
fn without_entry(text: &str, context: &str) -> String {
    let blocks: Vec<&str> = text.split("\n\n").collect();
    let needle = format!("msgctxt \"{context}\"\n");
    let kept: Vec<&str> = blocks
        .iter()
        .copied()
        .filter(|b| !b.starts_with(&needle) && !b.contains(&format!("\n{needle}")))
        .collect();
    assert_eq!(kept.len() + 1, blocks.len(), "exactly one entry {context}");
    kept.join("\n\n")
}

#[test]
fn a_missing_entry_shows_english_and_is_reported() {
    let text = without_entry(&sv_text(), "operation.get-twin.summary");
    let catalog = Catalog::parse(&text, Path::new("sv-SE.po"), "sv-SE").expect("parses");
    assert!(catalog.get("operation.get-twin.summary").is_none());
    let api = api();
    let (doc, coverage) = docs::render(&api, Some(&catalog)).expect("renders");
    assert_eq!(coverage.missing, ["operation.get-twin.summary"]);
    assert!(coverage.fuzzy.is_empty());
    let get_twin = section(&doc, "get-twin");
    assert!(
        get_twin.contains("Få dubbla\n\nGet Twin state\n\n"),
        "{get_twin}"
    );
    assert!(!doc.contains("Hämta dubbla tillstånd"));
    // Every other place is still translated.
    let total = docs::plan(&api).units().len();
    assert_eq!(coverage.translated, total - 1);
}

#[test]
fn a_missing_shared_entry_falls_back_to_english_at_every_place() {
    let text = without_entry(&sv_text(), "table.properties.header.type");
    let catalog = Catalog::parse(&text, Path::new("sv-SE.po"), "sv-SE").expect("parses");
    let api = api();
    let plan = docs::plan(&api);
    let places: Vec<String> = plan
        .units()
        .into_iter()
        .filter(|u| u.key() == "table.properties.header.type")
        .map(|u| u.place.clone())
        .collect();
    assert!(places.len() > 10);
    let (doc, coverage) = docs::render(&api, Some(&catalog)).expect("renders");
    assert_eq!(coverage.missing, places);
    assert_eq!(
        doc.matches("| Namn | Type | Obligatorisk | Beskrivning |")
            .count(),
        places.len()
    );
    assert!(!doc.contains("| Typ |"));
}

#[test]
fn an_empty_translation_is_missing() {
    let mut catalog = Catalog::new("sv-SE");
    catalog
        .insert("operation.get-twin.title", Entry::new("Get Twin", ""))
        .expect("valid entry");
    let api = api();
    let plan = docs::plan(&api);
    let unit = &plan.operations[0].title;
    assert_eq!(unit.place, "operation.get-twin.title");
    assert_eq!(catalog.lookup(unit), ("Get Twin", Status::Missing));
    let (doc, coverage) = docs::render(&api, Some(&catalog)).expect("renders");
    assert!(coverage
        .missing
        .contains(&"operation.get-twin.title".to_owned()));
    assert!(doc.contains("### <a name=\"get-twin\"></a>Get Twin\n"));

    // The same from a PO file: `msgstr ""` is "not translated yet".
    let text = sv_text().replacen("msgstr \"Få dubbla\"", "msgstr \"\"", 1);
    let catalog = Catalog::parse(&text, Path::new("sv-SE.po"), "sv-SE").expect("parses");
    let (_, coverage) = docs::render(&api, Some(&catalog)).expect("renders");
    assert_eq!(coverage.missing, ["operation.get-twin.title"]);
}

#[test]
fn an_empty_catalog_renders_the_english_document_all_missing() {
    let api = api();
    let (english, english_coverage) = docs::render(&api, None).expect("renders");
    assert_eq!(english_coverage, docs::Coverage::default());
    let total = docs::plan(&api).units().len();

    let empty = Catalog::new("xx-XX");
    assert!(empty.is_empty());
    let (doc, coverage) = docs::render(&api, Some(&empty)).expect("renders with no entries");
    assert_eq!(doc, english);
    assert_eq!(coverage.translated, 0);
    assert!(coverage.fuzzy.is_empty());
    assert_eq!(coverage.missing.len(), total);
    assert_eq!(coverage.total(), total);
    // Every place, each once (the coverage lists them in render order).
    let mut places: Vec<String> = docs::plan(&api)
        .units()
        .into_iter()
        .map(|u| u.place.clone())
        .collect();
    places.sort();
    let mut missing = coverage.missing.clone();
    missing.sort();
    assert!(missing == places, "missing places differ from the plan's");

    // A catalog file with nothing but its header.
    let header = "msgid \"\"\nmsgstr \"\"\n\"Language: xx-XX\\n\"\n";
    let parsed = Catalog::parse(header, Path::new("xx-XX.po"), "xx-XX").expect("header only");
    assert!(parsed.is_empty());
    let (doc, coverage) = docs::render(&api, Some(&parsed)).expect("renders");
    assert_eq!(doc, english);
    assert_eq!(coverage.missing.len(), total);
}

#[test]
fn entries_for_other_places_do_not_leak() {
    // A catalog that only translates places the spec does not have renders
    // English everywhere and does not fail.
    let mut catalog = Catalog::new("sv-SE");
    for (key, english) in [
        ("operation.no-such-op.title", "Nothing"),
        ("heading.no-such-heading", "Nothing"),
    ] {
        catalog
            .insert(key, Entry::new(english, "XXX"))
            .expect("valid entry");
    }
    let api = api();
    let (doc, coverage) = docs::render(&api, Some(&catalog)).expect("renders");
    assert!(!doc.contains("XXX"));
    assert_eq!(coverage.translated, 0);
    assert_eq!(coverage.missing.len(), docs::plan(&api).units().len());
}

#[test]
fn a_blank_translation_is_missing_and_drops_no_paragraph() {
    // Whitespace renders as nothing: the place would lose its paragraph.
    let api = api();
    let (english, _) = docs::render(&api, None).expect("renders");
    for blank in [" ", "\\n\\n", "\\t \\r\\n"] {
        let text = sv_text().replacen(
            "msgstr \"Hämta dubbla tillstånd\"",
            &format!("msgstr \"{blank}\""),
            1,
        );
        let catalog = Catalog::parse(&text, Path::new("sv-SE.po"), "sv-SE").expect("parses");
        let (doc, coverage) = docs::render(&api, Some(&catalog)).expect("renders");
        assert_eq!(
            coverage.missing,
            ["operation.get-twin.summary"],
            "{blank:?}"
        );
        assert!(section(&doc, "get-twin").contains("Få dubbla\n\nGet Twin state\n\n"));
        assert_eq!(doc.lines().count(), english.lines().count() + 6);
    }
}

#[test]
fn a_catalog_refuses_entries_a_po_file_cannot_hold() {
    let entry = |msgid: &str| Entry::new(msgid, "XXX");
    let mut catalog = Catalog::new("sv-SE");
    for (key, msgid, why) in [
        ("", "Empty context", "context"),
        ("operation.get-twin.title", "", "English text"),
        ("front-matter.meta.ms.date", "ms.date", "front matter"),
    ] {
        let err = catalog.insert(key, entry(msgid)).expect_err(key);
        assert!(err.to_string().contains(why), "{key}: {err}");
    }
    assert!(catalog.is_empty());
    let err = catalog
        .set_front_matter("a: b", "x")
        .expect_err("not plain");
    assert!(err.to_string().contains("not a plain key"), "{err}");
    assert!(catalog.front_matter().is_empty());
}
