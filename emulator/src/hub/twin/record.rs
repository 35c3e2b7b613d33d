//! A twin as the state file keeps it: keyed by device id, the whole twin
//! as the service API shows it without its id,
//! `{"version","properties":{"desired":{…,"$version":n},"reported":{…,"$version":m}},"tags":{…}}`
//! (`tags` only when it has some; a record without has none, as earlier
//! versions wrote them).

use serde_json::{json, Map, Value};

use super::{Twin, TwinState, METADATA_FIELD, VERSION_FIELD};
use crate::registry::DeviceId;
use crate::store::Change;

/// The change that stores `twin`.
pub(crate) fn put(twin: &Twin) -> Change {
    let stored = |side: &TwinState| {
        let mut object = side.to_json();
        if !side.metadata.is_empty() {
            object[METADATA_FIELD] = Value::Object(side.metadata.clone());
        }
        object
    };
    let properties =
        json!({ "desired": stored(&twin.desired), "reported": stored(&twin.reported) });
    let mut record = json!({ "version": twin.version, "properties": properties });
    if !twin.tags.is_empty() {
        record["tags"] = Value::Object(twin.tags.clone());
    }
    Change::PutTwin {
        id: twin.device_id.as_str().to_owned(),
        value: record.to_string().into_bytes(),
    }
}

/// The change that forgets device `id`'s twin.
pub(crate) fn remove(id: &DeviceId) -> Change {
    Change::RemoveTwin {
        id: id.as_str().to_owned(),
    }
}

/// A version: a positive integer.
fn version(value: Option<&Value>, what: &str) -> Result<u64, String> {
    value
        .and_then(Value::as_u64)
        .filter(|v| *v > 0)
        .ok_or_else(|| format!("{what} is not a positive integer"))
}

/// One side: an object with its `$version`.
fn side(properties: &Map<String, Value>, name: &str) -> Result<TwinState, String> {
    let Some(Value::Object(object)) = properties.get(name) else {
        return Err(format!("`properties.{name}` is not an object"));
    };
    let mut object = object.clone();
    let version = version(
        object.remove(VERSION_FIELD).as_ref(),
        &format!("`properties.{name}.{VERSION_FIELD}`"),
    )?;
    let metadata = match object.remove(METADATA_FIELD) {
        None => Map::new(),
        Some(Value::Object(metadata)) => metadata,
        Some(_) => {
            return Err(format!(
                "`properties.{name}.{METADATA_FIELD}` is not an object"
            ))
        }
    };
    Ok(TwinState {
        properties: object,
        version,
        metadata,
    })
}

/// The twin of device `id` stored as `record`.
pub(crate) fn decode(id: &str, record: &[u8]) -> Result<Twin, String> {
    let bad = |e: String| format!("the twin of `{id}`: {e}");
    let device_id = DeviceId::new(id).map_err(|e| bad(e.to_string()))?;
    let value: Value =
        serde_json::from_slice(record).map_err(|e| bad(crate::redact::scrub(&e.to_string())))?;
    let Some(Value::Object(properties)) = value.get("properties") else {
        return Err(bad("`properties` is not an object".to_owned()));
    };
    Ok(Twin {
        device_id,
        version: version(value.get("version"), "`version`").map_err(bad)?,
        desired: side(properties, "desired").map_err(bad)?,
        reported: side(properties, "reported").map_err(bad)?,
        tags: match value.get("tags") {
            None => Map::new(),
            Some(Value::Object(tags)) => tags.clone(),
            Some(_) => return Err(bad("`tags` is not an object".to_owned())),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_twin_round_trips() {
        let twin = Twin {
            device_id: DeviceId::new("dev1").unwrap(),
            version: 7,
            desired: TwinState {
                properties: json!({"a": {"b": [1, 2]}, "c": null})
                    .as_object()
                    .unwrap()
                    .clone(),
                version: 3,
                metadata: json!({"$lastUpdated": "2026-12-07T05:00:00.000Z", "a": {"$lastUpdated": "2026-12-07T05:00:00.000Z", "$lastUpdatedVersion": 3}})
                    .as_object()
                    .unwrap()
                    .clone(),
            },
            reported: TwinState {
                properties: Map::new(),
                version: 5,
                metadata: Map::new(),
            },
            tags: json!({"site": {"floor": 3}}).as_object().unwrap().clone(),
        };
        let Change::PutTwin { id, value } = put(&twin) else {
            panic!("not a twin");
        };
        assert_eq!(decode(&id, &value).unwrap(), twin);
    }

    #[test]
    fn bad_records_are_errors() {
        for (record, needle) in [
            (&br#"{"version":2,"properties":{}}"#[..], "`properties.desired`"),
            (br#"{"version":0,"properties":{"desired":{"$version":1},"reported":{"$version":1}}}"#, "`version`"),
            (br#"{"version":2,"properties":{"desired":{},"reported":{"$version":1}}}"#, "$version"),
            (br#"{"version":2}"#, "`properties`"),
            (b"\"x\"", "`properties`"),
            (b"{", "EOF"),
            (br#"{"version":2,"properties":{"desired":{"$version":1},"reported":{"$version":1}},"tags":[]}"#, "`tags`"),
        ] {
            let error = decode("dev1", record).unwrap_err();
            assert!(error.contains("dev1") && error.contains(needle), "{error} / {needle}");
        }
    }
}
