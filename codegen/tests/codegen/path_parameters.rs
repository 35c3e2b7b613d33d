//! Path parameters that are Rust keywords or named like the generated
//! helpers are valid: they become raw identifiers or plain arguments, and the
//! generated code never holds a placeholder name.

use std::path::Path;

fn minimal_with_topic(topic: &str) -> String {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal.yaml");
    let text = std::fs::read_to_string(fixture).expect("fixture readable");
    let replaced = text.replacen("topic: $iothub/thing/get", &format!("topic: {topic}"), 1);
    assert_ne!(replaced, text, "the fixture's get-thing topic moved");
    replaced
}

#[test]
fn keyword_and_helper_named_parameters_generate_valid_rust() {
    let text = minimal_with_topic("$iothub/thing/{type}/{topic}/{segments}");
    let api = iothub_codegen::parse(&text, Path::new("params.yaml"))
        .unwrap_or_else(|e| panic!("must load:\n{e}"));
    let rust = iothub_codegen::rust::generate(&api).expect("generates");
    for expected in [
        "r#type: &str",
        "topic: &str",
        "segments: &str",
        "let r#type = __segments",
        "let topic = __segments",
    ] {
        assert!(rust.contains(expected), "missing `{expected}` in:\n{rust}");
    }
    assert!(!rust.contains("__invalid_spec_name"));
}
