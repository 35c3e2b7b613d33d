//! `diff` on small edits of the real spec: each edit's changes (kind,
//! classes and effect on the generated Rust API), the bump of each crate and
//! what it does to every catalog.

use std::path::Path;

use iothub_codegen::diff::{self, Bump, Class, Kind, RustApi, SpecFile};
use iothub_codegen::docs::publish;

use super::common;

use Bump::{Major, Minor, Patch};
use Kind::*;
use RustApi::{Breaking, Unchanged};

const DEV: &[Class] = &[Class::BreakingForDevices];
const HUB: &[Class] = &[Class::BreakingForHubs];
const BOTH: &[Class] = &[Class::BreakingForDevices, Class::BreakingForHubs];
const COMPAT: &[Class] = &[Class::Compatible];
const DOCS: &[Class] = &[Class::DocsOnly];

/// One edit of the spec and what `diff` must say about it.
struct Edit {
    name: &'static str,
    /// Text replacements, each of text found exactly once.
    replace: &'static [(&'static str, &'static str)],
    /// Every change, in order: kind, classes and what it does to the
    /// generated Rust API.
    changes: &'static [(Kind, &'static [Class], RustApi)],
    /// Bumps of iothub-client and iothub-emulator.
    bumps: (Bump, Bump),
    /// Places that become fuzzy and missing, in every catalog.
    catalogs: (usize, usize),
}

const fn edit(
    name: &'static str,
    replace: &'static [(&'static str, &'static str)],
    changes: &'static [(Kind, &'static [Class], RustApi)],
    bumps: (Bump, Bump),
    catalogs: (usize, usize),
) -> Edit {
    Edit {
        name,
        replace,
        changes,
        bumps,
        catalogs,
    }
}

const DESIRED_QOS: &str = "qos: 0\n    topic: $iothub/twin/patch/desired";
const IF_VERSION: &str = "- name: if-version\n          type: u64\n          required: false";
const REPORTED_VERSION: &str =
    "type: u64\n          required: true\n          description: Version of reported state";
const GET_TWIN_LAST: &str =
    "      - response: timeout\n      - response: server-busy\n\n  - name: patch-twin-reported";
const NEW_RESPONSE: &str = "  - name: timeout\n    title: Timeout";

