//! Fuzzy translations (gettext semantics, as msgfmt uses them): when the
//! English text of a place changes, its old translation becomes fuzzy; an
//! entry marked `#, fuzzy` is fuzzy too; a new place gets the translation of
//! the same English elsewhere as a fuzzy suggestion (translation memory),
//! never reported as "English changed". Fuzzy translations are not shown by
//! default (English is) and are reported by the render's coverage,
//! `publish::check` and `iothub-codegen check`; `--use-fuzzy` shows them;
//! `check --strict` fails on them.

use crate::common;

use common::{section, TempDir};

use std::path::{Path, PathBuf};
use std::process::Command;

use iothub_codegen::docs::{self, publish, Catalog, Entry, Options, Status, Suggestion};
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

const USE_FUZZY: Options = Options { use_fuzzy: true };

#[test]
fn changed_english_makes_the_old_translation_fuzzy_and_shows_english() {
    let api = changed_api();
    let catalog = sv();
    let (text, coverage) = docs::render(&api, Some(&catalog)).expect("renders");
    let get_twin = section(&text, "get-twin");
    assert!(
        get_twin.contains("\n\nGet the complete Twin state of this device\n\n"),
        "English not shown:\n{get_twin}"
    );
    assert!(!get_twin.contains(OLD_TRANSLATION), "{get_twin}");
    assert_eq!(coverage.fuzzy, [PLACE]);
    assert!(coverage.suggested.is_empty() && coverage.missing.is_empty());

    // --use-fuzzy shows the old translation: the document is then exactly the
    // one of the unchanged spec.
    let (fuzzy_text, fuzzy_coverage) =
        docs::render_with(&api, Some(&catalog), USE_FUZZY).expect("renders");
    assert!(section(&fuzzy_text, "get-twin").contains(&format!("\n\n{OLD_TRANSLATION}\n\n")));
    assert_eq!(fuzzy_coverage, coverage, "the same places are reported");
    let original = iothub_codegen::load(common::spec_path()).expect("spec loads");
    let (before, before_coverage) = docs::render(&original, Some(&catalog)).expect("renders");
    assert_eq!(fuzzy_text, before);
    assert!(before_coverage.fuzzy.is_empty());
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
}

#[test]
fn publish_check_reports_fuzzy_places_without_failing() {
    let api = changed_api();
    let catalogs = publish::load_catalogs(&locales_dir()).expect("catalogs load");
    assert!(catalogs.iter().any(|c| c.locale == "sv-SE"));
    let tmp = TempDir::new("lib");
    let locales = tmp.0.join("locales");
    let docs_dir = tmp.0.join("docs");
    let rendered = publish::render_all(&api, &catalogs, &[]).expect("renders");
    publish::write_docs(&rendered, &docs_dir).expect("docs written");
    publish::write_pot(&api, &catalogs, &locales).expect("pot written");

    let report = publish::check(&api, &catalogs, &locales, &docs_dir).expect("check runs");
    assert!(
        report.is_ok(),
        "fuzzy is reported, not a failure: {report:?}"
    );
    assert!(!report.is_complete(), "but the coverage is not complete");
    for catalog in &catalogs {
        let (_, coverage) = report
            .coverage
            .iter()
            .find(|(l, _)| *l == catalog.locale)
            .unwrap_or_else(|| panic!("no coverage for {}", catalog.locale));
        assert_eq!(coverage.fuzzy, [PLACE], "{}", catalog.locale);
        assert!(coverage.missing.is_empty(), "{}", catalog.locale);
    }
    // Judged as --use-fuzzy docs, these (English shown) docs are stale.
    let report =
        publish::check_with(&api, &catalogs, &locales, &docs_dir, USE_FUZZY).expect("check");
    assert_eq!(report.stale.len(), catalogs.len(), "{:?}", report.stale);
}

