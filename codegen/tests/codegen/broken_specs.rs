//! The corpus of broken specs: each file under `tests/broken/` is the minimal
//! valid spec (`tests/fixtures/minimal.yaml`) with problems added, and lists
//! the exact diagnostics it must produce in header lines of the form
//! `# expect: <kind> <line>:<column>`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use iothub_codegen::Error;

use crate::common;

fn manifest_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// `(kind, line, column)` triples from the `# expect:` header lines.
fn expectations(text: &str, file: &Path) -> BTreeSet<(String, usize, usize)> {
    text.lines()
        .filter_map(|l| l.strip_prefix("# expect: "))
        .map(|spec| {
            let (kind, position) = spec
                .trim()
                .split_once(' ')
                .unwrap_or_else(|| panic!("{}: bad expect line `{spec}`", file.display()));
            let (line, column) = position
                .split_once(':')
                .unwrap_or_else(|| panic!("{}: bad position `{position}`", file.display()));
            (
                kind.to_owned(),
                line.parse().expect("line number"),
                column.parse().expect("column number"),
            )
        })
        .collect()
}

#[test]
fn minimal_fixture_is_valid() {
    let api = iothub_codegen::load(manifest_path("tests/fixtures/minimal.yaml"))
        .unwrap_or_else(|e| panic!("minimal fixture must load:\n{e}"));
    assert_eq!(api.operations.len(), 2);
}

#[test]
fn corpus_is_large_enough() {
    let files = common::broken_specs();
    assert!(files.len() >= 25, "only {} broken specs", files.len());
    let multi = files
        .iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).expect("readable");
            expectations(&text, f).len() > 1
        })
        .count();
    assert!(
        multi >= 3,
        "only {multi} broken specs with several problems"
    );
}

#[test]
fn each_broken_spec_reports_exactly_its_problems() {
    let mut failures = Vec::new();
    for file in common::broken_specs() {
        let text = std::fs::read_to_string(&file).expect("readable");
        let expected = expectations(&text, &file);
        assert!(
            !expected.is_empty(),
            "{}: no `# expect:` line",
            file.display()
        );
        match iothub_codegen::parse(&text, &file) {
            Ok(_) => failures.push(format!("{}: loaded without error", file.display())),
            Err(Error::InvalidSpec(diagnostics)) => {
                for d in diagnostics.iter() {
                    assert_eq!(d.location.file, file, "diagnostic names the file");
                    assert!(!d.message.is_empty());
                }
                let actual: BTreeSet<(String, usize, usize)> = diagnostics
                    .iter()
                    .map(|d| (d.kind.code().to_owned(), d.location.line, d.location.column))
                    .collect();
                if actual != expected {
                    failures.push(format!(
                        "{}:\n  expected {expected:?}\n  actual   {actual:?}\n{diagnostics}",
                        file.display()
                    ));
                }
            }
            Err(other) => failures.push(format!("{}: unexpected error {other}", file.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `(kind, line, column)` of each diagnostic of `text`.
fn places(text: &str, file: &Path) -> BTreeSet<(String, usize, usize)> {
    match iothub_codegen::parse(text, file) {
        Err(Error::InvalidSpec(diagnostics)) => diagnostics
            .iter()
            .map(|d| (d.kind.code().to_owned(), d.location.line, d.location.column))
            .collect(),
        other => panic!("{}: {other:?}", file.display()),
    }
}

#[test]
fn every_line_break_yaml_knows_gives_the_same_places() {
    // Found by the `spec_loader` fuzz target: YAML (and so every marker)
    // counts a lone CR as a line break, while the loader's own line model
    // did not, so its column fix-ups read the wrong lines.
    let mut failures = Vec::new();
    for file in common::broken_specs() {
        let text = std::fs::read_to_string(&file).expect("readable");
        let lf = places(&text, &file);
        for (name, ending) in [("CRLF", "\r\n"), ("CR", "\r")] {
            let other = places(&text.replace('\n', ending), &file);
            if other != lf {
                failures.push(format!(
                    "{} with {name}:\n  LF  {lf:?}\n  {name} {other:?}",
                    file.display()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
