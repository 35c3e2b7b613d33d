//! SUBSCRIBE (MQTT 5 §3.8).

use super::QoS;

/// SUBSCRIBE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscribe {
    /// The Packet Identifier.
    pub pkid: u16,
    /// The topic filters, in order.
    pub filters: Vec<Filter>,
    /// Its properties.
    pub properties: Option<SubscribeProperties>,
}

impl Subscribe {
    /// A SUBSCRIBE of `filters` (packet identifier 0 until one is assigned).
    pub fn new_many(
        filters: impl IntoIterator<Item = Filter>,
        properties: Option<SubscribeProperties>,
    ) -> Self {
        Self {
            pkid: 0,
            filters: filters.into_iter().collect(),
            properties,
        }
    }

    /// A SUBSCRIBE of one filter.
    pub fn new(filter: Filter, properties: Option<SubscribeProperties>) -> Self {
        Self::new_many([filter], properties)
    }
}

/// A topic filter and its subscription options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    /// The topic filter.
    pub path: String,
    /// Maximum QoS.
    pub qos: QoS,
    /// No Local.
    pub nolocal: bool,
    /// Retain As Published.
    pub preserve_retain: bool,
    /// Retain Handling.
    pub retain_forward_rule: RetainForwardRule,
}

impl Filter {
    /// `path` at `qos`, with the default options.
    pub fn new(path: impl Into<String>, qos: QoS) -> Self {
        Self {
            path: path.into(),
            qos,
            nolocal: false,
            preserve_retain: false,
            retain_forward_rule: RetainForwardRule::OnEverySubscribe,
        }
    }
}

/// Retain Handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RetainForwardRule {
    /// 0: send retained messages at every subscribe.
    #[default]
    OnEverySubscribe,
    /// 1: only at a new subscription.
    OnNewSubscribe,
    /// 2: never.
    Never,
}

/// SUBSCRIBE properties.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubscribeProperties {
    /// Subscription Identifier.
    pub id: Option<usize>,
    /// User properties, in order.
    pub user_properties: Vec<(String, String)>,
}
