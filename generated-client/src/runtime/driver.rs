//! The driver's state around the state machine: the queues from the
//! application, the routes to it (with the QoS 1 messages that wait for
//! room in a full receiver, in arrival order), and what each of the
//! machine's events means for the application. [`super::serve`] is one
//! connection's I/O loop over it, [`super::task`] the loop over
//! connections.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use iothub_mqtt::packet::Publish;
use iothub_mqtt::packet::QoS;
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::mpsc::{self, OwnedPermit};

use super::acks::Delivery;
use super::control::Control;
use super::machine::{Config, Event, Message, SessionMachine};
use super::routes::{Incoming, Route, Subscriptions};
use super::shared::{Inputs, Outgoing, Shared, Waiter};
use super::state::{ConnectionState, RefusedSubscription};
use super::{connect, CLIENT_RECEIVE_MAXIMUM};
use crate::api::{self, limits};
use crate::Error;

/// How long the hub may take to answer a re-authentication.
const AUTH_ANSWER: std::time::Duration = std::time::Duration::from_secs(30);

/// The driver of one client's session.
pub(crate) struct Driver {
    pub(super) shared: Arc<Shared>,
    pub(super) inputs: Inputs,
    pub(super) routes: Vec<Route>,
    pub(super) machine: SessionMachine<Waiter>,
    /// QoS 1 messages waiting for room in their route's receiver, oldest
    /// first (at most the client's Receive Maximum: the hub sends no more
    /// unacknowledged).
    pub(super) backlog: VecDeque<(usize, Incoming)>,
    /// The application asked to shut down.
    pub(super) shutting_down: bool,
}

impl std::fmt::Debug for Driver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver").finish_non_exhaustive()
    }
}

impl Driver {
    pub(crate) fn new(shared: Arc<Shared>, inputs: Inputs, subscriptions: Subscriptions) -> Self {
        let config = Config {
            routes: subscriptions
                .routes
                .iter()
                .map(|r| (r.filter, r.qos))
                .collect(),
            receive_maximum: CLIENT_RECEIVE_MAXIMUM,
            maximum_packet_size: limits::MAXIMUM_PACKET_SIZE,
            initial_send_maximum: limits::RECEIVE_MAXIMUM,
            auth_answer: AUTH_ANSWER,
            resend_limit: shared.options.resend_limit,
            responses_topic: api::topics::RESPONSES,
            status_property: api::RESPONSE_PROPERTIES.status,
            reason_property: api::RESPONSE_PROPERTIES.reason,
        };
        Self {
            shared,
            inputs,
            routes: subscriptions.routes,
            machine: SessionMachine::new(config),
            backlog: VecDeque::new(),
            shutting_down: false,
        }
    }

    /// Tells the machine which routes nobody reads any more.
    pub(super) fn note_closed_routes(&mut self) {
        for (index, route) in self.routes.iter().enumerate() {
            if route.sender.is_closed() {
                self.machine.route_closed(index);
            }
        }
    }

    /// Handles one command from the handles.
    pub(super) fn on_control(&mut self, control: Control) {
        match control {
            Control::Settle {
                connection,
                pkid,
                settlement,
            } => self.machine.settle(connection, pkid, settlement),
            Control::Shutdown => {
                if self.shutting_down {
                    return;
                }
                self.shutting_down = true;
                // What was queued before the shutdown goes before the
                // DISCONNECT: answers to the hub, telemetry, requests.
                while let Ok(outgoing) = self.inputs.outgoing.try_recv() {
                    self.send(outgoing);
                }
                self.machine.shutdown();
            }
        }
    }

    /// Hands a QoS 0 PUBLISH to the machine, unless nobody waits for it
    /// any more.
    pub(super) fn send(&mut self, outgoing: Outgoing) {
        if outgoing.abandoned() {
            return;
        }
        if let Some(key) = &outgoing.correlation {
            let connection = self.machine.connection().unwrap_or(0);
            if !self.shared.correlations.sent(key, connection) {
                // Its requester gave up before it went out.
                return;
            }
        }
        let waiter = match (outgoing.written, outgoing.correlation) {
            (Some(written), _) => Some(Waiter::Written(written)),
            (None, Some(key)) => Some(Waiter::Request(key)),
            (None, None) => None,
        };
        self.machine
            .publish(outgoing.publish, outgoing.connection, waiter);
    }

