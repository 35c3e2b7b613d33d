//! Who may use the service API: every route answers 401
//! `IotHubUnauthorizedAccess` to a request without a valid
//! `SharedAccessSignature` token of a policy with the route's permission
//! (missing, malformed, wrongly signed, expired, of another policy or of
//! another hub), and such a request changes nothing; a browser's
//! cross-origin "simple" request and its preflight get no further; each
//! permission opens exactly its routes; with no policy configured the
//! emulator makes a development policy and gives its connection string.

use std::net::SocketAddr;

use iothub_emulator::access::{Permission, Permissions, Policies, SharedAccessPolicy};
use iothub_emulator::registry::Key;
use iothub_emulator::{Config, Emulator};
use iothub_test_kit::fixtures::{emulator, id, registry};
use iothub_test_kit::sas::key;
use iothub_test_kit::service::{self, now_s, policy_key, token, Answer, Service, POLICY};
use iothub_test_kit::HOST;
use serde_json::{json, Value};

/// Every route with a body that would change something if it were taken.
fn routes() -> Vec<(&'static str, &'static str, Option<Value>)> {
    let keys = json!({"authentication": {"type": "sas", "symmetricKey": {
        "primaryKey": key(50), "secondaryKey": key(51)}}});
    vec![
        ("PUT", "/devices/dev1", Some(keys)),
        ("GET", "/devices/dev1", None),
        ("DELETE", "/devices/dev1", None),
        ("GET", "/devices", None),
        ("GET", "/twins/dev1", None),
        (
            "PUT",
            "/twins/dev1",
            Some(json!({"tags": {"t": 1}, "properties": {"desired": {"x": 1}}})),
        ),
        (
            "PATCH",
            "/twins/dev1",
            Some(json!({"properties": {"desired": {"x": 1}}})),
        ),
        (
            "POST",
            "/twins/dev1/methods",
            Some(json!({"methodName": "reboot", "responseTimeoutInSeconds": 5})),
        ),
        (
            "POST",
            "/devices/dev1/messages/deviceBound",
            Some(json!({"on": true})),
        ),
        ("GET", "/devices/dev1/messages/deviceBound", None),
        ("GET", "/messages/events", None),
        ("POST", "/admin/reset", None),
        ("GET", "/nowhere", None),
    ]
}

/// The hub's state that an unauthorized request must leave alone.
fn state(emulator: &Emulator) -> (u64, usize, Value) {
    let hub = emulator.hub();
    let generation = hub.registry().generation(&id("dev1")).expect("registered");
    let commands = hub.commands().list(&id("dev1")).len();
    let twin = hub.twins().get(&id("dev1")).desired.to_json();
    (generation, commands, twin)
}

fn assert_unauthorized(answer: &Answer, what: &str) {
    assert_eq!(answer.status, 401, "{what}: {}", answer.text());
    assert_eq!(
        answer.header("iothub-errorcode"),
        Some("IotHubUnauthorizedAccess"),
        "{what}"
    );
    assert_eq!(answer.header("access-control-allow-origin"), None, "{what}");
    let text = answer.text();
    assert!(!text.contains(&policy_key()), "{what}: {text}");
}

/// The `sig` value of a token, as sent.
fn signature(token: &str) -> &str {
    token
        .split(['&', ' '])
        .find_map(|part| part.strip_prefix("sig="))
        .unwrap_or("no signature")
}

#[tokio::test]
async fn no_route_takes_a_request_without_a_valid_token_and_nothing_changes() {
    let emulator = emulator(&["dev1"]).await;
    let addr = emulator.http_addr();
    let before = state(&emulator);
    let later = now_s() + 3600;
    let callers = [
        ("no header", Service::anonymous(addr)),
        (
            "another scheme",
            Service::with_authorization(addr, "Bearer abc.def"),
        ),
        (
            "not a token",
            Service::with_authorization(addr, "SharedAccessSignature garbage"),
        ),
        (
            "wrong key",
            Service::with_authorization(addr, token(HOST, POLICY, &key(9), later)),
        ),
        (
            "expired",
            Service::with_authorization(addr, token(HOST, POLICY, &policy_key(), now_s() - 1)),
        ),
        (
            "unknown policy",
            Service::with_authorization(addr, token(HOST, "registryRead", &policy_key(), later)),
        ),
        (
            "a device's token",
            Service::with_authorization(
                addr,
                token(HOST, POLICY, &policy_key(), later).replace(&format!("&skn={POLICY}"), ""),
            ),
        ),
        (
            "another device's path",
            Service::with_authorization(
                addr,
                token(
                    &format!("{HOST}/devices/dev2"),
                    POLICY,
                    &policy_key(),
                    later,
                ),
            ),
        ),
    ];
    for (what, caller) in &callers {
        for (method, path, body) in routes() {
            let answer = caller.request(method, path, body.as_ref()).await;
            assert_unauthorized(&answer, &format!("{what}: {method} {path}"));
            let sent = caller.authorization().unwrap_or("");
            assert!(
                !answer.text().contains(signature(sent)),
                "{what}: the signature came back"
            );
        }
    }
    assert_eq!(
        state(&emulator),
        before,
        "an unauthorized request changed the hub"
    );
    assert_eq!(emulator.hub().telemetry().len(), 0);
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_web_pages_cross_origin_requests_get_nowhere() {
    let emulator = emulator(&["dev1"]).await;
    let addr = emulator.http_addr();
    let before = state(&emulator);
    let page = Service::anonymous(addr);
    // What a form or `fetch(…, {mode: "no-cors"})` sends without a preflight.
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        for path in ["/devices/dev1/messages/deviceBound", "/twins/dev1/methods"] {
            let answer = page
                .send(
                    "POST",
                    path,
                    Some(content_type),
                    "origin: https://evil.example",
                    b"{\"methodName\":\"reboot\"}",
                )
                .await;
            assert_unauthorized(&answer, &format!("{content_type} POST {path}"));
        }
    }
    // The preflight a browser needs before it may send `Authorization`.
    let preflight = page
        .send(
            "OPTIONS",
            "/devices/dev1",
            None,
            "origin: https://evil.example\r\naccess-control-request-method: PUT\r\n\
             access-control-request-headers: authorization, content-type",
            b"",
        )
        .await;
    assert_unauthorized(&preflight, "preflight");
    // Even with a token, a JSON route wants JSON said so.
    let owner = Service::new(addr);
    let untyped = owner
        .send(
            "POST",
            "/twins/dev1/methods",
            None,
            "",
            b"{\"methodName\":\"reboot\"}",
        )
        .await;
    untyped.assert_error(415, "unsupportedMediaType");
    let text = owner
        .send(
            "PATCH",
            "/twins/dev1",
            Some("text/plain"),
            "",
            b"{\"properties\":{\"desired\":{\"x\":1}}}",
        )
        .await;
    text.assert_error(415, "unsupportedMediaType");
    assert_eq!(state(&emulator), before);
    emulator.shutdown().await;
}

