//! The loader on mutated and truncated versions of the real spec: it returns
//! `Ok` or located `Err`s, never panics, and every location is in the file.
//! A spec it accepts goes through both generators (Rust, and the English
//! reference document), which succeed on anything the loader accepts.
//! Besides text mutations, values are swapped between the spec's own
//! `key: value` lines and replaced by values significant to the spec, so
//! that mutated specs get past YAML and into validation and lowering.

use crate::common;

use common::floor_char_boundary;

use std::path::Path;

use iothub_codegen::ir::Api;
use iothub_codegen::Error;
use proptest::prelude::*;

fn real_spec() -> String {
    std::fs::read_to_string(common::spec_path()).expect("spec readable")
}

fn check(text: &str) -> Result<(), TestCaseError> {
    checked(text).map(drop)
}

/// The furthest line a location of `text` may be on: the one after its
/// last, as YAML counts lines (a line ends at LF, CRLF or a lone CR), where
/// the end of the text is.
fn last_line(text: &str) -> usize {
    let lone_cr = text.matches('\r').count() - text.matches("\r\n").count();
    text.matches('\n').count() + lone_cr + 2
}

/// Loads `text`: the spec if it is accepted, else checks the diagnostics.
fn checked(text: &str) -> Result<Option<Api>, TestCaseError> {
    let file = Path::new("mutated.yaml");
    match iothub_codegen::parse(text, file) {
        Ok(api) => Ok(Some(api)),
        Err(Error::InvalidSpec(diagnostics)) => {
            prop_assert!(!diagnostics.is_empty());
            let lines = last_line(text);
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
            Ok(None)
        }
        Err(other) => Err(TestCaseError::fail(format!(
            "unexpected error kind: {other}"
        ))),
    }
}

/// [`check`], and a spec the loader accepts generates Rust and renders the
/// English reference document.
fn check_generates(text: &str) -> Result<(), TestCaseError> {
    if let Some(api) = checked(text)? {
        let rust = iothub_codegen::rust::generate(&api);
        prop_assert!(
            rust.is_ok(),
            "an accepted spec does not generate: {:?}",
            rust.err()
        );
        let docs = iothub_codegen::docs::render(&api, None);
        prop_assert!(
            docs.is_ok(),
            "an accepted spec does not render: {:?}",
            docs.err()
        );
    }
    Ok(())
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
        Just("\r".to_owned()),
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

/// Values that mean something in the spec: types, interactions,
/// directions, QoS, status codes, topics and their parameters, flags.
fn spec_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("string".to_owned()),
        Just("u32".to_owned()),
        Just("time".to_owned()),
        Just("bytes".to_owned()),
        Just("request-response".to_owned()),
        Just("message-ack".to_owned()),
        Just("c2s".to_owned()),
        Just("s2c".to_owned()),
        Just("0".to_owned()),
        Just("1".to_owned()),
        Just("2".to_owned()),
        Just("-1".to_owned()),
        Just("true".to_owned()),
        Just("false".to_owned()),
        Just("\"0100\"".to_owned()),
        Just("\"0000\"".to_owned()),
        Just("\"0800\"".to_owned()),
        Just("0x0100".to_owned()),
        Just("131".to_owned()),
        Just("$iothub/telemetry".to_owned()),
        Just("$iothub/methods/{name}".to_owned()),
        Just("$iothub/methods/{name}/{name}".to_owned()),
        Just("$iothub/{".to_owned()),
        Just("$iothub/#".to_owned()),
        Just("Content Type".to_owned()),
        Just("Correlation Data".to_owned()),
        Just("\"@x\"".to_owned()),
        Just("status".to_owned()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        Just("''".to_owned()),
    ]
}

/// The indices of the spec's `key: value` lines (value not empty), and
/// where each value starts.
fn value_lines(lines: &[&str]) -> Vec<(usize, usize)> {
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.trim_start().starts_with('#'))
        .filter_map(|(i, l)| {
            let at = l.find(": ")? + 2;
            (at < l.len()).then_some((i, at))
        })
        .collect()
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

proptest! {
    // Fewer cases: each accepted spec is generated (slow in a debug build).
    #![proptest_config(ProptestConfig {
        cases: 64,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x5eed_7a1e),
        ..ProptestConfig::default()
    })]

    #[test]
    fn values_swapped(a in any::<usize>(), b in any::<usize>()) {
        let spec = real_spec();
        let lines: Vec<&str> = spec.lines().collect();
        let values = value_lines(&lines);
        let (i, at) = values[a % values.len()];
        let (j, bt) = values[b % values.len()];
        let mut changed: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
        changed[i] = format!("{}{}", &lines[i][..at], &lines[j][bt..]);
        changed[j] = format!("{}{}", &lines[j][..bt], &lines[i][at..]);
        check_generates(&changed.join("\n"))?;
    }

    #[test]
    fn value_replaced(a in any::<usize>(), value in spec_value()) {
        let spec = real_spec();
        let lines: Vec<&str> = spec.lines().collect();
        let values = value_lines(&lines);
        let (i, at) = values[a % values.len()];
        let mut changed: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
        changed[i] = format!("{}{}", &lines[i][..at], value);
        check_generates(&changed.join("\n"))?;
    }
}

#[test]
fn real_spec_loads() {
    check(&real_spec()).unwrap();
    assert!(iothub_codegen::parse(&real_spec(), Path::new("spec.yaml")).is_ok());
}
