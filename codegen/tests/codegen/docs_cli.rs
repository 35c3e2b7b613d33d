//! The docs commands of `iothub-codegen`: `docs` (one locale, several, all,
//! an unknown one, a broken catalog), `import` (the seeds give the committed
//! catalogs; problems are located warnings) and write-only-if-changed for
//! `generate` and `import`.

use crate::common;

use common::TempDir;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use iothub_codegen::docs::{self, publish, Catalog};

fn locales_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/locales")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iothub-codegen"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("binary runs")
}

fn s(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// Locale folders under `out`, sorted.
fn written_locales(out: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(out) else {
        return Vec::new();
    };
    let mut tags: Vec<String> = entries
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    tags.sort();
    tags
}

fn expected_doc(tag: &str) -> String {
    let api = iothub_codegen::load(common::spec_path()).expect("spec loads");
    let catalog = (tag != docs::SOURCE_LOCALE).then(|| {
        Catalog::load(&locales_dir().join(format!("{tag}.po")), tag).expect("catalog loads")
    });
    docs::render(&api, catalog.as_ref()).expect("renders").0
}

#[test]
fn docs_with_one_locale_writes_only_that_locale() {
    let tmp = TempDir::new("one");
    let out = tmp.path().join("out");
    let spec = common::spec_path();
    let locales = locales_dir();
    let o = run(
        tmp.path(),
        &[
            "docs",
            "--spec",
            s(&spec),
            "--locales",
            s(&locales),
            "--locale",
            "sv-SE",
            "--out",
            s(&out),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(written_locales(&out), ["sv-SE"]);
    let files: Vec<_> = std::fs::read_dir(out.join("sv-SE"))
        .expect("sv-SE folder")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(files, [docs::DOC_FILE]);
    let path = publish::doc_path(&out, "sv-SE");
    assert_eq!(
        std::fs::read_to_string(&path).expect("written"),
        expected_doc("sv-SE")
    );
    assert!(
        text(&o.stdout).contains(&format!("wrote {}", path.display())),
        "{}",
        text(&o.stdout)
    );

    // Two locales, one of them the source.
    let out2 = tmp.path().join("out2");
    let o = run(
        tmp.path(),
        &[
            "docs",
            "--spec",
            s(&spec),
            "--locales",
            s(&locales),
            "--locale",
            "pl-PL",
            "--locale",
            "en-US",
            "--out",
            s(&out2),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(written_locales(&out2), ["en-US", "pl-PL"]);
    assert_eq!(
        std::fs::read_to_string(publish::doc_path(&out2, "en-US")).expect("en-US"),
        expected_doc("en-US")
    );
}

#[test]
fn docs_without_locale_writes_every_catalog_and_english() {
    let tmp = TempDir::new("all");
    let out = tmp.path().join("out");
    let o = run(
        tmp.path(),
        &[
            "docs",
            "--spec",
            s(&common::spec_path()),
            "--locales",
            s(&locales_dir()),
            "--out",
            s(&out),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let mut expected: Vec<String> = publish::load_catalogs(&locales_dir())
        .expect("catalogs")
        .into_iter()
        .map(|c| c.locale)
        .collect();
    expected.push(docs::SOURCE_LOCALE.to_owned());
    expected.sort();
    assert!(expected.len() >= 6);
    assert_eq!(written_locales(&out), expected);
    for tag in &expected {
        assert_eq!(
            std::fs::read_to_string(publish::doc_path(&out, tag)).expect("written"),
            expected_doc(tag),
            "{tag}"
        );
    }
}

#[test]
fn docs_with_an_unknown_locale_exits_1_and_says_why() {
    let tmp = TempDir::new("unknown");
    let out = tmp.path().join("out");
    let locales = locales_dir();
    let o = run(
        tmp.path(),
        &[
            "docs",
            "--spec",
            s(&common::spec_path()),
            "--locales",
            s(&locales),
            "--locale",
            "xx-XX",
            "--out",
            s(&out),
        ],
    );
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no catalog for locale `xx-XX`"), "{stderr}");
    assert!(stderr.contains(s(&locales)), "names the folder: {stderr}");
    assert!(
        stderr.contains("iothub-codegen import --locale xx-XX"),
        "says how to fix it: {stderr}"
    );
    assert!(written_locales(&out).is_empty(), "nothing written");
}

#[test]
fn docs_with_a_broken_catalog_exits_1_naming_file_and_line() {
    let tmp = TempDir::new("broken");
    let locales = tmp.path().join("locales");
    std::fs::create_dir_all(&locales).expect("locales");
    let po = std::fs::read_to_string(locales_dir().join("sv-SE.po")).expect("sv-SE.po");
    let target = "msgstr \"Få dubbla\"";
    let line = po.lines().position(|l| l == target).expect("entry") + 1;
    let file = locales.join("sv-SE.po");
    std::fs::write(&file, po.replacen(target, "msgstr \"Få dubbla", 1)).expect("write");
    let out = tmp.path().join("out");
    let o = run(
        tmp.path(),
        &[
            "docs",
            "--spec",
            s(&common::spec_path()),
            "--locales",
            s(&locales),
            "--out",
            s(&out),
        ],
    );
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(&format!("{}:{line}: ", file.display())),
        "{stderr}"
    );
}

#[test]
fn import_of_each_seed_writes_the_committed_catalog() {
    let Some(sources) = common::sources_dir("import_of_each_seed_writes_the_committed_catalog")
    else {
        return;
    };
    let seeds = sources.join("seeds");
    let entries = std::fs::read_dir(&seeds).expect("the sources have a seeds folder");
    let tmp = TempDir::new("seeds");
    let mut paths: Vec<PathBuf> = entries.map(|e| e.expect("entry").path()).collect();
    paths.sort();
    let mut imported = 0;
    for seed in paths {
        let content = std::fs::read_to_string(&seed).expect("seed readable");
        let Some(tag) = content
            .lines()
            .find_map(|l| l.strip_prefix("ms.contentlocale:"))
            .map(str::trim)
        else {
            continue;
        };
        let committed = locales_dir().join(format!("{tag}.po"));
        if !committed.is_file() {
            continue;
        }
        let out = tmp.path().join(format!("{tag}.po"));
        let spec = common::spec_path();
        let import_args = [
            "import",
            "--locale",
            tag,
            "--from",
            s(&seed),
            "--spec",
            s(&spec),
            "--out",
            s(&out),
        ];
        let o = run(tmp.path(), &import_args);
        assert_eq!(o.status.code(), Some(0), "{tag}: {}", text(&o.stderr));
        assert!(text(&o.stderr).is_empty(), "{tag}: {}", text(&o.stderr));
        assert!(
            text(&o.stdout).contains("; 0 places could not be aligned)"),
            "{tag}: {}",
            text(&o.stdout)
        );
        let written = std::fs::read_to_string(&out).expect("catalog written");
        let expected = std::fs::read_to_string(&committed).expect("committed catalog");
        assert!(
            written == expected,
            "{tag}: the imported catalog differs from {}",
            committed.display()
        );

        // A second import does not touch the file.
        let past = SystemTime::now() - Duration::from_secs(3600);
        set_mtime(&out, past);
        let o = run(tmp.path(), &import_args);
        assert_eq!(o.status.code(), Some(0));
        assert_eq!(mtime(&out), past, "{tag}: unchanged catalog rewritten");
        imported += 1;
    }
    assert!(imported >= 5, "only {imported} seeds matched a catalog");
}

#[test]
fn import_reports_problems_as_located_warnings() {
    let tmp = TempDir::new("warnings");
    let api = iothub_codegen::load(common::spec_path()).expect("spec loads");
    let (english, _) = docs::render(&api, None).expect("renders");
    let heading = "### <a name=\"patch-twin-reported\"></a>Patch Twin Reported";
    let doc = english.replacen(
        heading,
        &format!("### <a name=\"extra\"></a>Extra\n\nText.\n\n{heading}"),
        1,
    );
    let line = doc
        .lines()
        .position(|l| l.contains("name=\"extra\""))
        .expect("extra")
        + 1;
    let from = tmp.path().join("el-GR.md");
    std::fs::write(&from, &doc).expect("write");
    let out = tmp.path().join("el-GR.po");
    let o = run(
        tmp.path(),
        &[
            "import",
            "--locale",
            "el-GR",
            "--from",
            s(&from),
            "--spec",
            s(&common::spec_path()),
            "--out",
            s(&out),
        ],
    );
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        format!(
            "{}:{line}: warning: operation `Extra` is not in the spec",
            from.display()
        )
    );
    assert!(text(&o.stdout).contains("; 1 places could not be aligned)"));
    let catalog = Catalog::load(&out, "el-GR").expect("written catalog loads");
    assert!(!catalog.is_empty());

    // A missing input file is an input error naming it.
    let missing = tmp.path().join("missing.md");
    let o = run(
        tmp.path(),
        &[
            "import",
            "--locale",
            "el-GR",
            "--from",
            s(&missing),
            "--spec",
            s(&common::spec_path()),
            "--out",
            s(&out),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains(s(&missing)), "{}", text(&o.stderr));
}

fn mtime(path: &Path) -> SystemTime {
    std::fs::metadata(path)
        .expect("metadata")
        .modified()
        .expect("mtime")
}

fn set_mtime(path: &Path, when: SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open")
        .set_modified(when)
        .expect("set mtime");
}

#[test]
fn generate_writes_only_what_changed() {
    let tmp = TempDir::new("generate");
    let spec = tmp.path().join("spec/iothub-mqtt5.yaml");
    let locales = tmp.path().join("spec/locales");
    let out = tmp.path().join("docs");
    std::fs::create_dir_all(&locales).expect("locales");
    std::fs::copy(common::spec_path(), &spec).expect("copy spec");
    for entry in std::fs::read_dir(locales_dir()).expect("locales") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "po") {
            std::fs::copy(&path, locales.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    let args = [
        "generate",
        "--spec",
        s(&spec),
        "--locales",
        s(&locales),
        "--out",
        s(&out),
    ];
    let o = run(tmp.path(), &args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    let tags = written_locales(&out);
    assert!(tags.len() >= 6, "{tags:?}");
    let mut files: Vec<PathBuf> = tags.iter().map(|t| publish::doc_path(&out, t)).collect();
    files.push(locales.join(docs::POT_FILE));
    for file in &files {
        assert!(
            stdout.contains(&format!("wrote {}", file.display())),
            "{stdout}"
        );
    }
    let catalog_files: Vec<PathBuf> = tags
        .iter()
        .filter(|t| *t != docs::SOURCE_LOCALE)
        .map(|t| locales.join(format!("{t}.po")))
        .collect();

    // Everything is up to date: a second run writes nothing.
    let past = SystemTime::now() - Duration::from_secs(3600);
    for file in files.iter().chain(&catalog_files) {
        set_mtime(file, past);
    }
    let o = run(tmp.path(), &args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(!text(&o.stdout).contains("wrote "), "{}", text(&o.stdout));
    for file in files.iter().chain(&catalog_files) {
        assert_eq!(mtime(file), past, "{} rewritten", file.display());
    }

    // One document edited: only it is written again.
    let edited = publish::doc_path(&out, "hu-HU");
    let before = std::fs::read_to_string(&edited).expect("hu-HU");
    std::fs::write(&edited, "edited\n").expect("edit");
    set_mtime(&edited, past);
    let o = run(tmp.path(), &args);
    assert_eq!(o.status.code(), Some(0));
    let stdout = text(&o.stdout);
    assert_eq!(
        stdout.matches("wrote ").count(),
        1,
        "only the edited file: {stdout}"
    );
    assert!(stdout.contains(&format!("wrote {}", edited.display())));
    assert_eq!(std::fs::read_to_string(&edited).expect("hu-HU"), before);
    for file in files.iter().chain(&catalog_files).filter(|f| **f != edited) {
        assert_eq!(mtime(file), past, "{} rewritten", file.display());
    }
}

/// The committed sv-SE document (a localized reference, no seeds needed).
fn sv_doc_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/sv-SE/iot-hub-mqtt-5-reference.md")
}

fn import(dir: &Path, locale: &str, from: &Path, out: &Path, extra: &[&str]) -> Output {
    let spec = common::spec_path();
    let mut args = vec![
        "import",
        "--locale",
        locale,
        "--from",
        s(from),
        "--spec",
        s(&spec),
        "--out",
        s(out),
    ];
    args.extend_from_slice(extra);
    run(dir, &args)
}

#[test]
fn import_into_an_existing_catalog_merges_and_force_replaces() {
    let tmp = TempDir::new("merge");
    let out = tmp.path().join("sv-SE.po");
    let committed = std::fs::read_to_string(locales_dir().join("sv-SE.po")).expect("sv-SE.po");
    std::fs::write(&out, &committed).expect("copy");
    let before = Catalog::load(&out, "sv-SE").expect("loads");

    // A third of the document, one translation changed.
    let doc = std::fs::read_to_string(sv_doc_path()).expect("sv-SE doc");
    let lines: Vec<&str> = doc.lines().collect();
    let part = lines[..lines.len() / 3].join("\n") + "\n";
    let old = "Hämta dubbla tillstånd";
    assert_eq!(
        part.matches(&format!("\n{old}\n")).count(),
        1,
        "get-twin summary"
    );
    let part = part.replacen(&format!("\n{old}\n"), "\nHämta tvillingens tillstånd\n", 1);
    let from = tmp.path().join("part.md");
    std::fs::write(&from, &part).expect("write");

    let o = import(tmp.path(), "sv-SE", &from, &out, &[]);
    let (stdout, stderr) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    // Nothing of the translator's work is lost: the file is unchanged.
    assert_eq!(std::fs::read_to_string(&out).expect("catalog"), committed);
    let line = before
        .get("operation.get-twin.summary")
        .expect("entry")
        .line;
    assert!(
        stderr.contains(&format!(
            "{}:{line}: warning: `operation.get-twin.summary`: kept the catalog's «{old}»; the document has «Hämta tvillingens tillstånd» (pass --force",
            out.display()
        )),
        "{stderr}"
    );
    assert!(stdout.contains("0 added"), "{stdout}");
    assert!(stdout.contains("1 conflicts kept"), "{stdout}");

    // An entry the catalog lacks is added; the others stay.
    let without = committed.replacen(
        "msgctxt \"operation.get-twin.title\"\nmsgid \"Get Twin\"\nmsgstr \"Få dubbla\"\n\n",
        "",
        1,
    );
    assert_ne!(without, committed, "catalog changed shape");
    std::fs::write(&out, &without).expect("write");
    let o = import(tmp.path(), "sv-SE", &from, &out, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("1 added"), "{}", text(&o.stdout));
    let merged = Catalog::load(&out, "sv-SE").expect("loads");
    assert_eq!(merged.len(), before.len());
    assert_eq!(
        merged
            .get("operation.get-twin.title")
            .map(|e| e.msgstr.as_str()),
        Some("Få dubbla")
    );
    assert_eq!(
        merged
            .get("operation.get-twin.summary")
            .map(|e| e.msgstr.as_str()),
        Some(old)
    );

    // --force replaces the catalog with the (partial) import.
    let o = import(tmp.path(), "sv-SE", &from, &out, &["--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let replaced = Catalog::load(&out, "sv-SE").expect("loads");
    assert!(
        replaced.len() < before.len(),
        "{} of {}",
        replaced.len(),
        before.len()
    );
    assert_eq!(
        replaced
            .get("operation.get-twin.summary")
            .map(|e| e.msgstr.as_str()),
        Some("Hämta tvillingens tillstånd")
    );

    // A broken existing catalog is not overwritten.
    std::fs::write(&out, "garbage\n").expect("write");
    let o = import(tmp.path(), "sv-SE", &from, &out, &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&out).expect("kept"), "garbage\n");
}

#[test]
fn help_of_import_explains_merge_force_and_the_threshold() {
    let o = run(Path::new(env!("CARGO_MANIFEST_DIR")), &["import", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    let help = text(&o.stdout);
    for needle in [
        "--force",
        "merged",
        "existing translations",
        &format!(
            "at least {}% of the places",
            docs::import::MIN_ALIGNED_PERCENT
        ),
        "Examples:",
        "Exit codes: 0",
    ] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
}

#[test]
fn import_of_a_document_that_is_not_the_reference_fails_and_writes_nothing() {
    let tmp = TempDir::new("readme");
    let readme = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let out = tmp.path().join("sv-SE.po");
    let o = import(tmp.path(), "sv-SE", &readme, &out, &[]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    let total = docs::plan(&iothub_codegen::load(common::spec_path()).expect("spec"))
        .units()
        .len();
    let first = stderr.lines().next().unwrap_or_default();
    assert!(
        first.starts_with(&format!("error: {}: aligned ", readme.display())),
        "{stderr}"
    );
    assert!(
        first.contains(&format!(" of {total} places ("))
            && first.contains(&format!(
                "at least {}% needed",
                iothub_codegen::docs::import::MIN_ALIGNED_PERCENT
            )),
        "{stderr}"
    );
    assert!(stderr.contains("\nhint: "), "{stderr}");
    assert!(!out.exists(), "nothing written");

    // A three-line document does not wipe an existing catalog either.
    std::fs::copy(locales_dir().join("sv-SE.po"), &out).expect("copy");
    let tiny = tmp.path().join("tiny.md");
    std::fs::write(&tiny, "# Rubrik\n\nText.\n").expect("write");
    let o = import(tmp.path(), "sv-SE", &tiny, &out, &["--force"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert_eq!(
        std::fs::read(&out).expect("kept"),
        std::fs::read(locales_dir().join("sv-SE.po")).expect("committed")
    );
}

#[test]
fn locale_tags_are_checked_and_name_the_target_locale() {
    let tmp = TempDir::new("tags");
    let out = tmp.path().join("x.po");
    let o = import(tmp.path(), "sv_SE", &sv_doc_path(), &out, &[]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("(write `sv-SE`)"), "{stderr}");
    assert!(!out.exists());
    let o = run(
        tmp.path(),
        &["docs", "--locale", "sv-se", "--out", s(tmp.path())],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("(write `sv-SE`)"));

    // A sv-SE document imported as sv-FI: every locale field says sv-FI.
    let locales = tmp.path().join("locales");
    std::fs::create_dir_all(&locales).expect("locales");
    let fi = locales.join("sv-FI.po");
    let o = import(tmp.path(), "sv-FI", &sv_doc_path(), &fi, &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let catalog = Catalog::load(&fi, "sv-FI").expect("loads");
    assert_eq!(
        catalog.front_matter_value("ms.contentlocale"),
        Some("sv-FI")
    );
    let docs_out = tmp.path().join("docs");
    let spec = common::spec_path();
    let args = [
        "docs",
        "--spec",
        s(&spec),
        "--locales",
        s(&locales),
        "--out",
        s(&docs_out),
    ];
    let o = run(tmp.path(), &args);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let doc = std::fs::read_to_string(publish::doc_path(&docs_out, "sv-FI")).expect("doc");
    assert!(doc.contains("\nms.contentlocale: sv-FI\n"), "{doc}");
    assert!(
        !doc.contains("sv-SE"),
        "no field names the document's locale"
    );

    // A catalog file not named after a tag is an error naming it.
    std::fs::copy(&fi, locales.join("sv_FI.po")).expect("copy");
    let o = run(tmp.path(), &args);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "error: {}: `sv_FI` is not a locale tag",
            locales.join("sv_FI.po").display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("(write `sv-FI`)") && stderr.contains("\nhint: rename"),
        "{stderr}"
    );
}
