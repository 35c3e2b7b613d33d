//! A device identity: its id and how it authenticates.

use super::{DeviceId, Key, Thumbprint};

/// How a device proves who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authentication {
    /// Shared access signatures made with either of two symmetric keys.
    Sas {
        /// The primary key.
        primary: Key,
        /// The secondary key.
        secondary: Key,
    },
    /// A self-signed X.509 client certificate with either thumbprint.
    SelfSigned {
        /// The primary certificate's thumbprint.
        primary_thumbprint: Thumbprint,
        /// The secondary certificate's thumbprint.
        secondary_thumbprint: Thumbprint,
    },
}

impl Authentication {
    /// Both keys of a SAS device (primary first); `None` for certificates.
    pub fn keys(&self) -> Option<[&Key; 2]> {
        match self {
            Self::Sas { primary, secondary } => Some([primary, secondary]),
            Self::SelfSigned { .. } => None,
        }
    }

    /// Whether `thumbprint` is one of a self-signed device's two; always
    /// false for SAS devices.
    pub fn accepts_thumbprint(&self, thumbprint: &Thumbprint) -> bool {
        match self {
            Self::Sas { .. } => false,
            Self::SelfSigned {
                primary_thumbprint,
                secondary_thumbprint,
            } => thumbprint == primary_thumbprint || thumbprint == secondary_thumbprint,
        }
    }
}

/// A device identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// Its id.
    pub id: DeviceId,
    /// Its credentials.
    pub authentication: Authentication,
}

impl Device {
    /// A device.
    pub fn new(id: DeviceId, authentication: Authentication) -> Self {
        Self { id, authentication }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_keys() {
        let device = Device::new(
            DeviceId::new("dev1").unwrap(),
            Authentication::Sas {
                primary: Key::from_bytes(*b"topsecret").unwrap(),
                secondary: Key::from_bytes(*b"othersecret").unwrap(),
            },
        );
        let debug = format!("{device:?}");
        assert!(debug.contains("dev1"));
        assert!(!debug.contains("secret"), "{debug}");
        assert_eq!(device.authentication.keys().map(|k| k.len()), Some(2));
    }

    #[test]
    fn thumbprints() {
        let a = Thumbprint::new(&"a".repeat(40)).unwrap();
        let b = Thumbprint::new(&"b".repeat(40)).unwrap();
        let c = Thumbprint::new(&"c".repeat(40)).unwrap();
        let auth = Authentication::SelfSigned {
            primary_thumbprint: a.clone(),
            secondary_thumbprint: b.clone(),
        };
        assert!(auth.accepts_thumbprint(&a));
        assert!(auth.accepts_thumbprint(&b));
        assert!(!auth.accepts_thumbprint(&c));
        assert!(auth.keys().is_none());
    }
}