const EDITS: &[Edit] = &[
    // Operations.
    edit("qos of a message operation raised", &[(DESIRED_QOS, "qos: 1\n    topic: $iothub/twin/patch/desired")], &[(QosChanged, BOTH, Unchanged)], (Major, Major), (0, 0)),
    edit("topic changed", &[("topic: $iothub/twin/get\n", "topic: $iothub/twin/fetch\n")], &[(TopicChanged, BOTH, Unchanged)], (Major, Major), (0, 0)),
    edit("path parameter renamed", &[("\"$iothub/methods/{name}\"", "\"$iothub/methods/{method}\"")], &[(ParameterRenamed, COMPAT, Breaking)], (Major, Minor), (0, 0)),
    edit("request-response turned message-ack", &[
        ("interaction: request-response\n    direction: c2s\n    qos: 0\n    topic: $iothub/twin/patch/reported\n    request:", "interaction: message-ack\n    direction: c2s\n    qos: 1\n    topic: $iothub/twin/patch/reported\n    message:"),
        ("    response:\n      properties:\n        - name: version", "    ack:\n      properties:\n        - name: version"),
    ], &[(InteractionChanged, BOTH, Breaking), (QosChanged, BOTH, Unchanged)], (Major, Major), (2, 0)),
    edit("operation summary reworded", &[("summary: Get Twin state", "summary: Get the whole Twin state")], &[(ProseChanged, DOCS, Unchanged)], (Patch, Patch), (1, 0)),
    edit("operation title reworded", &[("title: Get Twin\n", "title: Fetch Twin\n")], &[(ProseChanged, DOCS, Unchanged)], (Patch, Patch), (1, 0)),
    edit("operation key renamed (translations suggested from the old places)", &[("  - name: receive-twin-desired-state-changes", "  - name: receive-twin-desired-state-changes-gone")], &[(OperationRemoved, BOTH, Breaking), (OperationAdded, COMPAT, Breaking)], (Major, Major), (3, 0)),
    edit("payload schema changed", &[("      payload: TwinState\n    response:", "      payload: Twin\n    response:")], &[(PayloadChanged, BOTH, Breaking)], (Major, Major), (0, 0)),
    edit("application properties withdrawn from a device message", &[("      application-properties: true\n      payload: bytes\n    ack:\n      description: Message", "      application-properties: false\n      payload: bytes\n    ack:\n      description: Message")], &[(ApplicationPropertiesChanged, DEV, Breaking)], (Major, Minor), (0, 0)),
    edit("snapshot removed", &[("    snapshot:\n      operation: get-twin\n      member: desired\n      properties:\n        - { name: version, member: $version }\n", "")], &[(SnapshotChanged, DEV, Unchanged)], (Major, Minor), (0, 0)),
    // Properties.
    edit("optional property added to a request", &[(IF_VERSION, "- name: if-version\n          type: u64\n          required: false\n        - name: patch-id\n          type: string\n          required: false\n          description: identity of the patch")], &[(PropertyAdded, COMPAT, Breaking)], (Major, Minor), (0, 1)),
    edit("required property added to a request", &[(IF_VERSION, "- name: if-version\n          type: u64\n          required: false\n        - name: patch-id\n          type: string\n          required: true")], &[(PropertyAdded, DEV, Breaking)], (Major, Minor), (0, 0)),
    edit("required property added to a response", &[(REPORTED_VERSION, "type: u64\n          required: true\n        - name: applied-at\n          type: time\n          required: true\n          description: Version of reported state")], &[(ProseChanged, DOCS, Unchanged), (PropertyAdded, HUB, Breaking)], (Major, Major), (1, 0)),
    edit("property removed from a response", &[("      properties:\n        - name: version\n          type: u64\n          required: true\n          description: Version of reported state after patch was applied\n", "")], &[(PropertyRemoved, BOTH, Breaking)], (Major, Major), (0, 0)),
    edit("request property made required", &[(IF_VERSION, "- name: if-version\n          type: u64\n          required: true")], &[(PropertyMadeRequired, DEV, Breaking)], (Major, Minor), (0, 0)),
    edit("response property made optional", &[(REPORTED_VERSION, "type: u64\n          required: false\n          description: Version of reported state")], &[(PropertyMadeOptional, DEV, Breaking)], (Major, Minor), (0, 0)),
    edit("hub message property made required", &[("- name: creation-time\n          type: time\n          required: false\n          description: Timestamp", "- name: creation-time\n          type: time\n          required: true\n          description: Timestamp")], &[(PropertyMadeRequired, HUB, Breaking)], (Major, Major), (0, 0)),
    edit("request property type narrowed", &[(IF_VERSION, "- name: if-version\n          type: u32\n          required: false")], &[(PropertyTypeNarrowed, DEV, Breaking)], (Major, Minor), (0, 0)),
    edit("device answer property type widened", &[("- name: response-code\n          type: u32", "- name: response-code\n          type: u64")], &[(PropertyTypeWidened, HUB, Breaking)], (Major, Major), (0, 0)),
    edit("property type changed to an unrelated one", &[("- name: delivery-count\n          type: u32", "- name: delivery-count\n          type: i32")], &[(PropertyTypeChanged, BOTH, Breaking)], (Major, Major), (0, 0)),
    edit("property moved out of Content Type", &[("          wire: content-type\n          description: \"translates", "          description: \"translates")], &[(PropertyPlaceChanged, BOTH, Breaking)], (Major, Major), (0, 0)),
    edit("property description reworded", &[("description: \"translates into `message-id` system property on posted message\"", "description: \"becomes the `message-id` system property of the posted message\"")], &[(ProseChanged, DOCS, Unchanged)], (Patch, Patch), (1, 0)),
    // Alternatives and named responses.
    edit("status added to an operation", &[(GET_TWIN_LAST, "      - response: timeout\n      - response: server-busy\n      - response: not-found\n\n  - name: patch-twin-reported")], &[(StatusAdded, COMPAT, Breaking)], (Major, Minor), (0, 0)),
    edit("status removed from an operation", &[(GET_TWIN_LAST, "      - response: timeout\n\n  - name: patch-twin-reported")], &[(StatusRemoved, BOTH, Breaking)], (Major, Major), (0, 0)),
    edit("own outcome's status changed", &[("reason-code: 131\n        status: \"0603\"", "reason-code: 131\n        status: \"0604\"")], &[(StatusChanged, BOTH, Unchanged)], (Major, Major), (0, 0)),
    edit("own outcome retitled", &[("title: Abandon", "title: Postpone")], &[(ProseChanged, DOCS, Unchanged)], (Patch, Patch), (1, 0)),
    edit("named response added", &[(NEW_RESPONSE, "  - name: gone\n    title: Gone\n    description: the resource is gone for good\n    reason-code: 131\n    status: \"0105\"\n    payload: empty\n\n  - name: timeout\n    title: Timeout")], &[(ResponseAdded, COMPAT, Breaking)], (Major, Minor), (0, 2)),
    edit("named response's reason code changed", &[("reason-code: 151\n    status: \"0501\"", "reason-code: 131\n    status: \"0501\"")], &[(StatusChanged, BOTH, Unchanged)], (Major, Major), (0, 0)),
    edit("named response described anew", &[("description: request rate is too high per SKU", "description: the request rate is above the SKU's limit")], &[(ProseChanged, DOCS, Unchanged)], (Patch, Patch), (4, 0)),
    // Types and schemas.
    edit("schema content changed", &[("opaque application data\n    content: bytes", "opaque application data\n    content: json")], &[(SchemaContentChanged, BOTH, Breaking)], (Major, Major), (0, 0)),
    edit("schema added", &[("schemas:\n", "schemas:\n  - name: Blob\n    description: a blob\n    content: bytes\n")], &[(SchemaAdded, COMPAT, Unchanged)], (Minor, Minor), (0, 0)),
    edit("type encoding changed", &[("wire: decimal-u32", "wire: decimal-u64")], &[(TypeEncodingChanged, BOTH, Breaking)], (Major, Major), (0, 0)),
    edit("type described anew", &[("description: unsigned 32-bit integer number", "description: an unsigned 32-bit integer")], &[(ProseChanged, DOCS, Unchanged)], (Patch, Patch), (0, 0)),
    // Connection rules and limits.
    edit("receive maximum lowered", &[("receive-maximum: 16", "receive-maximum: 8")], &[(LimitLowered, DEV, Unchanged)], (Major, Minor), (0, 0)),
    edit("subscription limit raised", &[("max-subscriptions: 50", "max-subscriptions: 100")], &[(LimitRaised, HUB, Unchanged)], (Minor, Major), (0, 0)),
    edit("connect deadline lowered", &[("connect-timeout-seconds: 30", "connect-timeout-seconds: 10")], &[(LimitLowered, DEV, Unchanged)], (Major, Minor), (0, 0)),
    edit("packet size lowered", &[("maximum-packet-size: 262144", "maximum-packet-size: 131072")], &[(LimitLowered, DEV, Unchanged)], (Major, Minor), (0, 0)),
    edit("wildcard subscriptions withdrawn", &[("wildcard-subscription-available: true", "wildcard-subscription-available: false")], &[(CapabilityWithdrawn, DEV, Unchanged)], (Major, Minor), (0, 0)),
    edit("retain made available", &[("retain-available: false", "retain-available: true")], &[(CapabilityAdded, HUB, Unchanged)], (Minor, Major), (0, 0)),
    edit("SAS string to sign changed", &[("[host, client-id, sas-policy, sas-at, sas-expiry]", "[host, client-id, sas-at, sas-expiry]")], &[(ConnectionRuleChanged, BOTH, Unchanged)], (Major, Major), (0, 0)),
    edit("responses topic changed", &[("responses: $iothub/responses", "responses: $iothub/replies")], &[(ConnectionRuleChanged, BOTH, Unchanged)], (Major, Major), (0, 0)),
    edit("status layout changed", &[("reserved-mask: 0xF800", "reserved-mask: 0xF000")], &[(StatusLayoutChanged, BOTH, Unchanged)], (Major, Major), (0, 0)),
    edit("CONNECT property made required", &[("- name: host\n      type: string\n      required: false", "- name: host\n      type: string\n      required: true")], &[(PropertyMadeRequired, DEV, Breaking)], (Major, Minor), (0, 0)),
    edit("outcome property added", &[("  application-property-prefix: \"@\"", "    - name: retry-after\n      type: u32\n      required: false\n      description: seconds to wait\n  application-property-prefix: \"@\"")], &[(PropertyAdded, COMPAT, Breaking)], (Major, Minor), (0, 0)),
    edit("authentication method removed", &[("    - name: X509\n      description: client relies on client certificate authentication\n      authentication-data: none\n", "")], &[(AuthenticationMethodRemoved, BOTH, Breaking)], (Major, Major), (0, 0)),
    edit("authentication method's data changed", &[("authentication-data: none", "authentication-data: required")], &[(AuthenticationMethodChanged, BOTH, Unchanged)], (Major, Major), (0, 0)),
    edit("DISCONNECT reason added", &[("\noperations:\n", "    - reason-code: 151\n      name: Quota exceeded\n      description: a quota was exceeded\n\noperations:\n")], &[(DisconnectReasonAdded, COMPAT, Breaking)], (Major, Minor), (0, 0)),
    edit("DISCONNECT reason described anew", &[("description: the connection rate for the IoT hub was exceeded", "description: too many connections per second")], &[(ProseChanged, DOCS, Unchanged)], (Patch, Patch), (0, 0)),
    // The API and the document.
    edit("api version number changed", &[("version: \"2.0\"", "version: \"2.1\"")], &[(VersionChanged, COMPAT, Unchanged)], (Minor, Minor), (0, 0)),
    edit("document heading reworded", &[("heading: IoT Hub data plane MQTT 5 API reference", "heading: IoT Hub MQTT 5 API reference")], &[(ProseChanged, DOCS, Unchanged)], (Patch, Patch), (1, 0)),
    edit("table header reworded", &[("    description: Description\n", "    description: What it means\n")], &[(ProseChanged, DOCS, Unchanged)], (Patch, Patch), (22, 0)),
];

