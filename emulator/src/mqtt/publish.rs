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
//! A reply that acknowledges a change (the PUBACK of QoS 1 telemetry, the
//! response to Patch Twin Reported) carries the change's commit: it is sent
//! only once the change is durable, and if it could not be written the
//! store error's outcome goes instead ([`Reply::resolve`]). In memory mode
//! nothing waits. QoS 0 telemetry, which nobody acknowledges, is not waited
//! for.

use bytes::Bytes;
use iothub_client::api::connection::DisconnectReason;
use iothub_client::api::{self, limits, topics, Status};
use iothub_client::wire::MqttProperties;
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Packet, Publish};

use super::outcome;
use super::packet_size::PacketLimit;
use crate::hub::telemetry::TelemetryRecord;
use crate::hub::Hub;
use crate::registry::DeviceId;
use crate::store::Reservation;
use crate::store::{Commit, StoreError};

/// What to send back, and whether to close the connection after it.
#[derive(Debug, Default)]
pub struct Reply {
    /// Packets to send, in order (once `durable` is, if set).
    pub packets: Vec<Packet>,
    /// Close after sending them.
    pub close: bool,
    /// The change the packets acknowledge, which must be durable first.
    pub durable: Option<Durable>,
    /// Not before this instant (an injected latency).
    pub not_before: Option<std::time::Instant>,
}

/// A change an acknowledgement waits for, and what answers instead if it
/// cannot be written.
#[derive(Debug)]
pub struct Durable {
    /// Until it is taken out to be waited on ([`Reply::take_commit`]).
    commit: Option<Commit>,
    instead: Instead,
}

/// The outcome a failed write gets instead of the acknowledgement.
#[derive(Debug)]
enum Instead {
    /// A PUBACK with the status.
    Puback {
        pkid: u16,
        problem_information: bool,
    },
    /// A response with the status.
    Response {
        correlation: Bytes,
        limit: PacketLimit,
    },
}

impl Reply {
    /// A reply that may be sent at once.
    pub fn send(packet: Packet) -> Self {
        Self {
            packets: vec![packet],
            ..Self::default()
        }
    }

    fn close(packet: Packet) -> Self {
        Self {
            packets: vec![packet],
            close: true,
            ..Self::default()
        }
    }

    /// `packets`, ready but for `not_before`.
    pub fn ready(packets: Vec<Packet>, not_before: Option<std::time::Instant>) -> Self {
        Self {
            packets,
            not_before,
            ..Self::default()
        }
    }

    fn none() -> Self {
        Self::default()
    }

    /// This reply, sent once `commit` is durable (at once if it is ready).
    fn after(mut self, commit: Commit, instead: Instead) -> Self {
        self.durable = (!commit.is_ready()).then_some(Durable {
            commit: Some(commit),
            instead,
        });
        self
    }

    /// This reply, sent once `commit` is durable (for tests of what sends
    /// replies: a failed write answers as a PUBACK of packet 0 would).
    #[cfg(test)]
    pub(crate) fn waiting_for(self, commit: Commit) -> Self {
        self.after(
            commit,
            Instead::Puback {
                pkid: 0,
                problem_information: true,
            },
        )
    }

    /// Whether it waits for a change to be durable before it is sent.
    pub fn waits(&self) -> bool {
        self.durable.is_some()
    }

    /// The commit it waits for, taken out (once) for someone to wait on;
    /// then [`resolve`](Self::resolve) with its outcome.
    pub fn take_commit(&mut self) -> Option<Commit> {
        self.durable.as_mut().and_then(|d| d.commit.take())
    }

    /// The packets to send now that the change's write ended with
    /// `written`: this reply's, or the store error's outcome instead.
    pub fn resolve(self, written: Result<(), StoreError>) -> Vec<Packet> {
        match (self.durable, written) {
            (None, _) | (Some(_), Ok(())) => self.packets,
            (Some(Durable { instead, .. }), Err(error)) => instead.packets(&error),
        }
    }

    /// The packets to send once the change is durable; if it could not be
    /// written, the store error's outcome instead.
    pub async fn settle(mut self) -> Vec<Packet> {
        let written = match self.take_commit() {
            Some(commit) => commit.await,
            None => Ok(()),
        };
        self.resolve(written)
    }
}

