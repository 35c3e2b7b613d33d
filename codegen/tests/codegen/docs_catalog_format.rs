//! What a catalog keeps so that the gettext tools keep it too: the locale's
//! front matter values as header fields (`X-Front-Matter-KEY`; the old
//! `front-matter.meta.*` entries still read, with a warning, even once
//! `msgmerge` made them obsolete), a complete header, obsolete (`#~`)
//! entries and previous strings (`#|`) read and written back, and the
//! template holding every entry a catalog may hold — a place's own
//! translation (an override) included, which a fuzzy copy made by
//! `msgmerge` does not hide. The real tools run in `docs_gettext`.

use crate::common;

use std::path::{Path, PathBuf};

use iothub_codegen::docs::{self, publish, template, Catalog, Entry, Options, Status};
use iothub_codegen::Error;

fn locales_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/locales")
}

fn committed(tag: &str) -> String {
    std::fs::read_to_string(locales_dir().join(format!("{tag}.po"))).expect("catalog readable")
}

fn api() -> iothub_codegen::ir::Api {
    iothub_codegen::load(common::spec_path()).expect("spec loads")
}

fn parse(text: &str) -> Result<Catalog, Error> {
    Catalog::parse(text, Path::new("cs-CZ.po"), "cs-CZ")
}

/// The committed cs-CZ catalog with its front matter fields moved back to
/// entries (the form catalogs had before), or to obsolete entries (what
/// `msgmerge --update` made of them).
fn cs_in_old_form(obsolete: bool) -> String {
    let text = committed("cs-CZ");
    let mut header = Vec::new();
    let mut entries = String::new();
    for line in text.lines() {
        let field = line
            .strip_prefix("\"X-Front-Matter-")
            .and_then(|l| l.strip_suffix("\\n\""));
        match field.and_then(|f| f.split_once(": ")) {
            Some((key, value)) => {
                let mark = if obsolete { "#~ " } else { "" };
                entries.push_str(&format!(
                    "\n{mark}msgctxt \"front-matter.meta.{key}\"\n{mark}msgid \"{key}\"\n{mark}msgstr \"{value}\"\n"
                ));
            }
            None => header.push(line),
        }
    }
    format!("{}\n{entries}", header.join("\n"))
}

#[test]
fn front_matter_values_are_header_fields_with_a_complete_header() {
    let text = committed("cs-CZ");
    let catalog = parse(&text).expect("parses");
    assert_eq!(catalog.front_matter_value("ms.locfileid"), Some("96603330"));
    assert_eq!(
        catalog.front_matter_value("ms.contentlocale"),
        Some("cs-CZ")
    );
    assert_eq!(catalog.front_matter().len(), 6);
    assert!(catalog.warnings().is_empty(), "{:?}", catalog.warnings());
    assert!(!text.contains("front-matter.meta."));
    // Every field `msgfmt --check` asks for, with no placeholder value.
    for field in [
        "Project-Id-Version: iothub-mqtt5 2020-10-01-preview",
        "PO-Revision-Date: 2021-03-29 00:00+0000",
        "Last-Translator: ",
        "Language-Team: ",
        "Language: cs-CZ",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=UTF-8",
        "Content-Transfer-Encoding: 8bit",
        "Plural-Forms: nplurals=1; plural=0;",
        "X-Generator: iothub-codegen",
        "X-Front-Matter-ms.locfileid: 96603330",
    ] {
        assert!(text.contains(&format!("\"{field}\\n\"")), "{field}");
    }
    // Written back, byte for byte.
    assert_eq!(catalog.to_po(&docs::project_id(&api())), text);
}

#[test]
fn front_matter_entries_of_the_old_form_still_read_and_move_to_the_header() {
    let api = api();
    let new_form = parse(&committed("cs-CZ")).expect("parses");
    let (want, _) = docs::render(&api, Some(&new_form)).expect("renders");
    for obsolete in [false, true] {
        let old = cs_in_old_form(obsolete);
        let catalog = parse(&old).expect("the old form parses");
        assert_eq!(
            catalog.front_matter(),
            new_form.front_matter(),
            "{obsolete}"
        );
        let (doc, _) = docs::render(&api, Some(&catalog)).expect("renders");
        assert!(doc == want, "obsolete: {obsolete}: the document changed");
        // One warning per value, at its entry, saying where it belongs.
        assert_eq!(catalog.warnings().len(), 6, "{:?}", catalog.warnings());
        let first = &catalog.warnings()[0];
        let line = old.lines().nth(first.line - 1).unwrap_or_default();
        assert!(
            line.contains("front-matter.meta.ms.openlocfilehash"),
            "{line}"
        );
        assert!(
            first.message.contains("X-Front-Matter-ms.openlocfilehash"),
            "{}",
            first.message
        );
        // Written back: in the header, no entries, no obsolete ones.
        assert_eq!(catalog.to_po(&docs::project_id(&api)), committed("cs-CZ"));
        assert!(catalog.obsolete().is_empty());
    }
}

