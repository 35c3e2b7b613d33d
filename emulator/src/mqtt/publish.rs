//! A client's PUBLISH, by the operation its topic names: Send Telemetry
//! (message–acknowledgement), Get Twin and Patch Twin Reported
//! (request–response); any other topic under the API's prefix is the
//! spec's unknown-topic outcome. The rules of each interaction (QoS,
//! Correlation Data, strict properties) are the overview's.
//!
//! A response larger than the client's Maximum Packet Size loses its user
//! properties from the last on (see [`super::packet_size`]); one whose
//! payload alone is too large (a big twin) cannot be cut, and the client
//! still needs an answer: it gets [`TOO_LARGE_FOR_CLIENT`] instead, with a
//! `reason` if that fits. The spec has no status for "too large"; Not
//! Allowed is one that both request–response operations list, and says
//! what happened: the request was fine, but the hub may not answer it
//! within the client's limit (Bad Request would blame the request;
//! Resource Exhausted is retryable and would be retried in vain). A
//! response that does not fit even so is not sent ([MQTT-3.1.2-25]).
//!
//! A change is acknowledged (PUBACK, response) only once it is durable
//! (with durable state; at once in memory mode); one that could not be
//! written is answered with the store error's status. QoS 0 telemetry,
//! which nobody acknowledges, is not waited for.

use bytes::Bytes;
use iothub_client::api::connection::DisconnectReason;
use iothub_client::api::{self, limits, topics, Status};
use iothub_client::wire::MqttProperties;
use rumqttc::v5::mqttbytes::v5::{Packet, Publish};
use rumqttc::v5::mqttbytes::QoS;

use super::outcome;
use super::packet_size::PacketLimit;
use crate::hub::telemetry::TelemetryRecord;
use crate::hub::Hub;
use crate::registry::DeviceId;

/// What to send back, and whether to close the connection after it.
#[derive(Debug, Default)]
pub struct Reply {
    /// Packets to send, in order.
    pub packets: Vec<Packet>,
    /// Close after sending them.
    pub close: bool,
}

impl Reply {
    fn send(packet: Packet) -> Self {
        Self {
            packets: vec![packet],
            close: false,
        }
    }

    fn close(packet: Packet) -> Self {
        Self {
            packets: vec![packet],
            close: true,
        }
    }

    fn none() -> Self {
        Self::default()
    }
}

/// The connection a PUBLISH arrived on.
#[derive(Debug, Clone, Copy)]
pub struct Peer<'a> {
    /// The device.
    pub device: &'a DeviceId,
    /// Whether it allows user properties on acknowledgements.
    pub problem_information: bool,
    /// Its Maximum Packet Size.
    pub limit: PacketLimit,
}

/// The status of a response whose success answer is larger than the
/// client's Maximum Packet Size (see the module's documentation).
pub const TOO_LARGE_FOR_CLIENT: Status = Status::NotAllowed;

/// The answer to `publish` (on `topic`, aliases resolved).
pub async fn handle(publish: &Publish, topic: &str, peer: Peer<'_>, hub: &Hub) -> Reply {
    if api::send_telemetry::is_topic(topic) {
        telemetry(publish, peer, hub).await
    } else if api::get_twin::is_topic(topic) || api::patch_twin_reported::is_topic(topic) {
        request(publish, topic, peer, hub).await
    } else {
        unknown_topic(publish, topic, peer)
    }
}

/// An outcome for a message–acknowledgement PUBLISH: a PUBACK at QoS 1, a
/// DISCONNECT at QoS 0.
fn refuse_message(publish: &Publish, peer: Peer<'_>, status: Status, why: &str) -> Reply {
    match publish.qos {
        QoS::AtMostOnce => Reply::close(outcome::disconnect_status(status, why)),
        _ => Reply::send(outcome::puback(
            publish.pkid,
            Some((status, why)),
            peer.problem_information,
        )),
    }
}

async fn telemetry(publish: &Publish, peer: Peer<'_>, hub: &Hub) -> Reply {
    let message =
        match api::send_telemetry::Message::from_publish_properties(publish.properties.as_ref()) {
            Ok(message) => message,
            Err(e) => return refuse_message(publish, peer, Status::BadRequest, &e.to_string()),
        };
    let (_, commit) = hub.telemetry().append_with_commit(
        peer.device,
        TelemetryRecord {
            properties: message,
            body: publish.payload.clone(),
        },
    );
    if publish.qos == QoS::AtMostOnce {
        drop(commit);
        return Reply::none();
    }
    match commit.wait().await {
        Ok(()) => Reply::send(outcome::puback(
            publish.pkid,
            None,
            peer.problem_information,
        )),
        Err(e) => refuse_message(publish, peer, e.status(), &e.to_string()),
    }
}

