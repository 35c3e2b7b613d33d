//! UNSUBSCRIBE (MQTT 5 §3.10).

/// UNSUBSCRIBE.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribe {
    /// The Packet Identifier.
    pub pkid: u16,
    /// The topic filters.
    pub filters: Vec<String>,
    /// Its properties.
    pub properties: Option<UnsubscribeProperties>,
}

impl Unsubscribe {
    /// An UNSUBSCRIBE of one filter (packet identifier 0 until one is
    /// assigned).
    pub fn new(filter: impl Into<String>, properties: Option<UnsubscribeProperties>) -> Self {
        Self {
            pkid: 0,
            filters: vec![filter.into()],
            properties,
        }
    }
}

/// UNSUBSCRIBE properties.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnsubscribeProperties {
    /// User properties, in order.
    pub user_properties: Vec<(String, String)>,
}
