//! The generated reference against the documents the project was created
//! from: each seed locale and en-US, rendered from the spec and the
//! committed catalogs, compared unit by unit (front matter title and
//! description, headings, paragraphs and label lines, every table row,
//! payload lines, code blocks), whitespace ignored.
//!
//! Allowed differences, each counted and printed: identifiers the seed
//! translated (the canonical identifier, as the English original has it at
//! the same unit, is expected) and the design's two errata in the
//! pseudo-code. What is an identifier is what the spec says, read from the
//! plan: property names and types, identifier schema names (payload lines
//! of a schema without prose), statuses and reason codes; any other place
//! showing English where the seed has a translation is a difference (the direct-method SUBSCRIBE topic; the commands sample's
//! properties run together, which whitespace-insensitive comparison already
//! absorbs).

use crate::common;

use std::collections::HashSet;
use std::path::Path;

use iothub_codegen::docs::plan::{Plan, PropertiesPlan};
use iothub_codegen::docs::{self, Catalog};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Unit {
    FrontMatter(String, String),
    Heading(String),
    Paragraph(String),
    Row(Vec<String>),
    Code(String),
}

fn squash(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn units(text: &str) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut body = text;
    if let Some(rest) = text.strip_prefix("---\n") {
        if let Some(end) = rest.find("\n---\n") {
            for line in rest[..end].lines() {
                if let Some((key, value)) = line.trim().split_once(':') {
                    if key == "title" || key == "description" {
                        out.push(Unit::FrontMatter(key.to_owned(), squash(value)));
                    }
                }
            }
            body = &rest[end + 5..];
        }
    }
    let mut heading: Option<String> = None;
    let mut row: Vec<String> = Vec::new();
    let mut code = String::new();
    for (event, range) in Parser::new_ext(body, Options::ENABLE_TABLES).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => {
                out.push(Unit::Heading(squash(&heading.take().unwrap_or_default())))
            }
            Event::Text(t) if heading.is_some() => {
                heading.get_or_insert_with(String::new).push_str(&t)
            }
            Event::Code(c) if heading.is_some() => heading
                .get_or_insert_with(String::new)
                .push_str(&format!("`{c}`")),
            Event::Start(Tag::Paragraph) if heading.is_none() => {
                out.push(Unit::Paragraph(squash(&body[range])))
            }
            Event::Start(Tag::TableCell) => row.push(squash(&body[range])),
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                out.push(Unit::Row(std::mem::take(&mut row)))
            }
            Event::Start(Tag::CodeBlock(_)) => code.clear(),
            Event::Text(t) => code.push_str(&t),
            Event::End(TagEnd::CodeBlock) => out.push(Unit::Code(squash(&code))),
            _ => {}
        }
    }
    out
}

/// How a rendered unit relates to the source document's unit.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Equal,
    Identifier,
    Erratum,
    Different,
}

const ERRATUM_FROM: &str = "-Topic:methods/{name}";
const ERRATUM_TO: &str = "-Topic:$iothub/methods/{name}";

/// The identifiers of the spec (squashed), from its plan.
#[derive(Default)]
struct Identifiers {
    /// Property names and types, statuses and reason codes: table cells.
    cells: HashSet<String>,
    /// Schema names shown on payload lines.
    schemas: HashSet<String>,
}

fn identifiers(plan: &Plan) -> Identifiers {
    let mut ids = Identifiers::default();
    let mut properties = |p: &PropertiesPlan| {
        if let PropertiesPlan::Table { rows, .. } = p {
            for row in rows {
                ids.cells.insert(squash(&row.name));
                ids.cells.insert(squash(&row.type_name));
            }
        }
    };
    for op in &plan.operations {
        for s in &op.sections {
            properties(&s.properties);
        }
    }
    for r in &plan.responses {
        properties(&r.properties);
    }
    for op in &plan.operations {
        for s in &op.sections {
            ids.schemas
                .extend(s.payload_identifier.iter().map(|n| squash(n)));
        }
        for row in op.alternatives.iter().flat_map(|a| &a.rows) {
            ids.cells.insert(squash(&row.status));
            ids.cells.insert(row.reason_code.to_string());
        }
    }
    for r in &plan.responses {
        ids.schemas
            .extend(r.payload_identifier.iter().map(|n| squash(n)));
        ids.cells.insert(squash(&r.status));
        ids.cells.insert(r.reason_code.to_string());
    }
    ids
}