#[test]
fn header_problems_are_located() {
    let text = committed("cs-CZ");
    let at = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .expect("line present")
            + 1
    };
    let cases = [
        (
            text.replacen("charset=UTF-8", "charset=ISO-8859-2", 1),
            at("Content-Type"),
            "UTF-8",
        ),
        (
            text.replacen(
                "\"X-Front-Matter-ms.locfileid: 96603330\\n\"",
                "\"X-Front-Matter-ms.locfileid: 96603330\\n\"\n\"X-Front-Matter-ms.locfileid: 1\\n\"",
                1,
            ),
            at("X-Front-Matter-ms.locfileid"),
            "twice",
        ),
        (
            text.replacen("ms.locfileid: 96603330", "ms.locfileid:  96603330", 1),
            at("X-Front-Matter-ms.locfileid"),
            "spaces",
        ),
        (
            text.replacen("X-Front-Matter-ms.locfileid", "X-Front-Matter-a b", 1),
            at("X-Front-Matter-ms.locfileid"),
            "plain key",
        ),
    ];
    for (broken, line, part) in cases {
        match parse(&broken) {
            Err(Error::Catalog {
                line: l, message, ..
            }) => {
                assert_eq!(l, line, "{message}");
                assert!(message.contains(part), "{message}");
            }
            other => panic!("{part}: not refused: {other:?}"),
        }
    }
    // A `Language` that is not the catalog's is a warning, not an error
    // (the file name decides); the region or spelling may differ.
    let other = parse(&text.replacen("Language: cs-CZ", "Language: en-US", 1)).expect("parses");
    assert_eq!(other.warnings().len(), 1);
    assert_eq!(other.warnings()[0].line, at("Language:"));
    let gettext_style =
        parse(&text.replacen("Language: cs-CZ", "Language: cs_CZ", 1)).expect("parses");
    assert!(gettext_style.warnings().is_empty());
}

#[test]
fn obsolete_entries_and_previous_strings_are_kept_and_never_shown() {
    let api = api();
    let text = committed("sv-SE");
    let target = "msgctxt \"operation.get-twin.summary\"\n";
    assert_eq!(text.matches(target).count(), 1);
    let with = text
        .replacen(
            target,
            &format!("# Translator's note.\n#, fuzzy\n#| msgid \"Get the Twin\"\n{target}"),
            1,
        )
        .trim_end()
        .to_owned()
        + "\n\n#, fuzzy\n#~| msgid \"Older\"\n#~ msgctxt \"operation.gone.summary\"\n#~ msgid \"Gone\"\n#~ msgstr \"Borta\"\n";
    let catalog = Catalog::parse(&with, Path::new("sv-SE.po"), "sv-SE").expect("parses");
    let entry = catalog.get("operation.get-twin.summary").expect("entry");
    assert!(entry.fuzzy);
    assert_eq!(entry.notes.comments, ["Translator's note."]);
    assert_eq!(entry.notes.previous_msgid.as_deref(), Some("Get the Twin"));
    let [gone] = catalog.obsolete() else {
        panic!("{:?}", catalog.obsolete())
    };
    assert_eq!(gone.context.as_deref(), Some("operation.gone.summary"));
    assert!(gone.entry.fuzzy);
    assert_eq!(gone.entry.notes.previous_msgid.as_deref(), Some("Older"));
    assert_eq!(
        with.lines().nth(gone.entry.line - 1),
        Some("#~ msgctxt \"operation.gone.summary\"")
    );
    // Written back unchanged.
    assert_eq!(catalog.to_po(&docs::project_id(&api)), with);
    // Reported by `check`, not a failure; never rendered.
    let tmp = common::TempDir::new("obsolete");
    let catalogs = [catalog];
    let rendered = publish::render_all(&api, &catalogs, &[]).expect("renders");
    publish::write_docs(&rendered, &tmp.0.join("docs")).expect("docs");
    publish::write_pot(&api, &catalogs, &tmp.0).expect("pot");
    let report = publish::check(&api, &catalogs, &tmp.0, &tmp.0.join("docs")).expect("check");
    assert!(report.is_ok(), "{report:?}");
    assert_eq!(report.kept_obsolete.len(), 1);
    assert_eq!(
        report.kept_obsolete[0].key.as_deref(),
        Some("operation.gone.summary")
    );
    assert!(!rendered.iter().any(|r| r.text.contains("Borta")));
}

