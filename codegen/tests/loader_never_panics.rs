//! The loader on mutated and truncated versions of the real spec: it returns
//! `Ok` or located `Err`s, never panics, and every location is in the file.

mod common;

use common::floor_char_boundary;

use std::path::Path;

use iothub_codegen::Error;
use proptest::prelude::*;

fn real_spec() -> String {
    std::fs::read_to_string(common::spec_path()).expect("spec readable")
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let file = Path::new("mutated.yaml");
    match iothub_codegen::parse(text, file) {
        Ok(_) => Ok(()),
        Err(Error::InvalidSpec(diagnostics)) => {
            prop_assert!(!diagnostics.is_empty());
            let lines = text.lines().count().max(1) + 1;
            for d in diagnostics.iter() {
                prop_assert_eq!(&d.location.file, file);
                prop_assert!(
                    d.location.line >= 1 && d.location.line <= lines,
                    "line {} of {}",
                    d.location.line,
                    lines
                );
                prop_assert!(d.location.column >= 1);
                prop_assert!(!d.message.is_empty());
            }
            Ok(())
        }
        Err(other) => Err(TestCaseError::fail(format!(
            "unexpected error kind: {other}"
        ))),
    }
}

/// Fragments that are significant to YAML or to the spec's rules.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(":".to_owned()),
        Just("- ".to_owned()),
        Just("{".to_owned()),
        Just("[".to_owned()),
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just("&a ".to_owned()),
        Just("*a".to_owned()),
        Just("!tag ".to_owned()),
        Just("#".to_owned()),
        Just("\t".to_owned()),
        Just("\n".to_owned()),
        Just("  ".to_owned()),
        Just("~".to_owned()),
        Just("0x".to_owned()),
        Just("99999999999999999999".to_owned()),
        Just("{}".to_owned()),
        Just("+".to_owned()),
        Just("é€😀".to_owned()),
        Just("\u{0}".to_owned()),
        "[a-z -]{0,8}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        // Deterministic: CI runs the same cases every time.
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x5eed_10ad),
        ..ProptestConfig::default()
    })]

    #[test]
    fn truncated(cut in 0usize..20_000) {
        let spec = real_spec();
        let cut = floor_char_boundary(&spec, cut % (spec.len() + 1));
        check(&spec[..cut])?;
    }

    #[test]
    fn spliced(at in 0usize..20_000, len in 0usize..12, insert in fragment()) {
        let spec = real_spec();
        let start = floor_char_boundary(&spec, at % (spec.len() + 1));
        let end = floor_char_boundary(&spec, start + len);
        let mutated = format!("{}{}{}", &spec[..start], insert, &spec[end..]);
        check(&mutated)?;
    }

    #[test]
    fn lines_shuffled(a in 0usize..1000, b in 0usize..1000, op in 0u8..4) {
        let spec = real_spec();
        let mut lines: Vec<&str> = spec.lines().collect();
        let (a, b) = (a % lines.len(), b % lines.len());
        match op {
            0 => { lines.remove(a); }
            1 => { let l = lines[a]; lines.insert(b, l); }
            2 => lines.swap(a, b),
            _ => { lines[a] = lines[a].trim_start(); }
        }
        check(&lines.join("\n"))?;
    }

    #[test]
    fn arbitrary_text(text in "\\PC{0,200}") {
        check(&text)?;
    }
}

#[test]
fn real_spec_loads() {
    check(&real_spec()).unwrap();
    assert!(iothub_codegen::parse(&real_spec(), Path::new("spec.yaml")).is_ok());
}