impl Instead {
    fn packets(self, error: &StoreError) -> Vec<Packet> {
        let (status, why) = (error.status(), error.to_string());
        match self {
            Self::Puback {
                pkid,
                problem_information,
            } => vec![outcome::puback(
                pkid,
                Some((status, &why)),
                problem_information,
            )],
            Self::Response { correlation, limit } => {
                let response = outcome::response_status(correlation.clone(), status, &why);
                fit_response(response, correlation, limit).packets
            }
        }
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

/// What a PUBLISH costs the telemetry log and the state writer's queue:
/// its payload, its user properties and content type, and
/// [`EVENT_OVERHEAD`](crate::hub::telemetry::EVENT_OVERHEAD), measured on
/// the packet as it came (cheaper than writing the properties out again).
pub fn footprint(publish: &Publish) -> usize {
    publish.properties.as_ref().map_or(0, |p| {
        let user: usize = p
            .user_properties
            .iter()
            .map(|(n, v)| n.len() + v.len())
            .sum();
        user + p.content_type.as_ref().map_or(0, String::len)
    }) + publish.payload.len()
        + crate::hub::telemetry::EVENT_OVERHEAD
}

/// The status of a response whose success answer is larger than the
/// client's Maximum Packet Size (see the module's documentation).
pub const TOO_LARGE_FOR_CLIENT: Status = Status::NotAllowed;

/// The answer to `publish` (on `topic`, aliases resolved).
/// `reservation` is room in the state writer's queue for what it may write
/// (see [`footprint`]), held until that is written.
pub fn handle(
    publish: &Publish,
    topic: &str,
    peer: Peer<'_>,
    hub: &Hub,
    reservation: Option<Reservation>,
) -> Reply {
    if api::send_telemetry::is_topic(topic) {
        telemetry(publish, peer, hub, reservation)
    } else if api::get_twin::is_topic(topic) || api::patch_twin_reported::is_topic(topic) {
        request(publish, topic, peer, hub)
    } else {
        unknown_topic(publish, topic, peer)
    }
}

/// The answer to `publish` (on `topic`) when an injected fault answers
/// it with `status` instead of carrying it out (see
/// [`crate::hub::faults`]): the PUBACK (or, at QoS 0, the DISCONNECT) of a
/// message, the response of a request. A request that is not valid is
/// answered as without the fault.
pub fn fault(publish: &Publish, topic: &str, peer: Peer<'_>, hub: &Hub, status: Status) -> Reply {
    let why = "an injected fault";
    if api::send_telemetry::is_topic(topic) {
        return refuse_message(publish, peer, status, why);
    }
    let correlation = publish
        .properties
        .as_ref()
        .and_then(|p| p.correlation_data.clone())
        .filter(|c| c.len() <= usize::from(limits::CORRELATION_DATA_MAX_BYTES));
    match correlation {
        Some(correlation) if publish.qos == QoS::AtMostOnce => {
            let response = outcome::response_status(correlation.clone(), status, why);
            fit_response(response, correlation, peer.limit)
        }
        _ => handle(publish, topic, peer, hub, None),
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

fn telemetry(
    publish: &Publish,
    peer: Peer<'_>,
    hub: &Hub,
    reservation: Option<Reservation>,
) -> Reply {
    // Correlation Data is bounded on every PUBLISH of the API, not only
    // on requests.
    if let Some(correlation) = publish
        .properties
        .as_ref()
        .and_then(|p| p.correlation_data.as_ref())
    {
        let max = usize::from(limits::CORRELATION_DATA_MAX_BYTES);
        if correlation.len() > max {
            let why = format!(
                "`Correlation Data` has {} bytes; at most {max} are allowed",
                correlation.len()
            );
            return refuse_message(publish, peer, Status::BadRequest, &why);
        }
    }
    let message =
        match api::send_telemetry::Message::from_publish_properties(publish.properties.as_ref()) {
            Ok(message) => message,
            Err(e) => return refuse_message(publish, peer, Status::BadRequest, &e.to_string()),
        };
    let (_, commit) = hub.telemetry().append_reserved(
        peer.device,
        TelemetryRecord {
            properties: message,
            body: publish.payload.clone(),
        },
        footprint(publish),
        reservation,
    );
    if publish.qos == QoS::AtMostOnce {
        drop(commit);
        return Reply::none();
    }
    let instead = Instead::Puback {
        pkid: publish.pkid,
        problem_information: peer.problem_information,
    };
    Reply::send(outcome::puback(
        publish.pkid,
        None,
        peer.problem_information,
    ))
    .after(commit, instead)
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
fn request(publish: &Publish, topic: &str, peer: Peer<'_>, hub: &Hub) -> Reply {
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
        patch_reported(publish, peer, hub)
    };
    let (response, commit) = match result {
        Ok((properties, payload, commit)) => (
            outcome::response(correlation.clone(), properties, payload),
            commit,
        ),
        Err((status, why)) => (
            outcome::response_status(correlation.clone(), status, &why),
            Commit::done(),
        ),
    };
    let instead = Instead::Response {
        correlation: correlation.clone(),
        limit: peer.limit,
    };
    fit_response(response, correlation, peer.limit).after(commit, instead)
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

/// A response's properties and payload, and the change it acknowledges.
type Response = Result<(iothub_mqtt::packet::PublishProperties, Bytes, Commit), (Status, String)>;

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
        Commit::done(),
    ))
}

fn patch_reported(publish: &Publish, peer: Peer<'_>, hub: &Hub) -> Response {
    let request =
        api::patch_twin_reported::Request::from_publish_properties(publish.properties.as_ref())
            .map_err(bad_request)?;
    let patch: serde_json::Value = serde_json::from_slice(&publish.payload)
        .map_err(|e| bad_request(format!("the payload is not JSON: {e}")))?;
    let (version, commit) = hub
        .twins()
        .patch_reported_with_commit(peer.device, &patch, request.if_version)
        .map_err(|e| (e.status(), e.to_string()))?;
    let response = api::patch_twin_reported::Response {
        version,
        status: None,
        trace_id: None,
        reason: None,
        other_properties: Vec::new(),
    };
    Ok((response.to_publish_properties(), Bytes::new(), commit))
}

#[cfg(test)]
mod tests {
    use iothub_client::status::StatusCode as _;
    use iothub_mqtt::ReasonCode;

    use super::*;

    fn status_of(packet: &Packet) -> Option<String> {
        let user = match packet {
            Packet::PubAck(ack) => &ack.properties.as_ref()?.user_properties,
            Packet::Publish(publish) => &publish.properties.as_ref()?.user_properties,
            _ => return None,
        };
        let name = api::RESPONSE_PROPERTIES.status;
        user.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    }

    #[tokio::test]
    async fn an_unwritten_change_is_answered_with_the_store_errors_status() {
        let puback = |pkid| Reply::send(outcome::puback(pkid, None, true));
        let instead = |pkid| Instead::Puback {
            pkid,
            problem_information: true,
        };
        let reply = puback(7).after(Commit::failed(StoreError::Closed), instead(7));
        let packets = reply.settle().await;
        let [Packet::PubAck(ack)] = packets.as_slice() else {
            panic!("one PUBACK: {packets:?}");
        };
        assert_eq!(ack.pkid, 7);
        assert_ne!(ack.reason, ReasonCode::Success);
        let expected = Some(StoreError::Closed.status().to_text());
        assert_eq!(status_of(&packets[0]), expected);

        let correlation = Bytes::from_static(b"c1");
        let response = outcome::response(correlation.clone(), Default::default(), Bytes::new());
        let failed = Instead::Response {
            correlation,
            limit: PacketLimit::default(),
        };
        let reply = Reply::send(response).after(Commit::failed(StoreError::Closed), failed);
        let packets = reply.settle().await;
        assert_eq!(status_of(&packets[0]), expected);

        let ready = puback(8).after(Commit::done(), instead(8));
        assert!(
            ready.durable.is_none(),
            "nothing to wait for in memory mode"
        );
        assert_eq!(status_of(&ready.settle().await[0]), None);
    }
}
