//! A device identity: its id, how it authenticates, and whether it may
//! connect (its status, as the service keeps it).

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

/// Whether a device may connect (the service's `status`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DeviceStatus {
    /// It may connect.
    #[default]
    Enabled,
    /// It may not: its CONNECT is refused, and a connection it has ends.
    Disabled,
}

impl DeviceStatus {
    /// As the service writes it: `enabled` or `disabled`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enabled => "enabled",
            Self::Disabled => "disabled",
        }
    }

    /// From the service's word (`enabled` or `disabled`, any case).
    pub fn parse(text: &str) -> Option<Self> {
        if text.eq_ignore_ascii_case("enabled") {
            Some(Self::Enabled)
        } else if text.eq_ignore_ascii_case("disabled") {
            Some(Self::Disabled)
        } else {
            None
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
    /// Whether it may connect.
    pub status: DeviceStatus,
    /// Why it has its status, as whoever set it said (the service's
    /// `statusReason`).
    pub status_reason: Option<String>,
}

impl Device {
    /// An enabled device.
    pub fn new(id: DeviceId, authentication: Authentication) -> Self {
        Self {
            id,
            authentication,
            status: DeviceStatus::Enabled,
            status_reason: None,
        }
    }

    /// This device with `status` (and why).
    pub fn with_status(mut self, status: DeviceStatus, reason: Option<String>) -> Self {
        self.status = status;
        self.status_reason = reason;
        self
    }

    /// Whether what it takes to connect differs from `other`'s: its
    /// credentials or its status.
    pub fn admission_differs(&self, other: &Self) -> bool {
        self.authentication != other.authentication || self.status != other.status
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
