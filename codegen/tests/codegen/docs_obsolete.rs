//! Obsolete catalog entries and stale documents: `publish::check` lists an
//! entry whose `msgctxt` names no place (locale, key, line), and
//! `iothub-codegen check` exits 1 naming the catalog file and line; an edited
//! (or deleted) generated document or POT template makes `check` exit 1
//! naming the file, and after `generate` it passes again.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use iothub_codegen::docs::{self, publish, Catalog};

fn locales_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/locales")
}

/// A temporary copy of the spec and the catalogs, with docs and POT
/// generated into it by the binary.
struct Tree {
    root: PathBuf,
}

impl Tree {
    fn new(tag: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "iothub-codegen-docs-obsolete-{tag}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::remove_dir_all(&root).ok();
        std::fs::create_dir_all(root.join("spec/locales")).expect("temp dir");
        std::fs::copy(common::spec_path(), root.join("spec/iothub-mqtt5.yaml")).expect("copy spec");
        for entry in std::fs::read_dir(locales_dir()).expect("locales") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "po") {
                let name = path.file_name().expect("name");
                std::fs::copy(&path, root.join("spec/locales").join(name)).expect("copy po");
            }
        }
        let tree = Self { root };
        let out = tree.run("generate");
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        tree
    }

    fn spec(&self) -> PathBuf {
        self.root.join("spec/iothub-mqtt5.yaml")
    }

    fn locales(&self) -> PathBuf {
        self.root.join("spec/locales")
    }

    fn docs(&self) -> PathBuf {
        self.root.join("docs")
    }

    fn run(&self, command: &str) -> Output {
        let (spec, locales, docs) = (self.spec(), self.locales(), self.docs());
        let docs_flag = if command == "check" {
            "--docs"
        } else {
            "--out"
        };
        let args: [&Path; 7] = [
            Path::new(command),
            Path::new("--spec"),
            &spec,
            Path::new("--locales"),
            &locales,
            Path::new(docs_flag),
            &docs,
        ];
        Command::new(env!("CARGO_BIN_EXE_iothub-codegen"))
            .args(args)
            .current_dir(&self.root)
            .output()
            .expect("binary runs")
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.root).ok();
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const OBSOLETE: &str = "\n#. A place the spec never had.\nmsgctxt \"operation.no-such-op.summary\"\nmsgid \"Gone\"\nmsgstr \"Borta\"\n";

/// Appends an obsolete entry to the tree's sv-SE catalog; returns the line
/// of its `msgctxt`.
fn add_obsolete(tree: &Tree) -> usize {
    let path = tree.locales().join("sv-SE.po");
    let mut po = std::fs::read_to_string(&path).expect("sv-SE.po");
    if !po.ends_with('\n') {
        po.push('\n');
    }
    let line = po.lines().count() + 3;
    po.push_str(OBSOLETE);
    assert!(po
        .lines()
        .nth(line - 1)
        .is_some_and(|l| l.starts_with("msgctxt \"operation.no-such-op")));
    std::fs::write(&path, po).expect("write sv-SE.po");
    line
}

#[test]
fn a_fresh_tree_passes_check() {
    let tree = Tree::new("fresh");
    let out = tree.run("check");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));

    let api = iothub_codegen::load(tree.spec()).expect("spec loads");
    let catalogs = publish::load_catalogs(&tree.locales()).expect("catalogs");
    let report = publish::check(&api, &catalogs, &tree.locales(), &tree.docs()).expect("check");
    assert!(report.is_ok(), "{report:?}");
    assert!(report.obsolete.is_empty());
}

