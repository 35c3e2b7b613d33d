//! The official IoT Hub service SDK for Python (`azure-iot-hub`, pinned,
//! installed by `.ci/python-sdk.sh`) drives the emulator over HTTPS as
//! backend code drives the service: from a service connection string whose
//! `HostName` is the emulator's, with its certificate given the way a user
//! gives it (`REQUESTS_CA_BUNDLE`). The script (`tests/python/`) asserts on
//! the SDK's own returned objects and errors.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use iothub_emulator::tls::Tls;
use iothub_test_kit::fixtures::{emulator_with, id};
use iothub_test_kit::service::{policy_key, POLICY};
use iothub_test_kit::{output_within, python_sdk, root, HOST, WAIT};

/// How long one script may take (the SDK's import alone takes seconds).
const SCRIPT_TIME: Duration = Duration::from_secs(120);

/// Runs `script` with `python`, its environment `env`; its standard output
/// (panics with its standard error if it fails or takes too long). The
/// script is waited for on a blocking thread (its pipes read to the end),
/// so the emulator it talks to goes on serving meanwhile.
async fn run(python: &Path, script: &str, env: &[(&str, String)]) -> String {
    let mut command = Command::new(python);
    command
        .arg(root().join("tests/python").join(script))
        // No `__pycache__` left in the source tree by the shared module.
        .env("PYTHONDONTWRITEBYTECODE", "1");
    for (name, value) in env {
        command.env(name, value);
    }
    let script_name = script.to_owned();
    let output =
        tokio::task::spawn_blocking(move || output_within(command, SCRIPT_TIME, &script_name))
            .await
            .expect("joins");
    let out = String::from_utf8_lossy(&output.stdout).into_owned();
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{script} failed ({}):\n{err}\n{out}",
        output.status
    );
    out
}

