//! SUBSCRIBE as the overview has it: the topics a client may subscribe to
//! are those of the server-to-client operations (a path parameter may be
//! `+`) and the responses topic; any other topic under the API's prefix is
//! Topic Filter invalid, a wildcard in place of anything but a path
//! parameter is Wildcard Subscriptions not supported, and past the
//! subscription quota a new filter is Quota exceeded.

use iothub_client::api::{self, limits, topics};
use rumqttc::v5::mqttbytes::v5::SubscribeReasonCode;
use rumqttc::v5::mqttbytes::QoS;

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
/// has `existing` subscriptions.
pub fn decide(filter: &str, qos: QoS, existing: &[String]) -> SubscribeReasonCode {
    if target(filter).is_none() {
        let wildcard = filter.contains(['+', '#']);
        let code = if wildcard && filter.starts_with(topics::PREFIX) {
            topics::WILDCARD_SUBSCRIBE_REASON_CODE
        } else {
            topics::UNKNOWN_TOPIC_SUBSCRIBE_REASON_CODE
        };
        return failure(code);
    }
    let already = existing.iter().any(|f| f == filter);
    if !already && existing.len() >= limits::MAX_SUBSCRIPTIONS as usize {
        return failure(limits::SUBSCRIPTION_QUOTA_EXCEEDED_REASON_CODE);
    }
    let granted = if qos == QoS::AtMostOnce || limits::MAXIMUM_QOS == 0 {
        QoS::AtMostOnce
    } else {
        QoS::AtLeastOnce
    };
    SubscribeReasonCode::Success(granted)
}

/// The failure reason of MQTT 5 SUBACK code `code` (§3.9.3).
fn failure(code: u8) -> SubscribeReasonCode {
    match code {
        0x83 => SubscribeReasonCode::ImplementationSpecific,
        0x87 => SubscribeReasonCode::NotAuthorized,
        0x8F => SubscribeReasonCode::TopicFilterInvalid,
        0x91 => SubscribeReasonCode::PkidInUse,
        0x97 => SubscribeReasonCode::QuotaExceeded,
        0x9E => SubscribeReasonCode::SharedSubscriptionsNotSupported,
        0xA1 => SubscribeReasonCode::SubscriptionIdNotSupported,
        0xA2 => SubscribeReasonCode::WildcardSubscriptionsNotSupported,
        _ => SubscribeReasonCode::Unspecified,
    }
}