/// Compares a rendered unit with the source's, using the English original's
/// unit at the same index for the canonical form of an identifier: a
/// rendered part that differs from the source is accepted only where it is
/// an identifier of the spec shown as the English original shows it.
fn verdict(ids: &Identifiers, rendered: &Unit, source: &Unit, english: &Unit) -> Verdict {
    if rendered == source {
        return Verdict::Equal;
    }
    match (rendered, source, english) {
        (Unit::Code(r), Unit::Code(s), _) if *r == s.replace(ERRATUM_FROM, ERRATUM_TO) => {
            Verdict::Erratum
        }
        // Table rows: each differing cell must be a canonical identifier.
        (Unit::Row(r), Unit::Row(s), Unit::Row(e)) if r.len() == s.len() && s.len() == e.len() => {
            let fine = r
                .iter()
                .zip(s)
                .zip(e)
                .all(|((rc, sc), ec)| rc == sc || (rc == ec && ids.cells.contains(rc)));
            if fine {
                Verdict::Identifier
            } else {
                Verdict::Different
            }
        }
        // Payload lines: `**label**: value`, the value an identifier schema.
        (Unit::Paragraph(r), Unit::Paragraph(s), Unit::Paragraph(e)) => {
            let split = |t: &str| {
                t.rfind(':')
                    .map(|i| (t[..i].to_owned(), t[i + 1..].to_owned()))
            };
            match (split(r), split(s), split(e)) {
                (Some((rl, rv)), Some((sl, _)), Some((_, ev)))
                    if rl == sl && rv == ev && ids.schemas.contains(&rv) =>
                {
                    Verdict::Identifier
                }
                _ => Verdict::Different,
            }
        }
        _ => Verdict::Different,
    }
}

struct Score {
    total: usize,
    equal: usize,
    identifiers: usize,
    errata: usize,
    different: Vec<String>,
}

fn spec_identifiers() -> Identifiers {
    let api = iothub_codegen::load(common::root().join("spec/iothub-mqtt5.yaml"))
        .unwrap_or_else(|e| panic!("{e}"));
    identifiers(&docs::plan(&api))
}

fn compare(rendered: &str, source: &str, english: &str) -> Score {
    let ids = spec_identifiers();
    let (r, s, e) = (units(rendered), units(source), units(english));
    let mut score = Score {
        total: s.len().max(r.len()),
        equal: 0,
        identifiers: 0,
        errata: 0,
        different: Vec::new(),
    };
    if r.len() != s.len() || s.len() != e.len() {
        score.different.push(format!(
            "unit counts differ: rendered {}, source {}, English {}",
            r.len(),
            s.len(),
            e.len()
        ));
    }
    for (i, ((ru, su), eu)) in r.iter().zip(&s).zip(&e).enumerate() {
        match verdict(&ids, ru, su, eu) {
            Verdict::Equal => score.equal += 1,
            Verdict::Identifier => score.identifiers += 1,
            Verdict::Erratum => score.errata += 1,
            Verdict::Different => score
                .different
                .push(format!("unit {i}:\n  rendered {ru:?}\n  source   {su:?}")),
        }
    }
    score
}

