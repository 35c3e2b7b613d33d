//! Receive Direct Methods, driven with raw MQTT 5 packets: a call reaches
//! a device subscribed to its method on `$iothub/methods/{name}` with
//! Correlation Data, the device's answer on `$iothub/responses` ends the
//! call with its response code and payload; no subscription or connection
//! is Target Unavailable, silence Target Timeout, a malformed answer Target
//! Failed (and DISCONNECT Bad Request for the device).

use std::time::Duration;

use bytes::Bytes;
use iothub_emulator::methods::{MethodError, MethodResponse};
use iothub_emulator::registry::DeviceId;
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Filter, Packet, Publish, PublishProperties, Subscribe};
use iothub_test_kit::fixtures::emulator;
use iothub_test_kit::peer::RawPeer;
use iothub_test_kit::sas::{connect, key};

fn id() -> DeviceId {
    DeviceId::new("d1").expect("id")
}

async fn subscribed(hub: &iothub_emulator::Emulator, filter: &str) -> RawPeer {
    let (mut raw, _) = RawPeer::connect(hub, connect("d1", &key(0))).await;
    raw.send(Packet::Subscribe(Subscribe::new(
        Filter::new(filter, QoS::AtMostOnce),
        None,
    )))
    .await;
    assert!(matches!(raw.recv().await, Some(Packet::SubAck(_))));
    raw
}

type Call = tokio::task::JoinHandle<Result<MethodResponse, MethodError>>;

/// Calls method `name` on d1 in the background, as the cloud side would.
fn spawn_call(
    hub: &iothub_emulator::Emulator,
    name: &'static str,
    payload: &'static [u8],
    timeout: Duration,
) -> Call {
    let methods = hub.hub().methods().clone();
    tokio::spawn(async move {
        methods
            .invoke(&id(), name, Bytes::from_static(payload), timeout)
            .await
    })
}

/// The next packet, which must be a method request; its correlation data.
async fn request(raw: &mut RawPeer, name: &str) -> (Bytes, Bytes) {
    match raw.recv().await {
        Some(Packet::Publish(p)) => {
            assert_eq!(
                p.topic.as_ref(),
                format!("$iothub/methods/{name}").as_bytes()
            );
            assert_eq!(p.qos, QoS::AtMostOnce);
            let correlation = p
                .properties
                .and_then(|x| x.correlation_data)
                .expect("Correlation Data");
            assert!(correlation.len() <= 16);
            (correlation, p.payload)
        }
        other => panic!("expected a method request, got {other:?}"),
    }
}

fn answer(correlation: Bytes, user: &[(&str, &str)], payload: &'static [u8]) -> Packet {
    let properties = PublishProperties {
        correlation_data: Some(correlation),
        user_properties: user
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
        ..PublishProperties::default()
    };
    Packet::Publish(Publish::new(
        "$iothub/responses",
        QoS::AtMostOnce,
        payload,
        Some(properties),
    ))
}

#[tokio::test]
async fn a_call_reaches_the_device_and_its_answer_comes_back() {
    let hub = emulator(&["d1"]).await;
    let mut raw = subscribed(&hub, "$iothub/methods/+").await;
    let call = spawn_call(&hub, "reboot", b"{\"delay\":1}", Duration::from_secs(5));
    let (correlation, payload) = request(&mut raw, "reboot").await;
    assert_eq!(payload.as_ref(), b"{\"delay\":1}");
    raw.send(answer(
        correlation,
        &[("response-code", "200")],
        b"{\"ok\":true}",
    ))
    .await;
    assert_eq!(
        call.await.expect("joins"),
        Ok(MethodResponse {
            response_code: 200,
            payload: Bytes::from_static(b"{\"ok\":true}")
        })
    );
}