fn policy(name: &str, byte: u8, permissions: &[Permission]) -> SharedAccessPolicy {
    let key = Key::from_bytes(vec![byte; 32]).expect("key");
    let permissions: Permissions = permissions.iter().copied().collect();
    SharedAccessPolicy::new(name, key.clone(), key, permissions).expect("policy")
}

fn caller(addr: SocketAddr, name: &str, byte: u8) -> Service {
    use base64::Engine as _;
    let key = base64::engine::general_purpose::STANDARD.encode(vec![byte; 32]);
    Service::with_authorization(addr, token(HOST, name, &key, now_s() + 600))
}

#[tokio::test]
async fn each_permission_opens_its_routes_only() {
    use Permission::{DeviceConnect, RegistryRead, RegistryWrite, ServiceConnect};
    let policies = Policies::new()
        .with(policy("registryRead", 1, &[RegistryRead]))
        .with(policy(
            "registryReadWrite",
            2,
            &[RegistryRead, RegistryWrite],
        ))
        .with(policy("service", 3, &[ServiceConnect]))
        .with(policy("device", 4, &[DeviceConnect]));
    let emulator =
        Emulator::start(Config::new().registry(registry(&["dev1"]).with_policies(policies)))
            .await
            .expect("starts");
    let addr = emulator.http_addr();
    // (policy, key byte, the routes of `routes()` it opens, by index).
    let table: [(&str, u8, &[usize]); 4] = [
        ("registryRead", 1, &[1, 3, 4, 12]),
        ("registryReadWrite", 2, &[0, 1, 2, 3, 4, 11, 12]),
        ("service", 3, &[4, 5, 6, 7, 8, 9, 10, 12]),
        ("device", 4, &[12]),
    ];
    for (name, byte, opens) in table {
        let caller = caller(addr, name, byte);
        for (index, (method, path, body)) in routes().into_iter().enumerate() {
            let answer = caller.request(method, path, body.as_ref()).await;
            if opens.contains(&index) {
                assert_ne!(
                    answer.status,
                    401,
                    "{name}: {method} {path}: {}",
                    answer.text()
                );
            } else {
                assert_unauthorized(&answer, &format!("{name}: {method} {path}"));
                let reason = answer.json()["reason"].as_str().unwrap_or("").to_owned();
                assert!(reason.contains(name), "{reason}");
            }
        }
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn without_policies_the_emulator_makes_a_development_policy() {
    let emulator = Emulator::start(Config::new()).await.expect("starts");
    let addr = emulator.http_addr();
    let connection_string = emulator
        .development_connection_string()
        .expect("a development policy")
        .expose();
    assert!(
        connection_string.starts_with(&format!(
            "HostName=localhost:{};SharedAccessKeyName=iothubowner;SharedAccessKey=",
            addr.port()
        )),
        "{connection_string}"
    );
    let secret = connection_string
        .split_once("SharedAccessKey=")
        .map_or("-", |(_, k)| k);
    assert!(!format!("{emulator:?}").contains(secret));
    let owner = Service::from_connection_string(addr, &connection_string);
    let keys = json!({"authentication": {"type": "sas", "symmetricKey": {
        "primaryKey": key(1), "secondaryKey": key(2)}}});
    owner.expect("PUT", "/devices/dev1", Some(&keys), 200).await;
    owner.expect("GET", "/twins/dev1", None, 200).await;
    assert_unauthorized(
        &service::Service::new(addr)
            .request("GET", "/devices/dev1", None)
            .await,
        "the fixtures' key",
    );
    let other = Emulator::start(Config::new()).await.expect("starts");
    let other_string = other.development_connection_string().expect("one").expose();
    let key_of = |text: &str| {
        text.split_once("SharedAccessKey=")
            .map(|(_, k)| k.to_owned())
    };
    assert!(key_of(&connection_string).is_some_and(|k| k.len() == 44));
    assert_ne!(
        key_of(&other_string),
        key_of(&connection_string),
        "each emulator makes its own key"
    );
    // Configured policies mean no development policy.
    let configured = iothub_test_kit::fixtures::emulator(&["dev1"]).await;
    assert!(configured.development_connection_string().is_none());
    for emulator in [emulator, other, configured] {
        emulator.shutdown().await;
    }
}
