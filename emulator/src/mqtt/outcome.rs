//! How the hub answers an operation that did not succeed, by interaction:
//! a QoS 1 message gets a PUBACK with the status's reason code, `status`
//! and `reason`; a QoS 0 message, which has nothing to answer with, a
//! DISCONNECT carrying the same; a request a response on the responses
//! topic with its Correlation Data and `status`.

use bytes::Bytes;
use iothub_client::api::{self, topics, Status};
use iothub_client::status::StatusCode;
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{
    Disconnect, DisconnectProperties, Packet, PubAck, PubAckProperties, Publish, PublishProperties,
};
use iothub_mqtt::ReasonCode;

/// The `status` and `reason` user properties of an outcome.
pub fn status_properties(status: Status, why: &str) -> Vec<(String, String)> {
    let names = api::RESPONSE_PROPERTIES;
    let mut user = vec![(names.status.to_owned(), status.to_text())];
    if let Some(reason) = names.reason {
        user.push((reason.to_owned(), why.to_owned()));
    }
    user
}

/// A PUBACK of packet `pkid` with `status` (or success with none).
pub fn puback(pkid: u16, status: Option<(Status, &str)>, problem_information: bool) -> Packet {
    let mut ack = PubAck::new(pkid, None);
    if let Some((status, why)) = status {
        ack.reason = ReasonCode::from(status.reason_code());
        if problem_information {
            ack.properties = Some(PubAckProperties {
                reason_string: None,
                user_properties: status_properties(status, why),
            });
        }
    }
    Packet::PubAck(ack)
}

/// A DISCONNECT with MQTT reason code `code` and, when it is one of the
/// API's outcomes, its `status`, and a `reason`.
pub fn disconnect(code: impl Into<ReasonCode>, status: Option<Status>, why: &str) -> Packet {
    let names = api::RESPONSE_PROPERTIES;
    let mut user = Vec::new();
    if let Some(status) = status {
        user.push((names.status.to_owned(), status.to_text()));
    }
    if let Some(reason) = names.reason {
        user.push((reason.to_owned(), why.to_owned()));
    }
    Packet::Disconnect(Disconnect {
        reason_code: code.into(),
        properties: Some(DisconnectProperties {
            session_expiry_interval: None,
            reason_string: None,
            user_properties: user,
            server_reference: None,
        }),
    })
}

/// A DISCONNECT with one of the API's outcomes.
pub fn disconnect_status(status: Status, why: &str) -> Packet {
    disconnect(status.reason_code(), Some(status), why)
}

/// A response on the responses topic with `properties` (already holding the
/// success message's properties, or the outcome's) and `payload`.
pub fn response(correlation: Bytes, mut properties: PublishProperties, payload: Bytes) -> Packet {
    properties.correlation_data = Some(correlation);
    let mut publish = Publish::new(topics::RESPONSES, QoS::AtMostOnce, payload, None);
    publish.properties = Some(properties);
    Packet::Publish(publish)
}

/// A response carrying `status`.
pub fn response_status(correlation: Bytes, status: Status, why: &str) -> Packet {
    let properties = PublishProperties {
        user_properties: status_properties(status, why),
        ..PublishProperties::default()
    };
    response(correlation, properties, Bytes::new())
}
