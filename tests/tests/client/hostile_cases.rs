//! Every malformed or rule-breaking packet the overview names, each sent by
//! a raw peer of its own device, with the hub's answer asserted where the
//! overview gives one (its reason code and `status`): CONNECT without
//! Authentication Method, with a wrong `api-version`, a bad signature, an
//! expired SAS, an unknown property, no client id, user name and password;
//! another protocol version; PUBLISH to an undefined `$iothub/` topic at
//! QoS 0 and 1; wildcard, unknown, shared and past-quota subscriptions;
//! request–response at QoS 1; Correlation Data missing or over 16 bytes;
//! unknown user properties at QoS 1 and 0; a packet over 256 KiB; QoS 2;
//! RETAIN; an invalid topic alias; a subscription identifier; a SUBSCRIBE
//! or an UNSUBSCRIBE without a topic filter; a failed re-authentication; a
//! second CONNECT. Where the overview is silent the answer asserted is
//! MQTT 5's (the design's and the emulator's choice).
#![allow(dead_code)]

use std::net::SocketAddr;

use bytes::Bytes;
use iothub_client::api::Status;
use iothub_client::status::StatusCode;
use iothub_mqtt::auth::AuthPacket;
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{
    ConnAck, Connect, Filter, Login, Packet, PingReq, Publish, PublishProperties, Subscribe,
    SubscribeProperties, Unsubscribe,
};
use iothub_mqtt::ReasonCode;

use iothub_test_kit::peer::RawPeer;
use iothub_test_kit::sas::{connect_to, now_ms, sign, user};

/// `status` of Bad Request, as the overview gives it.
const BAD_REQUEST: &str = "0100";
/// `status` of Not Authorized, as the overview gives it.
const NOT_AUTHORIZED: &str = "0101";
/// Reason code 131 (Implementation-specific error): the API's errors.
const IMPLEMENTATION_SPECIFIC: u8 = 131;
/// Reason code 135 (Not authorized).
const NOT_AUTHORIZED_CODE: u8 = 135;

/// The hostile device: its id, key and the host it signs for.
#[derive(Debug, Clone, Copy)]
pub struct Peer<'a> {
    /// The hub's MQTT address.
    pub addr: SocketAddr,
    /// Its device id.
    pub id: &'a str,
    /// Its key (base64).
    pub key: &'a str,
    /// The host name it signs for.
    pub host: &'a str,
}

impl Peer<'_> {
    /// Its CONNECT, as the overview has it.
    pub fn connect(&self) -> Connect {
        let mut connect = connect_to(self.host, self.id, self.key, 3_600_000);
        connect.clean_start = true;
        connect
    }

    /// A new connection, accepted.
    pub async fn session(&self) -> RawPeer {
        let (raw, ack) = RawPeer::connect(self.addr, self.connect()).await;
        assert_eq!(ack.code, ReasonCode::Success, "refused: {ack:?}");
        raw
    }
}

/// Every case, in turn.
pub async fn run_all(peer: Peer<'_>) {
    refused_connects(peer).await;
    other_protocols(peer).await;
    undefined_topics(peer).await;
    subscriptions(peer).await;
    request_response_rules(peer).await;
    unknown_properties(peer).await;
    mqtt_limits(peer).await;
    reauthentication_and_second_connect(peer).await;
}

fn status_of(user_properties: Option<&[(String, String)]>) -> Option<&str> {
    user(user_properties.unwrap_or_default(), "status")
}

fn assert_connack(what: &str, ack: &ConnAck, code: u8, status: Option<&str>) {
    assert_eq!(u8::from(ack.code), code, "{what}: {ack:?}");
    let user = ack.properties.as_ref().map(|p| &p.user_properties[..]);
    assert_eq!(status_of(user), status, "{what}: {ack:?}");
}

/// Sends `packet` as the first one and asserts the CONNACK, then the close.
async fn refused(peer: Peer<'_>, what: &str, packet: Packet, code: u8, status: Option<&str>) {
    let mut raw = RawPeer::open(peer.addr).await;
    raw.send(packet).await;
    match raw.recv().await {
        Some(Packet::ConnAck(ack)) => assert_connack(what, &ack, code, status),
        other => panic!("{what}: expected CONNACK, got {other:?}"),
    }
    assert!(raw.recv().await.is_none(), "{what}: still open");
}

fn with_user(mut connect: Connect, name: &str, value: Option<&str>) -> Connect {
    let props = connect.properties.as_mut().expect("properties");
    props.user_properties.retain(|(n, _)| n != name);
    if let Some(value) = value {
        props
            .user_properties
            .push((name.to_owned(), value.to_owned()));
    }
    connect
}

