//! The AsyncAPI 3.0 export: valid for the official AsyncAPI parser (its
//! CLI's `validate`, which must report no error and no warning), and true
//! to the spec (channels, operations, bindings and replies, read back from
//! the YAML); `generate` writes it and `check` reports it stale.

use std::path::Path;
use std::process::Command;

use iothub_codegen::ir::{Api, Direction, Interaction, PropertyWire};
use marked_yaml::Node;

use super::common;

fn api() -> Api {
    iothub_codegen::load(common::spec_path()).expect("the real spec loads")
}

fn get<'a>(node: &'a Node, path: &str) -> &'a Node {
    path.split('.').fold(node, |n, key| {
        n.as_mapping()
            .and_then(|m| m.get_node(key))
            .unwrap_or_else(|| panic!("no `{key}` in `{path}`"))
    })
}

/// The entry `key` of a map (a key that may hold dots).
fn child<'a>(node: &'a Node, key: &str) -> &'a Node {
    node.as_mapping()
        .and_then(|m| m.get_node(key))
        .unwrap_or_else(|| panic!("no `{key}`"))
}

fn scalar<'a>(node: &'a Node, path: &str) -> &'a str {
    get(node, path)
        .as_scalar()
        .map(|s| s.as_str())
        .unwrap_or_else(|| panic!("{path} is not a scalar"))
}

fn keys(node: &Node) -> Vec<String> {
    node.as_mapping()
        .expect("mapping")
        .keys()
        .map(|k| k.as_str().to_owned())
        .collect()
}

fn refs(node: &Node) -> Vec<String> {
    node.as_sequence()
        .expect("sequence")
        .iter()
        .map(|item| scalar(item, "$ref").to_owned())
        .collect()
}