fn render(locale: Option<&str>) -> String {
    let root = common::root();
    let api =
        iothub_codegen::load(root.join("spec/iothub-mqtt5.yaml")).unwrap_or_else(|e| panic!("{e}"));
    let catalog = locale.map(|tag| {
        Catalog::load(&root.join(format!("spec/locales/{tag}.po")), tag)
            .unwrap_or_else(|e| panic!("{e}"))
    });
    docs::render(&api, catalog.as_ref())
        .unwrap_or_else(|e| panic!("{e}"))
        .0
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_locale_reproduces_its_source_document() {
    let Some(sources) = common::sources_dir("every_locale_reproduces_its_source_document") else {
        return;
    };
    let english = read(&sources.join("reference/en-US/iot-hub-mqtt-5-reference.md"));
    let mut documents = vec![("en-US".to_owned(), english.clone(), render(None))];
    for (locale, path) in common::seeds(&sources) {
        let rendered = render(Some(&locale));
        documents.push((locale, read(&path), rendered));
    }
    // en-US and one document per seed; every seed has its catalog.
    assert_eq!(
        documents.len(),
        1 + common::catalog_count(),
        "en-US and the seeds"
    );

    let mut failures = Vec::new();
    for (locale, source, rendered) in &documents {
        let score = compare(rendered, source, &english);
        let matched = score.equal + score.identifiers + score.errata;
        println!(
            "{locale}: {matched}/{} units match ({:.1} %): {} equal, {} identifiers canonicalized, {} errata corrected",
            score.total,
            100.0 * matched as f64 / score.total.max(1) as f64,
            score.equal,
            score.identifiers,
            score.errata
        );
        assert!(
            score.total >= 250,
            "{locale}: only {} units compared",
            score.total
        );
        if !score.different.is_empty() {
            failures.push(format!("{locale}:\n{}", score.different.join("\n")));
        }
        // Exactly the one code-block erratum in every document.
        assert_eq!(score.errata, 1, "{locale}: errata");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn english_matches_the_original_without_identifier_exceptions() {
    let Some(sources) =
        common::sources_dir("english_matches_the_original_without_identifier_exceptions")
    else {
        return;
    };
    let english = read(&sources.join("reference/en-US/iot-hub-mqtt-5-reference.md"));
    let score = compare(&render(None), &english, &english);
    assert_eq!(score.identifiers, 0);
    assert_eq!(score.errata, 1);
    assert!(score.different.is_empty(), "{}", score.different.join("\n"));
}

#[test]
fn committed_docs_are_what_the_spec_and_catalogs_render() {
    let root = common::root();
    let mut locales = vec![None];
    for entry in std::fs::read_dir(root.join("spec/locales")).expect("locales") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "po") {
            let tag = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("tag")
                .to_owned();
            locales.push(Some(tag));
        }
    }
    assert!(locales.len() >= 6, "five seed catalogs are committed");
    for locale in locales {
        let tag = locale.as_deref().unwrap_or("en-US");
        let committed = read(&root.join(format!("docs/{tag}/iot-hub-mqtt-5-reference.md")));
        assert!(
            committed == render(locale.as_deref()),
            "docs/{tag} is stale: run `iothub-codegen generate`"
        );
    }
}

#[test]
fn english_put_back_into_a_translated_place_is_a_difference() {
    // No seeds needed: the committed sv-SE document stands for the source.
    let root = common::root();
    let source = read(&root.join("docs/sv-SE/iot-hub-mqtt-5-reference.md"));
    let english = read(&root.join("docs/en-US/iot-hub-mqtt-5-reference.md"));
    let clean = compare(&source, &source, &english);
    assert!(clean.different.is_empty(), "{}", clean.different.join("\n"));

    // A payload line of a schema with prose: the English value after the
    // label (the shape the old rule took for an identifier).
    let translated = "**Nytto Last**: valfri byte-sekvens\n";
    assert!(source.contains(translated), "sv-SE document changed shape");
    let mutated = source.replacen(translated, "**Nytto Last**: any byte sequence\n", 1);
    let score = compare(&mutated, &source, &english);
    assert_eq!(score.different.len(), 1, "{}", score.different.join("\n"));
    assert!(
        score.different[0].contains("anybytesequence"),
        "{}",
        score.different[0]
    );

    // A table cell that is no identifier: the yes/no column in English.
    let row = "| message-id | string | nej |";
    assert!(source.contains(row), "sv-SE document changed shape");
    let mutated = source.replacen(row, "| message-id | string | no |", 1);
    assert_eq!(compare(&mutated, &source, &english).different.len(), 1);

    // An identifier the source translated is accepted in its canonical form.
    let identifier = "**Nytto Last**: TwinState\n";
    assert!(source.contains(identifier), "sv-SE document changed shape");
    let seed_like = source.replacen(identifier, "**Nytto Last**: Tvillingtillstånd\n", 1);
    let score = compare(&source, &seed_like, &english);
    assert!(score.different.is_empty(), "{}", score.different.join("\n"));
    assert_eq!(score.identifiers, 1);
}
