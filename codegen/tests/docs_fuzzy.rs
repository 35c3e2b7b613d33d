//! Fuzzy translations (gettext semantics): when the English text of a place
//! changes, its old translation is still shown and reported as fuzzy, by the
//! render's coverage, by `publish::check` and by `iothub-codegen check`; an
//! entry marked `#, fuzzy` counts as fuzzy too.

mod common;

use common::{section, TempDir};

use std::path::{Path, PathBuf};
use std::process::Command;

use iothub_codegen::docs::{self, publish, Catalog, Status};
use iothub_codegen::ir::Api;

const OLD_SUMMARY: &str = "    summary: Get Twin state\n";
const NEW_SUMMARY: &str = "    summary: Get the complete Twin state of this device\n";
const PLACE: &str = "operation.get-twin.summary";
const OLD_TRANSLATION: &str = "Hämta dubbla tillstånd";

fn locales_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/locales")
}

fn sv_text() -> String {
    std::fs::read_to_string(locales_dir().join("sv-SE.po")).expect("sv-SE.po readable")
}

fn sv() -> Catalog {
    Catalog::load(&locales_dir().join("sv-SE.po"), "sv-SE").expect("sv-SE.po loads")
}

fn spec_text() -> String {
    std::fs::read_to_string(common::spec_path()).expect("spec readable")
}

/// The spec text with the summary of `get-twin` changed.
fn changed_spec_text() -> String {
    let text = spec_text();
    assert_eq!(text.matches(OLD_SUMMARY).count(), 1, "spec changed shape");
    text.replacen(OLD_SUMMARY, NEW_SUMMARY, 1)
}

fn changed_api() -> Api {
    iothub_codegen::parse(&changed_spec_text(), &common::spec_path()).expect("changed spec loads")
}

#[test]
fn changed_english_keeps_the_old_translation_and_reports_it_fuzzy() {
    let api = changed_api();
    let catalog = sv();
    let (text, coverage) = docs::render(&api, Some(&catalog)).expect("renders");

    let get_twin = section(&text, "get-twin");
    assert!(
        get_twin.contains(&format!("\n\n{OLD_TRANSLATION}\n\n")),
        "old translation not shown:\n{get_twin}"
    );
    assert!(
        !text.contains("Get the complete Twin state"),
        "the new English must not replace the fuzzy translation"
    );
    assert_eq!(coverage.fuzzy, [PLACE]);
    assert!(coverage.missing.is_empty(), "{:?}", coverage.missing);

    // Everything else is exactly as with the unchanged spec: the sv-SE
    // document does not change at all.
    let original = iothub_codegen::load(common::spec_path()).expect("spec loads");
    let (before, before_coverage) = docs::render(&original, Some(&catalog)).expect("renders");
    assert_eq!(text, before);
    assert_eq!(before_coverage.fuzzy, Vec::<String>::new());
    assert_eq!(coverage.translated + 1, before_coverage.translated);
    assert_eq!(coverage.total(), before_coverage.total());

    // The lookup itself says why.
    let plan = docs::plan(&api);
    let unit = plan
        .units()
        .into_iter()
        .find(|u| u.place == PLACE)
        .expect("place in plan");
    assert_eq!(catalog.lookup(unit), (OLD_TRANSLATION, Status::Fuzzy));
    assert_eq!(
        catalog.get(PLACE).map(|e| e.msgid.as_str()),
        Some("Get Twin state")
    );
}