    /// Hands every event of the machine to whom it concerns.
    pub(super) fn dispatch(&mut self, now: Instant) {
        while let Some(event) = self.machine.poll_event() {
            match event {
                Event::Acknowledged(Waiter::Ack(sender), ack) => {
                    let _ = sender.send(Ok(ack));
                }
                Event::Acknowledged(waiter, _) => waiter.fail(Error::Closed),
                Event::Failed(Waiter::Request(key), error) => {
                    self.shared.correlations.fail(&key, error);
                }
                Event::Failed(waiter, error) => waiter.fail(error),
                Event::Response {
                    correlation,
                    response,
                } => {
                    if !self.shared.correlations.resolve(&correlation, response) {
                        tracing::debug!("a response no request waits for (timed out or dropped)");
                    }
                }
                Event::Deliver { route, message } => self.deliver(route, message),
                Event::TokenNeeded => {
                    if let Some((auth, token)) = connect::reauthenticate(&self.shared.options) {
                        tracing::debug!(expiry = %token.expiry, "re-authenticating");
                        let renew_in = connect::renew_in(&self.shared.options, token.at);
                        self.machine.reauthenticate(now, &auth, renew_in);
                    }
                }
                Event::Reauthenticated => tracing::debug!("re-authenticated"),
                Event::SubscriptionRefused {
                    filter,
                    reason_code,
                } => {
                    if let Some(route) = self.routes.iter().find(|r| r.filter == filter) {
                        route.refused(reason_code);
                    }
                    self.shared.state.send_modify(|state| {
                        if let ConnectionState::Connected { refused, .. } = state {
                            refused.push(RefusedSubscription {
                                filter,
                                reason_code,
                            });
                        }
                    });
                }
            }
        }
    }

    /// Hands a message to its route: at once if its receiver has room, else
    /// a QoS 1 one waits in the backlog (behind any of the same route) and a
    /// QoS 0 one is dropped (its route told, so a snapshot can repair it).
    fn deliver(&mut self, index: usize, message: Message) {
        let route = &self.routes[index];
        let Message {
            topic,
            properties,
            payload,
            pkid,
            connection,
        } = message;
        let delivery = pkid.map(|pkid| {
            Delivery::new(
                self.shared.control.clone(),
                connection,
                pkid,
                route.on_drop.clone(),
            )
        });
        let incoming = Incoming {
            topic,
            properties,
            payload,
            delivery,
            connection,
            snapshot: false,
        };
        let waiting = self.backlog.iter().any(|(r, _)| *r == index);
        if waiting {
            if incoming.delivery.is_some() {
                self.backlog.push_back((index, incoming));
            } else {
                self.no_room(index, incoming);
            }
            return;
        }
        match route.sender.try_send(incoming) {
            Ok(()) => {}
            Err(TrySendError::Full(incoming)) if incoming.delivery.is_some() => {
                self.backlog.push_back((index, incoming));
            }
            Err(TrySendError::Full(incoming)) => self.no_room(index, incoming),
            // Nobody reads this route: stop its messages (a QoS 1 one is
            // settled with its default as its delivery drops).
            Err(TrySendError::Closed(_)) => self.machine.route_closed(index),
        }
    }

    /// A QoS 0 message found its receiver full: a request of the hub is
    /// answered at once with the operation's "unavailable" answer (rather
    /// than left to time out at its caller); anything else is dropped, and
    /// its route told (a snapshot can repair it).
    fn no_room(&mut self, index: usize, incoming: Incoming) {
        let route = &self.routes[index];
        match (route.busy_answer(), incoming.properties.correlation_data) {
            (Some(answer), Some(correlation)) => {
                tracing::warn!(
                    topic = incoming.topic,
                    "the application is not keeping up; a request of the hub is answered as unavailable"
                );
                let mut properties = answer.clone();
                properties.correlation_data = Some(correlation);
                let publish = Publish::new(
                    api::topics::RESPONSES,
                    QoS::AtMostOnce,
                    Bytes::new(),
                    Some(properties.to_publish()),
                );
                self.machine
                    .publish(publish, Some(incoming.connection), None);
            }
            _ => route.overflow(),
        }
    }

    /// Room in the receiver of the oldest waiting message's route.
    pub(super) async fn backlog_room(
        sender: Option<mpsc::Sender<Incoming>>,
    ) -> Option<OwnedPermit<Incoming>> {
        match sender {
            Some(sender) => sender.reserve_owned().await.ok(),
            None => std::future::pending().await,
        }
    }

    /// The sender of the oldest waiting message's route.
    pub(super) fn backlog_sender(&self) -> Option<mpsc::Sender<Incoming>> {
        self.backlog
            .front()
            .map(|(route, _)| self.routes[*route].sender.clone())
    }

    /// Room came (or the receiver closed): the oldest waiting message goes,
    /// and after it whatever else fits.
    pub(super) fn backlog_ready(&mut self, permit: Option<OwnedPermit<Incoming>>) {
        let Some((index, incoming)) = self.backlog.pop_front() else {
            return;
        };
        match permit {
            Some(permit) => {
                permit.send(incoming);
            }
            None => self.machine.route_closed(index),
        }
        while let Some((index, incoming)) = self.backlog.pop_front() {
            match self.routes[index].sender.try_send(incoming) {
                Ok(()) => {}
                Err(TrySendError::Full(incoming)) => {
                    self.backlog.push_front((index, incoming));
                    return;
                }
                Err(TrySendError::Closed(_)) => self.machine.route_closed(index),
            }
        }
    }

    /// The connection ended: waiting messages of it will be delivered again.
    pub(super) fn connection_ended(&mut self) {
        self.backlog.clear();
    }
}
