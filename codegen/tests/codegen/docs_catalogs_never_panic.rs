//! The committed catalogs of every locale, mutated where translators make
//! changes (a translation replaced by text full of PO escapes and Markdown,
//! an entry marked fuzzy or removed, its English changed, lines cut or
//! repeated): reading gives a catalog or a located error, never a panic
//! (`docs_bad_catalogs.rs` checks reading on sv-SE alone), and any catalog
//! that reads renders the reference document, with and without fuzzy
//! translations, with the English document's headings and a coverage of
//! every place. Fixed seed: the same cases every run.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use iothub_codegen::docs::{self, Catalog, Options};
use iothub_codegen::ir::Api;
use iothub_codegen::Error;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;

const LOCALES: [&str; 5] = ["cs-CZ", "hu-HU", "pl-PL", "ru-RU", "sv-SE"];

fn api() -> &'static Api {
    static API: OnceLock<Api> = OnceLock::new();
    API.get_or_init(|| iothub_codegen::load(common::spec_path()).expect("spec loads"))
}

/// The committed catalogs' texts, in the order of [`LOCALES`].
fn catalogs() -> &'static [String] {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../spec/locales");
        LOCALES
            .iter()
            .map(|tag| std::fs::read_to_string(dir.join(format!("{tag}.po"))).expect("readable"))
            .collect()
    })
}

/// Heading levels outside the front matter and code fences.
fn headings(markdown: &str) -> Vec<usize> {
    let body = markdown
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .map_or(markdown, |(_, body)| body);
    let mut in_fence = false;
    let mut out = Vec::new();
    for line in body.lines() {
        if line.starts_with("```") {
            in_fence = !in_fence;
        } else if !in_fence && line.starts_with('#') {
            out.push(line.chars().take_while(|c| *c == '#').count());
        }
    }
    out
}

fn english_headings() -> &'static [usize] {
    static H: OnceLock<Vec<usize>> = OnceLock::new();
    H.get_or_init(|| headings(&docs::render(api(), None).expect("renders").0))
}

/// Reads `text`; a catalog renders whole, an error is located.
fn check(locale: &str, text: &str) -> Result<(), TestCaseError> {
    let path = Path::new("mutated.po");
    let catalog = match Catalog::parse(text, path, locale) {
        Ok(catalog) => catalog,
        Err(Error::Catalog { line, message, .. }) => {
            let lines = text.split('\n').count();
            prop_assert!(line >= 1 && line <= lines + 1, "line {line}: {message}");
            return Ok(());
        }
        Err(other) => return Err(TestCaseError::fail(format!("not a catalog error: {other}"))),
    };
    let units = docs::plan(api()).units().len();
    for use_fuzzy in [false, true] {
        let rendered = docs::render_with(api(), Some(&catalog), Options { use_fuzzy });
        let (document, coverage) =
            rendered.map_err(|e| TestCaseError::fail(format!("does not render: {e}")))?;
        prop_assert_eq!(coverage.total(), units);
        prop_assert_eq!(headings(&document), english_headings().to_vec());
    }
    Ok(())
}

/// Translations a translator (or a tool) may write, as PO string content.
fn translation() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just("\\n# Rubrik".to_owned()),
        Just("a \\\"quoted\\\" | cell".to_owned()),
        Just("`code` **bold** <b>html</b>".to_owned()),
        Just("line\\nbreak\\ttab".to_owned()),
        Just("\\\\".to_owned()),
        Just("---".to_owned()),
        Just("```".to_owned()),
        Just("$iothub/telemetry".to_owned()),
        Just("é€😀".to_owned()),
        "[a-zA-Z |#`*-]{0,24}",
    ]
}

/// A change to a catalog's lines.
#[derive(Debug, Clone)]
enum Mutation {
    /// A `msgstr` line's translation replaced.
    Translate(usize, String),
    /// A `msgid` line's English replaced (the entry becomes stale).
    Reword(usize, String),
    /// `#, fuzzy` put before a `msgctxt` line.
    Fuzzy(usize),
    /// Lines cut out.
    Cut(usize, usize),
    /// A line repeated.
    Repeat(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        3 => (any::<usize>(), translation()).prop_map(|(i, t)| Mutation::Translate(i, t)),
        1 => (any::<usize>(), translation()).prop_map(|(i, t)| Mutation::Reword(i, t)),
        1 => any::<usize>().prop_map(Mutation::Fuzzy),
        1 => (any::<usize>(), 1usize..5).prop_map(|(i, n)| Mutation::Cut(i, n)),
        1 => any::<usize>().prop_map(Mutation::Repeat),
    ]
}

/// The index of the `i`-th (modulo) line starting with `prefix`.
fn nth_line(lines: &[String], prefix: &str, i: usize) -> Option<usize> {
    let found: Vec<usize> = (0..lines.len())
        .filter(|&n| lines[n].starts_with(prefix))
        .collect();
    (!found.is_empty()).then(|| found[i % found.len()])
}

fn apply(lines: &mut Vec<String>, mutation: Mutation) {
    if lines.is_empty() {
        return;
    }
    let len = lines.len();
    match mutation {
        Mutation::Translate(i, text) => {
            if let Some(n) = nth_line(lines, "msgstr ", i) {
                lines[n] = format!("msgstr \"{text}\"");
            }
        }
        Mutation::Reword(i, text) => {
            if let Some(n) = nth_line(lines, "msgid ", i) {
                lines[n] = format!("msgid \"{text}\"");
            }
        }
        Mutation::Fuzzy(i) => {
            if let Some(n) = nth_line(lines, "msgctxt ", i) {
                lines.insert(n, "#, fuzzy".to_owned());
            }
        }
        Mutation::Cut(i, n) => {
            let start = i % len;
            lines.drain(start..(start + n).min(len));
        }
        Mutation::Repeat(i) => {
            let line = lines[i % len].clone();
            lines.insert(i % len, line);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 96,
        rng_seed: RngSeed::Fixed(0xca7a_1095),
        ..ProptestConfig::default()
    })]

    #[test]
    fn mutated_catalogs_read_and_render(
        which in 0..LOCALES.len(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let mut lines: Vec<String> = catalogs()[which].split('\n').map(str::to_owned).collect();
        for m in mutations {
            apply(&mut lines, m);
        }
        check(LOCALES[which], &lines.join("\n"))?;
    }
}

#[test]
fn the_committed_catalogs_render_with_the_english_headings() {
    for (tag, text) in LOCALES.iter().zip(catalogs()) {
        check(tag, text).unwrap_or_else(|e| panic!("{tag}: {e}"));
    }
}
