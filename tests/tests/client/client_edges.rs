//! The device client at the edges a fleet meets, each a defect found in the
//! field and fixed with the session state machine (issue 16), driven
//! through the public API against a scripted hub. Waits that matter run on
//! tokio's paused clock, so they take no real time and cannot flake.
//!
//! - a settlement made just before `disconnect()` reaches the hub;
//! - a hub that reads but never answers is noticed under steady telemetry;
//! - `disconnect()` returns in bounded time when the hub stopped reading;
//! - a QoS 0 message whose caller timed out is not sent later;
//! - a direct-method call of an ended connection is not handed over;
//! - Correlation Data over the API's limit is refused before it is sent;
//! - `wait_connected` says why it is not connected, and CONNACK Not
//!   authorized is retried a bounded number of times;
//! - a refused subscription reaches the application;
//! - a method call that finds the receiver full is answered at once;
//! - commands that find the receiver full wait in order, with no task each.

use std::time::Duration;

use bytes::Bytes;
use iothub_client::api::{self, receive_direct_methods, send_telemetry};
use iothub_client::runtime::{ConnectionState, DisconnectCause, RefusedSubscription};
use iothub_client::status::StatusCode;
use iothub_client::wire::Properties;
use iothub_client::{Client, Error};
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{ConnAck, Packet, Publish, PublishProperties};
use iothub_mqtt::ReasonCode;
use iothub_test_kit::fixtures::{options_to, wait_for_state};
use iothub_test_kit::hub::{HubConnection, ScriptedHub};
use iothub_test_kit::WAIT;
use tokio::time::Instant;

/// A command from the hub (QoS 1).
fn command(pkid: u16, sequence_no: u64) -> Packet {
    let mut publish = Publish::new(
        api::receive_commands::TOPIC,
        QoS::AtLeastOnce,
        "reboot",
        Some(PublishProperties {
            user_properties: vec![
                ("sequence-no".into(), sequence_no.to_string()),
                ("enqueued-time".into(), "1700000000000".into()),
                ("delivery-count".into(), "1".into()),
            ],
            ..PublishProperties::default()
        }),
    );
    publish.pkid = pkid;
    Packet::Publish(publish)
}

/// A direct-method call from the hub.
fn method_call(name: &str, correlation: &'static [u8]) -> Packet {
    Packet::Publish(Publish::new(
        receive_direct_methods::topic(name).expect("a topic"),
        QoS::AtMostOnce,
        "{}",
        Some(PublishProperties {
            correlation_data: Some(Bytes::from_static(correlation)),
            ..PublishProperties::default()
        }),
    ))
}

/// QoS 0 telemetry `payload`, waiting at most `within` for it to be written.
async fn telemetry(client: &Client, payload: Bytes, within: Duration) -> Result<(), Error> {
    client
        .session()
        .publish(
            send_telemetry::TOPIC.to_owned(),
            Properties::default(),
            payload,
            Some(within),
        )
        .await
}

/// The next packets until `count` of them, skipping none.
async fn packets(hub: &mut HubConnection, count: usize) -> Vec<String> {
    let mut names = Vec::new();
    for _ in 0..count {
        names.push(match hub.recv_packet().await {
            Packet::PubAck(ack) => format!("PUBACK {} {:?}", ack.pkid, ack.reason),
            Packet::Disconnect(d) => format!("DISCONNECT {:?}", d.reason_code),
            other => format!("{other:?}"),
        });
    }
    names
}

/// A command completed and followed at once by `disconnect()` reached the
/// hub as completed: PUBACK, then DISCONNECT (it was lost 20 of 20 times,
/// so the hub delivered it again after a restart).
async fn complete_then_disconnect(rounds: u16) {
    for round in 0..rounds {
        let fake = ScriptedHub::start().await;
        let (client, mut receivers) =
            Client::connect(options_to(fake.addr(), "d", 0)).expect("starts");
        let mut hub = fake.accept().await;
        hub.handshake().await;
        hub.send(command(round + 1, u64::from(round))).await;
        let received = tokio::time::timeout(WAIT, receivers.receive_commands.recv())
            .await
            .expect("the command arrives")
            .expect("open")
            .expect("decodes");
        received.0.complete();
        client.disconnect().await;
        assert_eq!(
            packets(&mut hub, 2).await,
            [
                format!("PUBACK {} Success", round + 1),
                "DISCONNECT Success".to_owned()
            ],
            "round {round}"
        );
    }
}