fn unknown_topic(publish: &Publish, topic: &str, peer: Peer<'_>) -> Reply {
    let why = format!("Unsupported topic: `{topic}`");
    match publish.qos {
        QoS::AtMostOnce => Reply::close(outcome::disconnect(
            DisconnectReason::TopicNameInvalid.reason_code(),
            None,
            &why,
        )),
        _ => Reply::send(outcome::puback(
            publish.pkid,
            Some((topics::UNKNOWN_TOPIC_PUBLISH, &why)),
            peer.problem_information,
        )),
    }
}

/// A request–response request: QoS 0 with valid Correlation Data, else
/// Bad Request.
async fn request(publish: &Publish, topic: &str, peer: Peer<'_>, hub: &Hub) -> Reply {
    if publish.qos != QoS::AtMostOnce {
        return refuse_message(
            publish,
            peer,
            Status::BadRequest,
            "request–response operations use QoS 0",
        );
    }
    let correlation = publish
        .properties
        .as_ref()
        .and_then(|p| p.correlation_data.clone());
    let Some(correlation) = correlation else {
        return Reply::close(outcome::disconnect_status(
            Status::BadRequest,
            "`Correlation Data` property is missing",
        ));
    };
    if correlation.len() > usize::from(limits::CORRELATION_DATA_MAX_BYTES) {
        return Reply::close(outcome::disconnect_status(
            Status::BadRequest,
            &format!(
                "`Correlation Data` has {} bytes; at most {} are allowed",
                correlation.len(),
                limits::CORRELATION_DATA_MAX_BYTES
            ),
        ));
    }
    let result = if api::get_twin::is_topic(topic) {
        get_twin(publish, peer, hub)
    } else {
        patch_reported(publish, peer, hub).await
    };
    let response = match result {
        Ok((properties, payload)) => outcome::response(correlation.clone(), properties, payload),
        Err((status, why)) => outcome::response_status(correlation.clone(), status, &why),
    };
    fit_response(response, correlation, peer.limit)
}

/// `response` cut to the client's limit, or [`TOO_LARGE_FOR_CLIENT`] in its
/// place, or nothing.
fn fit_response(response: Packet, correlation: Bytes, limit: PacketLimit) -> Reply {
    let too_large = match limit.fit(response) {
        Ok(response) => return Reply::send(response),
        Err(too_large) => too_large,
    };
    let why = format!(
        "the response of {} bytes exceeds the client's Maximum Packet Size of {} bytes",
        too_large.size,
        limit.max().unwrap_or(u32::MAX)
    );
    match limit.fit(outcome::response_status(
        correlation,
        TOO_LARGE_FOR_CLIENT,
        &why,
    )) {
        Ok(answer) => Reply::send(answer),
        Err(_) => {
            tracing::info!(%why, "not even a status response fits; none sent");
            Reply::none()
        }
    }
}

type Response = Result<(rumqttc::v5::mqttbytes::v5::PublishProperties, Bytes), (Status, String)>;

fn bad_request(e: impl std::fmt::Display) -> (Status, String) {
    (Status::BadRequest, e.to_string())
}

fn get_twin(publish: &Publish, peer: Peer<'_>, hub: &Hub) -> Response {
    api::get_twin::Request::from_publish_properties(publish.properties.as_ref())
        .map_err(bad_request)?;
    let twin = hub.twins().get(peer.device);
    let payload = serde_json::to_vec(&twin.properties_json()).map_err(bad_request)?;
    Ok((
        api::get_twin::Response::default().to_publish_properties(),
        Bytes::from(payload),
    ))
}

async fn patch_reported(publish: &Publish, peer: Peer<'_>, hub: &Hub) -> Response {
    let request =
        api::patch_twin_reported::Request::from_publish_properties(publish.properties.as_ref())
            .map_err(bad_request)?;
    let patch: serde_json::Value = serde_json::from_slice(&publish.payload)
        .map_err(|e| bad_request(format!("the payload is not JSON: {e}")))?;
    let (version, commit) = hub
        .twins()
        .patch_reported_with_commit(peer.device, &patch, request.if_version)
        .map_err(|e| (e.status(), e.to_string()))?;
    commit
        .wait()
        .await
        .map_err(|e| (e.status(), e.to_string()))?;
    let response = api::patch_twin_reported::Response {
        version,
        status: None,
        trace_id: None,
        reason: None,
        other_properties: Vec::new(),
    };
    Ok((response.to_publish_properties(), Bytes::new()))
}
