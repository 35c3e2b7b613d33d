//! The device client through network faults: a TCP proxy in the test cuts
//! the connection while requests and QoS 1 telemetry are in flight; a SAS
//! token that expires mid-run is renewed on the same connection.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use iothub_client::api::send_telemetry;
use iothub_client::credentials::TokenPolicy;
use iothub_client::runtime::ConnectionState;
use iothub_client::{Client, Error};
use iothub_test_kit::fixtures::{emulator, eventually, id, options, options_to};
use iothub_test_kit::proxy::Proxy;
use iothub_test_kit::WAIT;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_in_flight_when_the_connection_is_cut_complete_or_fail_none_hangs() {
    let hub = emulator(&["d1"]).await;
    let proxy = Proxy::start(hub.mqtt_addr()).await;
    let (client, _receivers) = Client::connect(options_to(proxy.addr(), "d1", 0)).expect("starts");
    client.wait_connected(WAIT).await.expect("connects");

    let mut requests = Vec::new();
    for _ in 0..200 {
        let client = client.clone();
        requests.push(tokio::spawn(async move { client.get_twin().await }));
    }
    tokio::task::yield_now().await;
    assert!(proxy.cut() >= 1, "a connection was cut");
    let (mut answered, mut lost) = (0, 0);
    for request in requests {
        // Bounded: a hung request fails the test here.
        match tokio::time::timeout(WAIT * 2, request)
            .await
            .expect("no request hangs")
            .expect("joins")
        {
            Ok(outcome) => {
                assert!(outcome.is_success());
                answered += 1;
            }
            Err(Error::ConnectionLost { .. }) => lost += 1,
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
    assert_eq!(answered + lost, 200);
    // The client reconnects by itself and works again.
    client.wait_connected(WAIT).await.expect("reconnects");
    assert!(client.get_twin().await.expect("answered").is_success());
    println!("answered {answered}, lost with the connection {lost}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qos1_telemetry_is_sent_again_until_acknowledged_across_cuts() {
    const MESSAGES: usize = 2_000;
    let hub = emulator(&["d1"]).await;
    let proxy = Arc::new(Proxy::start(hub.mqtt_addr()).await);
    let (client, _receivers) = Client::connect(options_to(proxy.addr(), "d1", 0)).expect("starts");
    client.wait_connected(WAIT).await.expect("connects");

    let cutter = {
        let proxy = Arc::clone(&proxy);
        tokio::spawn(async move {
            let mut cuts = 0;
            for _ in 0..4 {
                tokio::time::sleep(Duration::from_millis(60)).await;
                cuts += proxy.cut();
            }
            cuts
        })
    };
    let mut senders = Vec::new();
    for task in 0..8 {
        let client = client.clone();
        senders.push(tokio::spawn(async move {
            for n in (task..MESSAGES).step_by(8) {
                let message = send_telemetry::Message {
                    message_id: Some(n.to_string()),
                    ..send_telemetry::Message::default()
                };
                let outcome = client
                    .send_telemetry_within(message, "x", Duration::from_secs(30))
                    .await
                    .unwrap_or_else(|e| panic!("message {n}: {e}"));
                assert!(outcome.is_success(), "message {n}: {outcome:?}");
            }
        }));
    }
    for sender in senders {
        sender.await.expect("every message acknowledged");
    }
    let cuts = cutter.await.expect("joins");
    assert!(cuts >= 1, "the run saw connection cuts");
    let events = hub.hub().telemetry().read(1, usize::MAX);
    let mut seen: HashMap<String, usize> = HashMap::new();
    for event in &events {
        let key = event.record.properties.message_id.clone().expect("id");
        *seen.entry(key).or_default() += 1;
    }
    let missing: Vec<usize> = (0..MESSAGES)
        .filter(|n| !seen.contains_key(&n.to_string()))
        .collect();
    assert!(missing.is_empty(), "missing: {missing:?}");
    let duplicates = events.len() - seen.len();
    println!("{MESSAGES} messages, {cuts} cuts, {duplicates} duplicates");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expiring_sas_token_is_renewed_on_the_same_connection() {
    let hub = emulator(&["d1"]).await;
    let options =
        options(&hub, "d1", 0).token_policy(TokenPolicy::new(Duration::from_secs(2), 0.5));
    let (client, _receivers) = Client::connect(options).expect("starts");
    client.wait_connected(WAIT).await.expect("connects");
    let mut state = client.connection_state();
    // Three token lifetimes: without renewal the hub would disconnect (135).
    let until = tokio::time::Instant::now() + Duration::from_secs(6);
    while tokio::time::Instant::now() < until {
        assert!(client.get_twin().await.expect("answered").is_success());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        *state.borrow_and_update(),
        ConnectionState::Connected {
            session_present: false,
            connection: 1,
            refused: Vec::new(),
        },
        "still the first connection"
    );
    assert!(hub.hub().connections().is_connected(&id("d1")));
    eventually("connected", || {
        hub.hub().connections().is_connected(&id("d1"))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_desired_change_made_while_offline_arrives_after_the_reconnect() {
    let hub = emulator(&["d1"]).await;
    let proxy = Proxy::start(hub.mqtt_addr()).await;
    let (client, mut receivers) =
        Client::connect(options_to(proxy.addr(), "d1", 0)).expect("starts");
    let desired = &mut receivers.receive_twin_desired_state_changes;
    let first = tokio::time::timeout(WAIT, desired.recv())
        .await
        .expect("in time")
        .expect("open")
        .expect("decodes");
    assert!(first.snapshot);
    assert_eq!(first.message.version, 1);

    // Offline: the proxy forwards to a port nobody listens on.
    proxy.retarget(iothub_test_kit::fixtures::nowhere().await);
    proxy.cut();
    eventually("the hub sees the device offline", || {
        !hub.hub().connections().is_connected(&id("d1"))
    })
    .await;
    let version = hub
        .hub()
        .twins()
        .patch_desired(&id("d1"), &json!({"firmware": "2.1"}))
        .expect("patched");
    proxy.retarget(hub.mqtt_addr());

    let update = tokio::time::timeout(WAIT, desired.recv())
        .await
        .expect("in time")
        .expect("open")
        .expect("decodes");
    assert!(
        update.snapshot,
        "the change comes with the snapshot after the reconnect"
    );
    assert_eq!(update.message.version, version);
    let state: serde_json::Value = update.json().expect("JSON");
    assert_eq!(state["firmware"], "2.1");
    client.disconnect().await;
}

#[tokio::test]
async fn offline_requests_fail_fast_or_wait_for_the_connection_as_configured() {
    let hub = emulator(&["d1"]).await;
    // Nobody listens where the client connects first.
    let proxy = Proxy::start(iothub_test_kit::fixtures::nowhere().await).await;

    let fail_fast =
        options_to(proxy.addr(), "d1", 0).offline(iothub_client::OfflineBehavior::FailFast);
    let (client, _receivers) = Client::connect(fail_fast).expect("starts");
    let started = tokio::time::Instant::now();
    assert!(matches!(client.get_twin().await, Err(Error::Offline)));
    assert!(started.elapsed() < WAIT, "at once");
    client.disconnect().await;

    // Waiting (the default): the request goes out once the hub is there.
    let (client, _receivers) = Client::connect(options_to(proxy.addr(), "d1", 0)).expect("starts");
    let request = {
        let client = client.clone();
        tokio::spawn(async move { client.get_twin().await })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!request.is_finished(), "waits while offline");
    proxy.retarget(hub.mqtt_addr());
    let outcome = tokio::time::timeout(WAIT * 2, request)
        .await
        .expect("in time")
        .expect("joins");
    assert!(outcome.expect("answered").is_success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_qos1_messages_all_arrive_across_an_emulator_restart() {
    const MESSAGES: usize = 10_000;
    let state = std::env::temp_dir().join(format!("iothub-client-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&state);
    let start = |state: std::path::PathBuf| async move {
        iothub_emulator::Emulator::start(
            iothub_emulator::Config::new()
                .registry(iothub_test_kit::fixtures::registry(&["d1"]))
                .state(state),
        )
        .await
        .expect("the emulator starts on its state folder")
    };
    let first = start(state.clone()).await;
    let proxy = Arc::new(Proxy::start(first.mqtt_addr()).await);
    let (client, _receivers) = Client::connect(options_to(proxy.addr(), "d1", 0)).expect("starts");
    client.wait_connected(WAIT).await.expect("connects");

    let acknowledged = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut senders = Vec::new();
    for task in 0..8 {
        let (client, acknowledged) = (client.clone(), Arc::clone(&acknowledged));
        senders.push(tokio::spawn(async move {
            for n in (task..MESSAGES).step_by(8) {
                let message = send_telemetry::Message {
                    message_id: Some(n.to_string()),
                    ..send_telemetry::Message::default()
                };
                let outcome = client
                    .send_telemetry_within(message, "x", Duration::from_secs(60))
                    .await
                    .unwrap_or_else(|e| panic!("message {n}: {e}"));
                assert!(outcome.is_success(), "message {n}: {outcome:?}");
                acknowledged.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        }));
    }
    // Mid-run: the emulator stops and starts again on the same folder.
    eventually("a third of the messages acknowledged", || {
        acknowledged.load(std::sync::atomic::Ordering::Relaxed) >= MESSAGES / 3
    })
    .await;
    first.shutdown().await;
    proxy.cut();
    let second = start(state.clone()).await;
    proxy.retarget(second.mqtt_addr());
    for sender in senders {
        tokio::time::timeout(Duration::from_secs(120), sender)
            .await
            .expect("the senders finish")
            .expect("every message acknowledged");
    }
    let events = second.hub().telemetry().read(1, usize::MAX);
    let mut seen: HashMap<String, usize> = HashMap::new();
    for event in &events {
        *seen
            .entry(event.record.properties.message_id.clone().expect("id"))
            .or_default() += 1;
    }
    let missing: Vec<usize> = (0..MESSAGES)
        .filter(|n| !seen.contains_key(&n.to_string()))
        .collect();
    assert!(
        missing.is_empty(),
        "{} missing, e.g. {:?}",
        missing.len(),
        &missing[..missing.len().min(10)]
    );
    println!(
        "{MESSAGES} messages across a restart: all arrived, {} duplicates",
        events.len() - seen.len()
    );
    client.disconnect().await;
    second.shutdown().await;
    let _ = std::fs::remove_dir_all(&state);
}