#[test]
fn publish_check_lists_obsolete_entries_with_their_lines() {
    let tree = Tree::new("lib");
    let line = add_obsolete(&tree);
    let api = iothub_codegen::load(tree.spec()).expect("spec loads");
    let catalogs = publish::load_catalogs(&tree.locales()).expect("catalogs");
    let report = publish::check(&api, &catalogs, &tree.locales(), &tree.docs()).expect("check");
    assert_eq!(
        report.obsolete,
        [(
            "sv-SE".to_owned(),
            "operation.no-such-op.summary".to_owned(),
            line
        )]
    );
    assert!(!report.is_ok());
    // The entry renders nowhere: the documents are not stale.
    assert!(report.stale.is_empty(), "{:?}", report.stale);
    assert!(report.stale_pot.is_none());

    // An obsolete entry in the middle of a catalog, with a multi-line
    // msgctxt, is located at its msgctxt line too.
    let path = tree.locales().join("pl-PL.po");
    let po = std::fs::read_to_string(&path).expect("pl-PL.po");
    let anchor = "msgctxt \"section.responses.heading\"\n";
    assert_eq!(po.matches(anchor).count(), 1);
    let inserted = "msgctxt \"\"\n\"response.no-such-response.\"\n\"title\"\nmsgid \"Old\"\nmsgstr \"Stary\"\n\n";
    let po = po.replacen(anchor, &format!("{inserted}{anchor}"), 1);
    let line = po[..po.find(inserted).expect("inserted")].lines().count() + 1;
    std::fs::write(&path, &po).expect("write pl-PL.po");
    let catalog = Catalog::load(&path, "pl-PL").expect("loads");
    let report = publish::check(&api, &[catalog], &tree.locales(), &tree.docs()).expect("check");
    assert_eq!(
        report.obsolete,
        [(
            "pl-PL".to_owned(),
            "response.no-such-response.title".to_owned(),
            line
        )]
    );
    // The entries after it keep their own lines.
    let catalog = Catalog::load(&path, "pl-PL").expect("loads");
    let entry = catalog.get("section.responses.heading").expect("entry");
    assert_eq!(
        po.lines().nth(entry.line - 1),
        Some("msgctxt \"section.responses.heading\"")
    );
}

#[test]
fn every_entry_line_points_at_its_msgctxt() {
    let mut checked = 0;
    for entry in std::fs::read_dir(locales_dir()).expect("locales") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "po") {
            continue;
        }
        checked += 1;
        let tag = path.file_stem().and_then(|s| s.to_str()).expect("tag");
        let po = std::fs::read_to_string(&path).expect("readable");
        let lines: Vec<&str> = po.lines().collect();
        let catalog = Catalog::load(&path, tag).expect("loads");
        assert!(catalog.len() > 50, "{tag}");
        for (key, entry) in catalog.entries() {
            let line = lines[entry.line - 1];
            assert!(line.starts_with("msgctxt "), "{tag}:{}: {line}", entry.line);
            // The context starts on that line or continues right after it.
            let mut context = String::new();
            let first = line.trim_start_matches("msgctxt ").trim_matches('"');
            context.push_str(first);
            for more in &lines[entry.line..] {
                if !more.starts_with('"') {
                    break;
                }
                context.push_str(more.trim_matches('"'));
            }
            assert_eq!(context, key, "{tag}:{}", entry.line);
        }
    }
    assert!(checked > 0, "no catalog was checked");
}

