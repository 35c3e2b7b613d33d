//! Shape problems: all of them are reported in one run where the YAML
//! parses, each naming the item it is in by index and name.

use std::path::Path;

use iothub_codegen::Error;

fn messages(text: &str) -> Vec<String> {
    match iothub_codegen::parse(text, Path::new("spec.yaml")) {
        Err(Error::InvalidSpec(diagnostics)) => diagnostics.iter().map(|d| d.to_string()).collect(),
        Ok(_) => panic!("loaded without error"),
        Err(other) => panic!("unexpected error {other}"),
    }
}

fn broken(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/broken")
        .join(name);
    std::fs::read_to_string(path).expect("readable")
}

#[test]
fn paths_name_items_and_keep_their_original_index() {
    let all = messages(&broken("several-shape-problems.yaml")).join("\n");
    for expected in [
        "at `document`: missing field `heading`",
        "at `types[0] (string).wire`: unknown variant `utf9`",
        // Found after `types[0]` was set aside: still index 1.
        "at `types[1] (u64).extra`: Unknown field `extra`",
        "at `operations[0] (get-thing).toppic`: Unknown field `toppic`",
        "at `operations[0] (get-thing)`: missing field `topic`",
        "at `operations[0] (get-thing).request.properties[0] (if-version).required`",
        "at `operations[1] (send-data).qos`",
        "at `responses[1] (not-found).reason-code`",
    ] {
        assert!(all.contains(expected), "no `{expected}` in:\n{all}");
    }
}

#[test]
fn alternatives_are_named_by_the_response_they_refer_to() {
    let text = broken("several-shape-problems.yaml").replace(
        "      - response: bad-request",
        "      - response: bad-request\n        colour: red",
    );
    let all = messages(&text).join("\n");
    assert!(
        all.contains("at `operations[0] (get-thing).alternatives[0] (bad-request).colour`"),
        "{all}"
    );
}

#[test]
fn top_level_keys_are_checked_alongside_sections() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal.yaml");
    let text = std::fs::read_to_string(fixture).expect("readable");
    let text = text
        .replacen("schemas:", "schemas-x:", 1)
        .replacen("wire: utf8", "wire: utf9", 1)
        + "extra: 1\n";
    let all = messages(&text);
    assert_eq!(all.len(), 4, "{all:#?}");
    for expected in [
        "spec.yaml:3:1: error[shape]: missing field `schemas`",
        "spec.yaml:13:46: error[shape]: at `types[0] (string).wire`: unknown variant `utf9`",
        "spec.yaml:15:1: error[shape]: at `schemas-x`: Unknown field `schemas-x`",
        "spec.yaml:76:1: error[shape]: at `extra`: Unknown field `extra`",
    ] {
        assert!(
            all.iter().any(|m| m.starts_with(expected)),
            "no `{expected}` in {all:#?}"
        );
    }
}

#[test]
fn very_many_problems_are_capped_and_terminate() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minimal.yaml");
    let text = std::fs::read_to_string(fixture).expect("readable");
    let bad: String = (0..300)
        .map(|i| format!("  - {{ name: t{i}, description: d, wire: utf8, junk: {i} }}\n"))
        .collect();
    let text = text.replacen("types:\n", &format!("types:\n{bad}"), 1);
    let all = messages(&text);
    assert_eq!(all.len(), 100);
}

#[test]
fn misindented_keys_get_an_indentation_help() {
    let all = messages(&broken("misindented-keys.yaml"));
    let help = |field: &str| {
        all.iter()
            .find(|m| m.contains(&format!("Unknown field `{field}`")))
            .and_then(|m| m.split_once("\n  help: "))
            .map(|(_, help)| help.to_owned())
            .unwrap_or_else(|| panic!("no unknown `{field}` in {all:#?}"))
    };
    assert_eq!(
        help("type"),
        "`type` is a field of a property, and here it is a field of a message section \
         (request, response, message, ack): is it indented too little?"
    );
    assert_eq!(
        help("payload"),
        "`payload` is a field of a message section (request, response, message, ack), \
         and here it is inside a property: is it indented too deep?"
    );
    // A plain misspelling keeps the spelling help.
    let misspelt = messages(&broken("several-shape-problems.yaml")).join("\n");
    assert!(misspelt.contains("remove this field or correct its spelling"));
}
