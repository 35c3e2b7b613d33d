//! Service connection strings,
//! `HostName=…;SharedAccessKeyName=…;SharedAccessKey=…`, as the portal and
//! `az iot hub connection-string show` give them and the service SDKs take
//! them.

use std::fmt;

use super::{token, Permissions, PolicyError, SharedAccessPolicy};
use crate::registry::{Key, KeyError};

/// What is wrong with a service connection string. Never shows the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConnectionStringError {
    /// A part is not `Name=value`.
    #[error("part {0} of the connection string is not `Name=value`")]
    NotNameValue(usize),
    /// A part the string needs is missing.
    #[error("the connection string has no `{0}`")]
    Missing(&'static str),
    /// The key is not base64.
    #[error("the connection string's `SharedAccessKey`: {0}")]
    Key(#[from] KeyError),
    /// The policy name is not one.
    #[error("the connection string's `SharedAccessKeyName`: {0}")]
    Policy(#[from] PolicyError),
}

/// A service connection string: the hub's host name and a policy's name and
/// key. `Debug` shows no key; [`expose`](Self::expose) gives the text.
#[derive(Clone, PartialEq, Eq)]
pub struct ServiceConnectionString {
    host: String,
    policy: SharedAccessPolicy,
}

impl ServiceConnectionString {
    /// The connection string for `policy` on the hub `host` (a host name,
    /// with `:port` when it is not 443).
    pub fn new(host: impl Into<String>, policy: SharedAccessPolicy) -> Self {
        Self {
            host: host.into(),
            policy,
        }
    }

    /// Parses `text` (parts in any order, names as the service writes
    /// them, ASCII case ignored; unknown parts are ignored).
    pub fn parse(text: &str) -> Result<Self, ConnectionStringError> {
        let (mut host, mut name, mut key) = (None, None, None);
        for (index, part) in text.split(';').enumerate() {
            if part.trim().is_empty() {
                continue;
            }
            let (part_name, value) = part
                .split_once('=')
                .ok_or(ConnectionStringError::NotNameValue(index + 1))?;
            match part_name.trim().to_ascii_lowercase().as_str() {
                "hostname" => host = Some(value.trim().to_owned()),
                "sharedaccesskeyname" => name = Some(value.trim().to_owned()),
                "sharedaccesskey" => key = Some(Key::from_base64(value)?),
                _ => {}
            }
        }
        let host = host.ok_or(ConnectionStringError::Missing("HostName"))?;
        let name = name.ok_or(ConnectionStringError::Missing("SharedAccessKeyName"))?;
        let key = key.ok_or(ConnectionStringError::Missing("SharedAccessKey"))?;
        // The string carries one key and no permissions: what it grants is
        // the hub's business.
        let policy = SharedAccessPolicy::new(name, key.clone(), key, Permissions::ALL)?;
        Ok(Self { host, policy })
    }

    /// The hub's host name (with `:port` when given).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The policy's name.
    pub fn policy_name(&self) -> &str {
        self.policy.name()
    }

    /// A token for the whole hub, expiring at `expiry` (seconds since the
    /// Unix epoch): the value of an `Authorization` header.
    pub fn token(&self, expiry: u64) -> String {
        token::sign(&self.policy, &self.host, expiry)
    }

    /// The connection string's text, key included. Do not log it.
    pub fn expose(&self) -> String {
        format!(
            "HostName={};SharedAccessKeyName={};SharedAccessKey={}",
            self.host,
            self.policy.name(),
            self.policy.primary().expose_base64()
        )
    }
}

impl fmt::Debug for ServiceConnectionString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceConnectionString")
            .field("host", &self.host)
            .field("policy", &self.policy.name())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_it_writes_and_never_shows_the_key() {
        let key = Key::from_bytes(vec![7; 32]).unwrap();
        let policy =
            SharedAccessPolicy::new("iothubowner", key.clone(), key, Permissions::ALL).unwrap();
        let written = ServiceConnectionString::new("localhost:8080", policy);
        let text = written.expose();
        let read = ServiceConnectionString::parse(&text).unwrap();
        assert_eq!(read.host(), "localhost:8080");
        assert_eq!(read.policy_name(), "iothubowner");
        assert_eq!(read.token(5), written.token(5));
        let b64 = &text[text.rfind('=').map_or(0, |i| i - 43)..];
        assert!(!format!("{read:?}").contains(b64));
        assert_eq!(
            ServiceConnectionString::parse("HostName=h;SharedAccessKeyName=p"),
            Err(ConnectionStringError::Missing("SharedAccessKey"))
        );
        let error = ServiceConnectionString::parse(
            "HostName=h;SharedAccessKeyName=p;SharedAccessKey=!!secret!!",
        )
        .unwrap_err();
        assert!(!error.to_string().contains("secret"), "{error}");
        assert_eq!(
            ServiceConnectionString::parse("HostName"),
            Err(ConnectionStringError::NotNameValue(1))
        );
    }
}
