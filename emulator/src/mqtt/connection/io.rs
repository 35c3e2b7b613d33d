//! The socket side of a connection: reading whole frames (the first one
//! sniffed for its protocol version before the codec reads it) and the
//! writer task that encodes and sends what the connection queues.

use bytes::BytesMut;
use iothub_client::api::limits;
use iothub_mqtt::packet::Packet;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

use super::context::{IDLE_BUFFER, WRITE_TIMEOUT};
use crate::mqtt::frame::{self, Frame, FrameError};
use crate::mqtt::outbox::Outgoing;
use crate::mqtt::version::{self, Requested};

/// Reads the next frame, waiting for bytes as needed; `None` when the
/// peer closed the connection.
pub(super) async fn next_frame<R: AsyncRead + Unpin>(
    reader: &mut R,
    buffer: &mut BytesMut,
) -> Result<Option<Frame>, FrameError> {
    loop {
        if let Some(frame) = frame::read(buffer, limits::MAXIMUM_PACKET_SIZE)? {
            // A buffer read empty is given back: an idle connection keeps
            // none (a busy one reads its next packets into a new one).
            if buffer.is_empty() {
                *buffer = BytesMut::new();
            }
            return Ok(Some(frame));
        }
        match reader.read_buf(buffer).await {
            Ok(0) | Err(_) => return Ok(None),
            Ok(_) => {}
        }
    }
}

/// Why the first packet is not one to go on with.
pub(super) enum FirstError {
    /// Not a packet this server reads.
    Frame(FrameError),
    /// A CONNECT of another protocol version.
    Version(Requested),
}

/// [`next_frame`] for the first packet, which is refused before the codec
/// reads it when it is a CONNECT of another protocol version.
pub(super) async fn first_frame<R: AsyncRead + Unpin>(
    reader: &mut R,
    buffer: &mut BytesMut,
) -> Result<Option<Frame>, FirstError> {
    loop {
        match version::of_first_packet(buffer) {
            Some(Requested::Mqtt5) | None => {}
            Some(other) => return Err(FirstError::Version(other)),
        }
        if let Some(frame) =
            frame::read(buffer, limits::MAXIMUM_PACKET_SIZE).map_err(FirstError::Frame)?
        {
            return Ok(Some(frame));
        }
        match reader.read_buf(buffer).await {
            Ok(0) | Err(_) => return Ok(None),
            Ok(_) => {}
        }
    }
}

/// The writer task: encodes and sends queued packets; a DISCONNECT is the
/// last one.
pub(super) async fn write_loop<W: AsyncWrite + Unpin>(
    mut writer: W,
    mut queue: mpsc::Receiver<Outgoing>,
) {
    let mut buffer = BytesMut::new();
    while let Some(outgoing) = queue.recv().await {
        buffer.clear();
        let last = matches!(&outgoing, Outgoing::Frame(frame) if matches!(&**frame, Frame::Packet(p) if matches!(**p, Packet::Disconnect(_))));
        match &outgoing {
            Outgoing::Frame(frame) => {
                if frame::write(frame, &mut buffer).is_err() {
                    break;
                }
            }
            Outgoing::Bytes(bytes) => buffer.extend_from_slice(bytes),
        }
        // A peer that stops reading for this long is gone: the connection
        // ends rather than hold its task forever.
        let written = tokio::time::timeout(WRITE_TIMEOUT, writer.write_all(&buffer)).await;
        if !matches!(written, Ok(Ok(()))) {
            break;
        }
        if last {
            break;
        }
        // An idle connection keeps no buffer; a busy one keeps its own.
        if queue.is_empty() || buffer.capacity() > IDLE_BUFFER {
            buffer = BytesMut::new();
        }
    }
    let _ = writer.shutdown().await;
}