#[tokio::test]
async fn no_connection_or_no_subscription_is_target_unavailable() {
    let hub = emulator(&["d1"]).await;
    let methods = hub.hub().methods();
    let outcome = methods
        .invoke(&id(), "reboot", Bytes::new(), Duration::from_secs(5))
        .await;
    assert!(
        matches!(outcome, Err(MethodError::Unreachable(_))),
        "{outcome:?}"
    );
    // Subscribed to another method only.
    let _raw = subscribed(&hub, "$iothub/methods/reset").await;
    let outcome = methods
        .invoke(&id(), "reboot", Bytes::new(), Duration::from_secs(5))
        .await;
    assert!(
        matches!(outcome, Err(MethodError::Unreachable(_))),
        "{outcome:?}"
    );
    assert_eq!(
        outcome.map_err(|e| e.status()),
        Err(iothub_client::api::Status::TargetUnavailable)
    );
}

#[tokio::test]
async fn silence_is_target_timeout_and_a_late_answer_is_dropped() {
    let hub = emulator(&["d1"]).await;
    let mut raw = subscribed(&hub, "$iothub/methods/+").await;
    let call = spawn_call(&hub, "slow", b"", Duration::from_millis(200));
    let (correlation, _) = request(&mut raw, "slow").await;
    let outcome = call.await.expect("joins");
    assert_eq!(
        outcome,
        Err(MethodError::Timeout(Duration::from_millis(200)))
    );
    assert_eq!(
        outcome.map_err(|e| e.status()),
        Err(iothub_client::api::Status::TargetTimeout)
    );
    raw.send(answer(correlation, &[("response-code", "200")], b""))
        .await;
    raw.send(Packet::PingReq(iothub_mqtt::packet::PingReq))
        .await;
    assert!(
        matches!(raw.recv().await, Some(Packet::PingResp(_))),
        "the connection goes on"
    );
}

/// Asserts DISCONNECT Bad Request (reason 131, `status` 0100).
async fn expect_bad_request(raw: &mut RawPeer, what: &str) {
    let disconnect = raw.expect_disconnect(what).await;
    assert_eq!(
        disconnect.reason_code,
        iothub_mqtt::ReasonCode::ImplementationSpecificError,
        "{what}"
    );
    let props = disconnect.properties.expect("properties");
    assert_eq!(
        iothub_test_kit::sas::user(&props.user_properties, "status"),
        Some("0100"),
        "{what}"
    );
}

#[tokio::test]
async fn a_malformed_answer_is_target_failed_and_the_device_is_disconnected_bad_request() {
    let bad: [&[(&str, &str)]; 3] = [
        &[("response-code", "two hundred")],
        // A property the spec does not name and that is no `@` property.
        &[("response-code", "200"), ("note", "x")],
        &[],
    ];
    for user in bad {
        let hub = emulator(&["d1"]).await;
        let mut raw = subscribed(&hub, "$iothub/methods/+").await;
        let call = spawn_call(&hub, "reboot", b"", Duration::from_secs(5));
        let (correlation, _) = request(&mut raw, "reboot").await;
        raw.send(answer(correlation, user, b"")).await;
        let outcome = call.await.expect("joins");
        assert!(
            matches!(outcome, Err(MethodError::Failed(_))),
            "{user:?}: {outcome:?}"
        );
        assert_eq!(
            outcome.map_err(|e| e.status()),
            Err(iothub_client::api::Status::TargetFailed)
        );
        expect_bad_request(&mut raw, &format!("{user:?}")).await;
    }
}

#[tokio::test]
async fn an_answer_with_long_correlation_data_is_bad_request() {
    let hub = emulator(&["d1"]).await;
    let mut raw = subscribed(&hub, "$iothub/methods/+").await;
    raw.send(answer(
        Bytes::from_static(b"0123456789abcdefX"),
        &[("response-code", "200")],
        b"",
    ))
    .await;
    match raw.recv().await {
        Some(Packet::Disconnect(d)) => {
            assert_eq!(
                d.reason_code,
                iothub_mqtt::ReasonCode::ImplementationSpecificError
            );
            let props = d.properties.expect("properties");
            assert_eq!(
                iothub_test_kit::sas::user(&props.user_properties, "status"),
                Some("0100")
            );
        }
        other => panic!("expected DISCONNECT Bad Request, got {other:?}"),
    }
}
