//! Import on mutated and truncated localized documents (the committed sv-SE
//! reference, which has the seed's shape): it never panics, every problem
//! it reports is at a line of the document, it only fills places the spec
//! has, and whatever it imports renders to a document with the English
//! one's headings. The real seeds (`$IOTHUB_SOURCES/seeds`, five locales,
//! with their errata) are mutated and truncated too.

use crate::common;

use common::floor_char_boundary;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::OnceLock;

use iothub_codegen::docs::{self, import};
use iothub_codegen::ir::Api;
use proptest::prelude::*;

fn api() -> &'static Api {
    static API: OnceLock<Api> = OnceLock::new();
    API.get_or_init(|| iothub_codegen::load(common::spec_path()).expect("spec loads"))
}

fn seed_like() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../docs/sv-SE")
            .join(docs::DOC_FILE);
        std::fs::read_to_string(path).expect("committed sv-SE document")
    })
}

/// Heading lines outside the front matter and code fences.
fn headings(markdown: &str) -> Vec<String> {
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
            out.push(line.chars().take_while(|c| *c == '#').collect());
        }
    }
    out
}

fn english_headings() -> &'static [String] {
    static H: OnceLock<Vec<String>> = OnceLock::new();
    H.get_or_init(|| headings(&docs::render(api(), None).expect("renders").0))
}

fn keys() -> &'static HashSet<String> {
    static K: OnceLock<HashSet<String>> = OnceLock::new();
    K.get_or_init(|| {
        docs::plan(api())
            .units()
            .into_iter()
            .flat_map(|u| [Some(u.place.clone()), u.shared.clone()])
            .flatten()
            .collect()
    })
}

fn check(text: &str) -> Result<(), TestCaseError> {
    check_locale("sv-SE", text)
}

/// The seed documents with their locales (`ms.contentlocale`); `None`
/// (said once) when the source documents are missing.
fn seeds() -> Option<&'static [(String, String)]> {
    static SEEDS: OnceLock<Option<Vec<(String, String)>>> = OnceLock::new();
    SEEDS
        .get_or_init(|| {
            let dir = common::sources_dir("docs_import_never_panics (seeds)")?.join("seeds");
            let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
                .expect("seeds folder")
                .map(|e| e.expect("entry").path())
                .collect();
            files.sort();
            let seeds = files
                .into_iter()
                .map(|path| {
                    let text = std::fs::read_to_string(&path).expect("seed readable");
                    let locale = text
                        .lines()
                        .find_map(|l| l.strip_prefix("ms.contentlocale:"))
                        .expect("a seed names its locale")
                        .trim()
                        .to_owned();
                    (locale, text)
                })
                .collect();
            Some(seeds)
        })
        .as_deref()
}

/// [`check`] for a document of `locale`.
fn check_locale(locale: &str, text: &str) -> Result<(), TestCaseError> {
    let imported = import::import(api(), locale, text);
    let lines = text.lines().count().max(1);
    for u in &imported.unaligned {
        prop_assert!(
            u.line >= 1 && u.line <= lines + 1,
            "line {} of {}: {}",
            u.line,
            lines,
            u.message
        );
        prop_assert!(!u.message.is_empty());
    }
    prop_assert!(imported
        .unaligned
        .windows(2)
        .all(|w| w[0].line <= w[1].line));
    for (key, entry) in imported.catalog.entries() {
        prop_assert!(keys().contains(key), "invented key {key}");
        prop_assert!(!entry.msgstr.is_empty(), "{key}: empty translation");
        prop_assert!(!entry.msgstr.contains('\n'), "{key}: {:?}", entry.msgstr);
    }
    let (rendered, coverage) = docs::render(api(), Some(&imported.catalog))
        .map_err(|e| TestCaseError::fail(format!("render failed: {e}")))?;
    prop_assert_eq!(coverage.total(), docs::plan(api()).units().len());
    prop_assert_eq!(headings(&rendered), english_headings().to_vec());
    // The front matter stays what YAML reads as key / value lines.
    let front: Vec<&str> = rendered
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .map(|(front, _)| front.lines().collect())
        .unwrap_or_default();
    prop_assert!(front.len() >= 2, "no front matter");
    for line in front {
        prop_assert!(
            line.contains(": ") && !line.starts_with([' ', '#', '-']),
            "front matter line `{}`",
            line
        );
    }
    // The imported catalog is a valid catalog file.
    let po = imported.catalog.to_po(&docs::project_id(api()));
    let parsed = docs::Catalog::parse(&po, std::path::Path::new("imported.po"), locale);
    prop_assert!(parsed.is_ok(), "{:?}", parsed.err());
    Ok(())
}

