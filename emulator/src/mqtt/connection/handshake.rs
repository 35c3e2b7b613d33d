//! Admission of a connection: its first packet must be an MQTT 5 CONNECT
//! (in time: the machine's deadline); another protocol version is refused
//! as its own version reads a refusal.

use bytes::BytesMut;
use iothub_client::api::limits;
use iothub_mqtt::packet::{Connect, Packet};
use iothub_mqtt::ReasonCode;

use crate::mqtt::connect;
use crate::mqtt::frame::{self, Frame};
use crate::mqtt::outbox::Outgoing;
use crate::mqtt::version::{self, Requested};

/// What the first bytes of a connection say.
#[derive(Debug)]
pub(super) enum First {
    /// Not enough bytes yet.
    More,
    /// An MQTT 5 CONNECT (boxed: it is large).
    Connect(Box<Connect>),
    /// Refused with this, then closed.
    Refuse(Outgoing),
    /// Closed without a word (the first packet is not a CONNECT).
    Close,
}

/// Reads the first packet from `buffer`, which must be a CONNECT of MQTT 5.
pub(super) fn read_first(buffer: &mut BytesMut) -> First {
    match version::of_first_packet(buffer) {
        Some(Requested::Mqtt5) | None => {}
        Some(requested) => {
            tracing::debug!(?requested, "CONNECT of another protocol version; refused");
            return First::Refuse(version::refusal(requested));
        }
    }
    match frame::read(buffer, limits::MAXIMUM_PACKET_SIZE) {
        Ok(None) => First::More,
        Ok(Some(Frame::Packet(packet))) => match *packet {
            Packet::Connect(connect, _, _) => First::Connect(Box::new(connect)),
            _ => {
                tracing::debug!("first packet is not CONNECT; closing");
                First::Close
            }
        },
        Ok(Some(Frame::Auth(_))) => {
            tracing::debug!("first packet is not CONNECT; closing");
            First::Close
        }
        Err(e) => {
            tracing::debug!(error = %e, "unreadable CONNECT");
            let refusal = connect::Refusal {
                reason_code: ReasonCode::MalformedPacket,
                status: None,
                reason: e.to_string(),
            };
            First::Refuse(Outgoing::Frame(Box::new(Frame::Packet(Box::new(
                Packet::ConnAck(refusal.connack(true)),
            )))))
        }
    }
}
