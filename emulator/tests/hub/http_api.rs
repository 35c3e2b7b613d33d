//! The HTTP service API of a started emulator, driven with plain HTTP/1.1
//! requests written and parsed here: every route's success and error
//! answers, and no answer ever showing a key.

use std::net::SocketAddr;

use base64::Engine as _;
use bytes::Bytes;
use iothub_client::api::{limits, send_telemetry};
use iothub_client::wire::{MqttProperties, PropertyKind, Timestamp};
use iothub_emulator::hub::{CommandQuotas, TelemetryRecord};
use iothub_emulator::registry::DeviceId;
use serde_json::{json, Value};

use iothub_test_kit::fixtures::emulator;
use iothub_test_kit::sas::key;
use iothub_test_kit::service::{self, Answer, Service};
use iothub_test_kit::WAIT;
use tokio::net::TcpStream;

/// A request whose `head` (request line and headers) gets the fixtures'
/// `Authorization` header.
async fn raw(addr: SocketAddr, head: &str, length: Option<usize>, body: &[u8]) -> Answer {
    let head = format!("{head}\r\nauthorization: {}", service::fixture_token());
    service::raw(addr, &head, length, body).await
}

async fn request(addr: SocketAddr, method: &str, path: &str, body: Option<&Value>) -> Answer {
    Service::new(addr).request(method, path, body).await
}

fn sas_body(primary: &str, secondary: &str) -> Value {
    json!({"authentication": {"type": "sas", "symmetricKey": {"primaryKey": primary, "secondaryKey": secondary}}})
}

fn id(text: &str) -> DeviceId {
    DeviceId::new(text).expect("device id")
}

/// A JSON request with `extra` header lines (`If-Match`, say).
async fn with_headers(
    addr: SocketAddr,
    method: &str,
    path: &str,
    extra: &str,
    body: &Value,
) -> Answer {
    Service::new(addr)
        .send(
            method,
            path,
            Some("application/json"),
            extra,
            body.to_string().as_bytes(),
        )
        .await
}