#[test]
fn check_command_names_the_obsolete_entry_and_exits_1() {
    let tree = Tree::new("cli");
    let line = add_obsolete(&tree);
    // Fresh docs: only the obsolete entry is wrong.
    let out = tree.run("generate");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = tree.run("check");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let expected = format!(
        "{}:{line}: error: entry `operation.no-such-op.summary`",
        tree.locales().join("sv-SE.po").display()
    );
    assert!(stderr.contains(&expected), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!stderr.contains("out of date"), "{stderr}");
    // Coverage is still printed.
    assert!(
        text(&out.stdout).contains("sv-SE: "),
        "{}",
        text(&out.stdout)
    );

    // Removing the entry fixes it.
    let path = tree.locales().join("sv-SE.po");
    let po = std::fs::read_to_string(&path).expect("sv-SE.po");
    std::fs::write(&path, po.replace(OBSOLETE, "\n")).expect("write");
    let out = tree.run("check");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn stale_docs_fail_check_until_generate() {
    let tree = Tree::new("stale");
    let doc = publish::doc_path(&tree.docs(), "sv-SE");
    let original = std::fs::read_to_string(&doc).expect("generated doc");
    std::fs::write(
        &doc,
        original.replacen("Få dubbla", "Få dubbla (edited)", 1),
    )
    .expect("edit");

    let out = tree.run("check");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}: error: out of date with the spec and catalogs",
            doc.display()
        )),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "only the edited file: {stderr}");

    let out = tree.run("generate");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("wrote {}", doc.display())),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(std::fs::read_to_string(&doc).expect("doc"), original);
    let out = tree.run("check");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn missing_docs_and_stale_pot_fail_check() {
    let tree = Tree::new("missing");
    let doc = publish::doc_path(&tree.docs(), docs::SOURCE_LOCALE);
    std::fs::remove_file(&doc).expect("remove en-US doc");
    let pot = tree.locales().join(docs::POT_FILE);
    let template = std::fs::read_to_string(&pot).expect("pot");
    std::fs::write(&pot, format!("{template}\n# edited\n")).expect("edit pot");

    let out = tree.run("check");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("{}: error: out of date", doc.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "{}: error: the POT template is out of date",
            pot.display()
        )),
        "{stderr}"
    );

    let out = tree.run("generate");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&pot).expect("pot"), template);
    let out = tree.run("check");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn a_stale_catalog_edit_makes_its_document_stale() {
    // Changing a translation without regenerating leaves the document stale.
    let tree = Tree::new("edit-po");
    let path = tree.locales().join("sv-SE.po");
    let po = std::fs::read_to_string(&path).expect("sv-SE.po");
    assert!(po.contains("msgstr \"Få dubbla\""));
    std::fs::write(
        &path,
        po.replacen("msgstr \"Få dubbla\"", "msgstr \"Hämta tvilling\"", 1),
    )
    .expect("write");
    let out = tree.run("check");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let doc = publish::doc_path(&tree.docs(), "sv-SE");
    assert!(stderr.contains(&doc.display().to_string()), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let out = tree.run("generate");
    assert_eq!(out.status.code(), Some(0));
    assert!(std::fs::read_to_string(&doc)
        .expect("doc")
        .contains("</a>Hämta tvilling\n"));
    assert_eq!(tree.run("check").status.code(), Some(0));
}

#[test]
fn check_reports_kept_obsolete_entries_previous_english_and_old_front_matter_without_failing() {
    let tree = Tree::new("gettext-notes");
    let path = tree.locales().join("sv-SE.po");
    let po = std::fs::read_to_string(&path).expect("sv-SE.po");
    // A fuzzy translation with the English it was made for (as `msgmerge
    // --previous` writes it), an obsolete entry, and a front matter value
    // kept as an entry (the old form).
    let target = "msgctxt \"operation.get-twin.summary\"\n";
    assert_eq!(po.matches(target).count(), 1);
    let po = po.replacen(
        target,
        &format!("#, fuzzy\n#| msgid \"Get the Twin\"\n{target}"),
        1,
    );
    let field = "\"X-Front-Matter-ms.locfileid: 96603561\\n\"\n";
    assert_eq!(po.matches(field).count(), 1, "sv-SE.po changed shape");
    let po = po.replacen(field, "", 1).trim_end().to_owned()
        + "\n\nmsgctxt \"front-matter.meta.ms.locfileid\"\nmsgid \"ms.locfileid\"\nmsgstr \"96603561\"\n\
           \n#~ msgctxt \"operation.gone.summary\"\n#~ msgid \"Gone\"\n#~ msgstr \"Borta\"\n";
    let legacy_line = po
        .lines()
        .position(|l| l.contains("front-matter.meta.ms.locfileid"))
        .expect("entry")
        + 1;
    let obsolete_line = po
        .lines()
        .position(|l| l.contains("operation.gone.summary"))
        .expect("entry")
        + 1;
    std::fs::write(&path, po).expect("write sv-SE.po");
    // The document changes only where the fuzzy place now shows English.
    assert_eq!(tree.run("generate").status.code(), Some(0));

    let out = tree.run("check");
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains(
            "  fuzzy: operation.get-twin.summary (translates older English or is marked fuzzy; English shown; it was made for «Get the Twin»)"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "  obsolete: operation.gone.summary (line {obsolete_line}; kept as `#~`"
        )),
        "{stdout}"
    );
    let warning = format!(
        "{}:{legacy_line}: warning: front matter `ms.locfileid` is an entry",
        path.display()
    );
    assert!(stderr.contains(&warning), "{stderr}");
    assert!(stderr.contains("X-Front-Matter-ms.locfileid"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
