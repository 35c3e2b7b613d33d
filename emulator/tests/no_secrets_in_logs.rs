//! A whole session with every log line on (TRACE): SAS connects (good and
//! forged), re-authentication (AUTH 0x19), telemetry, twins, a command,
//! device identities created over HTTP with their keys; in memory, then
//! with durable state (the keys are written to the state file) and a
//! restart that reads them back. No key or signature (the CONNECTs' and the
//! re-authentication's; in base64, hex or a `Debug` form) appears in what
//! was logged.

use std::io::Write;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use bytes::Bytes;
use iothub_emulator::{Config, Emulator};
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Disconnect, Filter, Packet, Publish, PublishProperties, Subscribe};
use iothub_mqtt::ReasonCode;
use iothub_test_kit::fixtures::{emulator, emulator_with};
use iothub_test_kit::peer::RawPeer;
use iothub_test_kit::sas::{connect, key, sign};
use iothub_test_kit::service::{
    connection_string_token, now_s, policy_key, token, Service, POLICY,
};
use iothub_test_kit::HOST;

/// Everything logged, in memory.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<u8>>>);

impl Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The ways a signature could show in a log line: base64, hex, and the
/// `Debug` forms of `Bytes` and of a byte vector.
fn signature_forms(signature: &Bytes) -> [String; 4] {
    [
        base64::engine::general_purpose::STANDARD.encode(signature),
        hex(signature),
        format!("{signature:?}"),
        format!("{:?}", signature.to_vec()),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_traced_session_logs_no_secret() {
    let log = Log::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();

    let mut secrets: Vec<String> = Vec::new();
    for k in [key(0), key(100), key(42)] {
        let raw_key = base64::engine::general_purpose::STANDARD
            .decode(&k)
            .expect("b64");
        secrets.push(k.clone());
        secrets.push(hex(&raw_key));
    }
    let hub = emulator(&["d1"]).await;
    session(&hub, &mut secrets).await;
    hub.shutdown().await;
    // A development policy's key and connection string.
    let development = Emulator::start(Config::new()).await.expect("starts");
    let connection_string = development
        .development_connection_string()
        .expect("made")
        .expose();
    secrets.extend(token_secrets(&connection_string_token(&connection_string)));
    secrets.push(
        connection_string
            .split_once("SharedAccessKey=")
            .expect("a key")
            .1
            .to_owned(),
    );
    secrets.push(connection_string);
    tracing::info!(emulator = ?development, "the development emulator");
    development.shutdown().await;

    // Durable state: the keys go to the state file, and come back from it.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-secrets-state");
    let _ = std::fs::remove_dir_all(&dir);
    let hub = emulator_with(&["d1"], |config| config.state(&dir)).await;
    session(&hub, &mut secrets).await;
    hub.shutdown().await;
    let hub = emulator_with(&[], |config| config.state(&dir)).await;
    let (mut raw, ack) = RawPeer::connect(&hub, connect("d2", &key(42))).await;
    assert_eq!(ack.code, ReasonCode::Success, "d2's key came back");
    raw.send(Packet::Disconnect(Disconnect::new(
        ReasonCode::NORMAL_DISCONNECTION,
    )))
    .await;
    hub.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);

    let text = String::from_utf8_lossy(&log.0.lock().expect("log")).into_owned();
    assert!(
        text.contains("connected") && text.contains("state restored"),
        "the sessions were logged at all:\n{text}"
    );
    for secret in &secrets {
        assert!(
            !text.contains(secret.as_str()),
            "a secret was logged: {secret}\n{text}"
        );
    }
}

/// A token and its signature (as sent and decoded): all secrets.
fn token_secrets(token: &str) -> Vec<String> {
    let sig = token
        .split(['&', ' '])
        .find_map(|part| part.strip_prefix("sig="))
        .expect("a signature");
    let decoded = sig
        .replace("%2B", "+")
        .replace("%2F", "/")
        .replace("%3D", "=");
    vec![token.to_owned(), sig.to_owned(), decoded]
}

/// Logs in and out with secrets: each one used is added to `secrets`.
async fn session(hub: &Emulator, secrets: &mut Vec<String>) {
    // A device created over HTTP with its keys.
    // The service API's tokens, good and forged, and the policy's key.
    let body = serde_json::json!({"authentication": {"type": "sas", "symmetricKey": {"primaryKey": key(42), "secondaryKey": key(42)}}});
    let owner = Service::new(hub.http_addr());
    secrets.push(policy_key());
    secrets.extend(token_secrets(owner.authorization().expect("a token")));
    let answer = owner.request("PUT", "/devices/d2", Some(&body)).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let forged = token(HOST, POLICY, &key(7), now_s() + 60);
    secrets.extend(token_secrets(&forged));
    let refused = Service::with_authorization(hub.http_addr(), forged)
        .request("GET", "/devices/d2", None)
        .await;
    assert_eq!(refused.status, 401);

    // SAS connects, good and forged; the signatures are secrets too.
    let good = connect("d1", &key(0));
    let signature = good
        .properties
        .as_ref()
        .and_then(|p| p.authentication_data.clone())
        .expect("signature");
    secrets.extend(signature_forms(&signature));
    let (mut raw, _) = RawPeer::connect(hub, good).await;
    let mut forged = connect("d1", &key(0));
    let forged_signature = sign(&key(42), HOST, "d1", 1, u64::MAX / 2);
    secrets.extend(signature_forms(&forged_signature));
    forged.properties.as_mut().expect("p").authentication_data = Some(forged_signature);
    let (_refused, _) = RawPeer::connect(hub, forged).await;
    // The re-authentication's signature (AUTH 0x19) is a secret too.
    let (auth, auth_signature) = iothub_test_kit::sas::reauthentication_signed("d1", &key(100));
    secrets.extend(signature_forms(&auth_signature));
    raw.send_bytes(&auth).await;
    assert_eq!(raw.recv_auth().await, 0);
    raw.send(Packet::Subscribe(Subscribe::new(
        Filter::new("$iothub/commands", QoS::AtLeastOnce),
        None,
    )))
    .await;
    assert!(matches!(raw.recv().await, Some(Packet::SubAck(_))));
    let mut telemetry = Publish::new(
        "$iothub/telemetry",
        QoS::AtLeastOnce,
        Bytes::from_static(b"t"),
        Some(PublishProperties::default()),
    );
    telemetry.pkid = 1;
    raw.send(Packet::Publish(telemetry)).await;
    assert!(matches!(raw.recv().await, Some(Packet::PubAck(_))));
    hub.hub()
        .commands()
        .enqueue(
            &iothub_emulator::registry::DeviceId::new("d1").expect("id"),
            iothub_emulator::hub::commands::Command::new(Bytes::from_static(b"c")),
        )
        .expect("enqueued");
    assert!(matches!(raw.recv().await, Some(Packet::Publish(_))));
    drop(raw);
}