#[tokio::test]
async fn device_identities_follow_the_services_registry_api() {
    let emulator = emulator(&[]).await;
    let addr = emulator.http_addr();
    let (k1, k2) = (key(7), key(8));
    // Created: 200 with the whole identity, keys included (the caller holds
    // a registry permission), and its entity tag in `ETag`.
    let mut body = sas_body(&k1, &k2);
    body["capabilities"] = json!({"iotEdge": false});
    body["someFieldTheEmulatorDoesNotKeep"] = json!(1);
    let created = request(
        addr,
        "PUT",
        "/devices/dev1?api-version=2021-04-12",
        Some(&body),
    )
    .await;
    assert_eq!(created.status, 200, "{}", created.text());
    assert_eq!(created.header("content-type"), Some("application/json"));
    let identity = created.json();
    let etag = identity["etag"].as_str().expect("an etag").to_owned();
    assert_eq!(created.header("etag"), Some(format!("\"{etag}\"").as_str()));
    assert_eq!(identity["deviceId"], "dev1");
    assert_eq!(identity["status"], "enabled");
    assert_eq!(identity["connectionState"], "Disconnected");
    assert_eq!(
        identity["connectionStateUpdatedTime"],
        "0001-01-01T00:00:00Z"
    );
    assert_eq!(identity["cloudToDeviceMessageCount"], 0);
    assert_eq!(identity["authentication"]["type"], "sas");
    assert_eq!(identity["authentication"]["symmetricKey"]["primaryKey"], k1);
    let generation = identity["generationId"]
        .as_str()
        .expect("a generation id")
        .to_owned();

    // A second create is a conflict; an update names what it replaces.
    let again = request(addr, "PUT", "/devices/dev1", Some(&sas_body(&k2, &k1))).await;
    again.assert_error(409, "deviceAlreadyExists");
    assert_eq!(
        again.header("iothub-errorcode"),
        Some("DeviceAlreadyExists")
    );
    let stale = with_headers(
        addr,
        "PUT",
        "/devices/dev1",
        "if-match: \"bm90IGl0\"",
        &sas_body(&k2, &k1),
    )
    .await;
    stale.assert_error(412, "preconditionFailed");
    let mut disable = sas_body(&k2, &k1);
    disable["status"] = json!("disabled");
    disable["statusReason"] = json!("retired");
    let updated = with_headers(
        addr,
        "PUT",
        "/devices/dev1",
        &format!("if-match: \"{etag}\""),
        &disable,
    )
    .await;
    assert_eq!(updated.status, 200, "{}", updated.text());
    let updated = updated.json();
    assert_ne!(updated["etag"], etag.as_str(), "a new entity tag");
    assert_eq!(
        updated["generationId"],
        generation.as_str(),
        "the same identity"
    );
    assert_eq!(
        (updated["status"].as_str(), updated["statusReason"].as_str()),
        (Some("disabled"), Some("retired"))
    );
    let registered = emulator.hub().registry().get(&id("dev1")).expect("put");
    let keys = registered.device.authentication.keys().expect("SAS");
    assert_eq!(keys[0].expose_base64(), k2, "the update took effect");
    let any = with_headers(
        addr,
        "PUT",
        "/devices/dev1",
        "if-match: *",
        &sas_body(&k1, &k2),
    )
    .await;
    assert_eq!(any.status, 200, "{}", any.text());
    assert_eq!(
        any.json()["status"],
        "enabled",
        "a PUT without `status` enables"
    );
    // The SDKs quote the wildcard.
    let quoted = with_headers(
        addr,
        "PUT",
        "/devices/dev1",
        "if-match: \"*\"",
        &sas_body(&k1, &k2),
    )
    .await;
    assert_eq!(quoted.status, 200, "{}", quoted.text());

    // Keys left out are made, as the service makes them.
    let made = request(
        addr,
        "PUT",
        "/devices/dev3",
        Some(&json!({"deviceId": "dev3"})),
    )
    .await;
    assert_eq!(made.status, 200, "{}", made.text());
    let made = made.json();
    let primary = made["authentication"]["symmetricKey"]["primaryKey"]
        .as_str()
        .expect("a key");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(primary)
        .expect("base64");
    assert_eq!(bytes.len(), 32);
    assert_ne!(
        made["authentication"]["symmetricKey"]["secondaryKey"].as_str(),
        Some(primary)
    );

    let thumbprint = "ab".repeat(20);
    let body = json!({"deviceId": "dev2", "authentication": {"type": "selfSigned", "x509Thumbprint": {"primaryThumbprint": thumbprint, "secondaryThumbprint": "CD".repeat(32)}}});
    let created = request(addr, "PUT", "/devices/dev2", Some(&body)).await;
    assert_eq!(created.status, 200, "{}", created.text());
    assert_eq!(created.json()["authentication"]["type"], "selfSigned");
    assert_eq!(
        created.json()["authentication"]["x509Thumbprint"]["primaryThumbprint"],
        "AB".repeat(20)
    );

    // The list, and `top`.
    let listed = request(addr, "GET", "/devices?api-version=2021-04-12", None).await;
    assert_eq!(listed.status, 200, "{}", listed.text());
    let ids: Vec<_> = listed
        .json()
        .as_array()
        .expect("a list")
        .iter()
        .map(|d| d["deviceId"].clone())
        .collect();
    assert_eq!(ids, vec![json!("dev1"), json!("dev2"), json!("dev3")]);
    let first = request(addr, "GET", "/devices?top=1", None).await.json();
    assert_eq!(first.as_array().map(Vec::len), Some(1));

    // Deleted with its entity tag (a stale one is refused); then gone.
    let current = request(addr, "GET", "/devices/dev1", None).await.json()["etag"].clone();
    let current = current.as_str().expect("an etag");
    with_headers(
        addr,
        "DELETE",
        "/devices/dev1",
        &format!("if-match: \"{etag}\""),
        &Value::Null,
    )
    .await
    .assert_error(412, "preconditionFailed");
    let deleted = with_headers(
        addr,
        "DELETE",
        "/devices/dev1",
        &format!("if-match: \"{current}\""),
        &Value::Null,
    )
    .await;
    assert_eq!(deleted.status, 204, "{}", deleted.text());
    request(addr, "GET", "/devices/dev1", None)
        .await
        .assert_error(404, "deviceNotFound");
    request(addr, "DELETE", "/devices/dev1", None)
        .await
        .assert_error(404, "deviceNotFound");
    assert!(emulator.hub().registry().get(&id("dev1")).is_none());
    emulator.shutdown().await;
}

#[tokio::test]
async fn get_device_shows_the_connection_state() {
    let emulator = emulator(&["dev1"]).await;
    let addr = emulator.http_addr();
    let (token, _) = emulator.hub().connections().connect(&id("dev1"));
    let got = request(addr, "GET", "/devices/dev1", None).await;
    assert_eq!(got.status, 200, "{}", got.text());
    assert_eq!(got.json()["connectionState"], "Connected");
    let activity = got.json()["lastActivityTime"]
        .as_str()
        .expect("a time")
        .to_owned();
    assert!(
        activity.ends_with('Z') && activity.starts_with("20"),
        "{activity}"
    );
    emulator.hub().connections().disconnect(&id("dev1"), token);
    let got = request(addr, "GET", "/devices/dev1", None).await;
    assert_eq!(got.json()["connectionState"], "Disconnected");

    request(addr, "GET", "/devices/nobody", None)
        .await
        .assert_error(404, "deviceNotFound");
    emulator.shutdown().await;
}

