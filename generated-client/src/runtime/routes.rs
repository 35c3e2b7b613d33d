//! Where incoming PUBLISHes go: one route per server-to-client operation
//! (its topic filter, its QoS, a bounded channel). Routes exist before the
//! connection does, so nothing the hub sends finds no receiver.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use bytes::Bytes;
use tokio::sync::{mpsc, Notify};

use super::acks::Delivery;
use super::settlement::Settlement;
use crate::wire::Properties;
use crate::Error;

/// An incoming PUBLISH for one of the client's subscriptions.
#[derive(Debug)]
pub struct Incoming {
    /// Its topic.
    pub topic: String,
    /// Its properties.
    pub properties: Properties,
    /// Its payload.
    pub payload: Bytes,
    /// Its acknowledgement, for a QoS 1 PUBLISH.
    pub delivery: Option<Delivery>,
    /// The connection it arrived on (answers on a later one are not sent).
    pub connection: u64,
    /// Whether the client made it from a snapshot of the whole state (see
    /// [`super::spawn_snapshots`]) rather than the hub sending it.
    pub snapshot: bool,
}

/// What a route and its receiver share besides the channel.
#[derive(Debug, Default)]
struct Shared {
    /// The reason code of a refused subscription not yet reported.
    refusal: Mutex<Option<u8>>,
    refused: Notify,
    /// The answer to a request of the hub that finds the receiver full (the
    /// operation's "unavailable" alternative), set by [`super::Calls`].
    busy_answer: OnceLock<Properties>,
}

#[derive(Debug)]
pub(crate) struct Route {
    pub(crate) filter: &'static str,
    pub(crate) qos: u8,
    pub(crate) sender: mpsc::Sender<Incoming>,
    pub(crate) on_drop: Settlement,
    /// Told when a message was dropped because the receiver was behind.
    pub(crate) overflowed: Arc<Notify>,
    shared: Arc<Shared>,
}

impl Route {
    /// A message was dropped because the receiver was behind.
    pub(crate) fn overflow(&self) {
        tracing::warn!(
            filter = self.filter,
            "the application is not keeping up; a message was dropped"
        );
        self.overflowed.notify_one();
    }

    /// The hub refused the subscription: the receiver reports it once.
    pub(crate) fn refused(&self, reason_code: u8) {
        *self
            .shared
            .refusal
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(reason_code);
        self.shared.refused.notify_one();
    }

    /// The answer to a request that finds the receiver full, if the
    /// operation has one.
    pub(crate) fn busy_answer(&self) -> Option<&Properties> {
        self.shared.busy_answer.get()
    }
}

/// The receiving end of a route: the messages, and a refusal of its
/// subscription by the hub.
#[derive(Debug)]
pub struct RouteReceiver {
    filter: &'static str,
    receiver: mpsc::Receiver<Incoming>,
    shared: Arc<Shared>,
}

impl RouteReceiver {
    /// The next message, or the hub's refusal of the subscription
    /// ([`Error::SubscriptionRefused`], once per refusal; the next
    /// connection asks again); `None` once the client has closed.
    pub async fn recv(&mut self) -> Option<Result<Incoming, Error>> {
        loop {
            let refusal = self
                .shared
                .refusal
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            if let Some(reason_code) = refusal {
                return Some(Err(Error::SubscriptionRefused {
                    filter: self.filter,
                    reason_code,
                }));
            }
            tokio::select! {
                biased;
                incoming = self.receiver.recv() => return incoming.map(Ok),
                () = self.shared.refused.notified() => {}
            }
        }
    }

    /// Answers a request of the hub that finds this receiver full with
    /// `answer` at once, rather than leaving it to time out (the first call
    /// wins).
    pub fn answer_when_busy(&self, answer: Properties) {
        let _ = self.shared.busy_answer.set(answer);
    }
}

/// The client's subscriptions, built before it connects (the generated
/// `Client::connect` makes one route per server-to-client operation).
#[derive(Debug, Default)]
pub struct Subscriptions {
    pub(crate) routes: Vec<Route>,
}

impl Subscriptions {
    /// No subscriptions.
    pub fn new() -> Self {
        Self::default()
    }

    /// Subscribes to `filter` at `qos`; messages arrive on the returned
    /// receiver, which holds `capacity` of them. A QoS 1 message whose
    /// [`Delivery`] is dropped unsettled is settled with `on_drop`.
    pub fn route(
        &mut self,
        filter: &'static str,
        qos: u8,
        capacity: usize,
        on_drop: Settlement,
    ) -> RouteReceiver {
        let (sender, receiver) = mpsc::channel(capacity.max(1));
        let shared = Arc::new(Shared::default());
        self.routes.push(Route {
            filter,
            qos,
            sender,
            on_drop,
            overflowed: Arc::new(Notify::new()),
            shared: Arc::clone(&shared),
        });
        RouteReceiver {
            filter,
            receiver,
            shared,
        }
    }

    /// A sender into the route subscribed to `filter` (for messages the
    /// client makes itself, such as snapshots).
    pub fn injector(&self, filter: &str) -> Option<mpsc::Sender<Incoming>> {
        self.routes
            .iter()
            .find(|r| r.filter == filter)
            .map(|r| r.sender.clone())
    }

    /// Notified when a message of the route subscribed to `filter` was
    /// dropped because its receiver was behind (a snapshot can repair that).
    pub fn overflow_signal(&self, filter: &str) -> Option<Arc<Notify>> {
        self.routes
            .iter()
            .find(|r| r.filter == filter)
            .map(|r| Arc::clone(&r.overflowed))
    }
}

/// Whether `topic` matches the MQTT topic filter `filter` (`+` one level,
/// `#` the rest).
pub(crate) fn matches(filter: &str, topic: &str) -> bool {
    let mut levels = topic.split('/');
    for part in filter.split('/') {
        match part {
            "#" => return true,
            "+" => {
                if levels.next().is_none() {
                    return false;
                }
            }
            literal => {
                if levels.next() != Some(literal) {
                    return false;
                }
            }
        }
    }
    levels.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn filters_match_as_mqtt_says() {
        assert!(matches("$iothub/methods/+", "$iothub/methods/reboot"));
        assert!(!matches("$iothub/methods/+", "$iothub/methods/a/b"));
        assert!(!matches("$iothub/methods/+", "$iothub/methods"));
        assert!(matches("$iothub/commands", "$iothub/commands"));
        assert!(!matches("$iothub/commands", "$iothub/commands/"));
        assert!(matches("a/#", "a/b/c"));
    }
}
