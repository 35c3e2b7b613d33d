//! The handle on a session: [`Session`], cheap to clone, shared by any
//! number of tasks. It starts the session task and queues work for it. The
//! generated [`crate::Client`] wraps it with one method per operation, built
//! on the generic ones here.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use iothub_mqtt::packet::Publish;
use iothub_mqtt::packet::QoS;
use tokio::sync::{mpsc, oneshot, watch};

use super::control::{Control, ControlSender};
use super::correlation::Correlations;
use super::shared::{AckedPublish, Inputs, Outgoing, Shared};
use super::{self as runtime, Acknowledgement, ConnectionState, Response, Subscriptions};
use crate::options::{ClientOptions, OfflineBehavior};
use crate::wire::Properties;
use crate::Error;

#[derive(Debug)]
struct Inner {
    shared: Arc<Shared>,
    acked: mpsc::Sender<AckedPublish>,
    outgoing: mpsc::Sender<Outgoing>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // The last handle is gone: the session writes what was queued,
        // says DISCONNECT and ends.
        self.shared.control.send(Control::Shutdown);
    }
}

/// A device's session with the hub (a handle: clones share it). Dropping
/// the last clone disconnects.
#[derive(Debug, Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

/// A handle that does not keep the session alive (see [`Session::downgrade`]).
#[derive(Debug, Clone)]
pub struct WeakSession {
    inner: std::sync::Weak<Inner>,
}

impl WeakSession {
    /// The session, if any handle to it is still alive.
    pub fn upgrade(&self) -> Option<Session> {
        self.inner.upgrade().map(|inner| Session { inner })
    }
}

impl Session {
    /// Starts a client with `subscriptions` (made before the connection, so
    /// that every message the hub sends finds its receiver) on the current
    /// Tokio runtime. It connects in the background; see
    /// [`Session::connection_state`] and [`Session::wait_connected`].
    pub fn start(options: ClientOptions, subscriptions: Subscriptions) -> Result<Self, Error> {
        options.check()?;
        let runtime = tokio::runtime::Handle::try_current().map_err(|_| Error::InvalidOptions {
            problem: "the client runs on a Tokio runtime; start it inside one".into(),
        })?;
        let (acked, acked_rx) = mpsc::channel(options.queue_capacity);
        let (outgoing, outgoing_rx) = mpsc::channel(options.queue_capacity);
        let (control, control_rx) = ControlSender::channel();
        let (state, _) = watch::channel(ConnectionState::Connecting { attempt: 1 });
        let shared = Arc::new(Shared {
            options,
            correlations: Arc::new(Correlations::new()),
            state,
            control,
        });
        let inputs = Inputs {
            acked: acked_rx,
            outgoing: outgoing_rx,
            control: control_rx,
        };
        runtime.spawn(super::task::run(Arc::clone(&shared), inputs, subscriptions));
        Ok(Self {
            inner: Arc::new(Inner {
                shared,
                acked,
                outgoing,
            }),
        })
    }

    /// The connection state, as it changes.
    pub fn connection_state(&self) -> watch::Receiver<ConnectionState> {
        self.inner.shared.state.subscribe()
    }

    /// Waits until the client is connected (or `timeout` passes, or the
    /// client closes). Past `timeout`, the error says why the last attempt
    /// failed ([`Error::NotConnected`]) when one did.
    pub async fn wait_connected(&self, timeout: Duration) -> Result<(), Error> {
        let mut state = self.connection_state();
        let wait = async {
            loop {
                match &*state.borrow_and_update() {
                    ConnectionState::Connected { .. } => return Ok(()),
                    ConnectionState::Closed { cause } => {
                        return Err(runtime::DisconnectCause::closing_error(cause.as_ref()))
                    }
                    _ => {}
                }
                if state.changed().await.is_err() {
                    return Err(Error::Closed);
                }
            }
        };
        match tokio::time::timeout(timeout, wait).await {
            Ok(result) => result,
            Err(_) => Err(match &*state.borrow() {
                ConnectionState::Disconnected { cause, .. } => Error::NotConnected {
                    waited: timeout,
                    cause: cause.to_string(),
                },
                _ => Error::Timeout(timeout),
            }),
        }
    }

    /// Disconnects and waits until it has: what was settled, answered or
    /// queued at QoS 0 before the call is written, then DISCONNECT (within
    /// the options' close timeout, even if the hub stopped reading), then
    /// the session ends and everything still waiting fails with
    /// [`Error::Closed`].
    pub async fn disconnect(&self) {
        self.inner.shared.control.send(Control::Shutdown);
        let mut state = self.connection_state();
        while !matches!(&*state.borrow_and_update(), ConnectionState::Closed { .. }) {
            if state.changed().await.is_err() {
                break;
            }
        }
    }

    /// A handle that does not keep the client alive.
    pub fn downgrade(&self) -> WeakSession {
        WeakSession {
            inner: Arc::downgrade(&self.inner),
        }
    }

    /// The number of the connection now open (0: none).
    pub(crate) fn current_connection(&self) -> u64 {
        self.inner.shared.control.current()
    }

    /// The options it was started with.
    pub fn options(&self) -> &ClientOptions {
        &self.inner.shared.options
    }

    fn check_offline(&self) -> Result<(), Error> {
        if self.inner.shared.options.offline == OfflineBehavior::FailFast
            && !self.inner.shared.state.borrow().is_connected()
        {
            return Err(Error::Offline);
        }
        Ok(())
    }

