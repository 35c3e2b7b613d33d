//! The four permissions a shared access policy grants, named as the
//! service and `az iot hub policy create --permissions` name them.

use std::fmt;

/// One permission of a shared access policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// Read the identity registry (`GET /devices/…`, twins, queries).
    RegistryRead,
    /// Write the identity registry (create, update, delete devices).
    RegistryWrite,
    /// The service-facing endpoints: commands, direct methods, twin
    /// updates, the telemetry log.
    ServiceConnect,
    /// The device-facing endpoints: a device may connect with a token
    /// signed with this policy.
    DeviceConnect,
}

impl Permission {
    /// Every permission, in the service's order.
    pub const ALL: [Self; 4] = [
        Self::RegistryRead,
        Self::RegistryWrite,
        Self::ServiceConnect,
        Self::DeviceConnect,
    ];

    /// The service's name (`RegistryRead`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::RegistryRead => "RegistryRead",
            Self::RegistryWrite => "RegistryWrite",
            Self::ServiceConnect => "ServiceConnect",
            Self::DeviceConnect => "DeviceConnect",
        }
    }

    /// The permission named `name` (as [`name`](Self::name) gives it,
    /// ASCII case ignored).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|p| p.name().eq_ignore_ascii_case(name))
    }

    fn bit(self) -> u8 {
        match self {
            Self::RegistryRead => 1,
            Self::RegistryWrite => 2,
            Self::ServiceConnect => 4,
            Self::DeviceConnect => 8,
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of permissions.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Permissions(u8);

impl Permissions {
    /// No permission.
    pub const NONE: Self = Self(0);
    /// Every permission (the `iothubowner` policy's).
    pub const ALL: Self = Self(15);

    /// This set and `permission`.
    #[must_use]
    pub fn with(self, permission: Permission) -> Self {
        Self(self.0 | permission.bit())
    }

    /// Whether `permission` is in the set.
    pub fn contains(self, permission: Permission) -> bool {
        self.0 & permission.bit() != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The permissions in the set, in the service's order.
    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::ALL
            .into_iter()
            .filter(move |p| self.contains(*p))
    }
}

impl FromIterator<Permission> for Permissions {
    fn from_iter<I: IntoIterator<Item = Permission>>(iter: I) -> Self {
        iter.into_iter().fold(Self::NONE, Self::with)
    }
}

impl fmt::Display for Permissions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("no permission");
        }
        for (i, permission) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(permission.name())?;
        }
        Ok(())
    }
}

impl fmt::Debug for Permissions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Permissions({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_sets_hold_what_was_added() {
        for permission in Permission::ALL {
            assert_eq!(Permission::from_name(permission.name()), Some(permission));
        }
        assert_eq!(
            Permission::from_name("serviceconnect"),
            Some(Permission::ServiceConnect)
        );
        assert_eq!(Permission::from_name("Owner"), None);
        let set: Permissions = [Permission::ServiceConnect, Permission::RegistryRead]
            .into_iter()
            .collect();
        assert!(set.contains(Permission::RegistryRead));
        assert!(!set.contains(Permission::RegistryWrite));
        assert_eq!(set.to_string(), "RegistryRead, ServiceConnect");
        assert_eq!(Permissions::ALL.iter().count(), 4);
        assert_eq!(Permissions::NONE.to_string(), "no permission");
    }
}
