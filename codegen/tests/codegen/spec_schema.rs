//! The JSON Schema of the spec format: made from the loader's types (the
//! committed `spec/schema.json` is that), named by the spec's first line for
//! the YAML language server, and usable by a third-party validator
//! (check-jsonschema): the real spec passes, broken ones do not.

use std::process::Command;

use iothub_codegen::spec::schema::{json_schema, MODELINE};

use super::common;

#[test]
fn the_committed_schema_is_the_one_the_loader_types_give() {
    let committed =
        std::fs::read_to_string(common::root().join("spec/schema.json")).expect("spec/schema.json");
    assert_eq!(committed, json_schema().expect("traced"));
    let schema: serde_json::Value = serde_json::from_str(&committed).expect("json");
    let property = &schema["definitions"]["Property"];
    assert_eq!(
        property["required"],
        serde_json::json!(["name", "type", "required"])
    );
    assert_eq!(property["additionalProperties"], false);
    assert_eq!(
        schema["definitions"]["Interaction"]["enum"],
        serde_json::json!(["request-response", "message-ack", "message"])
    );
    assert_eq!(
        schema["definitions"]["Connack"]["properties"]["receive-maximum"]["maximum"],
        65535
    );
}

#[test]
fn the_spec_names_the_schema_on_its_first_line() {
    let spec = std::fs::read_to_string(common::spec_path()).expect("spec");
    assert_eq!(spec.lines().next(), Some(MODELINE));
    let target = MODELINE.rsplit('=').next().expect("path");
    assert!(
        common::spec_path().with_file_name(target).is_file(),
        "{target}"
    );
}

#[test]
fn check_jsonschema_accepts_the_real_spec_and_rejects_broken_ones() {
    let Some(tool) = iothub_test_kit::check_jsonschema("check-jsonschema") else {
        return;
    };
    let schema = common::root().join("spec/schema.json");
    let run = |file: &std::path::Path| {
        let out = Command::new(&tool)
            .arg("--schemafile")
            .arg(&schema)
            .arg(file)
            .output()
            .expect("check-jsonschema runs");
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    let (ok, output) = run(&common::spec_path());
    assert!(ok, "{output}");
    let broken = common::root().join("codegen/tests/broken");
    for (file, says) in [
        ("property-missing-type.yaml", "$.operations[1].message.properties[0]: 'type' is a required property"),
        ("unknown-direction.yaml", "$.operations[1].direction: 'd2c' is not one of ['c2s', 's2c']"),
        ("misindented-keys.yaml", "$.operations[0].request: Additional properties are not allowed ('type' was unexpected)"),
    ] {
        let (ok, output) = run(&broken.join(file));
        assert!(!ok, "{file} passed:\n{output}");
        assert!(output.contains(says), "{file}:\n{output}");
    }
}
