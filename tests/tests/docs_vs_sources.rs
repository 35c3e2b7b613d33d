//! The generated reference against the documents the project was created
//! from: each seed locale and en-US, rendered from the spec and the
//! committed catalogs, compared unit by unit (front matter title and
//! description, headings, paragraphs and label lines, every table row,
//! payload lines, code blocks), whitespace ignored.
//!
//! Allowed differences, each counted and printed: identifiers the seed
//! translated (the canonical identifier, as the English original has it at
//! the same unit, is expected) and the design's two errata in the
//! pseudo-code (the direct-method SUBSCRIBE topic; the commands sample's
//! properties run together, which whitespace-insensitive comparison already
//! absorbs).

mod common;

use std::path::Path;

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

/// Compares a rendered unit with the source's, using the English original's
/// unit at the same index as the oracle for identifiers.
fn verdict(rendered: &Unit, source: &Unit, english: &Unit) -> Verdict {
    if rendered == source {
        return Verdict::Equal;
    }
    match (rendered, source, english) {
        (Unit::Code(r), Unit::Code(s), _) if *r == s.replace(ERRATUM_FROM, ERRATUM_TO) => {
            Verdict::Erratum
        }
        // Property rows: name and type are identifiers.
        (Unit::Row(r), Unit::Row(s), Unit::Row(e))
            if r.len() == 4 && s.len() == 4 && e.len() == 4 =>
        {
            let identifiers_canonical = r[..2] == e[..2];
            let rest_equal = r[2..] == s[2..];
            if identifiers_canonical && rest_equal {
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
                (Some((rl, rv)), Some((sl, _)), Some((_, ev))) if rl == sl && rv == ev => {
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

fn compare(rendered: &str, source: &str, english: &str) -> Score {
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
        match verdict(ru, su, eu) {
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
    assert_eq!(documents.len(), 6, "en-US and five seeds");

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
