//! The wire form of messages: property values, property sets, and the trait
//! the `MqttProperties` derive implements.

mod application;
mod properties;
mod value;

pub use application::{ApplicationProperties, PREFIX as APPLICATION_PROPERTY_PREFIX};
pub use properties::user_property;
pub use properties::{Properties, MAX_STRING};
pub use value::{Timestamp, WireValue};

use crate::Error;

/// Where a property travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PropertyKind {
    /// A user property.
    User,
    /// The first-class Content Type property.
    ContentType,
    /// The first-class Correlation Data property.
    CorrelationData,
}

/// What a message states about one of its properties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PropertyInfo {
    /// Wire name (`sequence-no`; `Content Type` / `Correlation Data` for first-class ones).
    pub name: &'static str,
    /// The API type (`u64`, `time`, `string`, …; `bytes` for Correlation Data).
    pub type_name: &'static str,
    /// Whether it must be present.
    pub required: bool,
    /// Where it travels.
    pub kind: PropertyKind,
}

/// A message whose fields map to MQTT 5 properties (derive it with
/// `#[derive(iothub_macros::MqttProperties)]`).
pub trait MqttProperties: Sized {
    /// The wire names of the user properties this message knows.
    const USER_PROPERTIES: &'static [&'static str];

    /// Every property, in field order.
    const PROPERTIES: &'static [PropertyInfo];

    /// Whether `@` application properties are allowed.
    const APPLICATION_PROPERTIES: bool;

    /// Whether user properties the message does not define are kept (a
    /// `#[mqtt(other)]` field: the hub sends it) rather than refused (a
    /// client sends it).
    const KEEPS_OTHER: bool;

    /// The message's properties.
    fn to_properties(&self) -> Properties;

    /// Reads a message from properties: a missing required property, an
    /// unparsable value and a repeated one are distinct errors. A user
    /// property the message does not define is an error too, unless the
    /// message keeps such properties (a `#[mqtt(other)]` field: messages the
    /// hub sends, which may carry properties added after this spec).
    fn from_properties(properties: &Properties) -> Result<Self, Error>;

    /// The properties of a PUBLISH carrying this message.
    fn to_publish_properties(&self) -> iothub_mqtt::packet::PublishProperties {
        self.to_properties().to_publish()
    }

    /// The properties of a PUBACK carrying this message.
    fn to_puback_properties(&self) -> iothub_mqtt::packet::PubAckProperties {
        self.to_properties().to_puback()
    }

    /// Reads a message from a PUBLISH's properties (none means no properties).
    fn from_publish_properties(
        p: Option<&iothub_mqtt::packet::PublishProperties>,
    ) -> Result<Self, Error> {
        Self::from_properties(&p.map(Properties::from).unwrap_or_default())
    }

    /// Reads a message from a PUBACK's properties.
    fn from_puback_properties(
        p: Option<&iothub_mqtt::packet::PubAckProperties>,
    ) -> Result<Self, Error> {
        Self::from_properties(&p.map(Properties::from).unwrap_or_default())
    }
}

/// Checks that `value` can fill the path parameter `name` of a topic: not
/// empty, and no `/`, `+`, `#` or NUL.
pub fn check_topic_parameter(name: &'static str, value: &str) -> Result<(), Error> {
    if value.is_empty() || value.contains(['/', '+', '#', '\0']) {
        return Err(Error::InvalidTopicParameter {
            name,
            value: value.to_owned(),
        });
    }
    Ok(())
}

/// Support for derived code: parses a required or optional user property.
#[doc(hidden)]
pub mod derive_support {
    use super::{Properties, WireValue};
    use crate::Error;

    /// The single value of `name`, or `None`; a repeated name is an error.
    pub fn single<'a>(
        properties: &'a Properties,
        name: &'static str,
    ) -> Result<Option<&'a str>, Error> {
        let mut values = properties.user.iter().filter(|(n, _)| n == name);
        let first = values.next().map(|(_, v)| v.as_str());
        if values.next().is_some() {
            return Err(Error::DuplicateProperty { name });
        }
        Ok(first)
    }

    /// Parses an optional user property.
    pub fn optional<T: WireValue>(
        properties: &Properties,
        name: &'static str,
    ) -> Result<Option<T>, Error> {
        match single(properties, name)? {
            None => Ok(None),
            Some(text) => T::from_wire(text)
                .map(Some)
                .ok_or_else(|| Error::InvalidProperty {
                    name,
                    value: text.to_owned(),
                    expected: T::TYPE_NAME,
                }),
        }
    }

    /// Parses a required user property.
    pub fn required<T: WireValue>(properties: &Properties, name: &'static str) -> Result<T, Error> {
        optional(properties, name)?.ok_or(Error::MissingProperty { name })
    }

    /// Whether the user property `name` is one of `known` or (when
    /// `application` is true) an application property (`@name`).
    fn defined(name: &str, known: &[&str], application: bool) -> bool {
        known.contains(&name) || (application && name.starts_with(super::application::PREFIX))
    }

    /// Checks that every user property is known or (when `application` is
    /// true) an application property: how a strict message (one a client
    /// sends, read by the hub) is decoded.
    pub fn check_unknown(
        properties: &Properties,
        known: &[&str],
        application: bool,
    ) -> Result<(), Error> {
        match properties
            .user
            .iter()
            .find(|(name, _)| !defined(name, known, application))
        {
            Some((name, _)) => Err(Error::UnknownProperty { name: name.clone() }),
            None => Ok(()),
        }
    }

    /// The user properties that are neither known nor (when `application`
    /// is true) application properties, in order: what a tolerant message
    /// (one the hub sends, read by a client) keeps.
    pub fn other(
        properties: &Properties,
        known: &[&str],
        application: bool,
    ) -> Vec<(String, String)> {
        properties
            .user
            .iter()
            .filter(|(name, _)| !defined(name, known, application))
            .cloned()
            .collect()
    }
}