#[tokio::test]
async fn bad_device_bodies_are_400_and_echo_no_key() {
    let emulator = emulator(&[]).await;
    let addr = emulator.http_addr();
    let secret = "c2VjcmV0LXNlY3JldA==";
    let head = "PUT /devices/dev1 HTTP/1.1\r\ncontent-type: application/json";

    let reason = raw(addr, head, None, b"{\"authentication\": ")
        .await
        .assert_error(400, "badRequest");
    assert!(reason.contains("malformed JSON"), "{reason}");

    let reason = request(
        addr,
        "PUT",
        "/devices/dev1",
        Some(&sas_body("not*base64", secret)),
    )
    .await
    .assert_error(400, "badRequest");
    assert!(
        reason.contains("primaryKey") && reason.contains("base64"),
        "{reason}"
    );

    let reason = request(addr, "PUT", "/devices/dev1", Some(&sas_body(&key(1), "")))
        .await
        .assert_error(400, "badRequest");
    assert!(reason.contains("secondaryKey"), "{reason}");
    // The service takes keys of 16 to 64 bytes.
    for bytes in [15usize, 65] {
        let short = base64::engine::general_purpose::STANDARD.encode(vec![7u8; bytes]);
        let reason = request(
            addr,
            "PUT",
            "/devices/dev1",
            Some(&sas_body(&short, &key(1))),
        )
        .await
        .assert_error(400, "badRequest");
        assert!(reason.contains("16 to 64 bytes"), "{reason}");
        assert!(!reason.contains(&short), "{reason}");
    }

    for body in [
        json!({"authentication": secret}),
        json!({"authentication": {"type": "sas", "symmetricKey": {"primaryKey": secret}}}),
        json!({"authentication": {"type": "x509", "symmetricKey": secret}}),
        json!({"authentication": {"type": "sas", "symmetricKey": {"primaryKey": secret, "secondaryKey": secret, "extra": secret}}}),
        json!({"authentication": {"type": "selfSigned", "x509Thumbprint": {"primaryThumbprint": "zz", "secondaryThumbprint": "zz"}}}),
        json!({"deviceId": "other", "authentication": {"type": "sas", "symmetricKey": {"primaryKey": secret, "secondaryKey": secret}}}),
        json!([secret]),
    ] {
        let answer = request(addr, "PUT", "/devices/dev1", Some(&body)).await;
        let reason = answer.assert_error(400, "badRequest");
        assert!(!answer.text().contains(secret), "{body}: {reason}");
        assert!(!answer.text().contains("c2Vj"), "{body}: {reason}");
    }

    for path in [
        "/devices/a%2Fb",
        "/devices/a%20b",
        &format!("/devices/{}", "x".repeat(129)),
    ] {
        let reason = request(addr, "PUT", path, Some(&sas_body(secret, secret)))
            .await
            .assert_error(400, "badRequest");
        assert!(reason.contains("device id"), "{path}: {reason}");
        request(addr, "GET", path, None)
            .await
            .assert_error(400, "badRequest");
    }

    raw(
        addr,
        "PUT /devices/dev1 HTTP/1.1\r\ncontent-type: text/plain",
        None,
        sas_body(secret, secret).to_string().as_bytes(),
    )
    .await
    .assert_error(415, "unsupportedMediaType");

    // Over the 1 MiB JSON limit: refused from the announced length alone.
    raw(addr, head, Some((1 << 20) + 1), b"")
        .await
        .assert_error(413, "payloadTooLarge");
    assert!(emulator.hub().registry().is_empty(), "nothing was put");
    emulator.shutdown().await;
}

/// The parts of a twin the twin store keeps.
fn core(twin: &Value) -> Value {
    json!({
        "deviceId": twin["deviceId"],
        "version": twin["version"],
        "etag": twin["etag"],
        "tags": twin["tags"],
        "properties": twin["properties"],
    })
}

