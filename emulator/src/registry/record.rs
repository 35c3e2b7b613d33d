//! A device identity as the state file keeps it: JSON with its keys in
//! base64 (they must be there to restart) or its thumbprints,
//! `{"type":"sas","primaryKey","secondaryKey"}` or
//! `{"type":"selfSigned","primaryThumbprint","secondaryThumbprint"}`, with
//! `"status":"disabled"` and `"statusReason"` when it has them (a record
//! without is an enabled device, as earlier versions wrote them).
//! Decoding errors never repeat what the record holds.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Authentication, Device, DeviceId, DeviceStatus, Key, Thumbprint};
use crate::redact::scrub;
use crate::store::{Change, SecretBytes};

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
enum Stored {
    #[serde(rename_all = "camelCase")]
    Sas {
        primary_key: String,
        secondary_key: String,
        #[serde(default)]
        status: Option<String>,
        #[serde(default)]
        status_reason: Option<String>,
    },
    #[serde(rename_all = "camelCase")]
    SelfSigned {
        primary_thumbprint: String,
        secondary_thumbprint: String,
        #[serde(default)]
        status: Option<String>,
        #[serde(default)]
        status_reason: Option<String>,
    },
}

/// Overwrites a string that held a key with zeros.
fn wipe(mut text: String) {
    // Zeros are valid UTF-8 and take the bytes' places one for one, in
    // place.
    let zeros = "\0".repeat(text.len());
    text.replace_range(.., &zeros);
    std::hint::black_box(&mut text);
}

/// The change that stores `device`.
pub(crate) fn put(device: &Device) -> Change {
    let mut record = Map::new();
    let mut keys = Vec::new();
    match &device.authentication {
        Authentication::Sas { primary, secondary } => {
            record.insert("type".into(), "sas".into());
            for (name, key) in [("primaryKey", primary), ("secondaryKey", secondary)] {
                let text = key.expose_base64();
                record.insert(name.into(), Value::String(text.clone()));
                keys.push(text);
            }
        }
        Authentication::SelfSigned {
            primary_thumbprint,
            secondary_thumbprint,
        } => {
            record.insert("type".into(), "selfSigned".into());
            record.insert(
                "primaryThumbprint".into(),
                primary_thumbprint.as_str().into(),
            );
            record.insert(
                "secondaryThumbprint".into(),
                secondary_thumbprint.as_str().into(),
            );
        }
    }
    if device.status != DeviceStatus::Enabled {
        record.insert("status".into(), device.status.as_str().into());
    }
    if let Some(reason) = &device.status_reason {
        record.insert("statusReason".into(), reason.as_str().into());
    }
    let value = Value::Object(record);
    let bytes = value.to_string().into_bytes();
    if let Value::Object(record) = value {
        for (_, field) in record {
            if let Value::String(text) = field {
                wipe(text);
            }
        }
    }
    keys.into_iter().for_each(wipe);
    Change::PutDevice {
        id: device.id.as_str().to_owned(),
        value: SecretBytes::new(bytes),
    }
}

/// The change that removes device `id`.
pub(crate) fn remove(id: &DeviceId) -> Change {
    Change::RemoveDevice {
        id: id.as_str().to_owned(),
    }
}

/// The device stored under `id` as `record`.
pub(crate) fn decode(id: &str, record: &[u8]) -> Result<Device, String> {
    let id = DeviceId::new(id).map_err(|e| format!("a device row: {e}"))?;
    let stored: Stored = serde_json::from_slice(record)
        .map_err(|e| format!("device `{id}`: {}", scrub(&e.to_string())))?;
    let bad = |e: &dyn std::fmt::Display| format!("device `{id}`: {e}");
    let (status, status_reason) = match &stored {
        Stored::Sas {
            status,
            status_reason,
            ..
        }
        | Stored::SelfSigned {
            status,
            status_reason,
            ..
        } => (status.clone(), status_reason.clone()),
    };
    let status = match status.as_deref() {
        None => DeviceStatus::Enabled,
        Some(text) => DeviceStatus::parse(text)
            .ok_or_else(|| bad(&"`status` is neither `enabled` nor `disabled`"))?,
    };
    let authentication = match stored {
        Stored::Sas {
            primary_key,
            secondary_key,
            ..
        } => {
            let primary = Key::from_base64(&primary_key).map_err(|e| bad(&e));
            let secondary = Key::from_base64(&secondary_key).map_err(|e| bad(&e));
            wipe(primary_key);
            wipe(secondary_key);
            Authentication::Sas {
                primary: primary?,
                secondary: secondary?,
            }
        }
        Stored::SelfSigned {
            primary_thumbprint,
            secondary_thumbprint,
            ..
        } => Authentication::SelfSigned {
            primary_thumbprint: Thumbprint::new(&primary_thumbprint).map_err(|e| bad(&e))?,
            secondary_thumbprint: Thumbprint::new(&secondary_thumbprint).map_err(|e| bad(&e))?,
        },
    };
    Ok(Device::new(id, authentication).with_status(status, status_reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(change: &Change) -> Vec<u8> {
        match change {
            Change::PutDevice { value, .. } => value.expose().to_vec(),
            other => panic!("not a device: {other:?}"),
        }
    }

    #[test]
    fn devices_round_trip() {
        let sas = Device::new(
            DeviceId::new("dev1").unwrap(),
            Authentication::Sas {
                primary: Key::from_bytes(*b"k1").unwrap(),
                secondary: Key::from_bytes(*b"k2").unwrap(),
            },
        );
        let x509 = Device::new(
            DeviceId::new("dev2").unwrap(),
            Authentication::SelfSigned {
                primary_thumbprint: Thumbprint::new(&"a".repeat(40)).unwrap(),
                secondary_thumbprint: Thumbprint::new(&"b".repeat(64)).unwrap(),
            },
        );
        let disabled = sas
            .clone()
            .with_status(DeviceStatus::Disabled, Some("retired".to_owned()));
        for device in [sas, x509, disabled] {
            let change = put(&device);
            assert!(!format!("{change:?}").contains("azE"), "no key in Debug");
            let decoded = decode(device.id.as_str(), &record(&change)).unwrap();
            assert_eq!(decoded, device);
        }
    }

    #[test]
    fn bad_records_are_errors_without_their_contents() {
        for (record, needle) in [
            (
                &br#"{"type":"sas","primaryKey":"c2VjcmV0!","secondaryKey":"eA=="}"#[..],
                "base64",
            ),
            (
                br#"{"type":"sas","primaryKey":"c2VjcmV0","secondaryKey":7}"#,
                "invalid type",
            ),
            (
                br#"{"type":"other","primaryKey":"c2VjcmV0"}"#,
                "unknown variant",
            ),
            (b"not json c2VjcmV0", "expected"),
        ] {
            let error = decode("dev1", record).unwrap_err();
            assert!(error.contains("dev1") && error.contains(needle), "{error}");
            assert!(!error.contains("c2VjcmV0"), "{error}");
        }
        assert!(decode("bad/id", b"{}").unwrap_err().contains("device row"));
    }
}