fn copy_tree(tmp: &TempDir, spec_text: &str) -> (PathBuf, PathBuf, PathBuf) {
    let spec = tmp.0.join("iothub-mqtt5.yaml");
    let locales = tmp.0.join("locales");
    let docs_dir = tmp.0.join("docs");
    std::fs::write(&spec, spec_text).expect("spec written");
    std::fs::create_dir_all(&locales).expect("locales dir");
    for entry in std::fs::read_dir(locales_dir()).expect("locales") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "po") {
            std::fs::copy(&path, locales.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    (spec, locales, docs_dir)
}

fn run(
    dir: &Path,
    command: &str,
    tree: &(PathBuf, PathBuf, PathBuf),
    extra: &[&str],
) -> (Option<i32>, String, String) {
    let (spec, locales, docs_dir) = tree;
    let docs_flag = if command == "check" {
        "--docs"
    } else {
        "--out"
    };
    let out = Command::new(env!("CARGO_BIN_EXE_iothub-codegen"))
        .arg(command)
        .arg("--spec")
        .arg(spec)
        .arg("--locales")
        .arg(locales)
        .arg(docs_flag)
        .arg(docs_dir)
        .args(extra)
        .current_dir(dir)
        .output()
        .expect("binary runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_command_prints_the_fuzzy_place_exits_0_and_1_when_strict() {
    let tmp = TempDir::new("cli");
    let tree = copy_tree(&tmp, &changed_spec_text());
    let (code, _, stderr) = run(&tmp.0, "generate", &tree, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stdout, stderr) = run(&tmp.0, "check", &tree, &[]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let total = docs::plan(&changed_api()).units().len();
    assert!(
        stdout.contains(&format!(
            "sv-SE: {total} places: {} translated, 1 fuzzy, 0 missing",
            total - 1
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "  fuzzy: {PLACE} (translates older English or is marked fuzzy; English shown)"
        )),
        "{stdout}"
    );
    assert!(stderr.is_empty(), "{stderr}");

    // --strict: exit 1, and the places are listed even with --quiet.
    let (code, stdout, stderr) = run(&tmp.0, "check", &tree, &["--strict", "--quiet"]);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(stdout.contains(&format!("  fuzzy: {PLACE} ")), "{stdout}");
    assert!(stderr.contains("--strict"), "{stderr}");
    // The unchanged spec is complete: --strict passes.
    let full = TempDir::new("cli-full");
    let tree_full = copy_tree(&full, &spec_text());
    assert_eq!(run(&full.0, "generate", &tree_full, &[]).0, Some(0));
    let (code, stdout, stderr) = run(&full.0, "check", &tree_full, &["--strict"]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");

    // --use-fuzzy: docs generated without it are stale for a check with it,
    // and fresh once generated with it.
    let (code, _, stderr) = run(&tmp.0, "check", &tree, &["--use-fuzzy"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("sv-SE"), "{stderr}");
    assert_eq!(run(&tmp.0, "generate", &tree, &["--use-fuzzy"]).0, Some(0));
    let doc = std::fs::read_to_string(publish::doc_path(&tree.2, "sv-SE")).expect("doc");
    assert!(section(&doc, "get-twin").contains(OLD_TRANSLATION));
    let (code, stdout, stderr) = run(&tmp.0, "check", &tree, &["--use-fuzzy"]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!(
            "  fuzzy: {PLACE} (translates older English or is marked fuzzy; shown)"
        )),
        "{stdout}"
    );
}

/// The sv-SE catalog text with `#, fuzzy` before the entry of `context`.
fn mark_fuzzy(text: &str, context: &str) -> String {
    let line = format!("msgctxt \"{context}\"\n");
    assert_eq!(text.matches(&line).count(), 1, "{context}");
    text.replacen(&line, &format!("#, fuzzy\n{line}"), 1)
}

#[test]
fn an_entry_marked_fuzzy_is_fuzzy_and_shown_only_with_use_fuzzy() {
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
    assert!(!section(&doc, "get-twin").contains(OLD_TRANSLATION));
    assert!(section(&doc, "get-twin").contains("\n\nGet Twin state\n\n"));
    // With --use-fuzzy, shown exactly as the unflagged catalog shows it.
    let (shown, _) = docs::render_with(&api, Some(&catalog), USE_FUZZY).expect("renders");
    let (plain, _) = docs::render(&api, Some(&sv())).expect("renders");
    assert_eq!(shown, plain);

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
    let with_request = api
        .operations
        .iter()
        .filter(|o| o.interaction == iothub_codegen::ir::Interaction::RequestResponse)
        .count();
    assert!(with_request > 0);
    assert_eq!(
        expected.len(),
        with_request,
        "each request–response operation has a Request"
    );
    let mut fuzzy = coverage.fuzzy.clone();
    fuzzy.sort();
    expected.sort();
    assert_eq!(fuzzy, expected);
    assert_eq!(
        doc.matches("<a name=\"request\"></a>Request\n").count(),
        with_request
    );
    let (doc, _) = docs::render_with(&api, Some(&catalog), USE_FUZZY).expect("renders");
    assert_eq!(
        doc.matches("<a name=\"request\"></a>Förfrågan\n").count(),
        with_request
    );
}

#[test]
fn a_changed_shared_label_makes_all_its_places_fuzzy() {
    // `labels.payload` feeds every payload line.
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
    assert_eq!(doc.matches("**Message payload**:").count(), payloads.len());
    let (doc, _) = docs::render_with(&api, Some(&sv()), USE_FUZZY).expect("renders");
    assert!(!doc.contains("Message payload"));
    assert_eq!(
        doc.matches("**Nytto Last**:").count(),
        payloads.len(),
        "with --use-fuzzy every payload line keeps its translation"
    );
}

#[test]
fn an_alternative_whose_text_departs_from_its_response_gets_a_suggestion_not_english_changed() {
    // get-twin's Bad Request row shares the response's description; give the
    // row a text of its own in the spec.
    let text = spec_text();
    let old = "    alternatives:\n      - response: bad-request\n      - response: not-authorized";
    let at = text.find(old).expect("spec changed shape");
    let next = text
        .find("name: patch-twin-reported")
        .expect("spec changed shape");
    assert!(at < next, "spec changed shape");
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
    let (doc, coverage) = docs::render(&api, Some(&catalog)).expect("renders");
    let place = "operation.get-twin.alternative-responses.bad-request.description";
    assert_eq!(
        coverage.suggested,
        [Suggestion {
            place: place.to_owned(),
            from: "response.bad-request.description".to_owned()
        }]
    );
    assert!(
        coverage.fuzzy.is_empty(),
        "never 'English changed': {:?}",
        coverage.fuzzy
    );
    assert!(!coverage.missing.iter().any(|p| p == place));
    let table = section(&doc, "alternative-responses");
    assert!(table.contains("The request is malformed."), "{table}");
    assert!(!table.contains(&shared));
    let (doc, _) = docs::render_with(&api, Some(&catalog), USE_FUZZY).expect("renders");
    let table = section(&doc, "alternative-responses");
    assert!(table.contains(&shared), "suggestion shown:\n{table}");
}

#[test]
fn a_new_place_gets_the_translation_of_its_english_as_a_suggestion() {
    // The catalog lost the entry of PLACE (as after renaming an operation)
    // but still translates the same English under another key.
    let api = iothub_codegen::load(common::spec_path()).expect("spec loads");
    let old = sv();
    let mut catalog = Catalog::new("sv-SE");
    for (key, entry) in old.entries().filter(|(k, _)| *k != PLACE) {
        catalog.insert(key, entry.clone()).expect("valid");
    }
    let english = old.get(PLACE).expect("entry").msgid.clone();
    catalog
        .insert(
            "operation.old-name.summary",
            Entry::new(&english, OLD_TRANSLATION),
        )
        .expect("valid");
    let (doc, coverage) = docs::render(&api, Some(&catalog)).expect("renders");
    assert_eq!(
        coverage.suggested,
        [Suggestion {
            place: PLACE.to_owned(),
            from: "operation.old-name.summary".to_owned()
        }]
    );
    assert!(coverage.fuzzy.is_empty() && coverage.missing.is_empty());
    assert!(!section(&doc, "get-twin").contains(OLD_TRANSLATION));
    let (doc, _) = docs::render_with(&api, Some(&catalog), USE_FUZZY).expect("renders");
    assert!(section(&doc, "get-twin").contains(OLD_TRANSLATION));
    // A fuzzy entry is no memory: the place is then missing.
    let po = catalog.to_po("p").replacen(
        "msgctxt \"operation.old-name.summary\"",
        "#, fuzzy\nmsgctxt \"operation.old-name.summary\"",
        1,
    );
    let fuzzy_memory = Catalog::parse(&po, Path::new("sv-SE.po"), "sv-SE").expect("parses");
    let (_, coverage) = docs::render(&api, Some(&fuzzy_memory)).expect("renders");
    assert_eq!(coverage.missing, [PLACE]);
}