#[test]
fn publish_check_reports_fuzzy_places_without_failing() {
    let api = changed_api();
    let catalogs = publish::load_catalogs(&locales_dir()).expect("catalogs load");
    assert!(catalogs.iter().any(|c| c.locale == "sv-SE"));

    // A fresh tree for the changed spec: docs and POT written from it.
    let tmp = TempDir::new("lib");
    let locales = tmp.0.join("locales");
    let docs_dir = tmp.0.join("docs");
    let rendered = publish::render_all(&api, &catalogs, &[]).expect("renders");
    publish::write_docs(&rendered, &docs_dir).expect("docs written");
    publish::write_pot(&api, &locales).expect("pot written");

    let report = publish::check(&api, &catalogs, &locales, &docs_dir).expect("check runs");
    assert!(
        report.is_ok(),
        "fuzzy is reported, not a failure: {report:?}"
    );
    assert!(report.obsolete.is_empty(), "{:?}", report.obsolete);
    for catalog in &catalogs {
        let (_, coverage) = report
            .coverage
            .iter()
            .find(|(l, _)| *l == catalog.locale)
            .unwrap_or_else(|| panic!("no coverage for {}", catalog.locale));
        assert_eq!(coverage.fuzzy, [PLACE], "{}", catalog.locale);
        assert!(coverage.missing.is_empty(), "{}", catalog.locale);
    }
    let (_, english) = report
        .coverage
        .iter()
        .find(|(l, _)| l == docs::SOURCE_LOCALE)
        .expect("en-US coverage");
    assert!(english.fuzzy.is_empty() && english.missing.is_empty());

    // Against the committed docs (rendered from the old English) only the
    // English document and the POT template are stale: the translated
    // documents still show the same (now fuzzy) translation.
    let committed_docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs");
    let report = publish::check(&api, &catalogs, &locales_dir(), &committed_docs).expect("check");
    assert_eq!(
        report.stale,
        [publish::doc_path(&committed_docs, docs::SOURCE_LOCALE)]
    );
    assert!(report.stale_pot.is_some());
}