async fn refused_connects(peer: Peer<'_>) {
    let connect_packet = |c: Connect| Packet::Connect(c, None, None);
    let mut no_method = peer.connect();
    if let Some(p) = no_method.properties.as_mut() {
        p.authentication_method = None;
    }
    let mut bad_signature = peer.connect();
    if let Some(p) = bad_signature.properties.as_mut() {
        p.authentication_data = Some(Bytes::from_static(&[0; 32]));
    }
    let (at, expiry) = (now_ms() - 7_200_000, now_ms() - 3_600_000);
    let mut expired = with_user(peer.connect(), "sas-at", Some(&at.to_string()));
    expired = with_user(expired, "sas-expiry", Some(&expiry.to_string()));
    if let Some(p) = expired.properties.as_mut() {
        p.authentication_data = Some(sign(peer.key, peer.host, peer.id, at, expiry));
    }
    let mut no_client_id = peer.connect();
    no_client_id.client_id = String::new();
    let login = Login {
        username: peer.id.to_owned(),
        password: "SharedAccessSignature sr=…".to_owned(),
    };
    let cases = [
        (
            "no Authentication Method",
            connect_packet(no_method.clone()),
            IMPLEMENTATION_SPECIFIC,
            Some(BAD_REQUEST),
        ),
        (
            "user name and password",
            Packet::Connect(no_method, None, Some(login)),
            IMPLEMENTATION_SPECIFIC,
            Some(BAD_REQUEST),
        ),
        (
            "api-version 2020-10-10",
            connect_packet(with_user(peer.connect(), "api-version", Some("2020-10-10"))),
            IMPLEMENTATION_SPECIFIC,
            Some(BAD_REQUEST),
        ),
        (
            "no api-version",
            connect_packet(with_user(peer.connect(), "api-version", None)),
            IMPLEMENTATION_SPECIFIC,
            Some(BAD_REQUEST),
        ),
        (
            "a property outside the spec",
            connect_packet(with_user(peer.connect(), "colour", Some("red"))),
            IMPLEMENTATION_SPECIFIC,
            Some(BAD_REQUEST),
        ),
        (
            "a bad signature",
            connect_packet(bad_signature),
            NOT_AUTHORIZED_CODE,
            Some(NOT_AUTHORIZED),
        ),
        (
            "an expired SAS",
            connect_packet(expired),
            NOT_AUTHORIZED_CODE,
            Some(NOT_AUTHORIZED),
        ),
        // Assigned client identifiers are not supported: MQTT 5's 0x85.
        ("no client id", connect_packet(no_client_id), 0x85, None),
    ];
    for (what, packet, code, status) in cases {
        refused(peer, what, packet, code, status).await;
    }
}

async fn other_protocols(peer: Peer<'_>) {
    // MQTT 3.1.1 CONNECT: refused with its own CONNACK (return code 1).
    let mut raw = RawPeer::open(peer.addr).await;
    raw.send_bytes(b"\x10\x0C\x00\x04MQTT\x04\x02\x00\x3C\x00\x00")
        .await;
    assert_eq!(raw.recv_until_closed().await, b"\x20\x02\x00\x01");
    // A first packet that is not CONNECT: closed, nothing said.
    let mut raw = RawPeer::open(peer.addr).await;
    raw.send(Packet::PingReq(PingReq)).await;
    assert_eq!(raw.recv_until_closed().await, b"");
}

fn publish(topic: &str, qos: QoS, properties: PublishProperties, payload: Bytes) -> Packet {
    let mut publish = Publish::new(topic, qos, payload, Some(properties));
    if qos != QoS::AtMostOnce {
        publish.pkid = 1;
    }
    Packet::Publish(publish)
}

fn correlated(bytes: usize) -> PublishProperties {
    PublishProperties {
        correlation_data: Some(Bytes::from(vec![0xC5; bytes])),
        ..PublishProperties::default()
    }
}

/// The PUBACK of the peer's QoS 1 PUBLISH: its reason code and `status`.
async fn expect_puback(raw: &mut RawPeer, what: &str, code: u8, status: &str) {
    match raw.recv().await {
        Some(Packet::PubAck(ack)) => {
            assert_eq!(u8::from(ack.reason), code, "{what}: {ack:?}");
            let user = ack.properties.as_ref().map(|p| &p.user_properties[..]);
            assert_eq!(status_of(user), Some(status), "{what}: {ack:?}");
        }
        other => panic!("{what}: expected PUBACK, got {other:?}"),
    }
}

/// The hub's DISCONNECT on a new session after `packet`.
async fn disconnected(peer: Peer<'_>, what: &str, packet: Packet, code: u8, status: Option<&str>) {
    let mut raw = peer.session().await;
    raw.send(packet).await;
    let disconnect = raw.expect_disconnect(what).await;
    assert_eq!(
        u8::from(disconnect.reason_code),
        code,
        "{what}: {disconnect:?}"
    );
    let user = disconnect
        .properties
        .as_ref()
        .map(|p| &p.user_properties[..]);
    assert_eq!(status_of(user), status, "{what}: {disconnect:?}");
}

