//! What the handles ([`super::Session`]) and the driver share: the options,
//! the correlation table, the connection state, the control channel, and
//! the queues of PUBLISHes with the waiters told of their outcome.

use std::sync::Arc;

use bytes::Bytes;
use iothub_mqtt::packet::Publish;
use tokio::sync::{mpsc, oneshot, watch};

use super::control::{Control, ControlSender};
use super::correlation::Correlations;
use super::inflight::Acknowledgement;
use super::state::ConnectionState;
use crate::options::ClientOptions;
use crate::Error;

/// What the session shares with the client handles.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) options: ClientOptions,
    pub(crate) correlations: Arc<Correlations>,
    pub(crate) state: watch::Sender<ConnectionState>,
    pub(crate) control: ControlSender,
}

/// Where a PUBACK goes.
pub(crate) type AckSender = oneshot::Sender<Result<Acknowledgement, Error>>;
/// Where "written" (or why not) goes.
pub(crate) type WrittenSender = oneshot::Sender<Result<(), Error>>;

/// The token the driver gives the state machine with each PUBLISH.
#[derive(Debug)]
pub(crate) enum Waiter {
    /// A QoS 1 PUBLISH's sender, told of its PUBACK.
    Ack(AckSender),
    /// A QoS 0 PUBLISH's sender, told once it is written.
    Written(WrittenSender),
    /// A request's Correlation Data: its requester waits in the
    /// correlation table, failed there if the request cannot be sent.
    Request(Bytes),
}

impl Waiter {
    /// Tells the waiter that its PUBLISH failed.
    pub(crate) fn fail(self, error: Error) {
        match self {
            Self::Ack(sender) => {
                let _ = sender.send(Err(error));
            }
            Self::Written(sender) => {
                let _ = sender.send(Err(error));
            }
            // Failed through the correlation table (by the driver).
            Self::Request(_) => {}
        }
    }
}

/// A QoS 1 PUBLISH to send and the sender waiting for its PUBACK.
#[derive(Debug)]
pub(crate) struct AckedPublish {
    pub(crate) publish: Publish,
    pub(crate) reply: AckSender,
}

/// A QoS 0 PUBLISH to send.
#[derive(Debug)]
pub(crate) struct Outgoing {
    pub(crate) publish: Publish,
    /// The request's Correlation Data (request–response requests).
    pub(crate) correlation: Option<Bytes>,
    /// Send only on this connection (answers to the hub's requests).
    pub(crate) connection: Option<u64>,
    /// Told when the PUBLISH is written (or why it was not).
    pub(crate) written: Option<WrittenSender>,
}

impl Outgoing {
    /// A QoS 0 PUBLISH of `properties` and `payload` on `topic`.
    pub(crate) fn qos0(
        topic: String,
        properties: &crate::wire::Properties,
        payload: Bytes,
        correlation: Option<Bytes>,
        connection: Option<u64>,
        written: Option<WrittenSender>,
    ) -> Self {
        Self {
            publish: Publish::new(
                topic,
                iothub_mqtt::packet::QoS::AtMostOnce,
                payload,
                Some(properties.to_publish()),
            ),
            correlation,
            connection,
            written,
        }
    }

    /// Whether nobody waits for it any more (its sender timed out or was
    /// dropped): then it is not sent.
    pub(crate) fn abandoned(&self) -> bool {
        self.written.as_ref().is_some_and(|w| w.is_closed())
    }
}

/// The driver's ends of the queues.
#[derive(Debug)]
pub(crate) struct Inputs {
    pub(crate) acked: mpsc::Receiver<AckedPublish>,
    pub(crate) outgoing: mpsc::Receiver<Outgoing>,
    pub(crate) control: mpsc::UnboundedReceiver<Control>,
}