#[tokio::test]
async fn twins_get_and_patch_desired() {
    let emulator = emulator(&["dev1"]).await;
    let addr = emulator.http_addr();
    let mut updates = emulator.hub().twins().subscribe_desired(&id("dev1"));

    let twin = request(addr, "GET", "/twins/dev1", None).await;
    assert_eq!(twin.status, 200);
    assert_eq!(
        core(&twin.json()),
        json!({"deviceId": "dev1", "version": 1, "etag": "AAAAAAAAAAE=", "tags": {}, "properties": {
            "desired": {"$metadata": {"$lastUpdated": "0001-01-01T00:00:00Z"}, "$version": 1},
            "reported": {"$metadata": {"$lastUpdated": "0001-01-01T00:00:00Z"}, "$version": 1}}})
    );
    assert_eq!(twin.header("etag"), Some("\"AAAAAAAAAAE=\""));
    assert_eq!(twin.json()["connectionState"], "Disconnected");
    assert_eq!(twin.json()["authenticationType"], "sas");

    let patch = json!({"properties": {"desired": {"fan": {"speed": 3}, "mode": "eco"}}});
    let patched = request(addr, "PATCH", "/twins/dev1", Some(&patch)).await;
    assert_eq!(patched.status, 200, "{}", patched.text());
    assert_eq!(patched.json()["version"], 2);
    let mut desired = patched.json()["properties"]["desired"].clone();
    let metadata = desired
        .as_object_mut()
        .and_then(|d| d.remove("$metadata"))
        .expect("$metadata");
    assert_eq!(
        desired,
        json!({"fan": {"speed": 3}, "mode": "eco", "$version": 2})
    );
    // When and by which version each property was last updated, nested.
    let at = metadata["$lastUpdated"]
        .as_str()
        .expect("a time")
        .to_owned();
    assert!(at.starts_with("20") && at.ends_with('Z'), "{at}");
    assert_eq!(metadata["$lastUpdatedVersion"], 2);
    assert_eq!(metadata["fan"]["$lastUpdatedVersion"], 2);
    assert_eq!(metadata["fan"]["speed"]["$lastUpdated"], at.as_str());
    assert_eq!(metadata["mode"]["$lastUpdatedVersion"], 2);
    let update = updates
        .try_recv()
        .expect("the device's subscribers are told");
    assert_eq!(update.version, 2);

    let patch = json!({"properties": {"desired": {"mode": null}}});
    request(addr, "PATCH", "/twins/dev1", Some(&patch)).await;
    let twin = emulator.hub().twins().get(&id("dev1"));
    assert_eq!(twin.desired.version, 3);
    assert_eq!(twin.desired.properties.get("mode"), None, "null removes");
    let got = request(addr, "GET", "/twins/dev1", None).await;
    let shown = twin.to_json();
    assert_eq!(got.json()["properties"], twin.service_properties_json());
    assert!(
        got.json()["properties"]["desired"]["$metadata"]["mode"].is_null(),
        "its metadata went with it"
    );
    assert_eq!(got.json()["version"], shown["version"]);

    // The reported side belongs to the device: a body's is ignored.
    let ignored = json!({"properties": {"reported": {"a": 1}}, "deviceId": "dev1"});
    request(addr, "PATCH", "/twins/dev1", Some(&ignored)).await;
    assert!(emulator
        .hub()
        .twins()
        .get(&id("dev1"))
        .reported
        .properties
        .is_empty());

    for bad in [
        json!({"properties": {"desired": [1]}}),
        json!({"properties": {"desired": {"$bad": 1}}}),
        json!({"tags": [1]}),
    ] {
        request(addr, "PATCH", "/twins/dev1", Some(&bad))
            .await
            .assert_error(400, "badRequest");
    }
    raw(
        addr,
        "PATCH /twins/dev1 HTTP/1.1\r\ncontent-type: application/json",
        None,
        b"{nope",
    )
    .await
    .assert_error(400, "badRequest");
    assert_eq!(emulator.hub().twins().get(&id("dev1")).desired.version, 3);

    // Tags: merged by PATCH, replaced with the desired side by PUT, each
    // under `If-Match` (a stale entity tag is 412 and changes nothing).
    let current = request(addr, "GET", "/twins/dev1", None).await.json();
    let etag = current["etag"].as_str().expect("an etag").to_owned();
    let tagged = with_headers(
        addr,
        "PATCH",
        "/twins/dev1",
        &format!("if-match: \"{etag}\""),
        &json!({"tags": {"site": {"floor": 3}, "owner": "ops"}}),
    )
    .await;
    assert_eq!(tagged.status, 200, "{}", tagged.text());
    let tagged = tagged.json();
    assert_eq!(
        tagged["tags"],
        json!({"site": {"floor": 3}, "owner": "ops"})
    );
    assert_eq!(
        tagged["properties"]["desired"]["$version"], 3,
        "tags leave desired as it was"
    );
    assert_ne!(tagged["etag"], etag.as_str());
    with_headers(
        addr,
        "PATCH",
        "/twins/dev1",
        &format!("if-match: \"{etag}\""),
        &json!({"tags": {"owner": null}}),
    )
    .await
    .assert_error(412, "preconditionFailed");
    assert_eq!(
        emulator.hub().twins().get(&id("dev1")).tags.get("owner"),
        Some(&json!("ops"))
    );
    let replaced = with_headers(addr, "PUT", "/twins/dev1", "if-match: *", &json!({"tags": {"owner": "lab"}, "properties": {"desired": {"fan": {"speed": 1}, "$version": 9, "$metadata": {}}}})).await;
    assert_eq!(replaced.status, 200, "{}", replaced.text());
    let replaced = replaced.json();
    assert_eq!(replaced["tags"], json!({"owner": "lab"}));
    let mut desired = replaced["properties"]["desired"].clone();
    let metadata = desired
        .as_object_mut()
        .and_then(|d| d.remove("$metadata"))
        .expect("$metadata");
    assert_eq!(desired, json!({"fan": {"speed": 1}, "$version": 4}));
    assert_eq!(metadata["fan"]["$lastUpdatedVersion"], 4);
    assert!(
        metadata.get("mode").is_none(),
        "a removed property's metadata goes"
    );
    let update = std::iter::from_fn(|| updates.try_recv().ok())
        .last()
        .expect("told");
    assert_eq!(update.version, 4);
    assert_eq!(
        update.patch,
        json!({"fan": {"speed": 1}}),
        "the patch that makes the new desired"
    );

    request(addr, "GET", "/twins/nobody", None)
        .await
        .assert_error(404, "deviceNotFound");
    request(addr, "PATCH", "/twins/nobody", Some(&patch))
        .await
        .assert_error(404, "deviceNotFound");
    request(addr, "GET", "/twins/a%2Fb", None)
        .await
        .assert_error(400, "badRequest");
    emulator.shutdown().await;
}