#[tokio::test]
async fn a_command_completed_then_disconnected_reaches_the_hub_as_completed() {
    complete_then_disconnect(10).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_completed_then_disconnected_reaches_the_hub_on_a_multi_thread_runtime() {
    complete_then_disconnect(10).await;
}

/// Keep alive 1 s, QoS 0 telemetry every 300 ms, a hub that reads every
/// byte and never answers: the client pings once nothing was read for a
/// keep alive, and gives the connection up within 1.5 keep alives (it sent
/// no PINGREQ in 8 s and never noticed).
#[tokio::test(start_paused = true)]
async fn a_hub_that_reads_but_never_answers_is_noticed_under_steady_telemetry() {
    let fake = ScriptedHub::start().await;
    let options = options_to(fake.addr(), "d", 0).keep_alive(Duration::from_secs(1));
    let (client, receivers) = Client::connect(options).expect("starts");
    drop(receivers);
    let mut hub = fake.accept().await;
    hub.accept_connect(false).await;
    let connected_at = Instant::now();
    // From here the hub only reads: every packet, counting PINGREQs.
    let reader = tokio::spawn(async move {
        let mut pings = 0;
        while let Ok(frame) = tokio::time::timeout(Duration::from_secs(30), hub.next_packet()).await
        {
            match frame {
                Some(Packet::PingReq(_)) => pings += 1,
                Some(_) => {}
                None => break,
            }
        }
        pings
    });
    // Every state, as it changes (the client reconnects at once after).
    let mut state = client.connection_state();
    let watcher = tokio::spawn(async move {
        loop {
            if let ConnectionState::Disconnected { cause, .. } = &*state.borrow_and_update() {
                return (cause.clone(), connected_at.elapsed());
            }
            if state.changed().await.is_err() {
                return (
                    DisconnectCause::Network("closed".into()),
                    connected_at.elapsed(),
                );
            }
        }
    });
    while !watcher.is_finished() && connected_at.elapsed() < Duration::from_secs(8) {
        let _ = telemetry(
            &client,
            Bytes::from_static(b"21.5"),
            Duration::from_millis(100),
        )
        .await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert!(watcher.is_finished(), "still connected after 8 s");
    let (cause, noticed_after) = watcher.await.expect("joins");
    assert_eq!(
        cause,
        DisconnectCause::KeepAliveTimeout,
        "after {noticed_after:?}"
    );
    assert!(
        noticed_after <= Duration::from_millis(1_500),
        "noticed after {noticed_after:?}"
    );
    drop(client);
    let pings = reader.await.expect("joins");
    assert!(pings >= 1, "{pings} PINGREQs");
}

/// `disconnect()` returns within the close timeout (5 s by default) when
/// the hub stopped reading and the socket is full, rather than when the
/// stalled write gives up (a keep alive: 60 s).
#[tokio::test(start_paused = true)]
async fn disconnect_returns_in_bounded_time_when_the_hub_stopped_reading() {
    let fake = ScriptedHub::start().await;
    let (client, receivers) = Client::connect(options_to(fake.addr(), "d", 0)).expect("starts");
    drop(receivers);
    let mut hub = fake.accept().await;
    hub.accept_connect(false).await;
    // The hub reads nothing more; 64 MB of telemetry fill every buffer.
    let payload = Bytes::from(vec![b'x'; 200_000]);
    let senders: Vec<_> = (0..320)
        .map(|_| {
            let client = client.clone();
            let payload = payload.clone();
            tokio::spawn(
                async move { telemetry(&client, payload, Duration::from_secs(3_600)).await },
            )
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let started = Instant::now();
    client.disconnect().await;
    let took = started.elapsed();
    assert!(took <= Duration::from_secs(6), "disconnect took {took:?}");
    for sender in senders {
        // Written, or failed with the connection: none hangs.
        let _ = sender.await.expect("joins");
    }
    drop(hub);
}

/// A QoS 0 message whose caller gave up while the client was not yet
/// connected is not sent once it is.
#[tokio::test]
async fn a_qos0_message_whose_caller_timed_out_is_not_sent_later() {
    let fake = ScriptedHub::start().await;
    let (client, receivers) = Client::connect(options_to(fake.addr(), "d", 0)).expect("starts");
    drop(receivers);
    let late = telemetry(
        &client,
        Bytes::from_static(b"stale"),
        Duration::from_millis(50),
    )
    .await;
    assert_eq!(late, Err(Error::Timeout(Duration::from_millis(50))));
    let mut hub = fake.accept().await;
    hub.accept_connect(false).await;
    telemetry(&client, Bytes::from_static(b"fresh"), WAIT)
        .await
        .expect("written");
    let Packet::Publish(first) = hub.recv_packet().await else {
        panic!("a PUBLISH");
    };
    assert_eq!(first.payload, "fresh", "the stale one was not sent");
}

/// A direct-method call that arrived on a connection that has since ended
/// is not handed to the application (the hub no longer waits for it, and
/// its answer could not be sent).
#[tokio::test]
async fn a_method_call_of_an_ended_connection_is_not_handed_over() {
    let fake = ScriptedHub::start().await;
    let (client, mut receivers) = Client::connect(options_to(fake.addr(), "d", 0)).expect("starts");
    let mut hub = fake.accept().await;
    hub.handshake().await;
    hub.send(method_call("first", b"1")).await;
    drop(hub);
    // The application reads only once the client is on its next connection.
    let mut hub = fake.accept().await;
    hub.handshake().await;
    wait_for_state(&client, "the next connection", |s| {
        matches!(s, ConnectionState::Connected { connection: 2, .. })
    })
    .await;
    hub.send(method_call("second", b"2")).await;
    let call = tokio::time::timeout(WAIT, receivers.receive_direct_methods.recv())
        .await
        .expect("a call arrives")
        .expect("open")
        .expect("decodes");
    assert_eq!(
        call.topic,
        receive_direct_methods::topic("second").expect("a topic")
    );
}

/// Correlation Data longer than the API's 16 bytes is refused before it is
/// sent.
#[tokio::test]
async fn correlation_data_over_the_apis_limit_is_refused_before_it_is_sent() {
    let fake = ScriptedHub::start().await;
    let (client, receivers) = Client::connect(options_to(fake.addr(), "d", 0)).expect("starts");
    drop(receivers);
    let mut hub = fake.accept().await;
    hub.accept_connect(false).await;
    let properties = |len: usize| Properties {
        correlation_data: Some(Bytes::from(vec![7; len])),
        ..Properties::default()
    };
    let refused = client
        .session()
        .publish(
            send_telemetry::TOPIC.to_owned(),
            properties(17),
            Bytes::new(),
            None,
        )
        .await;
    assert_eq!(
        refused,
        Err(Error::CorrelationDataTooLong { len: 17, max: 16 })
    );
    client
        .session()
        .publish(
            send_telemetry::TOPIC.to_owned(),
            properties(16),
            Bytes::new(),
            None,
        )
        .await
        .expect("16 bytes are fine");
    let Packet::Publish(publish) = hub.recv_packet().await else {
        panic!("a PUBLISH");
    };
    assert_eq!(
        publish
            .properties
            .and_then(|p| p.correlation_data)
            .map(|c| c.len()),
        Some(16)
    );
}

/// A hub that keeps answering CONNACK Not authorized: `wait_connected`
/// says so, and after the configured retries the client closes with it.
#[tokio::test(start_paused = true)]
async fn not_authorized_is_retried_a_bounded_number_of_times_and_reported() {
    let fake = ScriptedHub::start().await;
    let options = options_to(fake.addr(), "d", 0).reconnect(
        iothub_client::runtime::ReconnectPolicy::new(
            Duration::from_millis(100),
            Duration::from_secs(1),
        )
        .not_authorized_retries(2),
    );
    let (client, _receivers) = Client::connect(options).expect("starts");
    let refuse = |mut hub: HubConnection| async move {
        assert!(matches!(hub.recv_packet().await, Packet::Connect(..)));
        hub.send(Packet::ConnAck(ConnAck {
            session_present: false,
            code: ReasonCode::NotAuthorized,
            properties: None,
        }))
        .await;
    };
    refuse(fake.accept().await).await;
    match client.wait_connected(Duration::from_millis(50)).await {
        Err(Error::NotConnected { cause, .. }) => {
            assert!(cause.contains("reason code 135"), "{cause}")
        }
        other => panic!("{other:?}"),
    }
    refuse(fake.accept().await).await;
    refuse(fake.accept().await).await;
    assert_eq!(
        client.wait_connected(WAIT).await,
        Err(Error::ConnectionRefused {
            reason_code: 0x87,
            status: None,
            reason: None
        })
    );
}

/// A subscription the hub refuses reaches the application: in the
/// connection state and as an error on that operation's receiver.
#[tokio::test]
async fn a_refused_subscription_reaches_the_application() {
    let fake = ScriptedHub::start().await;
    let (client, mut receivers) = Client::connect(options_to(fake.addr(), "d", 0)).expect("starts");
    let mut hub = fake.accept().await;
    hub.accept_connect(false).await;
    hub.answer_subscribe(|f| {
        if f.path == api::receive_commands::TOPIC {
            ReasonCode::TopicFilterInvalid
        } else {
            ReasonCode::granted(f.qos)
        }
    })
    .await;
    hub.answer_twin_request().await;
    let refused = vec![RefusedSubscription {
        filter: api::receive_commands::TOPIC,
        reason_code: 0x8F,
    }];
    wait_for_state(
        &client,
        "the refusal in the state",
        |s| matches!(s, ConnectionState::Connected { refused: r, .. } if *r == refused),
    )
    .await;
    let item = tokio::time::timeout(WAIT, receivers.receive_commands.recv())
        .await
        .expect("the receiver says so")
        .expect("open");
    assert!(
        matches!(
            item,
            Err(Error::SubscriptionRefused {
                filter: api::receive_commands::TOPIC,
                reason_code: 0x8F
            })
        ),
        "{item:?}"
    );
}

/// A direct-method call that finds the application's receiver full is
/// answered at once with the operation's unavailable alternative, not
/// left to time out at its caller.
#[tokio::test]
async fn a_method_call_finding_the_receiver_full_is_answered_as_unavailable_at_once() {
    let fake = ScriptedHub::start().await;
    let (_client, _receivers) = Client::connect(options_to(fake.addr(), "d", 0)).expect("starts");
    let mut hub = fake.accept().await;
    hub.handshake().await;
    // The application reads nothing: the receiver holds RECEIVER_CAPACITY.
    let full = api::RECEIVER_CAPACITY;
    for _ in 0..full {
        hub.send(method_call("fill", b"f")).await;
    }
    hub.send(method_call("one-too-many", b"late")).await;
    let Packet::Publish(answer) = hub.recv_packet().await else {
        panic!("an answer");
    };
    assert_eq!(answer.topic, api::topics::RESPONSES.as_bytes());
    let properties = answer.properties.expect("properties");
    assert_eq!(properties.correlation_data.as_deref(), Some(&b"late"[..]));
    let status = receive_direct_methods::Alternative::TargetUnavailable.to_text();
    assert!(
        properties
            .user_properties
            .iter()
            .any(|(n, v)| n == api::RESPONSE_PROPERTIES.status && *v == status),
        "{:?}",
        properties.user_properties
    );
}

/// QoS 1 commands that find the receiver full wait in the client, in
/// arrival order, with no task per message (there were 16 detached tasks
/// here), and reach the application once it reads.
#[tokio::test]
async fn commands_for_a_full_receiver_wait_in_order_without_a_task_each() {
    let fake = ScriptedHub::start().await;
    let (client, mut receivers) = Client::connect(options_to(fake.addr(), "d", 0)).expect("starts");
    let mut sequence = 0u64;
    // Two connections' 16 unread commands fill the receiver (32)…
    for connection in 1..=2u64 {
        let mut hub = fake.accept().await;
        hub.handshake().await;
        for pkid in 1..=16 {
            sequence += 1;
            hub.send(command(pkid, sequence)).await;
        }
        hub.send(method_call("sync", b"s")).await;
        let _ = tokio::time::timeout(WAIT, receivers.receive_direct_methods.recv())
            .await
            .expect("the method call after the commands");
        drop(hub);
        wait_for_state(&client, &format!("connection {connection} ends"), |s| {
            matches!(s, ConnectionState::Disconnected { .. })
        })
        .await;
    }
    // …so the third connection's 16 find no room.
    let mut hub = fake.accept().await;
    hub.handshake().await;
    let tasks = tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks();
    let first_new = sequence + 1;
    for pkid in 1..=16 {
        sequence += 1;
        hub.send(command(pkid, sequence)).await;
    }
    hub.send(method_call("sync", b"s")).await;
    let _ = tokio::time::timeout(WAIT, receivers.receive_direct_methods.recv())
        .await
        .expect("the method call after the commands");
    assert_eq!(
        tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks(),
        tasks,
        "no task per waiting message"
    );
    // The stale ones (of ended connections) are skipped; the rest arrive in order.
    let mut got = Vec::new();
    while got.len() < 16 {
        let command = tokio::time::timeout(WAIT, receivers.receive_commands.recv())
            .await
            .expect("a command")
            .expect("open")
            .expect("decodes");
        got.push(command.0.message.sequence_no);
        command.0.complete();
    }
    assert_eq!(got, (first_new..=sequence).collect::<Vec<_>>());
    // (The dropped method call is answered as unavailable on the way.)
    let mut acks = Vec::new();
    while acks.len() < 16 {
        match hub.recv_packet().await {
            Packet::PubAck(ack) => acks.push(format!("PUBACK {} {:?}", ack.pkid, ack.reason)),
            Packet::Publish(answer) => assert_eq!(answer.topic, api::topics::RESPONSES.as_bytes()),
            other => panic!("{other:?}"),
        }
    }
    let expected: Vec<String> = (1..=16).map(|p| format!("PUBACK {p} Success")).collect();
    assert_eq!(acks, expected);
}
