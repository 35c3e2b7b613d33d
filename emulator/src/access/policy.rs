//! A shared access policy (a name, two keys, permissions) and the hub's
//! set of them.

use std::collections::BTreeMap;
use std::fmt;

use super::{Permission, Permissions};
use crate::registry::Key;

/// Longest policy name.
pub const MAX_POLICY_NAME_LEN: usize = 64;

/// Why a policy cannot be made. Never carries a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The name is empty, too long or has a character outside
    /// `A-Z a-z 0-9 . - _`.
    #[error(
        "a policy name is 1 to {MAX_POLICY_NAME_LEN} characters of `A-Z a-z 0-9 . - _`; `{0}` is not"
    )]
    BadName(String),
    /// The policy grants nothing.
    #[error("policy `{0}` grants no permission; give it at least one of RegistryRead, RegistryWrite, ServiceConnect, DeviceConnect")]
    NoPermission(String),
}

/// A hub-level shared access policy. `Debug` shows no key.
#[derive(Clone, PartialEq, Eq)]
pub struct SharedAccessPolicy {
    name: String,
    primary: Key,
    secondary: Key,
    permissions: Permissions,
}

impl SharedAccessPolicy {
    /// A policy named `name` with its two keys and its permissions.
    pub fn new(
        name: impl Into<String>,
        primary: Key,
        secondary: Key,
        permissions: Permissions,
    ) -> Result<Self, PolicyError> {
        let name = name.into();
        let valid = !name.is_empty()
            && name.len() <= MAX_POLICY_NAME_LEN
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
        if !valid {
            return Err(PolicyError::BadName(name));
        }
        if permissions.is_empty() {
            return Err(PolicyError::NoPermission(name));
        }
        Ok(Self {
            name,
            primary,
            secondary,
            permissions,
        })
    }

    /// Its name (`skn` in a token, `SharedAccessKeyName` in a connection
    /// string).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its primary key.
    pub fn primary(&self) -> &Key {
        &self.primary
    }

    /// Both keys, for verifying a signature made with either.
    pub fn keys(&self) -> [&Key; 2] {
        [&self.primary, &self.secondary]
    }

    /// What it grants.
    pub fn permissions(&self) -> Permissions {
        self.permissions
    }

    /// Whether it grants `permission`.
    pub fn grants(&self, permission: Permission) -> bool {
        self.permissions.contains(permission)
    }
}

impl fmt::Debug for SharedAccessPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedAccessPolicy")
            .field("name", &self.name)
            .field("permissions", &self.permissions)
            .finish_non_exhaustive()
    }
}

/// The hub's shared access policies, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policies {
    by_name: BTreeMap<String, SharedAccessPolicy>,
}

impl Policies {
    /// No policy.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `policy`, replacing one of the same name.
    pub fn insert(&mut self, policy: SharedAccessPolicy) {
        self.by_name.insert(policy.name.clone(), policy);
    }

    /// `self` with `policy` added.
    #[must_use]
    pub fn with(mut self, policy: SharedAccessPolicy) -> Self {
        self.insert(policy);
        self
    }

    /// The policy named `name` (exactly).
    pub fn get(&self, name: &str) -> Option<&SharedAccessPolicy> {
        self.by_name.get(name)
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// The policies, by name.
    pub fn iter(&self) -> impl Iterator<Item = &SharedAccessPolicy> {
        self.by_name.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> Key {
        Key::from_bytes(vec![byte; 32]).unwrap()
    }

    #[test]
    fn names_are_checked_and_debug_shows_no_key() {
        let policy = SharedAccessPolicy::new("service", key(1), key(2), Permissions::ALL).unwrap();
        let shown = format!("{policy:?}");
        assert!(
            shown.contains("service") && !shown.contains("1, 1"),
            "{shown}"
        );
        for bad in ["", "has space", "x/y", &"a".repeat(65)] {
            assert_eq!(
                SharedAccessPolicy::new(bad, key(1), key(2), Permissions::ALL),
                Err(PolicyError::BadName(bad.to_owned()))
            );
        }
        assert!(matches!(
            SharedAccessPolicy::new("none", key(1), key(2), Permissions::NONE),
            Err(PolicyError::NoPermission(_))
        ));
        let policies = Policies::new().with(policy);
        assert!(policies.get("service").is_some());
        assert!(policies.get("Service").is_none());
    }
}