/// The connection is still up: a PINGREQ is answered.
async fn still_up(raw: &mut RawPeer, what: &str) {
    raw.send(Packet::PingReq(PingReq)).await;
    assert!(
        matches!(raw.recv().await, Some(Packet::PingResp(_))),
        "{what}: the connection should go on"
    );
}

async fn undefined_topics(peer: Peer<'_>) {
    // QoS 0: DISCONNECT 144 (the overview's "Error while using QoS 0, part 1").
    let gett = publish(
        "$iothub/twin/gett",
        QoS::AtMostOnce,
        correlated(2),
        Bytes::new(),
    );
    disconnected(peer, "QoS 0 to $iothub/twin/gett", gett, 144, None).await;
    // QoS 1: PUBACK with Not Found, and the connection goes on.
    let not_found = Status::NotFound;
    let mut raw = peer.session().await;
    for topic in ["$iothub/unknown", "$iothub/telemetry/", "$iothub/Telemetry"] {
        let packet = publish(
            topic,
            QoS::AtLeastOnce,
            PublishProperties::default(),
            "x".into(),
        );
        raw.send(packet).await;
        let what = format!("QoS 1 to {topic}");
        expect_puback(
            &mut raw,
            &what,
            not_found.reason_code(),
            &not_found.to_text(),
        )
        .await;
    }
    still_up(&mut raw, "after undefined topics").await;
}

async fn suback(raw: &mut RawPeer, filters: &[&str], pkid: u16) -> Vec<ReasonCode> {
    let filters = filters.iter().map(|f| Filter::new(*f, QoS::AtLeastOnce));
    let mut subscribe = Subscribe::new_many(filters, None);
    subscribe.pkid = pkid;
    raw.send(Packet::Subscribe(subscribe)).await;
    match raw.recv().await {
        Some(Packet::SubAck(ack)) => {
            assert_eq!(ack.pkid, pkid);
            ack.return_codes
        }
        other => panic!("expected SUBACK, got {other:?}"),
    }
}

async fn subscriptions(peer: Peer<'_>) {
    use ReasonCode as Code;
    let mut raw = peer.session().await;
    let codes = suback(
        &mut raw,
        &[
            "$iothub/#",
            "$iothub/+",
            "$iothub/unknown",
            "$share/g/$iothub/commands",
        ],
        1,
    )
    .await;
    assert_eq!(
        codes,
        [
            Code::WildcardSubscriptionsNotSupported,
            Code::WildcardSubscriptionsNotSupported,
            Code::TopicFilterInvalid,
            Code::SharedSubscriptionsNotSupported,
        ]
    );
    // Past 50 subscriptions: SUBACK 0x97 (Quota exceeded).
    let methods: Vec<String> = (0..51).map(|i| format!("$iothub/methods/m{i}")).collect();
    let filters: Vec<&str> = methods.iter().map(String::as_str).collect();
    let codes = suback(&mut raw, &filters, 2).await;
    assert!(
        codes[..50].iter().all(|c| c.granted_qos().is_some()),
        "{codes:?}"
    );
    assert_eq!(codes[50], Code::QuotaExceeded);
    assert_eq!(
        suback(&mut raw, &["$iothub/commands"], 3).await,
        [Code::QuotaExceeded]
    );
    still_up(&mut raw, "after refused subscriptions").await;
    // A Subscription Identifier (not available, says CONNACK): DISCONNECT 0xA1.
    let identified = Subscribe::new(
        Filter::new("$iothub/commands", QoS::AtLeastOnce),
        Some(SubscribeProperties {
            id: Some(7),
            user_properties: Vec::new(),
        }),
    );
    let mut identified = identified;
    identified.pkid = 4;
    disconnected(
        peer,
        "a subscription identifier",
        Packet::Subscribe(identified),
        0xA1,
        None,
    )
    .await;
    // An UNSUBSCRIBE without a topic filter: MQTT 5's Protocol Error.
    let empty = Packet::Unsubscribe(Unsubscribe {
        pkid: 5,
        filters: Vec::new(),
        properties: None,
    });
    let code = u8::from(ReasonCode::ProtocolError);
    disconnected(
        peer,
        "an UNSUBSCRIBE without a topic filter",
        empty,
        code,
        None,
    )
    .await;
    // A SUBSCRIBE without one: the same (§3.8.3).
    let empty = Packet::Subscribe(Subscribe {
        pkid: 6,
        filters: Vec::new(),
        properties: None,
    });
    disconnected(
        peer,
        "a SUBSCRIBE without a topic filter",
        empty,
        code,
        None,
    )
    .await;
}