/// Fragments that matter to Markdown, to the document's layout, or to YAML.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("|".to_owned()),
        Just("\\|".to_owned()),
        Just("`".to_owned()),
        Just("```\n".to_owned()),
        Just("#".to_owned()),
        Just("\n### ".to_owned()),
        Just("\n#### ".to_owned()),
        Just("\n## ".to_owned()),
        Just("<a name=\"".to_owned()),
        Just("<a name=\"get-twin\"></a>".to_owned()),
        Just("</a>".to_owned()),
        Just("---\n".to_owned()),
        Just("\n".to_owned()),
        Just("\n\n".to_owned()),
        Just("**".to_owned()),
        Just(":".to_owned()),
        Just("\"".to_owned()),
        Just("`0100`".to_owned()),
        Just("`$iothub/twin/get`".to_owned()),
        Just("| a | b |\n| - | - |\n".to_owned()),
        Just("é€😀".to_owned()),
        Just("\u{0}".to_owned()),
        Just("\r\n".to_owned()),
        Just("\t".to_owned()),
        "[a-z :|#`*-]{0,8}",
    ]
}

/// A fixed seed (whatever `PROPTEST_RNG_SEED` says): the same cases on
/// every machine and run.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x1077_4ab5),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn truncated(cut in 0usize..40_000) {
        let doc = seed_like();
        let cut = floor_char_boundary(doc, cut % (doc.len() + 1));
        check(&doc[..cut])?;
    }

    #[test]
    fn spliced(at in 0usize..40_000, len in 0usize..16, insert in fragment()) {
        let doc = seed_like();
        let start = floor_char_boundary(doc, at % (doc.len() + 1));
        let end = floor_char_boundary(doc, start + len);
        check(&format!("{}{}{}", &doc[..start], insert, &doc[end..]))?;
    }

    #[test]
    fn lines_shuffled(a in 0usize..1000, b in 0usize..1000, n in 1usize..8, op in 0u8..5) {
        let doc = seed_like();
        let mut lines: Vec<&str> = doc.lines().collect();
        let (a, b) = (a % lines.len(), b % lines.len());
        match op {
            0 => { let end = (a + n).min(lines.len()); lines.drain(a..end); }
            1 => { let l = lines[a]; lines.insert(b, l); }
            2 => lines.swap(a, b),
            3 => { lines[a] = lines[a].trim_start_matches('#').trim_start(); }
            _ => { let end = (a + n).min(lines.len()); let copy: Vec<&str> = lines[a..end].to_vec(); lines.splice(b..b, copy); }
        }
        check(&lines.join("\n"))?;
    }

    #[test]
    fn arbitrary_text(text in "\\PC{0,300}") {
        check(&text)?;
    }

    #[test]
    fn markdown_soup(text in "(### |#### |## |# |\\| |`|\\*\\*|: |<a name=\"x\"></a>|\n|[a-z ]|`131`|---\n){0,80}") {
        check(&text)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 64,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x5eed_d0c5),
        ..ProptestConfig::default()
    })]

    #[test]
    fn seeds_truncated(seed in any::<usize>(), cut in any::<usize>()) {
        let Some(seeds) = seeds() else { return Ok(()) };
        let (locale, doc) = &seeds[seed % seeds.len()];
        let cut = floor_char_boundary(doc, cut % (doc.len() + 1));
        check_locale(locale, &doc[..cut])?;
    }

    #[test]
    fn seeds_spliced(seed in any::<usize>(), at in any::<usize>(), len in 0usize..16, insert in fragment()) {
        let Some(seeds) = seeds() else { return Ok(()) };
        let (locale, doc) = &seeds[seed % seeds.len()];
        let start = floor_char_boundary(doc, at % (doc.len() + 1));
        let end = floor_char_boundary(doc, start + len);
        check_locale(locale, &format!("{}{}{}", &doc[..start], insert, &doc[end..]))?;
    }

    #[test]
    fn seeds_lines_moved(seed in any::<usize>(), a in any::<usize>(), b in any::<usize>(), n in 1usize..8) {
        let Some(seeds) = seeds() else { return Ok(()) };
        let (locale, doc) = &seeds[seed % seeds.len()];
        let mut lines: Vec<&str> = doc.lines().collect();
        let a = a % lines.len();
        let end = (a + n).min(lines.len());
        let moved: Vec<&str> = lines.drain(a..end).collect();
        let b = b % (lines.len() + 1);
        lines.splice(b..b, moved);
        check_locale(locale, &lines.join("\n"))?;
    }
}

#[test]
fn the_seeds_import() {
    let Some(seeds) = seeds() else { return };
    assert_eq!(seeds.len(), 5, "five seeds");
    for (locale, doc) in seeds {
        check_locale(locale, doc).unwrap_or_else(|e| panic!("{locale}: {e}"));
    }
}

#[test]
fn the_committed_document_imports_cleanly() {
    let imported = import::import(api(), "sv-SE", seed_like());
    assert_eq!(imported.unaligned, []);
    check(seed_like()).expect("checks");
}
