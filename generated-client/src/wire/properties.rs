//! The properties of one message, independent of the packet that carries
//! them, and their conversion to and from
//! `iothub-mqtt`'s PUBLISH and PUBACK properties.

use bytes::Bytes;
use iothub_mqtt::packet::{PubAckProperties, PublishProperties};

/// The longest string or binary value MQTT 5 can carry (a two-byte length).
pub const MAX_STRING: usize = 65_535;

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

/// The value of user property `name` among `user` (the first, if it repeats).
pub fn user_property(user: &[(String, String)], name: &str) -> Option<String> {
    user.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
}

impl Properties {
    /// The value of the user property `name`, if present once or more (first wins).
    pub fn user(&self, name: &str) -> Option<&str> {
        self.user
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Checks that every property fits MQTT 5's two-byte length prefix
    /// (65,535 bytes): the codec would silently cut a longer one
    /// and the hub would see a malformed packet.
    pub fn check_lengths(&self) -> Result<(), crate::Error> {
        let too_long = |name: &str, len: usize| {
            (len > MAX_STRING).then(|| crate::Error::PropertyTooLong {
                name: name.chars().take(64).collect(),
                len,
            })
        };
        let first_class = [
            ("Content Type", self.content_type.as_ref().map(String::len)),
            (
                "Correlation Data",
                self.correlation_data.as_ref().map(Bytes::len),
            ),
        ];
        for (name, len) in first_class {
            if let Some(error) = len.and_then(|len| too_long(name, len)) {
                return Err(error);
            }
        }
        for (name, value) in &self.user {
            if let Some(error) = too_long(name, name.len().max(value.len())) {
                return Err(error);
            }
        }
        Ok(())
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