#[test]
fn the_template_holds_every_entry_of_every_committed_catalog() {
    let api = api();
    let pot = std::fs::read_to_string(locales_dir().join(docs::POT_FILE)).expect("POT");
    let template =
        Catalog::parse(&pot, Path::new("iothub-mqtt5.pot"), "en-US").expect("POT parses");
    for tag in ["cs-CZ", "hu-HU", "pl-PL", "ru-RU", "sv-SE"] {
        let catalog = parse(&committed(tag)).expect("parses");
        let keys: Vec<&str> = catalog.entries().map(|(k, _)| k).collect();
        let in_pot: Vec<&str> = template
            .entries()
            .map(|(k, _)| k)
            .filter(|k| catalog.get(k).is_some())
            .collect();
        // Every entry, in the template's order, with its comment.
        assert_eq!(keys, in_pot, "{tag}");
        for (key, entry) in catalog.entries() {
            let t = template.get(key).expect("in the template");
            assert_eq!(entry.msgid, t.msgid, "{tag}: {key}");
            assert_eq!(entry.notes.extracted, t.notes.extracted, "{tag}: {key}");
        }
    }
    assert_eq!(docs::pot(&api).expect("POT"), pot);
}

#[test]
fn a_place_translated_on_its_own_is_in_the_template_and_a_fuzzy_copy_hides_nothing() {
    let api = api();
    let plan = docs::plan(&api);
    let place = "operation.get-twin.request.heading";
    let unit = plan
        .units()
        .into_iter()
        .find(|u| u.place == place)
        .expect("place");
    assert_eq!(unit.shared.as_deref(), Some("heading.request"));

    // One catalog translates the place on its own: the template gets an
    // entry for it, after the shared key, saying so.
    let mut sv = parse(&committed("sv-SE")).expect("parses");
    sv.insert(place, Entry::new("Request", "Begäran (hämta)"))
        .expect("valid");
    template::conform(&plan, &mut sv);
    let pot = template::pot(&api, &plan, std::slice::from_ref(&sv)).expect("POT");
    let shared_at = pot.find("msgctxt \"heading.request\"").expect("shared");
    let own_at = pot
        .find(&format!("msgctxt \"{place}\""))
        .expect("override in the template");
    assert!(shared_at < own_at);
    assert!(pot[..own_at]
        .ends_with("instead of `heading.request`'s translation; left empty, that one is shown\n"));
    let keys: Vec<&str> = sv.entries().map(|(k, _)| k).collect();
    let shared_i = keys.iter().position(|k| *k == "heading.request");
    assert_eq!(
        keys.iter().position(|k| *k == place),
        shared_i.map(|i| i + 1)
    );
    assert_eq!(sv.lookup(unit), ("Begäran (hämta)", Status::Translated));

    // What `msgmerge` makes of that entry in another catalog: a fuzzy copy
    // of the shared translation. It hides nothing: the shared translation
    // is shown and counted as translated; with --use-fuzzy the copy (the
    // same text) is shown.
    let mut cs = parse(&committed("cs-CZ")).expect("parses");
    let shared = cs.get("heading.request").expect("shared").clone();
    cs.insert(
        place,
        Entry {
            fuzzy: true,
            ..Entry::new("Request", &shared.msgstr)
        },
    )
    .expect("valid");
    let before = parse(&committed("cs-CZ")).expect("parses");
    for options in [Options::default(), Options { use_fuzzy: true }] {
        let (doc, coverage) = docs::render_with(&api, Some(&cs), options).expect("renders");
        let (want, _) = docs::render_with(&api, Some(&before), options).expect("renders");
        assert!(doc == want, "{options:?}");
        let fuzzy = coverage.fuzzy.iter().any(|p| p == place);
        assert_eq!(fuzzy, options.use_fuzzy, "{options:?}");
    }
    assert_eq!(
        cs.lookup(unit),
        (shared.msgstr.as_str(), Status::Translated)
    );
}
