//! Admission of a connection: its first packet must be an MQTT 5 CONNECT,
//! in time; another protocol version is refused as its own version reads
//! a refusal.

use std::time::Duration;

use bytes::BytesMut;
use iothub_client::api::limits;
use iothub_mqtt::packet::Packet;
use iothub_mqtt::ReasonCode;
use tokio::io::AsyncRead;
use tokio::sync::mpsc;

use super::io::{first_frame, FirstError};
use crate::mqtt::connect;
use crate::mqtt::frame::Frame;
use crate::mqtt::outbox::Outgoing;
use crate::mqtt::version::{self};

/// Reads the first packet, which must be a CONNECT of MQTT 5 in time; else
/// says why not (when there is something to say) and returns `None`.
pub(super) async fn read_connect<R: AsyncRead + Unpin>(
    reader: &mut R,
    buffer: &mut BytesMut,
    tx: &mpsc::Sender<Outgoing>,
) -> Option<iothub_mqtt::packet::Connect> {
    let deadline = Duration::from_secs(u64::from(limits::CONNECT_TIMEOUT_SECONDS));
    let first = tokio::time::timeout(deadline, first_frame(reader, buffer)).await;
    let refusal = match first {
        Ok(Ok(Some(Frame::Packet(packet)))) => match *packet {
            Packet::Connect(connect, _, _) => return Some(connect),
            _ => {
                tracing::debug!("first packet is not CONNECT; closing");
                return None;
            }
        },
        Ok(Err(FirstError::Version(requested))) => {
            tracing::debug!(?requested, "CONNECT of another protocol version; refused");
            version::refusal(requested)
        }
        Ok(Err(FirstError::Frame(e))) => {
            tracing::debug!(error = %e, "unreadable CONNECT");
            Outgoing::Frame(Box::new(Frame::Packet(Box::new(Packet::ConnAck(
                connect::Refusal {
                    reason_code: ReasonCode::MalformedPacket,
                    status: None,
                    reason: e.to_string(),
                }
                .connack(true),
            )))))
        }
        _ => {
            tracing::debug!("no CONNECT in time; closing");
            return None;
        }
    };
    let _ = tx.send(refusal).await;
    None
}
