//! What the client sends: the SUBSCRIBE of a new connection, PUBLISHes of
//! the application (QoS 1 ones within the hub's Receive Maximum, each
//! checked against its Maximum Packet Size), what is sent again after a
//! reconnect, PUBACKs whose turn has come, and UNSUBSCRIBE for a route
//! nobody reads.

use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Filter, Packet, PubAck, Publish, Subscribe, Unsubscribe};
use iothub_mqtt::ReasonCode;

use super::{Event, SessionMachine};
use crate::runtime::settlement::Settlement;
use crate::wire::Properties;
use crate::Error;

/// MQTT QoS from the spec's number (the API's maximum is 1).
fn qos(n: u8) -> QoS {
    if n == 0 {
        QoS::AtMostOnce
    } else {
        QoS::AtLeastOnce
    }
}

impl<T> SessionMachine<T> {
    /// Whether a new QoS 1 PUBLISH may go out now: connected, within the
    /// hub's Receive Maximum, and none from an earlier connection still
    /// waits to be sent again.
    pub(crate) fn has_room(&self) -> bool {
        self.link.is_some() && self.inflight.has_room()
    }

    /// Sends a QoS 1 PUBLISH; its token comes back with the PUBACK
    /// ([`Event::Acknowledged`]) or the failure. Without room (see
    /// [`SessionMachine::has_room`]) it waits in flight for the next turn.
    pub(crate) fn publish_acknowledged(&mut self, publish: Publish, token: T) {
        if !self.has_room() {
            // Sent when a connection has room, before anything newer.
            self.inflight.insert_waiting(publish, token);
            return;
        }
        let publish = self.inflight.insert(publish, token);
        let pkid = publish.pkid;
        if let Err(error) = self.encode_publish(publish) {
            if let Some(token) = self.inflight.remove(pkid) {
                self.events.push_back(Event::Failed(token, error));
            }
        }
    }

    /// Sends a QoS 0 PUBLISH, only on connection `connection` if given (an
    /// answer to a request of that connection). Its token, if any, comes
    /// back in the [`super::Transmit`] that carries it, or with the failure.
    pub(crate) fn publish(&mut self, publish: Publish, connection: Option<u64>, token: Option<T>) {
        let result = if self.link.is_none() || connection.is_some_and(|c| c != self.number) {
            Err(Error::ConnectionLost {
                cause: "the connection the message belongs to has ended".into(),
            })
        } else {
            self.encode_publish(publish)
        };
        match (result, token) {
            (Ok(()), Some(token)) => self.written.push(token),
            (Err(error), Some(token)) => self.events.push_back(Event::Failed(token, error)),
            (Ok(()), None) => {}
            (Err(error), None) => tracing::warn!(%error, "a message was not sent"),
        }
    }

    /// Settles the QoS 1 message `pkid` of connection `connection`; the
    /// PUBACKs whose turn has come are written at once. A settlement for an
    /// older connection does nothing (the hub delivers the message again).
    pub(crate) fn settle(&mut self, connection: u64, pkid: u16, settlement: Settlement) {
        let Some(link) = self.link.as_mut().filter(|_| connection == self.number) else {
            return;
        };
        if !link.acks.settle(pkid, settlement) {
            return;
        }
        let ready: Vec<(u16, Settlement)> = link.acks.take_ready().collect();
        for (pkid, settlement) in ready {
            let properties = (settlement.properties != Properties::default())
                .then(|| settlement.properties.to_puback());
            self.encode(&Packet::PubAck(PubAck {
                pkid,
                reason: ReasonCode::from(settlement.reason_code),
                properties,
            }));
        }
    }

    /// Nobody reads route `route` any more: it is not subscribed on later
    /// connections, and unsubscribed on this one (once).
    pub(crate) fn route_closed(&mut self, route: usize) {
        self.closed_routes[route] = true;
        let Some(link) = &mut self.link else {
            return;
        };
        if !link.unsubscribed.insert(route) {
            return;
        }
        let filter = self.config.routes[route].0;
        tracing::info!(filter, "its receiver was dropped; unsubscribing");
        let pkid = self.inflight.reserve();
        link.unsubscribes.push(pkid);
        let mut unsubscribe = Unsubscribe::new(filter, None);
        unsubscribe.pkid = pkid;
        self.encode(&Packet::Unsubscribe(unsubscribe));
    }

    /// What a new connection does first: one SUBSCRIBE for every route
    /// someone reads (so Session Present means all of them), unless the hub
    /// kept a session with this process's granted subscriptions.
    pub(super) fn subscribe(&mut self) {
        let Some(link) = &mut self.link else {
            return;
        };
        if link.params.session_present && self.subscribed {
            return;
        }
        let routes: Vec<usize> = (0..self.config.routes.len())
            .filter(|r| !self.closed_routes[*r])
            .collect();
        if routes.is_empty() {
            return;
        }
        let filters: Vec<Filter> = routes
            .iter()
            .map(|r| {
                let (filter, n) = self.config.routes[*r];
                Filter::new(filter, qos(n))
            })
            .collect();
        let pkid = self.inflight.reserve();
        let mut subscribe = Subscribe::new_many(filters, None);
        subscribe.pkid = pkid;
        link.subscribe = Some((pkid, routes));
        self.encode(&Packet::Subscribe(subscribe));
    }

    /// Sends again what an earlier connection left unacknowledged, as far
    /// as this connection's Receive Maximum allows (called again at each
    /// PUBACK until none is left). DUP only if the hub kept the session:
    /// to a new session they are new messages.
    pub(super) fn send_again(&mut self) {
        let Some(session_present) = self.link.as_ref().map(|l| l.params.session_present) else {
            return;
        };
        for mut publish in self.inflight.resend() {
            publish.dup = session_present;
            let pkid = publish.pkid;
            if let Err(error) = self.encode_publish(publish) {
                if let Some(token) = self.inflight.remove(pkid) {
                    self.events.push_back(Event::Failed(token, error));
                }
            }
        }
    }
}