async fn request_response_rules(peer: Peer<'_>) {
    let what = "Get Twin at QoS 1";
    let mut raw = peer.session().await;
    raw.send(publish(
        "$iothub/twin/get",
        QoS::AtLeastOnce,
        correlated(2),
        Bytes::new(),
    ))
    .await;
    expect_puback(&mut raw, what, IMPLEMENTATION_SPECIFIC, BAD_REQUEST).await;
    let what = "a response at QoS 1";
    raw.send(publish(
        "$iothub/responses",
        QoS::AtLeastOnce,
        correlated(2),
        Bytes::new(),
    ))
    .await;
    expect_puback(&mut raw, what, IMPLEMENTATION_SPECIFIC, BAD_REQUEST).await;
    still_up(&mut raw, "after request–response at QoS 1").await;
    for (what, properties) in [
        ("Correlation Data of 17 bytes", correlated(17)),
        ("no Correlation Data", PublishProperties::default()),
    ] {
        let packet = publish(
            "$iothub/twin/get",
            QoS::AtMostOnce,
            properties,
            Bytes::new(),
        );
        disconnected(
            peer,
            what,
            packet,
            IMPLEMENTATION_SPECIFIC,
            Some(BAD_REQUEST),
        )
        .await;
    }
}

async fn unknown_properties(peer: Peer<'_>) {
    let with = |name: &str| PublishProperties {
        user_properties: vec![(name.to_owned(), "1".to_owned())],
        ..PublishProperties::default()
    };
    let mut raw = peer.session().await;
    for name in ["test", "Trace-ID", "myProperty1"] {
        let packet = publish(
            "$iothub/telemetry",
            QoS::AtLeastOnce,
            with(name),
            "x".into(),
        );
        raw.send(packet).await;
        let what = format!("telemetry with `{name}`");
        expect_puback(&mut raw, &what, IMPLEMENTATION_SPECIFIC, BAD_REQUEST).await;
    }
    still_up(&mut raw, "after unknown properties").await;
    let packet = publish(
        "$iothub/telemetry",
        QoS::AtMostOnce,
        with("test"),
        "x".into(),
    );
    let what = "QoS 0 telemetry with `test`";
    disconnected(
        peer,
        what,
        packet,
        IMPLEMENTATION_SPECIFIC,
        Some(BAD_REQUEST),
    )
    .await;
}

async fn mqtt_limits(peer: Peer<'_>) {
    let telemetry = |qos: QoS, payload: Bytes| {
        publish(
            "$iothub/telemetry",
            qos,
            PublishProperties::default(),
            payload,
        )
    };
    let large = Bytes::from(vec![b'x'; 256 * 1024 + 1]);
    let code = u8::from;
    let mut retained = telemetry(QoS::AtLeastOnce, "x".into());
    if let Packet::Publish(p) = &mut retained {
        p.retain = true;
    }
    let aliased = publish(
        "$iothub/telemetry",
        QoS::AtLeastOnce,
        PublishProperties {
            topic_alias: Some(11),
            ..PublishProperties::default()
        },
        "x".into(),
    );
    let cases = [
        (
            "a packet over 256 KiB",
            telemetry(QoS::AtLeastOnce, large),
            code(ReasonCode::PacketTooLarge),
        ),
        (
            "QoS 2",
            telemetry(QoS::ExactlyOnce, "x".into()),
            code(ReasonCode::QosNotSupported),
        ),
        ("RETAIN", retained, code(ReasonCode::RetainNotSupported)),
        (
            "topic alias 11",
            aliased,
            code(ReasonCode::TopicAliasInvalid),
        ),
    ];
    for (what, packet, code) in cases {
        disconnected(peer, what, packet, code, None).await;
    }
}

async fn reauthentication_and_second_connect(peer: Peer<'_>) {
    // A failed re-authentication: DISCONNECT 135 (the overview).
    let mut raw = peer.session().await;
    let expiry = now_ms() + 3_600_000;
    let auth = AuthPacket {
        reason_code: 0x19,
        method: Some("SAS".to_owned()),
        data: Some(Bytes::from_static(&[0; 32])),
        reason_string: None,
        user_properties: vec![("sas-expiry".to_owned(), expiry.to_string())],
    };
    let mut bytes = bytes::BytesMut::new();
    auth.write(&mut bytes).expect("AUTH encodes");
    raw.send_bytes(&bytes).await;
    let disconnect = raw.expect_disconnect("a failed re-authentication").await;
    assert_eq!(u8::from(disconnect.reason_code), NOT_AUTHORIZED_CODE);
    // CONNECT on a connection that has one: MQTT 5's Protocol Error.
    let second = Packet::Connect(peer.connect(), None, None);
    let code = u8::from(ReasonCode::ProtocolError);
    disconnected(peer, "a second CONNECT", second, code, None).await;
}
