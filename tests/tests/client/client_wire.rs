//! What the device client puts on the wire, read by a scripted hub: its
//! CONNECT (authentication, the API's user properties, a signature checked
//! here from the overview's rule), one SUBSCRIBE for every server-to-client
//! operation, PUBACKs in arrival order with the spec's reason code and
//! `status` for abandon and reject, and what it makes of a status the spec
//! does not list.

use std::time::Duration;

use bytes::Bytes;
use hmac::{KeyInit, Mac};
use iothub_client::api::{self, get_twin, receive_commands};
use iothub_client::operation::Outcome;
use iothub_client::Client;
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Packet, Publish, PublishProperties};
use iothub_test_kit::fixtures::options_to;
use iothub_test_kit::hub::ScriptedHub;
use iothub_test_kit::sas::key_bytes;
use iothub_test_kit::{HOST, WAIT};

fn user(properties: &[(String, String)], name: &str) -> Option<String> {
    properties
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.clone())
}

#[tokio::test]
async fn connect_carries_the_apis_authentication_and_one_subscribe_covers_every_operation() {
    let fake = ScriptedHub::start().await;
    let (client, _receivers) =
        Client::connect(options_to(fake.addr(), "dev-7", 0)).expect("starts");
    let mut hub = fake.accept().await;
    let (connect, filters) = hub.handshake().await;
    let Packet::Connect(connect, None, None) = connect else {
        panic!("a CONNECT without will or login");
    };
    assert_eq!(connect.client_id, "dev-7");
    assert!(!connect.clean_start, "Clean Start 0 keeps the session");
    let properties = connect.properties.expect("properties");
    assert_eq!(properties.authentication_method.as_deref(), Some("SAS"));
    let user_properties = &properties.user_properties;
    assert_eq!(
        user(user_properties, "api-version").as_deref(),
        Some(api::API_VERSION)
    );
    assert_eq!(user(user_properties, "host").as_deref(), Some(HOST));
    let at = user(user_properties, "sas-at").expect("sas-at");
    let expiry = user(user_properties, "sas-expiry").expect("sas-expiry");
    assert!(expiry.parse::<u64>().expect("ms") > at.parse::<u64>().expect("ms"));
    assert!(user(user_properties, "client-agent").is_some());
    // The overview's string to sign, computed here independently.
    let mut mac =
        <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&key_bytes(0)).expect("key");
    mac.update(format!("{HOST}\ndev-7\n\n{at}\n{expiry}\n").as_bytes());
    assert_eq!(
        properties.authentication_data.as_deref(),
        Some(&mac.finalize().into_bytes()[..])
    );
    let mut expected: Vec<(String, QoS)> = vec![
        (receive_commands::TOPIC.into(), QoS::AtLeastOnce),
        (
            api::receive_direct_methods::TOPIC_FILTER.into(),
            QoS::AtMostOnce,
        ),
        (
            api::receive_twin_desired_state_changes::TOPIC.into(),
            QoS::AtMostOnce,
        ),
    ];
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    let mut filters = filters;
    filters.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(filters, expected);
    client.wait_connected(WAIT).await.expect("connected");
}

fn command(pkid: u16, sequence_no: u64) -> Packet {
    let mut publish = Publish::new(
        receive_commands::TOPIC,
        QoS::AtLeastOnce,
        Bytes::from(format!("command {sequence_no}")),
        Some(PublishProperties {
            user_properties: vec![
                ("sequence-no".into(), sequence_no.to_string()),
                ("enqueued-time".into(), "1600987195320".into()),
                ("delivery-count".into(), "1".into()),
                ("x-added-later".into(), "kept".into()),
            ],
            ..PublishProperties::default()
        }),
    );
    publish.pkid = pkid;
    Packet::Publish(publish)
}

#[tokio::test]
async fn pubacks_leave_in_arrival_order_with_the_specs_reason_code_and_status() {
    let fake = ScriptedHub::start().await;
    let (client, mut receivers) = Client::connect(options_to(fake.addr(), "d", 0)).expect("starts");
    let mut hub = fake.accept().await;
    hub.handshake().await;
    client.wait_connected(WAIT).await.expect("connected");
    for (pkid, seq) in [(7, 1), (8, 2), (9, 3)] {
        hub.send(command(pkid, seq)).await;
    }
    let mut received = Vec::new();
    for _ in 0..3 {
        let command = tokio::time::timeout(WAIT, receivers.receive_commands.recv())
            .await
            .expect("in time")
            .expect("open")
            .expect("decodes");
        assert_eq!(
            command.message.other_properties,
            vec![("x-added-later".to_owned(), "kept".to_owned())],
            "a property the hub adds is kept"
        );
        received.push(command);
    }
    // Settled out of order: the third, then the second, then the first.
    let mut received = received.into_iter();
    let (first, second, third) = (
        received.next().expect("1"),
        received.next().expect("2"),
        received.next().expect("3"),
    );
    third.complete();
    second.reject();
    tokio::time::sleep(Duration::from_millis(100)).await;
    first.abandon();
    let mut acks = Vec::new();
    for _ in 0..3 {
        match hub.recv_packet().await {
            Packet::PubAck(ack) => acks.push((
                ack.pkid,
                u8::from(ack.reason),
                ack.properties
                    .map(|p| user(&p.user_properties, "status"))
                    .unwrap_or_default(),
            )),
            other => panic!("expected PUBACK, got {other:?}"),
        }
    }
    assert_eq!(
        acks,
        vec![
            (7, 131, Some("0603".to_owned())),
            (8, 131, Some("0100".to_owned())),
            (9, 0, None),
        ]
    );
}

#[tokio::test]
async fn a_status_the_spec_does_not_list_is_the_unknown_alternative() {
    let fake = ScriptedHub::start().await;
    let (client, _receivers) = Client::connect(options_to(fake.addr(), "d", 0)).expect("starts");
    let mut hub = fake.accept().await;
    hub.handshake().await;
    let request = tokio::spawn(async move { client.get_twin().await });
    let Packet::Publish(publish) = hub.recv_packet().await else {
        panic!("expected the Get Twin request");
    };
    assert_eq!(publish.topic, get_twin::TOPIC.as_bytes());
    assert_eq!(publish.qos, QoS::AtMostOnce);
    let correlation = publish
        .properties
        .and_then(|p| p.correlation_data)
        .expect("Correlation Data");
    assert!(correlation.len() <= 16);
    let response = Publish::new(
        api::topics::RESPONSES,
        QoS::AtMostOnce,
        Bytes::new(),
        Some(PublishProperties {
            correlation_data: Some(correlation),
            user_properties: vec![
                ("status".into(), "0109".into()),
                ("reason".into(), "a new outcome".into()),
                ("x-future".into(), "1".into()),
            ],
            ..PublishProperties::default()
        }),
    );
    hub.send(Packet::Publish(response)).await;
    let outcome = request.await.expect("joins").expect("answered");
    match outcome {
        Outcome::Alternative {
            status,
            reason,
            other_properties,
            ..
        } => {
            assert_eq!(status, get_twin::Alternative::Unknown(0x0109));
            assert_eq!(reason.as_deref(), Some("a new outcome"));
            assert_eq!(
                other_properties,
                vec![("x-future".to_owned(), "1".to_owned())]
            );
        }
        Outcome::Success(_) => panic!("a status is not a success"),
    }
}
