//! Faults injected into the emulator over its service API
//! (`POST /admin/faults`), seen by the project's device client as a device
//! sees the real service's: a throttled Send Telemetry, a DISCONNECT with
//! Connection rate exceeded, an answer slower than the request timeout.

use std::time::{Duration, Instant};

use bytes::Bytes;
use iothub_client::api::send_telemetry;
use iothub_client::runtime::{ConnectionState, DisconnectCause};
use iothub_client::status::StatusCode as _;
use iothub_client::{Client, Error};
use iothub_test_kit::fixtures::{emulator, options};
use iothub_test_kit::service::Service;
use iothub_test_kit::WAIT;
use serde_json::json;

#[tokio::test]
async fn a_throttled_send_telemetry_is_an_alternative_0501_with_reason_code_151_and_retryable() {
    let hub = emulator(&["d1"]).await;
    let service = Service::new(hub.http_addr());
    let fault =
        json!({"deviceId": "d1", "operation": "send-telemetry", "status": "0501", "count": 1});
    service
        .expect("POST", "/admin/faults", Some(&fault), 200)
        .await;
    let listed = service.expect("GET", "/admin/faults", None, 200).await;
    assert_eq!(listed[0]["status"], "0501");
    let (client, _receivers) = Client::connect(options(&hub, "d1", 0)).expect("starts");
    let outcome = client
        .send_telemetry(send_telemetry::Message::default(), Bytes::from_static(b"1"))
        .await
        .expect("answered");
    let status = outcome.status().expect("an alternative");
    assert_eq!(status.to_text(), "0501", "{outcome:?}");
    match &outcome {
        iothub_client::operation::Outcome::Alternative { reason_code, .. } => {
            assert_eq!(*reason_code, 151);
        }
        other => panic!("expected an alternative, got {other:?}"),
    }
    assert!(outcome.is_retryable());
    assert!(
        hub.hub().telemetry().is_empty(),
        "the throttled message was not taken"
    );
    // Once: the next message goes through.
    let next = client
        .send_telemetry(send_telemetry::Message::default(), Bytes::from_static(b"2"))
        .await
        .expect("answered");
    assert!(next.is_success(), "{next:?}");
    assert_eq!(hub.hub().telemetry().len(), 1);
    hub.shutdown().await;
}

#[tokio::test]
async fn a_disconnect_159_is_followed_by_the_clients_longer_backoff() {
    let hub = emulator(&["d1"]).await;
    let service = Service::new(hub.http_addr());
    let (client, _receivers) = Client::connect(options(&hub, "d1", 0)).expect("starts");
    client.wait_connected(WAIT).await.expect("connects");
    let mut state = client.connection_state();
    let fault = json!({"deviceId": "d1", "disconnect": 159});
    let answer = service
        .expect("POST", "/admin/faults", Some(&fault), 200)
        .await;
    assert_eq!(answer["disconnected"], 1);
    let (retry_in, since) = tokio::time::timeout(WAIT, async {
        loop {
            let current = state.borrow_and_update().clone();
            if let ConnectionState::Disconnected {
                cause: DisconnectCause::Hub { reason_code, .. },
                retry_in,
            } = current
            {
                assert_eq!(reason_code, 159);
                return (retry_in, Instant::now());
            }
            state.changed().await.expect("open");
        }
    })
    .await
    .expect("disconnected in time");
    // The test options' ceiling is 200 ms: after 0x9F the client waits at
    // least that (a plain drop waits 10–20 ms).
    assert!(retry_in >= Duration::from_millis(200), "{retry_in:?}");
    client.wait_connected(WAIT).await.expect("reconnects");
    assert!(since.elapsed() >= Duration::from_millis(200) - Duration::from_millis(5));
    hub.shutdown().await;
}

#[tokio::test]
async fn a_latency_fault_makes_a_request_hit_its_timeout() {
    let hub = emulator(&["d1"]).await;
    let service = Service::new(hub.http_addr());
    let fault = json!({"operation": "get-twin", "latencyMs": 1000});
    service
        .expect("POST", "/admin/faults", Some(&fault), 200)
        .await;
    let options = options(&hub, "d1", 0).request_timeout(Duration::from_millis(300));
    let (client, _receivers) = Client::connect(options).expect("starts");
    client.wait_connected(WAIT).await.expect("connects");
    match client.get_twin().await {
        Err(Error::Timeout(after)) => assert_eq!(after, Duration::from_millis(300)),
        other => panic!("expected the request timeout, got {other:?}"),
    }
    // The fault was spent. (Its late answer would hold this connection's
    // later answers behind it, as answers go in order: a new connection
    // shows the next request answered at once.)
    assert_eq!(
        service.expect("GET", "/admin/faults", None, 200).await,
        json!([])
    );
    client.disconnect().await;
    drop(client);
    let options = iothub_test_kit::fixtures::options(&hub, "d1", 0).request_timeout(WAIT);
    let (again, _receivers) = Client::connect(options).expect("starts");
    again.wait_connected(WAIT).await.expect("connects");
    let twin = again.get_twin().await.expect("answered");
    assert!(twin.is_success(), "{twin:?}");
    service.expect("DELETE", "/admin/faults", None, 204).await;
    hub.shutdown().await;
}
