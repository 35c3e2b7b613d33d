//! Device identifiers: non-empty, at most 128 characters of the IoT Hub
//! device-id character set (ASCII letters and digits and `-.%_*?!(),:=@$'`),
//! so never `/`, `+` or `#` (they would break topic names and filters).
//!
//! A module identity is named by its device's id and its own module id (the
//! same rules), joined as `device/module`: the client id a module connects
//! with ([`DeviceId::module`], [`DeviceId::from_client_id`]). It has its
//! own credentials, twin and connection, keyed by that name.

use std::borrow::Borrow;
use std::fmt;
use std::str::FromStr;

/// Longest device id, in characters.
pub const MAX_DEVICE_ID_LEN: usize = 128;

/// Punctuation allowed in a device id besides ASCII letters and digits.
const ALLOWED_PUNCTUATION: &str = "-.%_*?!(),:=@$'";

/// Why a text is not a device id. Says which character, never repeats the
/// whole text (it may be very long).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeviceIdError {
    /// No characters.
    #[error("device id is empty")]
    Empty,
    /// More than [`MAX_DEVICE_ID_LEN`] characters.
    #[error("device id has {len} characters, more than the {MAX_DEVICE_ID_LEN} allowed")]
    TooLong {
        /// Its length in characters.
        len: usize,
    },
    /// A character outside the device-id set.
    #[error(
        "device id has {character:?} at character {position}; allowed are ASCII letters, \
         digits and `{ALLOWED_PUNCTUATION}`"
    )]
    InvalidCharacter {
        /// The character.
        character: char,
        /// Its position (0-based, in characters).
        position: usize,
    },
}

/// A valid device id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeviceId(String);

impl DeviceId {
    /// `text` as a device id, if it is one.
    pub fn new(text: impl Into<String>) -> Result<Self, DeviceIdError> {
        let text = text.into();
        check(&text)?;
        Ok(Self(text))
    }

    /// The identity of module `module` of device `device` (`device/module`).
    pub fn module(device: &DeviceId, module: &str) -> Result<Self, DeviceIdError> {
        check(module)?;
        Ok(Self(format!("{}/{module}", device.0)))
    }

    /// A client id as a CONNECT gives it: a device id, or `device/module`.
    pub fn from_client_id(text: &str) -> Result<Self, DeviceIdError> {
        match text.split_once('/') {
            Some((device, module)) => Self::module(&Self::new(device)?, module),
            None => Self::new(text),
        }
    }

    /// The device's id (the whole id for a device, the part before `/` for
    /// a module).
    pub fn device(&self) -> &str {
        self.0.split_once('/').map_or(&self.0, |(device, _)| device)
    }

    /// The module id, for a module identity.
    pub fn module_id(&self) -> Option<&str> {
        self.0.split_once('/').map(|(_, module)| module)
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks `text` against the device-id rules.
fn check(text: &str) -> Result<(), DeviceIdError> {
    if text.is_empty() {
        return Err(DeviceIdError::Empty);
    }
    let len = text.chars().count();
    if len > MAX_DEVICE_ID_LEN {
        return Err(DeviceIdError::TooLong { len });
    }
    match text
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || ALLOWED_PUNCTUATION.contains(*c)))
    {
        Some((position, character)) => Err(DeviceIdError::InvalidCharacter {
            character,
            position,
        }),
        None => Ok(()),
    }
}

impl FromStr for DeviceId {
    type Err = DeviceIdError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::new(text)
    }
}

impl TryFrom<String> for DeviceId {
    type Error = DeviceIdError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Self::new(text)
    }
}

impl AsRef<str> for DeviceId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for DeviceId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_whole_character_set() {
        let id = "aZ09-.%_*?!(),:=@$'";
        assert_eq!(DeviceId::new(id).unwrap().as_str(), id);
        assert!(DeviceId::new("a".repeat(MAX_DEVICE_ID_LEN)).is_ok());
    }

    #[test]
    fn rejects_empty_long_and_topic_characters() {
        assert_eq!(DeviceId::new("").unwrap_err(), DeviceIdError::Empty);
        assert_eq!(
            DeviceId::new("a".repeat(129)).unwrap_err(),
            DeviceIdError::TooLong { len: 129 }
        );
        for (text, character, position) in [
            ("a/b", '/', 1),
            ("+", '+', 0),
            ("ab#", '#', 2),
            ("a b", ' ', 1),
            ("é", 'é', 0),
            ("a\0", '\0', 1),
        ] {
            assert_eq!(
                DeviceId::new(text).unwrap_err(),
                DeviceIdError::InvalidCharacter {
                    character,
                    position
                },
                "{text:?}"
            );
        }
    }

    #[test]
    fn module_identities_join_device_and_module() {
        let device = DeviceId::new("d1").unwrap();
        let module = DeviceId::module(&device, "m-1").unwrap();
        assert_eq!(module.as_str(), "d1/m-1");
        assert_eq!((module.device(), module.module_id()), ("d1", Some("m-1")));
        assert_eq!((device.device(), device.module_id()), ("d1", None));
        assert_eq!(DeviceId::from_client_id("d1/m-1"), Ok(module));
        assert_eq!(DeviceId::from_client_id("d1"), Ok(device));
        assert!(DeviceId::from_client_id("d1/m/2").is_err());
        assert!(DeviceId::from_client_id("/m").is_err());
        assert!(DeviceId::from_client_id("d1/").is_err());
        assert!(DeviceId::new("d1/m1").is_err(), "a device id never has `/`");
    }
}