fn replace_once(text: &str, from: &str, to: &str, edit: &str) -> String {
    let found = text.matches(from).count();
    assert_eq!(
        found, 1,
        "{edit}: {from:?} is in the spec {found} times, not once"
    );
    text.replacen(from, to, 1)
}

#[test]
fn every_edit_is_classified_bumped_and_counted_per_locale() {
    assert!(EDITS.len() >= 40, "{} edits", EDITS.len());
    let text = std::fs::read_to_string(common::spec_path()).expect("spec");
    let old = SpecFile::parse(&text, Path::new("old.yaml")).expect("the real spec loads");
    let catalogs = publish::load_catalogs(&common::root().join("spec/locales")).expect("catalogs");
    assert_eq!(catalogs.len(), 5, "the five seed locales");
    let mut failures = Vec::new();
    for e in EDITS {
        let mut edited = text.clone();
        for (from, to) in e.replace {
            edited = replace_once(&edited, from, to, e.name);
        }
        let new = match SpecFile::parse(&edited, Path::new("new.yaml")) {
            Ok(new) => new,
            Err(err) => panic!("{}: the edited spec does not load:\n{err}", e.name),
        };
        let changes = diff::diff(&old, &new);
        let got: Vec<(Kind, Vec<Class>, RustApi)> = changes
            .iter()
            .map(|c| (c.kind, c.classes.clone(), c.rust_api))
            .collect();
        let want: Vec<(Kind, Vec<Class>, RustApi)> = e
            .changes
            .iter()
            .map(|(k, c, r)| (*k, c.to_vec(), *r))
            .collect();
        if got != want {
            failures.push(format!(
                "{}: changes {got:?}, expected {want:?}\n  {changes:#?}",
                e.name
            ));
        }
        let bumps = diff::bumps(&changes);
        let got_bumps = (bumps[0].bump, bumps[1].bump);
        if got_bumps != e.bumps {
            failures.push(format!(
                "{}: bumps {got_bumps:?}, expected {:?}",
                e.name, e.bumps
            ));
        }
        for effect in diff::effects(&old.api, &new.api, &catalogs).expect("effects") {
            let counts = (effect.fuzzy.len(), effect.missing.len());
            if counts != e.catalogs {
                failures.push(format!(
                    "{}: {} (fuzzy, missing) {counts:?}, expected {:?}: {:?} {:?}",
                    e.name, effect.locale, e.catalogs, effect.fuzzy, effect.missing
                ));
            }
        }
        for c in &changes {
            assert!(
                c.old.line > 0 && c.new.line > 0,
                "{}: located {c:?}",
                e.name
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
