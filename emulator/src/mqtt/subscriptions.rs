//! A session's subscriptions: each filter with the QoS the SUBACK granted
//! (MQTT 5 §3.9.3: a new SUBSCRIBE to a filter it has replaces that
//! subscription, QoS included), SUBSCRIBE and UNSUBSCRIBE applied to them,
//! and what they say about delivery: whether an operation's messages go to
//! the client and at which QoS (MQTT 5 §3.8.4: the lower of the message's
//! QoS and the subscription's granted QoS).

use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{SubAck, Subscribe, UnsubAck, Unsubscribe};
use iothub_mqtt::ReasonCode;

use super::subscribe::{self, Target};

/// One subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    /// The topic filter.
    pub filter: String,
    /// The QoS granted.
    pub qos: QoS,
}

impl AsRef<str> for Subscription {
    fn as_ref(&self) -> &str {
        &self.filter
    }
}

/// A session's subscriptions, in the order they were made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subscriptions {
    list: Vec<Subscription>,
}

impl Subscriptions {
    /// The subscriptions `list`.
    pub fn new(list: Vec<Subscription>) -> Self {
        Self { list }
    }

    /// Every subscription.
    pub fn list(&self) -> &[Subscription] {
        &self.list
    }

    /// Applies `packet` (whose whole-packet rules [`subscribe::check`]
    /// passed); returns its SUBACK.
    pub fn subscribe(&mut self, packet: &Subscribe) -> SubAck {
        let mut codes = Vec::with_capacity(packet.filters.len());
        for filter in &packet.filters {
            let code = subscribe::decide(&filter.path, filter.qos, &self.list);
            if let Some(qos) = code.granted_qos() {
                match self.list.iter_mut().find(|s| s.filter == filter.path) {
                    Some(existing) => existing.qos = qos,
                    None => self.list.push(Subscription {
                        filter: filter.path.clone(),
                        qos,
                    }),
                }
            }
            codes.push(code);
        }
        SubAck {
            pkid: packet.pkid,
            return_codes: codes,
            properties: None,
        }
    }

    /// Applies `packet`; returns its UNSUBACK.
    pub fn unsubscribe(&mut self, packet: &Unsubscribe) -> UnsubAck {
        let reasons = packet
            .filters
            .iter()
            .map(|filter| {
                let before = self.list.len();
                self.list.retain(|s| &s.filter != filter);
                if self.list.len() < before {
                    ReasonCode::Success
                } else {
                    ReasonCode::NoSubscriptionExisted
                }
            })
            .collect();
        UnsubAck {
            pkid: packet.pkid,
            reasons,
            properties: None,
        }
    }

    /// The QoS at which a message of `qos` for `target` goes to the client:
    /// the lower of `qos` and the highest QoS granted to a filter of
    /// `target`; `None` if the client did not subscribe to it.
    pub fn delivery_qos(&self, target: Target, qos: QoS) -> Option<QoS> {
        self.list
            .iter()
            .filter(|s| subscribe::target(&s.filter) == Some(target))
            .map(|s| s.qos)
            .max_by_key(|q| *q as u8)
            .map(|granted| subscribe::lower(granted, qos))
    }

    /// Whether a filter matches the direct method topic `topic` (the
    /// operation's `+` filter or the topic itself).
    pub fn has_method(&self, topic: &str) -> bool {
        self.list.iter().any(|s| {
            s.filter == topic
                || (s.filter == iothub_client::api::ReceiveDirectMethods::TOPIC_FILTER)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use iothub_client::api;
    use iothub_mqtt::packet::Filter;

    #[test]
    fn a_new_subscribe_replaces_the_qos_and_delivery_takes_the_lower() {
        let mut subscriptions = Subscriptions::default();
        let commands = api::ReceiveCommands::TOPIC_FILTER;
        assert_eq!(
            subscriptions.delivery_qos(Target::Commands, QoS::AtLeastOnce),
            None
        );
        subscriptions.subscribe(&Subscribe::new(
            Filter::new(commands, QoS::AtMostOnce),
            None,
        ));
        assert_eq!(
            subscriptions.delivery_qos(Target::Commands, QoS::AtLeastOnce),
            Some(QoS::AtMostOnce)
        );
        let ack = subscriptions.subscribe(&Subscribe::new(
            Filter::new(commands, QoS::ExactlyOnce),
            None,
        ));
        assert_eq!(
            ack.return_codes,
            [ReasonCode::granted(QoS::AtLeastOnce)],
            "granted at most the Maximum QoS"
        );
        assert_eq!(subscriptions.list().len(), 1, "replaced, not added");
        assert_eq!(
            subscriptions.delivery_qos(Target::Commands, QoS::AtLeastOnce),
            Some(QoS::AtLeastOnce)
        );
        assert_eq!(
            subscriptions.delivery_qos(Target::Desired, QoS::AtMostOnce),
            None
        );
        let ack = subscriptions.unsubscribe(&Unsubscribe::new(commands, None));
        assert_eq!(ack.reasons, [ReasonCode::Success]);
        assert!(subscriptions.list().is_empty());
    }
}