#[tokio::test]
async fn commands_are_enqueued_with_their_properties_and_listed() {
    let emulator = emulator(&["dev1"]).await;
    let addr = emulator.http_addr();
    let path = "/devices/dev1/messages/deviceBound";
    let head = format!(
        "POST {path} HTTP/1.1\r\niothub-messageid: m1\r\niothub-correlationid: c1\r\n\
         iothub-userid: u1\r\ncontent-type: application/json\r\ncontent-encoding: utf-8\r\n\
         iothub-creation-time-utc: 1700000000123\r\niothub-app-Unit: celsius\r\niothub-app-zone: 2"
    );
    let answer = raw(addr, &head, None, b"{\"on\":true}").await;
    assert_eq!(answer.status, 201, "{}", answer.text());
    assert_eq!(answer.json(), json!({"sequenceNo": 1}));
    let second = raw(addr, &format!("POST {path} HTTP/1.1"), None, b"\x00\xff").await;
    assert_eq!(second.json(), json!({"sequenceNo": 2}));

    let queue = emulator.hub().commands().list(&id("dev1"));
    let command = &queue[0].command;
    assert_eq!(command.payload, Bytes::from_static(b"{\"on\":true}"));
    assert_eq!(command.message_id.as_deref(), Some("m1"));
    assert_eq!(command.correlation_id.as_deref(), Some("c1"));
    assert_eq!(command.user_id.as_deref(), Some("u1"));
    assert_eq!(command.content_type.as_deref(), Some("application/json"));
    assert_eq!(command.content_encoding.as_deref(), Some("utf-8"));
    assert_eq!(command.creation_time, Some(Timestamp(1_700_000_000_123)));
    let application: Vec<_> = command.application.iter().collect();
    assert_eq!(application, [("unit", "celsius"), ("zone", "2")]);
    assert_eq!(queue[1].command.payload, Bytes::from_static(b"\x00\xff"));

    let listed = request(addr, "GET", path, None).await;
    assert_eq!(listed.status, 200);
    let listed = listed.json();
    let summary: Vec<_> = listed
        .as_array()
        .expect("an array")
        .iter()
        .map(|c| {
            (
                c["sequenceNo"].clone(),
                c["deliveryCount"].clone(),
                c["state"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (json!(1), json!(0), json!("queued")),
            (json!(2), json!(0), json!("queued"))
        ]
    );
    assert!(listed[0]["enqueuedTime"].is_u64());
    emulator.shutdown().await;
}

#[tokio::test]
async fn bad_commands_are_refused() {
    let emulator = emulator(&["dev1"]).await;
    let addr = emulator.http_addr();
    let post = "POST /devices/dev1/messages/deviceBound HTTP/1.1";

    for header in [
        "iothub-creation-time-utc: yesterday",
        "iothub-creation-time-utc: -5",
        "iothub-app-: x",
    ] {
        let reason = raw(addr, &format!("{post}\r\n{header}"), None, b"x")
            .await
            .assert_error(400, "badRequest");
        assert!(reason.contains("header"), "{header}: {reason}");
    }

    // The command quota (64 KB) is checked on what arrives; a body
    // announced over the packet size is refused before it is read.
    let quota = CommandQuotas::default().max_payload;
    let full = raw(addr, post, None, &vec![b'a'; quota]).await;
    assert_eq!(
        full.status,
        201,
        "a payload of the limit is fine: {}",
        full.text()
    );
    raw(addr, post, None, &vec![b'a'; quota + 1])
        .await
        .assert_error(413, "payloadTooLarge");
    let limit = usize::try_from(limits::MAXIMUM_PACKET_SIZE).expect("fits");
    raw(addr, post, Some(limit + 1), b"")
        .await
        .assert_error(413, "payloadTooLarge");

    // The registry is checked before the body.
    let unknown = "POST /devices/nobody/messages/deviceBound HTTP/1.1";
    raw(addr, unknown, Some(limit + 1), b"")
        .await
        .assert_error(404, "deviceNotFound");
    request(addr, "GET", "/devices/nobody/messages/deviceBound", None)
        .await
        .assert_error(404, "deviceNotFound");
    assert_eq!(emulator.hub().commands().list(&id("dev1")).len(), 1);
    emulator.shutdown().await;
}

#[tokio::test]
async fn non_utf8_header_values_are_400() {
    let emulator = emulator(&["dev1"]).await;
    let addr = emulator.http_addr();
    let mut request = format!(
        "POST /devices/dev1/messages/deviceBound HTTP/1.1\r\nhost: e\r\n\
         authorization: {}\r\nconnection: close\r\ncontent-length: 1\r\n\
         iothub-app-unit: caf",
        service::fixture_token()
    )
    .into_bytes();
    request.extend_from_slice(b"\xe9\r\n\r\nx");
    let answer = service::exchange(addr, &request).await.expect("answered");
    let reason = answer.assert_error(400, "badRequest");
    assert!(reason.contains("iothub-app-unit"), "{reason}");
    assert!(emulator.hub().commands().list(&id("dev1")).is_empty());
    emulator.shutdown().await;
}

#[tokio::test]
async fn events_show_stored_telemetry_in_order() {
    let emulator = emulator(&["dev1", "dev2"]).await;
    let addr = emulator.http_addr();
    let mut message = send_telemetry::Message {
        content_type: Some("application/json".into()),
        content_encoding: Some("utf-8".into()),
        message_id: Some("m1".into()),
        user_id: Some("u1".into()),
        correlation_id: Some("c1".into()),
        creation_time: Some(Timestamp(1_700_000_000_000)),
        ..Default::default()
    };
    message
        .application
        .insert("unit", "celsius")
        .insert("zone", "2");
    let telemetry = emulator.hub().telemetry();
    telemetry.append(
        &id("dev1"),
        TelemetryRecord {
            properties: message.clone(),
            body: Bytes::from_static(b"{\"t\":21}"),
        },
    );
    telemetry.append(
        &id("dev2"),
        TelemetryRecord {
            properties: send_telemetry::Message::default(),
            body: Bytes::from_static(b"\x00\x01"),
        },
    );

    let answer = request(addr, "GET", "/messages/events?from=1&limit=10", None).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let events = answer.json();
    let events = events.as_array().expect("an array");
    assert_eq!(events.len(), 2);
    let first = &events[0];
    assert_eq!(first["sequenceNo"], 1);
    assert_eq!(first["deviceId"], "dev1");
    assert!(first["enqueuedTime"].is_u64());
    let b64 = base64::engine::general_purpose::STANDARD;
    assert_eq!(first["body"], b64.encode(b"{\"t\":21}"));
    assert_eq!(first["properties"], json!({"unit": "celsius", "zone": "2"}));
    // The system properties by the generated message's wire names.
    let wire = message.to_properties();
    let mut expected = serde_json::Map::new();
    for info in send_telemetry::Message::PROPERTIES {
        let value = match info.kind {
            PropertyKind::ContentType => wire.content_type.clone(),
            _ => wire.user(info.name).map(str::to_owned),
        };
        if let Some(value) = value {
            expected.insert(info.name.to_owned(), Value::String(value));
        }
    }
    assert_eq!(
        expected.len(),
        6,
        "every system property is set: {expected:?}"
    );
    assert_eq!(first["systemProperties"], Value::Object(expected));
    assert_eq!(first["systemProperties"]["message-id"], "m1");
    assert_eq!(events[1]["deviceId"], "dev2");
    assert_eq!(events[1]["systemProperties"], json!({}));
    assert_eq!(events[1]["body"], "AAE=");

    let later = request(addr, "GET", "/messages/events?from=2&limit=1", None).await;
    let later = later.json();
    assert_eq!(later.as_array().map(Vec::len), Some(1));
    assert_eq!(later[0]["sequenceNo"], 2);
    let none = request(addr, "GET", "/messages/events?from=3", None).await;
    assert_eq!(none.json(), json!([]));
    let all = request(addr, "GET", "/messages/events", None).await;
    assert_eq!(all.json().as_array().map(Vec::len), Some(2));

    for query in ["from=x", "limit=-1", "limit=1001", "since=1"] {
        request(addr, "GET", &format!("/messages/events?{query}"), None)
            .await
            .assert_error(400, "badRequest");
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_json() {
    let emulator = emulator(&["dev1"]).await;
    let addr = emulator.http_addr();
    request(addr, "GET", "/nowhere", None)
        .await
        .assert_error(404, "notFound");
    request(addr, "PATCH", "/devices/dev1", None)
        .await
        .assert_error(405, "methodNotAllowed");
    request(addr, "POST", "/messages/events", None)
        .await
        .assert_error(405, "methodNotAllowed");
    assert!(emulator.hub().registry().get(&id("dev1")).is_some());
    emulator.shutdown().await;
}

#[tokio::test]
async fn shutdown_stops_http() {
    let emulator = emulator(&[]).await;
    let addr = emulator.http_addr();
    assert_eq!(request(addr, "GET", "/nowhere", None).await.status, 404);
    tokio::time::timeout(WAIT, emulator.shutdown())
        .await
        .expect("stops in time");
    let refused = tokio::time::timeout(WAIT, TcpStream::connect(addr))
        .await
        .expect("in time");
    assert!(refused.is_err(), "nothing listens after shutdown");
}

/// `POST /twins/{id}/methods` while device `d` answers over raw MQTT:
/// 200 with its response code and payload; 404 Target Unavailable when it
/// has not subscribed; 504 Target Timeout when it stays silent; 400 for a
/// bad call.
#[tokio::test]
async fn direct_methods_reach_the_device_and_end_with_the_specs_outcomes() {
    use iothub_mqtt::packet::QoS;
    use iothub_mqtt::packet::{Filter, Packet, Publish, PublishProperties, Subscribe};

    let hub = emulator(&["d"]).await;
    let http = hub.http_addr();
    let call =
        |body: Value| async move { request(http, "POST", "/twins/d/methods", Some(&body)).await };

    let offline = call(json!({"methodName": "reboot", "responseTimeoutInSeconds": 5})).await;
    assert_eq!(offline.status, 404, "{}", offline.text());
    assert_eq!(offline.json()["status"], "06A0");

    let (mut device, _) =
        iothub_test_kit::peer::RawPeer::connect(&hub, iothub_test_kit::sas::connect("d", &key(0)))
            .await;
    device
        .send(Packet::Subscribe(Subscribe::new(
            Filter::new("$iothub/methods/+", QoS::AtMostOnce),
            None,
        )))
        .await;
    assert!(matches!(device.recv().await, Some(Packet::SubAck(_))));

    let pending = tokio::spawn(call(
        json!({"methodName": "reboot", "payload": {"delay": 1}, "responseTimeoutInSeconds": 5}),
    ));
    let (correlation, payload) = match device.recv().await {
        Some(Packet::Publish(p)) => {
            assert_eq!(p.topic.as_ref(), b"$iothub/methods/reboot");
            (
                p.properties
                    .and_then(|x| x.correlation_data)
                    .expect("Correlation Data"),
                p.payload,
            )
        }
        other => panic!("expected the method request, got {other:?}"),
    };
    assert_eq!(
        serde_json::from_slice::<Value>(&payload).expect("JSON"),
        json!({"delay": 1})
    );
    let answer = PublishProperties {
        correlation_data: Some(correlation),
        user_properties: vec![("response-code".into(), "201".into())],
        ..PublishProperties::default()
    };
    device
        .send(Packet::Publish(Publish::new(
            "$iothub/responses",
            QoS::AtMostOnce,
            &b"{\"done\":true}"[..],
            Some(answer),
        )))
        .await;
    let answered = pending.await.expect("joins");
    assert_eq!(answered.status, 200, "{}", answered.text());
    assert_eq!(
        answered.json(),
        json!({"status": 201, "payload": {"done": true}})
    );

    let silent = tokio::spawn(call(
        json!({"methodName": "slow", "responseTimeoutInSeconds": 1}),
    ));
    assert!(
        matches!(device.recv().await, Some(Packet::Publish(_))),
        "the request arrives"
    );
    let timed_out = silent.await.expect("joins");
    assert_eq!(timed_out.status, 504, "{}", timed_out.text());
    assert_eq!(timed_out.json()["status"], "06A1");

    call(json!({"methodName": "a/b"}))
        .await
        .assert_error(400, "badRequest");
    call(json!({"methodName": "x", "responseTimeoutInSeconds": 0}))
        .await
        .assert_error(400, "badRequest");
    // The service's 128 KB: a request payload over it is refused before
    // the device sees anything.
    let over = "x".repeat(128 * 1024);
    call(json!({"methodName": "big", "payload": over}))
        .await
        .assert_error(413, "payloadTooLarge");
    device.assert_quiet().await;
    request(
        http,
        "POST",
        "/twins/nobody/methods",
        Some(&json!({"methodName": "x"})),
    )
    .await
    .assert_error(404, "deviceNotFound");
}

#[tokio::test]
async fn health_needs_no_token_and_reset_empties_the_hub_but_keeps_numbering() {
    let emulator = emulator(&["dev1", "dev2"]).await;
    let addr = emulator.http_addr();
    // No token at all: the one route that takes none.
    let health = service::raw(addr, "GET /health HTTP/1.1", None, b"").await;
    assert_eq!(health.status, 200, "{}", health.text());
    assert_eq!(health.json(), json!({"status": "ready"}));
    let unauthorized = service::raw(addr, "POST /admin/reset HTTP/1.1", None, b"").await;
    assert_eq!(unauthorized.status, 401, "reset needs a token");

    let hub = emulator.hub();
    let patch = json!({"properties": {"desired": {"a": 1}}});
    request(addr, "PATCH", "/twins/dev1", Some(&patch)).await;
    let command = Service::new(addr)
        .send(
            "POST",
            "/devices/dev2/messages/deviceBound",
            Some("text/plain"),
            "",
            b"x",
        )
        .await;
    assert_eq!(command.status, 201, "{}", command.text());
    let record = || TelemetryRecord {
        properties: send_telemetry::Message::default(),
        body: Bytes::from_static(b"{}"),
    };
    hub.telemetry().append(&id("dev1"), record());
    hub.telemetry().append(&id("dev2"), record());

    let reset = request(addr, "POST", "/admin/reset", None).await;
    assert_eq!(reset.status, 200, "{}", reset.text());
    assert_eq!(reset.json(), json!({"devices": 2, "events": 2}));
    assert_eq!(
        request(addr, "GET", "/devices", None).await.json(),
        json!([])
    );
    assert!(hub.registry().is_empty());
    assert_eq!(
        hub.twins().get(&id("dev1")).desired.version,
        1,
        "the twin went too"
    );
    assert!(hub.commands().list(&id("dev2")).is_empty());
    let events = request(addr, "GET", "/messages/events?from=1", None).await;
    assert_eq!(events.json(), json!([]));
    // Numbering goes on; the policies (and the token) still hold.
    assert_eq!(hub.telemetry().append(&id("dev1"), record()), 3);
    let events = request(addr, "GET", "/messages/events?from=1", None)
        .await
        .json();
    assert_eq!(events[0]["sequenceNo"], 3);
    emulator.shutdown().await;
}

#[tokio::test]
async fn queries_select_twins_page_by_page() {
    let emulator = emulator(&["a", "b", "c", "d"]).await;
    let addr = emulator.http_addr();
    for (id, floor) in [("a", 1), ("b", 2), ("c", 3), ("d", 4)] {
        let patch = json!({"tags": {"floor": floor}, "properties": {"desired": {"mode": if floor % 2 == 0 { "eco" } else { "boost" }}}});
        request(addr, "PATCH", &format!("/twins/{id}"), Some(&patch)).await;
    }
    let query = |text: &str, extra: &str| {
        let body = json!({ "query": text });
        let extra = extra.to_owned();
        async move { with_headers(addr, "POST", "/devices/query", &extra, &body).await }
    };
    let ids = |answer: &Answer| -> Vec<String> {
        answer
            .json()
            .as_array()
            .expect("a list")
            .iter()
            .map(|t| t["deviceId"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let all = query(
        "SELECT * FROM devices WHERE tags.floor >= 2 AND properties.desired.mode = 'eco'",
        "",
    )
    .await;
    assert_eq!(all.status, 200, "{}", all.text());
    assert_eq!(all.header("x-ms-item-type"), Some("twin"));
    assert_eq!(ids(&all), ["b", "d"]);
    assert_eq!(all.header("x-ms-continuation"), None, "one page");
    assert_eq!(all.json()[0]["tags"], json!({"floor": 2}));
    // Two at a time: the continuation leads to the rest.
    let first = query("SELECT * FROM devices", "x-ms-max-item-count: 2").await;
    assert_eq!(ids(&first), ["a", "b"]);
    let token = first.header("x-ms-continuation").expect("more").to_owned();
    let second = query(
        "SELECT * FROM devices",
        &format!("x-ms-max-item-count: 2\r\nx-ms-continuation: {token}"),
    )
    .await;
    assert_eq!(ids(&second), ["c", "d"]);
    assert_eq!(second.header("x-ms-continuation"), None, "the last page");
    let reason = query("SELECT deviceId FROM devices", "")
        .await
        .assert_error(400, "badRequest");
    assert!(
        reason.contains("SELECT *") && reason.contains("at character 8"),
        "{reason}"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn fault_bodies_are_checked() {
    let emulator = emulator(&["d1"]).await;
    let addr = emulator.http_addr();
    for (body, needle) in [
        (
            json!({"operation": "receive-commands", "status": "0501"}),
            "operation",
        ),
        (json!({"status": "0501", "latencyMs": 5}), "one of"),
        (json!({}), "one of"),
        (json!({"status": "zz"}), "status"),
        (json!({"latencyMs": 400_000}), "latencyMs"),
        (json!({"disconnect": 5}), "128 to 255"),
        (json!({"deviceId": "a/b", "status": "0501"}), "device id"),
        (json!({"status": "0501", "colour": "red"}), "unknown field"),
    ] {
        let reason = request(addr, "POST", "/admin/faults", Some(&body))
            .await
            .assert_error(400, "badRequest");
        assert!(reason.contains(needle), "{body}: {reason}");
    }
    assert!(
        emulator.hub().faults().list().is_empty(),
        "nothing was added"
    );
    let none = request(
        addr,
        "POST",
        "/admin/faults",
        Some(&json!({"disconnect": 142})),
    )
    .await;
    assert_eq!(
        none.json(),
        json!({"disconnected": 0}),
        "no device is connected"
    );
    emulator.shutdown().await;
}
