//! Isolation: device B, subscribed to every topic it may subscribe to,
//! never receives device A's commands, method calls, desired changes or
//! responses.

use std::time::Duration;

use bytes::Bytes;
use iothub_emulator::hub::commands::Command;
use iothub_emulator::registry::DeviceId;
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Filter, Packet, Publish, PublishProperties, Subscribe};
use iothub_test_kit::fixtures::emulator;
use iothub_test_kit::peer::RawPeer;
use iothub_test_kit::sas::{connect, key};

async fn subscribe_everything(raw: &mut RawPeer) {
    let filters = [
        "$iothub/commands",
        "$iothub/methods/+",
        "$iothub/twin/patch/desired",
        "$iothub/responses",
    ];
    let mut subscribe = Subscribe::new(Filter::new(filters[0], QoS::AtLeastOnce), None);
    subscribe.filters = filters
        .iter()
        .map(|f| Filter::new(*f, QoS::AtLeastOnce))
        .collect();
    raw.send(Packet::Subscribe(subscribe)).await;
    assert!(matches!(raw.recv().await, Some(Packet::SubAck(_))));
}

#[tokio::test]
async fn a_device_sees_only_its_own_traffic() {
    let hub = emulator(&["a", "b"]).await;
    let (mut a, _) = RawPeer::connect(&hub, connect("a", &key(0))).await;
    let (mut b, _) = RawPeer::connect(&hub, connect("b", &key(1))).await;
    subscribe_everything(&mut a).await;
    subscribe_everything(&mut b).await;
    let id = DeviceId::new("a").expect("id");

    // A command, a desired change, a method call and a twin request, all A's.
    hub.hub()
        .commands()
        .enqueue(&id, Command::new(Bytes::from_static(b"for a")))
        .expect("enqueued");
    hub.hub()
        .twins()
        .patch_desired(&id, &serde_json::json!({"x": 1}))
        .expect("patch");
    let methods = hub.hub().methods().clone();
    let method_id = id.clone();
    let call = tokio::spawn(async move {
        methods
            .invoke(&method_id, "m", Bytes::new(), Duration::from_millis(300))
            .await
    });
    let request = PublishProperties {
        correlation_data: Some(Bytes::from_static(b"\x07")),
        ..PublishProperties::default()
    };
    a.send(Packet::Publish(Publish::new(
        "$iothub/twin/get",
        QoS::AtMostOnce,
        Bytes::new(),
        Some(request),
    )))
    .await;

    // A gets four PUBLISHes (in some order).
    let mut topics = Vec::new();
    for _ in 0..4 {
        match a.recv().await {
            Some(Packet::Publish(p)) => topics.push(String::from_utf8_lossy(&p.topic).into_owned()),
            other => panic!("A expected its traffic, got {other:?}"),
        }
    }
    topics.sort();
    assert_eq!(
        topics,
        [
            "$iothub/commands",
            "$iothub/methods/m",
            "$iothub/responses",
            "$iothub/twin/patch/desired"
        ]
    );
    let _ = call.await;
    // B's next packets are the answers to its own pings: nothing of A's.
    b.assert_quiet().await;
}