    /// Checks what MQTT 5 could not carry before it is queued (the codec's
    /// encoder would cut a string over 65,535 bytes and send a malformed
    /// packet, which the hub answers by closing the connection).
    fn check_encodable(topic: &str, properties: &Properties) -> Result<(), Error> {
        if topic.len() > crate::wire::MAX_STRING {
            return Err(Error::PropertyTooLong {
                name: "topic".to_owned(),
                len: topic.len(),
            });
        }
        let limit = usize::from(crate::api::limits::CORRELATION_DATA_MAX_BYTES);
        if let Some(data) = properties
            .correlation_data
            .as_ref()
            .filter(|d| d.len() > limit)
        {
            return Err(Error::CorrelationDataTooLong {
                len: data.len(),
                max: limit,
            });
        }
        properties.check_lengths()
    }

    fn timeout(&self, timeout: Option<Duration>) -> Duration {
        timeout.unwrap_or(self.inner.shared.options.request_timeout)
    }

    /// Sends a request (QoS 0, with fresh Correlation Data) and waits for
    /// its response on the responses topic, within `timeout` (default: the
    /// options' request timeout). Dropping the future forgets the request.
    pub async fn request(
        &self,
        topic: String,
        properties: Properties,
        payload: Bytes,
        timeout: Option<Duration>,
    ) -> Result<Response, Error> {
        self.check_offline()?;
        Self::check_encodable(&topic, &properties)?;
        let limit = self.timeout(timeout);
        let mut waiter = self.inner.shared.correlations.register();
        let mut properties = properties;
        properties.correlation_data = Some(waiter.correlation_data().clone());
        let outgoing = Outgoing::qos0(
            topic,
            &properties,
            payload,
            Some(waiter.correlation_data().clone()),
            None,
            None,
        );
        let exchange = async {
            self.inner
                .outgoing
                .send(outgoing)
                .await
                .map_err(|_| Error::Closed)?;
            waiter.response().await
        };
        tokio::time::timeout(limit, exchange)
            .await
            .unwrap_or(Err(Error::Timeout(limit)))
    }

    /// Sends a QoS 1 message and waits for its PUBACK, within `timeout`.
    /// A message in flight when the connection drops is sent again until
    /// the hub acknowledges it (so it may arrive twice); one not yet sent
    /// when the wait ends is not sent.
    pub async fn publish_acknowledged(
        &self,
        topic: String,
        properties: Properties,
        payload: Bytes,
        timeout: Option<Duration>,
    ) -> Result<Acknowledgement, Error> {
        self.check_offline()?;
        Self::check_encodable(&topic, &properties)?;
        let limit = self.timeout(timeout);
        let (reply, acknowledged) = oneshot::channel();
        let publish = Publish::new(
            topic,
            QoS::AtLeastOnce,
            payload,
            Some(properties.to_publish()),
        );
        let exchange = async {
            self.inner
                .acked
                .send(AckedPublish { publish, reply })
                .await
                .map_err(|_| Error::Closed)?;
            acknowledged.await.unwrap_or(Err(Error::Closed))
        };
        tokio::time::timeout(limit, exchange)
            .await
            .unwrap_or(Err(Error::Timeout(limit)))
    }

    /// Sends a QoS 0 message; resolves once it is written to the connection.
    pub async fn publish(
        &self,
        topic: String,
        properties: Properties,
        payload: Bytes,
        timeout: Option<Duration>,
    ) -> Result<(), Error> {
        self.send_qos0(topic, properties, payload, None, timeout)
            .await
    }

    /// Answers a request of the hub (QoS 0 on the responses topic) that
    /// arrived on connection `connection`: an answer for an older connection
    /// is not sent (the hub no longer waits for it).
    pub async fn respond(
        &self,
        connection: u64,
        topic: String,
        properties: Properties,
        payload: Bytes,
    ) -> Result<(), Error> {
        self.send_qos0(topic, properties, payload, Some(connection), None)
            .await
    }

    /// Like [`Session::respond`], without waiting: the answer is dropped if
    /// the queue is full (the hub then times the request out).
    pub fn try_respond(
        &self,
        connection: u64,
        topic: String,
        properties: Properties,
        payload: Bytes,
    ) {
        let outgoing = Outgoing::qos0(topic, &properties, payload, None, Some(connection), None);
        if self.inner.outgoing.try_send(outgoing).is_err() {
            tracing::warn!("an answer to the hub was dropped: the outgoing queue is full");
        }
    }

    async fn send_qos0(
        &self,
        topic: String,
        properties: Properties,
        payload: Bytes,
        connection: Option<u64>,
        timeout: Option<Duration>,
    ) -> Result<(), Error> {
        self.check_offline()?;
        Self::check_encodable(&topic, &properties)?;
        let limit = self.timeout(timeout);
        let (written, done) = oneshot::channel();
        let outgoing = Outgoing::qos0(topic, &properties, payload, None, connection, Some(written));
        let send = async {
            self.inner
                .outgoing
                .send(outgoing)
                .await
                .map_err(|_| Error::Closed)?;
            done.await.unwrap_or(Err(Error::Closed))
        };
        tokio::time::timeout(limit, send)
            .await
            .unwrap_or(Err(Error::Timeout(limit)))
    }
}
