//! SUBSCRIBE as the overview has it: the topics a client may subscribe to
//! are those of the server-to-client operations (a path parameter may be
//! `+`) and the responses topic; any other topic under the API's prefix is
//! Topic Filter invalid, a wildcard in place of anything but a path
//! parameter is Wildcard Subscriptions not supported, and past the
//! subscription quota a new filter is Quota exceeded. Where the overview is
//! silent, MQTT 5: a shared subscription (`$share/…`) is Shared
//! Subscriptions not supported, and a SUBSCRIBE with a Subscription
//! Identifier ends the connection with DISCONNECT Subscription Identifiers
//! not supported (§3.2.2.3.12), as the CONNACK says neither is available.

use iothub_client::api::{self, limits, topics};
use iothub_mqtt::packet::QoS;
use iothub_mqtt::packet::{Subscribe, Unsubscribe};
use iothub_mqtt::{ReasonCode, Violation};

/// How a shared subscription's filter starts (MQTT 5 §4.8.2).
const SHARED_PREFIX: &str = "$share/";

/// Whether `subscribe` as a whole may be answered with a SUBACK; else the
/// DISCONNECT reason code and why. (One without filters never gets here:
/// the framing reads it as a Protocol Error.)
pub fn check(subscribe: &Subscribe) -> Result<(), Violation> {
    let identified = subscribe
        .properties
        .as_ref()
        .is_some_and(|p| p.id.is_some());
    if identified && !limits::SUBSCRIPTION_IDENTIFIERS_AVAILABLE {
        return Err(Violation::new(
            ReasonCode::SubscriptionIdentifiersNotSupported,
            "Subscription Identifiers are not supported",
        ));
    }
    Ok(())
}

/// Whether `unsubscribe` may be answered with an UNSUBACK; else the
/// DISCONNECT reason code and why. rumqttc's codec reads an UNSUBSCRIBE
/// without topic filters, which MQTT 5 makes a Protocol Error (§3.10.3);
/// its UNSUBACK would have no reason codes, a malformed packet.
pub fn check_unsubscribe(unsubscribe: &Unsubscribe) -> Result<(), Violation> {
    if unsubscribe.filters.is_empty() {
        return Err(Violation::new(
            ReasonCode::ProtocolError,
            "an UNSUBSCRIBE without a topic filter",
        ));
    }
    Ok(())
}

/// How a filter matches the API's topics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Commands (`receive-commands`).
    Commands,
    /// Direct methods (`receive-direct-methods`), all or one.
    Methods,
    /// Desired state changes (`receive-twin-desired-state-changes`).
    Desired,
    /// The responses topic.
    Responses,
}

/// The operation `filter` subscribes to, if any.
pub fn target(filter: &str) -> Option<Target> {
    if filter == api::ReceiveCommands::TOPIC_FILTER {
        Some(Target::Commands)
    } else if filter == api::ReceiveTwinDesiredStateChanges::TOPIC_FILTER {
        Some(Target::Desired)
    } else if filter == api::ReceiveDirectMethods::TOPIC_FILTER
        || api::receive_direct_methods::match_topic(filter)
            .is_some_and(|p| !p.name.contains(['+', '#']))
    {
        Some(Target::Methods)
    } else if filter == topics::RESPONSES {
        Some(Target::Responses)
    } else {
        None
    }
}

/// The SUBACK reason for `filter` asked at `qos`, when the client already
/// has subscriptions to the filters `existing`.
pub fn decide<S: AsRef<str>>(filter: &str, qos: QoS, existing: &[S]) -> ReasonCode {
    if filter.starts_with(SHARED_PREFIX) && !limits::SHARED_SUBSCRIPTIONS_AVAILABLE {
        return ReasonCode::SharedSubscriptionsNotSupported;
    }
    if target(filter).is_none() {
        let wildcard = filter.contains(['+', '#']);
        let code = if wildcard && filter.starts_with(topics::PREFIX) {
            topics::WILDCARD_SUBSCRIBE_REASON_CODE
        } else {
            topics::UNKNOWN_TOPIC_SUBSCRIBE_REASON_CODE
        };
        return ReasonCode::from(code);
    }
    let already = existing.iter().any(|f| f.as_ref() == filter);
    if !already && existing.len() >= limits::MAX_SUBSCRIPTIONS as usize {
        return ReasonCode::from(limits::SUBSCRIPTION_QUOTA_EXCEEDED_REASON_CODE);
    }
    ReasonCode::granted(lower(qos, qos_of(limits::MAXIMUM_QOS)))
}

/// The lower of two QoS levels.
pub fn lower(a: QoS, b: QoS) -> QoS {
    if (a as u8) <= (b as u8) {
        a
    } else {
        b
    }
}

/// The QoS of level `level` (0, 1 or 2; a higher level reads as 2).
pub fn qos_of(level: u8) -> QoS {
    match level {
        0 => QoS::AtMostOnce,
        1 => QoS::AtLeastOnce,
        _ => QoS::ExactlyOnce,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qos_order() {
        assert_eq!(lower(QoS::AtLeastOnce, QoS::AtMostOnce), QoS::AtMostOnce);
        assert_eq!(lower(QoS::AtLeastOnce, QoS::ExactlyOnce), QoS::AtLeastOnce);
        assert_eq!(qos_of(1), QoS::AtLeastOnce);
        assert_eq!(qos_of(0), QoS::AtMostOnce);
        assert_eq!(qos_of(7), QoS::ExactlyOnce);
    }
}