/// An emulator over HTTPS (and MQTT over TLS) with device `existing`, and
/// the environment a script gets: the service connection string, the CA
/// file, the device.
struct Served {
    emulator: iothub_emulator::Emulator,
    env: Vec<(&'static str, String)>,
    ca: std::path::PathBuf,
    cert: String,
}

async fn served(test: &str) -> Served {
    let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned(), HOST.to_owned()])
        .expect("a certificate");
    let (cert, key) = (made.cert.pem(), made.key_pair.serialize_pem());
    let tls = Tls::from_pem(cert.as_bytes(), key.as_bytes()).expect("TLS");
    let emulator = emulator_with(&["existing", "second"], |config| config.tls(tls)).await;
    let ca = std::env::temp_dir().join(format!("iothub-sdk-ca-{}-{test}.pem", std::process::id()));
    std::fs::write(&ca, &cert).expect("the CA file");
    let connection_string = format!(
        "HostName=localhost:{};SharedAccessKeyName={POLICY};SharedAccessKey={}",
        emulator.http_addr().port(),
        policy_key()
    );
    let env = vec![
        ("IOTHUB_CONNECTION_STRING", connection_string),
        ("REQUESTS_CA_BUNDLE", ca.display().to_string()),
        ("IOTHUB_EXISTING_DEVICE", "existing".to_owned()),
    ];
    Served {
        emulator,
        env,
        ca,
        cert,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_registry_manager_creates_gets_updates_lists_and_deletes_devices() {
    let Some(python) = python_sdk("service_sdk::the_registry_manager_…_devices") else {
        return;
    };
    let served = served("devices").await;
    let out = run(&python, "registry_devices.py", &served.env).await;
    let _ = std::fs::remove_file(&served.ca);
    assert!(out.starts_with("ok "), "{out}");
    // What the SDK did is what the hub holds.
    let hub = served.emulator.hub();
    assert!(hub.registry().get(&id("sdk-device")).is_none());
    assert!(hub.registry().get(&id("existing")).is_some());
    served.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_registry_manager_gets_updates_and_replaces_twins_with_etags_and_tags() {
    let Some(python) = python_sdk("service_sdk::the_registry_manager_…_twins") else {
        return;
    };
    let served = served("twins").await;
    let out = run(&python, "registry_twins.py", &served.env).await;
    let _ = std::fs::remove_file(&served.ca);
    assert!(out.starts_with("ok "), "{out}");
    let twin = served.emulator.hub().twins().get(&id("existing"));
    assert_eq!(twin.tags.get("owner"), Some(&serde_json::json!("lab")));
    assert_eq!(
        twin.desired.properties.get("mode"),
        Some(&serde_json::json!("eco"))
    );
    served.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_direct_method_invoked_with_the_sdk_is_answered_by_the_device_client() {
    use iothub_client::api::receive_direct_methods;
    use iothub_client::transport::Tls as ClientTls;
    use iothub_client::Client;
    let Some(python) = python_sdk("service_sdk::a_direct_method_…") else {
        return;
    };
    let served = served("method").await;
    let roots = ClientTls::with_ca_pem(served.cert.as_bytes()).expect("the CA");
    let options = iothub_test_kit::fixtures::options(&served.emulator, "existing", 0).tls(roots);
    let (client, mut receivers) = Client::connect(options).expect("starts");
    client
        .wait_connected(WAIT)
        .await
        .expect("connects over TLS");
    // The hub reads a connection's packets in order: once a request sent
    // after the client's SUBSCRIBEs is answered, its method subscription
    // is in place and a call reaches it.
    let twin = client.get_twin().await.expect("answered");
    assert!(twin.is_success(), "{twin:?}");
    // The device answers every call with its request's payload and `ok`.
    let answering = tokio::spawn(async move {
        let mut answered = 0;
        while let Some(call) = receivers.receive_direct_methods.recv().await {
            let Ok(call) = call else { continue };
            let mut body: serde_json::Value = call.json().unwrap_or_default();
            body["ok"] = true.into();
            let payload = bytes::Bytes::from(body.to_string());
            let response = receive_direct_methods::Response { response_code: 200 };
            if call.respond(response, payload).await.is_ok() {
                answered += 1;
            }
        }
        answered
    });
    let out = run(&python, "direct_method.py", &served.env).await;
    let _ = std::fs::remove_file(&served.ca);
    assert!(out.starts_with("ok "), "{out}");
    client.disconnect().await;
    drop(client);
    let answered = tokio::time::timeout(WAIT, answering)
        .await
        .expect("ends")
        .expect("joins");
    assert_eq!(answered, 1, "the device answered the SDK's one call");
    served.emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_disabled_with_the_sdk_is_refused_with_not_authorized() {
    use iothub_client::runtime::{ConnectionState, DisconnectCause};
    use iothub_client::transport::Tls as ClientTls;
    use iothub_client::Client;
    let Some(python) = python_sdk("service_sdk::a_device_disabled_…") else {
        return;
    };
    let served = served("disable").await;
    let out = run(&python, "disable_device.py", &served.env).await;
    let _ = std::fs::remove_file(&served.ca);
    assert!(out.starts_with("ok "), "{out}");
    let roots = ClientTls::with_ca_pem(served.cert.as_bytes()).expect("the CA");
    let options = iothub_test_kit::fixtures::options(&served.emulator, "existing", 0).tls(roots);
    let (client, _receivers) = Client::connect(options).expect("starts");
    let mut state = client.connection_state();
    let refused = tokio::time::timeout(WAIT, async {
        loop {
            let current = state.borrow_and_update().clone();
            if let ConnectionState::Disconnected {
                cause: DisconnectCause::Refused { reason_code, .. },
                ..
            } = current
            {
                return reason_code;
            }
            state.changed().await.expect("open");
        }
    })
    .await
    .expect("refused in time");
    assert_eq!(refused, 135, "CONNACK Not authorized");
    drop(client);
    served.emulator.shutdown().await;
}
