//! Connection strings as the Azure IoT portal and CLI print them:
//! `HostName=…;DeviceId=…;SharedAccessKey=…`, with `ModuleId=…` for a module
//! identity, `SharedAccessKeyName=…` for a policy key, `x509=true` for a
//! certificate identity and `GatewayHostName=…` to connect through a
//! gateway. Errors name the part that is wrong, never a key.

use std::fmt;
use std::str::FromStr;

use super::{Credentials, SasKey};
use crate::Error;

/// A parsed connection string. `Debug` hides the key.
#[derive(Clone)]
pub struct ConnectionString {
    /// `HostName`: the hub's host name (signed in SAS tokens).
    pub host_name: String,
    /// `GatewayHostName`: where to connect instead of `host_name`, if given.
    pub gateway_host_name: Option<String>,
    /// `DeviceId`.
    pub device_id: String,
    /// `ModuleId`, for a module identity.
    pub module_id: Option<String>,
    /// The credentials: `SharedAccessKey` (with `SharedAccessKeyName`) or `x509=true`.
    pub credentials: Credentials,
}

impl fmt::Debug for ConnectionString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConnectionString")
            .field("host_name", &self.host_name)
            .field("gateway_host_name", &self.gateway_host_name)
            .field("device_id", &self.device_id)
            .field("module_id", &self.module_id)
            .field("credentials", &self.credentials)
            .finish()
    }
}

fn invalid(problem: impl Into<String>) -> Error {
    Error::InvalidConnectionString {
        problem: problem.into(),
    }
}

impl FromStr for ConnectionString {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        let mut host_name = None;
        let mut gateway_host_name = None;
        let mut device_id = None;
        let mut module_id = None;
        let mut key = None;
        let mut policy = None;
        let mut x509 = None;
        for (index, part) in text.trim().split(';').enumerate() {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            // Values may hold `=` (base64 padding): split at the first one.
            let (name, value) = part.split_once('=').ok_or_else(|| {
                invalid(format!(
                    "part {} has no `=` (expected `Name=value`)",
                    index + 1
                ))
            })?;
            let (name, value) = (name.trim(), value.trim());
            let slot = match name {
                "HostName" => &mut host_name,
                "GatewayHostName" => &mut gateway_host_name,
                "DeviceId" => &mut device_id,
                "ModuleId" => &mut module_id,
                "SharedAccessKey" => &mut key,
                "SharedAccessKeyName" => &mut policy,
                "x509" => &mut x509,
                "SharedAccessSignature" => {
                    return Err(invalid(
                        "`SharedAccessSignature` (a prepared token) is not supported: \
                         this API signs each connection; give `SharedAccessKey`",
                    ))
                }
                other => {
                    // The name only: a misspelt key name must not leak its value.
                    return Err(invalid(format!(
                        "unknown part `{}` (known: HostName, DeviceId, ModuleId, \
                         SharedAccessKey, SharedAccessKeyName, x509, GatewayHostName)",
                        other.chars().take(40).collect::<String>()
                    )));
                }
            };
            if slot.is_some() {
                return Err(invalid(format!("`{name}` appears twice")));
            }
            if value.is_empty() {
                return Err(invalid(format!("`{name}` is empty")));
            }
            *slot = Some(value.to_owned());
        }
        let host_name = host_name.ok_or_else(|| invalid("`HostName` is missing"))?;
        let device_id = device_id.ok_or_else(|| invalid("`DeviceId` is missing"))?;
        let x509 = match x509.as_deref() {
            None => false,
            Some(v) if v.eq_ignore_ascii_case("true") => true,
            Some(v) if v.eq_ignore_ascii_case("false") => false,
            Some(_) => return Err(invalid("`x509` must be `true` or `false`")),
        };
        let credentials = match (key, x509) {
            (Some(_), true) => {
                return Err(invalid("both `SharedAccessKey` and `x509=true`: give one"))
            }
            (Some(key), false) => Credentials::Sas {
                key: SasKey::from_base64(&key)
                    .map_err(|_| invalid("`SharedAccessKey` is not valid base64"))?,
                policy,
            },
            (None, true) => Credentials::X509,
            (None, false) => {
                return Err(invalid(
                    "no credentials: give `SharedAccessKey` or `x509=true`",
                ))
            }
        };
        Ok(Self {
            host_name,
            gateway_host_name,
            device_id,
            module_id,
            credentials,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "c2VjcmV0LWtleS1ieXRlcw==";

    #[test]
    fn reads_device_and_module_strings() {
        let device: ConnectionString =
            format!("HostName=h.example;DeviceId=d1;SharedAccessKey={KEY}")
                .parse()
                .expect("parses");
        assert_eq!(device.host_name, "h.example");
        assert_eq!(device.device_id, "d1");
        assert!(matches!(
            device.credentials,
            Credentials::Sas { policy: None, .. }
        ));
        let module: ConnectionString =
            format!(" HostName=h;DeviceId=d;ModuleId=m;SharedAccessKey={KEY}; ")
                .parse()
                .expect("parses");
        assert_eq!(module.module_id.as_deref(), Some("m"));
        let x509: ConnectionString = "HostName=h;DeviceId=d;x509=true".parse().expect("parses");
        assert!(matches!(x509.credentials, Credentials::X509));
    }

    #[test]
    fn errors_name_the_part_and_never_the_key() {
        let secret = "c2VjcmV0LXZhbHVl";
        for (text, expected) in [
            (
                format!("DeviceId=d;SharedAccessKey={secret}"),
                "`HostName` is missing",
            ),
            (
                format!("HostName=h;SharedAccessKey={secret}"),
                "`DeviceId` is missing",
            ),
            ("HostName=h;DeviceId=d".to_owned(), "no credentials"),
            (
                format!("HostName=h;DeviceId=d;SharedAccesKey={secret}"),
                "unknown part `SharedAccesKey`",
            ),
            (
                format!("HostName=h;HostName=g;DeviceId=d;SharedAccessKey={secret}"),
                "`HostName` appears twice",
            ),
            (
                "HostName=h;DeviceId=d;SharedAccessKey=not base64!".to_owned(),
                "not valid base64",
            ),
            (
                format!("HostName=h;DeviceId=d;SharedAccessKey={secret};x509=true"),
                "give one",
            ),
            (
                format!("HostName=h;DeviceId=d;{secret}"),
                "part 3 has no `=`",
            ),
        ] {
            let error = text
                .parse::<ConnectionString>()
                .expect_err(&text)
                .to_string();
            assert!(error.contains(expected), "{error}");
            assert!(!error.contains(secret), "{error}");
        }
        let parsed: ConnectionString = format!("HostName=h;DeviceId=d;SharedAccessKey={secret}")
            .parse()
            .expect("parses");
        assert!(!format!("{parsed:?}").contains(secret));
    }
}
