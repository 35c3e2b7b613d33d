//! Direct method calls from the cloud side to a device: the call, and how
//! it ends as the spec's outcomes have it — the device's response code and
//! payload, or Target Unavailable (no live connection subscribed to the
//! method), Target Timeout (no answer in time), Target Failed (an answer
//! that is not a valid response).

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use iothub_client::api::Status;
use tokio::sync::oneshot;

use crate::mailbox::{Mailbox, Mailboxes};

use crate::registry::DeviceId;

/// A method call on its way to a device's connection.
#[derive(Debug)]
pub struct MethodCall {
    /// The method's name (the topic's `{name}`).
    pub name: String,
    /// The request payload.
    pub payload: Bytes,
    /// Where the outcome goes.
    pub reply: oneshot::Sender<Result<MethodResponse, MethodError>>,
}

/// A device's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodResponse {
    /// The device's `response-code`.
    pub response_code: u32,
    /// The response payload.
    pub payload: Bytes,
}

/// Why a call got no answer from the device.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MethodError {
    /// No live connection of the device subscribes to the method.
    #[error("the device is not reachable for method `{0}`")]
    Unreachable(String),
    /// No answer within the call's timeout.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The answer is not a valid response.
    #[error("the device's answer is not a valid response: {0}")]
    Failed(String),
}

impl MethodError {
    /// The API status of this outcome.
    pub fn status(&self) -> Status {
        match self {
            Self::Unreachable(_) => Status::TargetUnavailable,
            Self::Timeout(_) => Status::TargetTimeout,
            Self::Failed(_) => Status::TargetFailed,
        }
    }
}

/// The live connections that take method calls, by device (their
/// mailboxes).
#[derive(Debug, Clone, Default)]
pub struct Methods {
    live: Mailboxes,
}

impl Methods {
    /// Calls to the live connections in `live`.
    pub fn new(live: Mailboxes) -> Self {
        Self { live }
    }

    /// Connection `connection` of `device` takes its method calls from now
    /// on, in `mailbox` (a newer connection replaces an older one).
    pub fn attach(&self, device: &DeviceId, connection: u64, mailbox: Arc<Mailbox>) {
        self.live.attach(device, connection, mailbox);
    }

    /// Connection `connection` of `device` ended.
    pub fn detach(&self, device: &DeviceId, connection: u64) {
        self.live.detach(device, connection);
    }

    /// Calls method `name` on `device` and waits at most `timeout` for the
    /// answer.
    pub async fn invoke(
        &self,
        device: &DeviceId,
        name: &str,
        payload: Bytes,
        timeout: Duration,
    ) -> Result<MethodResponse, MethodError> {
        let unreachable = || MethodError::Unreachable(name.to_owned());
        let mailbox = self.live.get(device).ok_or_else(unreachable)?;
        let (reply, answer) = oneshot::channel();
        let call = MethodCall {
            name: name.to_owned(),
            payload,
            reply,
        };
        // Handing the call over and the answer share the one timeout: a
        // connection too busy to take the call is no answer either.
        let outcome = tokio::time::timeout(timeout, async {
            mailbox
                .deliver(Box::new(call))
                .await
                .map_err(|_| unreachable())?;
            // The connection may end before answering.
            answer.await.unwrap_or_else(|_| Err(unreachable()))
        })
        .await;
        outcome.unwrap_or(Err(MethodError::Timeout(timeout)))
    }
}
