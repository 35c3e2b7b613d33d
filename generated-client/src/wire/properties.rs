//! The properties of one message, independent of the packet that carries
//! them, and their conversion to and from rumqttc's MQTT 5 packet properties.

use bytes::Bytes;
use rumqttc::v5::mqttbytes::v5::{PubAckProperties, PublishProperties};

/// Properties of a message: the first-class ones this API uses and the user
/// properties, in wire order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Properties {
    /// The first-class Content Type property.
    pub content_type: Option<String>,
    /// The first-class Correlation Data property.
    pub correlation_data: Option<Bytes>,
    /// User properties, in order (names may repeat on the wire).
    pub user: Vec<(String, String)>,
}

impl Properties {
    /// The value of the user property `name`, if present once or more (first wins).
    pub fn user(&self, name: &str) -> Option<&str> {
        self.user
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// These properties on a PUBLISH.
    pub fn to_publish(&self) -> PublishProperties {
        PublishProperties {
            content_type: self.content_type.clone(),
            correlation_data: self.correlation_data.clone(),
            user_properties: self.user.clone(),
            ..PublishProperties::default()
        }
    }

    /// These properties on a PUBACK (only user properties travel there).
    pub fn to_puback(&self) -> PubAckProperties {
        PubAckProperties {
            reason_string: None,
            user_properties: self.user.clone(),
        }
    }
}

impl From<&PublishProperties> for Properties {
    fn from(p: &PublishProperties) -> Self {
        Self {
            content_type: p.content_type.clone(),
            correlation_data: p.correlation_data.clone(),
            user: p.user_properties.clone(),
        }
    }
}

impl From<&PubAckProperties> for Properties {
    fn from(p: &PubAckProperties) -> Self {
        Self {
            content_type: None,
            correlation_data: None,
            user: p.user_properties.clone(),
        }
    }
}