#[test]
fn the_export_has_a_channel_and_an_operation_per_operation_with_qos_and_replies() {
    let api = api();
    let yaml = iothub_codegen::asyncapi::yaml(&api);
    assert!(yaml.starts_with("# @generated"), "{}", &yaml[..80]);
    let doc = marked_yaml::parse_yaml(0, &yaml).expect("the export is YAML");
    assert_eq!(scalar(&doc, "asyncapi"), "3.0.0");
    assert_eq!(
        scalar(&doc, "info.x-iothub-api-version"),
        api.info.api_version
    );
    let mqtt = get(&doc, "servers.iothub.bindings.mqtt");
    assert_eq!(
        scalar(mqtt, "keepAlive"),
        api.connection.connack.server_keep_alive_seconds.to_string()
    );
    assert_eq!(
        scalar(mqtt, "sessionExpiryInterval"),
        api.connection.connack.session_expiry_interval.to_string()
    );
    assert_eq!(scalar(&doc, "servers.iothub.protocolVersion"), "5");

    let channels = get(&doc, "channels");
    let mut expected: Vec<String> = api.operations.iter().map(|o| o.name.clone()).collect();
    expected.push("responses".to_owned());
    assert_eq!(keys(channels), expected);
    assert_eq!(
        scalar(channels, "responses.address"),
        api.connection.responses_topic
    );
    let operations = get(&doc, "operations");
    assert_eq!(keys(operations), &expected[..api.operations.len()]);

    let mut replies = 0;
    for op in &api.operations {
        let channel = get(channels, &op.name);
        assert_eq!(scalar(channel, "address"), op.topic.text, "{}", op.name);
        let parameters: Vec<&str> = op.topic.parameters().collect();
        if parameters.is_empty() {
            assert!(channel
                .as_mapping()
                .and_then(|m| m.get_node("parameters"))
                .is_none());
        } else {
            assert_eq!(keys(get(channel, "parameters")), parameters, "{}", op.name);
        }
        let o = get(operations, &op.name);
        let action = match op.direction {
            Direction::C2s => "send",
            Direction::S2c => "receive",
        };
        assert_eq!(scalar(o, "action"), action, "{}", op.name);
        assert_eq!(scalar(o, "channel.$ref"), format!("#/channels/{}", op.name));
        assert_eq!(
            scalar(o, "bindings.mqtt.qos"),
            op.qos.to_string(),
            "{}",
            op.name
        );
        let reply = o.as_mapping().and_then(|m| m.get_node("reply"));
        let message = refs(get(o, "messages"));
        assert_eq!(message.len(), 1);
        let id = message[0].rsplit('/').next().expect("id").to_owned();
        let first = child(
            get(&doc, "components.messages"),
            &format!("{}.{id}", op.name),
        );
        // The headers hold the user properties, required as the spec says.
        let users: Vec<_> = op
            .first
            .properties
            .iter()
            .filter(|p| p.wire == PropertyWire::UserProperty)
            .collect();
        if users.is_empty() {
            assert!(
                first
                    .as_mapping()
                    .and_then(|m| m.get_node("headers"))
                    .is_none()
                    || op.first.application_properties
            );
        } else {
            let headers = get(first, "headers");
            assert_eq!(
                keys(get(headers, "properties")),
                users.iter().map(|p| p.name.clone()).collect::<Vec<_>>()
            );
            let required: Vec<String> = users
                .iter()
                .filter(|p| p.required)
                .map(|p| p.name.clone())
                .collect();
            let listed: Vec<String> = headers
                .as_mapping()
                .and_then(|m| m.get_node("required"))
                .map(|r| {
                    r.as_sequence()
                        .expect("list")
                        .iter()
                        .map(|x| x.as_scalar().expect("name").as_str().to_owned())
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(listed, required, "{}", op.name);
        }
        match op.interaction {
            Interaction::RequestResponse => {
                replies += 1;
                let reply = reply.unwrap_or_else(|| panic!("{} has no reply", op.name));
                assert_eq!(scalar(reply, "channel.$ref"), "#/channels/responses");
                let messages = refs(get(reply, "messages"));
                assert_eq!(messages.len(), 1 + op.alternatives.len(), "{}", op.name);
                assert_eq!(
                    messages[0],
                    format!("#/channels/responses/messages/{}.response", op.name)
                );
                assert_eq!(
                    scalar(first, "correlationId.location"),
                    "$message.header#/correlationData"
                );
                for m in &messages {
                    let id = m.rsplit('/').next().expect("id");
                    let message = child(get(&doc, "components.messages"), id);
                    assert_eq!(
                        scalar(message, "correlationId.location"),
                        "$message.header#/correlationData"
                    );
                    assert!(
                        get(channels, "responses.messages")
                            .as_mapping()
                            .expect("map")
                            .get_node(id)
                            .is_some(),
                        "{id}"
                    );
                }
            }
            Interaction::MessageAck | Interaction::Message => {
                assert!(
                    reply.is_none(),
                    "{} is answered by PUBACK or not at all",
                    op.name
                );
            }
        }
        let outcomes = o.as_mapping().and_then(|m| m.get_node("x-iothub-outcomes"));
        assert_eq!(
            outcomes.is_some(),
            op.interaction != Interaction::Message,
            "{}",
            op.name
        );
        if let Some(outcomes) = outcomes {
            assert_eq!(
                outcomes.as_sequence().expect("list").len(),
                1 + op.alternatives.len()
            );
        }
    }
    assert!(
        replies >= 2,
        "the spec has request-response operations both ways"
    );

    // The JSON form is the same document.
    let json: serde_json::Value =
        serde_json::from_str(&iothub_codegen::asyncapi::json(&api)).expect("json");
    assert_eq!(
        json["operations"].as_object().map(|o| o.len()),
        Some(api.operations.len())
    );
    assert_eq!(
        json["channels"]["responses"]["address"],
        api.connection.responses_topic
    );
}

/// Runs `asyncapi validate FILE` failing on warnings; its status and output.
fn validate(cli: &Path, file: &Path, home: &Path) -> (bool, String) {
    // No metrics sent (and no config written to $HOME).
    let config = home.join("asyncapi-analytics.json");
    std::fs::write(
        &config,
        r#"{"analyticsEnabled":"false","infoMessageShown":"true","userID":"iothub-mqtt5-tests"}"#,
    )
    .expect("write");
    let out = Command::new(cli)
        .arg("validate")
        .arg(file)
        .args(["--fail-severity", "warn", "--diagnostics-format", "text"])
        .env("CI", "true")
        .env("ASYNCAPI_METRICS_CONFIG_PATH", &config)
        .env("HOME", home)
        .output()
        .expect("the AsyncAPI CLI runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn the_official_asyncapi_parser_finds_no_error_and_no_warning() {
    let Some(cli) = iothub_test_kit::asyncapi_cli("asyncapi validate") else {
        return;
    };
    let api = api();
    let tmp = common::TempDir::new("asyncapi");
    for (name, text) in [
        ("iothub.asyncapi.yaml", iothub_codegen::asyncapi::yaml(&api)),
        ("iothub.asyncapi.json", iothub_codegen::asyncapi::json(&api)),
    ] {
        let file = tmp.path().join(name);
        std::fs::write(&file, &text).expect("write");
        let (ok, output) = validate(&cli, &file, tmp.path());
        assert!(ok, "{name}:\n{output}");
        assert!(output.contains("is valid"), "{name}:\n{output}");
        assert!(
            !output.contains(" warning ") && !output.contains(" error "),
            "{name}:\n{output}"
        );
    }
    // The parser does check: a reply to a channel that does not exist is
    // an error.
    let broken = iothub_codegen::asyncapi::yaml(&api).replace(
        "$ref: \"#/channels/responses\"",
        "$ref: \"#/channels/no-such-channel\"",
    );
    let file = tmp.path().join("broken.asyncapi.yaml");
    std::fs::write(&file, broken).expect("write");
    let (ok, output) = validate(&cli, &file, tmp.path());
    assert!(!ok, "{output}");
}

#[test]
fn generate_writes_the_export_beside_the_spec_and_check_reports_it_stale() {
    let tmp = common::TempDir::new("asyncapi-fresh");
    let dir = tmp.path();
    std::fs::copy(common::spec_path(), dir.join("api.yaml")).expect("copy");
    std::fs::create_dir_all(dir.join("locales")).expect("dir");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_iothub-codegen"))
            .args(args)
            .args(["--spec", "api.yaml", "--locales", "locales"])
            .current_dir(dir)
            .output()
            .expect("runs")
    };
    let out = run(&["generate", "--out", "docs"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let export = dir.join("api.asyncapi.yaml");
    assert_eq!(
        std::fs::read_to_string(&export).expect("written"),
        iothub_codegen::asyncapi::yaml(&api())
    );
    let out = run(&["check", "--docs", "docs"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(&export, "asyncapi: 3.0.0\n").expect("write");
    let out = run(&["check", "--docs", "docs"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "api.asyncapi.yaml: error: out of date with the spec; run `iothub-codegen generate`"
        ),
        "{stderr}"
    );
}