#[test]
fn check_command_prints_the_fuzzy_place_and_exits_0() {
    let tmp = TempDir::new("cli");
    let spec = tmp.0.join("iothub-mqtt5.yaml");
    let locales = tmp.0.join("locales");
    let docs_dir = tmp.0.join("docs");
    std::fs::write(&spec, changed_spec_text()).expect("spec written");
    std::fs::create_dir_all(&locales).expect("locales dir");
    for entry in std::fs::read_dir(locales_dir()).expect("locales") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "po") {
            std::fs::copy(&path, locales.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    let run = |args: &[&Path]| {
        Command::new(env!("CARGO_BIN_EXE_iothub-codegen"))
            .args(args)
            .current_dir(&tmp.0)
            .output()
            .expect("binary runs")
    };
    let out = run(&[
        Path::new("generate"),
        Path::new("--spec"),
        &spec,
        Path::new("--locales"),
        &locales,
        Path::new("--out"),
        &docs_dir,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&[
        Path::new("check"),
        Path::new("--spec"),
        &spec,
        Path::new("--locales"),
        &locales,
        Path::new("--docs"),
        &docs_dir,
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let api = changed_api();
    let total = docs::plan(&api).units().len();
    assert!(
        stdout.contains(&format!(
            "sv-SE: {total} places: {} translated, 1 fuzzy, 0 missing",
            total - 1
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("  fuzzy: {PLACE} (English changed")),
        "{stdout}"
    );
    assert!(stderr.is_empty(), "{stderr}");
}

/// The sv-SE catalog text with `#, fuzzy` before the entry of `context`.
fn mark_fuzzy(text: &str, context: &str) -> String {
    let line = format!("msgctxt \"{context}\"\n");
    assert_eq!(text.matches(&line).count(), 1, "{context}");
    text.replacen(&line, &format!("#, fuzzy\n{line}"), 1)
}

#[test]
fn an_entry_marked_fuzzy_counts_as_fuzzy_and_is_still_shown() {
    let text = mark_fuzzy(&sv_text(), PLACE);
    let path = Path::new("sv-SE.po");
    let catalog = Catalog::parse(&text, path, "sv-SE").expect("parses");
    let entry = catalog.get(PLACE).expect("entry");
    assert!(entry.fuzzy);
    assert_eq!(entry.msgstr, OLD_TRANSLATION);
    assert!(!sv().get(PLACE).expect("entry").fuzzy);

    let api = iothub_codegen::load(common::spec_path()).expect("spec loads");
    let (doc, coverage) = docs::render(&api, Some(&catalog)).expect("renders");
    assert_eq!(coverage.fuzzy, [PLACE]);
    assert!(coverage.missing.is_empty());
    assert!(section(&doc, "get-twin").contains(OLD_TRANSLATION));
    // Shown exactly as the unflagged catalog shows it.
    let (plain, _) = docs::render(&api, Some(&sv())).expect("renders");
    assert_eq!(doc, plain);

    // The flag survives writing the catalog back.
    let again = Catalog::parse(&catalog.to_po(&docs::project_id(&api)), path, "sv-SE")
        .expect("written catalog parses");
    assert!(again.get(PLACE).expect("entry").fuzzy);
    assert!(!again.get("operation.get-twin.title").expect("entry").fuzzy);
}

#[test]
fn a_fuzzy_shared_entry_makes_every_place_it_serves_fuzzy() {
    let text = mark_fuzzy(&sv_text(), "heading.request");
    let catalog = Catalog::parse(&text, Path::new("sv-SE.po"), "sv-SE").expect("parses");
    let api = iothub_codegen::load(common::spec_path()).expect("spec loads");
    let (doc, coverage) = docs::render(&api, Some(&catalog)).expect("renders");
    let mut expected: Vec<String> = docs::plan(&api)
        .units()
        .into_iter()
        .filter(|u| u.key() == "heading.request")
        .map(|u| u.place.clone())
        .collect();
    assert_eq!(expected.len(), 3, "three operations have a Request");
    let mut fuzzy = coverage.fuzzy.clone();
    fuzzy.sort();
    expected.sort();
    assert_eq!(fuzzy, expected);
    assert_eq!(
        doc.matches("<a name=\"request\"></a>Förfrågan\n").count(),
        3
    );
}

#[test]
fn a_changed_shared_label_makes_all_its_places_fuzzy() {
    // `labels.payload` feeds every payload line: each keeps its translation.
    let text = spec_text();
    let old = "    payload: Payload\n";
    assert_eq!(text.matches(old).count(), 1);
    let api = iothub_codegen::parse(
        &text.replacen(old, "    payload: Message payload\n", 1),
        &common::spec_path(),
    )
    .expect("changed spec loads");
    let (doc, coverage) = docs::render(&api, Some(&sv())).expect("renders");
    let payloads: Vec<String> = docs::plan(&api)
        .units()
        .into_iter()
        .filter(|u| u.place.ends_with(".payload"))
        .map(|u| u.place.clone())
        .collect();
    assert!(payloads.len() > 20);
    assert_eq!(coverage.fuzzy, payloads);
    assert!(!doc.contains("Message payload"));
    assert_eq!(
        doc.matches("**Nytto Last**:").count(),
        payloads.len(),
        "every payload line keeps its translation"
    );
}

#[test]
fn an_alternative_whose_text_departs_from_its_response_shows_the_old_translation_as_fuzzy() {
    // get-twin's Bad Request row shares the response's description; give the
    // row a text of its own in the spec.
    let text = spec_text();
    let old = "    alternatives:\n      - response: bad-request\n      - response: not-authorized";
    // The first such list is get-twin's.
    assert!(
        text.find(old) < text.find("name: patch-twin-reported"),
        "spec changed shape"
    );
    let changed = text.replacen(
        old,
        "    alternatives:\n      - response: bad-request\n        description: The request is malformed.\n      - response: not-authorized",
        1,
    );
    let api = iothub_codegen::parse(&changed, &common::spec_path()).expect("changed spec loads");
    let catalog = sv();
    let shared = catalog
        .get("response.bad-request.description")
        .expect("sv-SE translates the Bad Request description")
        .msgstr
        .clone();
    let (doc, coverage) = iothub_codegen::docs::render(&api, Some(&catalog)).expect("renders");
    let place = "operation.get-twin.alternative-responses.bad-request.description";
    assert!(
        coverage.fuzzy.iter().any(|p| p == place),
        "{:?}",
        coverage.fuzzy
    );
    assert!(!coverage.missing.iter().any(|p| p == place));
    let table = section(&doc, "alternative-responses");
    assert!(
        table.contains(&shared),
        "old translation still shown:\n{table}"
    );
    assert!(!table.contains("The request is malformed."));
}
