//! A telemetry message as the state file keeps it: keyed by its sequence
//! number, the body as is, and the record
//! `{"deviceId","enqueuedTime",` + its properties in wire form`}`.

use iothub_client::api::send_telemetry;
use iothub_client::wire::{MqttProperties, Timestamp};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{TelemetryEvent, TelemetryRecord};
use crate::hub::wire_record;
use crate::registry::DeviceId;
use crate::store::{Change, TelemetryRow};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Fields {
    device_id: String,
    enqueued_time: u64,
}

/// The change that appends `event` (and drops messages `dropped`).
pub(crate) fn append(event: &TelemetryEvent, dropped: &[u64]) -> Change {
    let mut record = Map::new();
    record.insert("deviceId".into(), event.device_id.as_str().into());
    record.insert(
        "enqueuedTime".into(),
        event.enqueued_time.as_millis().into(),
    );
    wire_record::write(&event.record.properties.to_properties(), &mut record);
    Change::AppendTelemetry {
        sequence_no: event.sequence_no,
        meta: Value::Object(record).to_string().into_bytes(),
        body: event.record.body.clone(),
        dropped: dropped.to_vec(),
    }
}

/// The message of `row`.
pub(crate) fn decode(row: &TelemetryRow) -> Result<TelemetryEvent, String> {
    let sequence_no = row.sequence_no;
    let bad = |e: String| format!("telemetry message {sequence_no}: {e}");
    let (properties, fields) = wire_record::read::<Fields>(&row.meta)
        .and_then(wire_record::Stored::into_parts)
        .map_err(bad)?;
    let device_id = DeviceId::new(fields.device_id).map_err(|e| bad(e.to_string()))?;
    let properties =
        send_telemetry::Message::from_properties(&properties).map_err(|e| bad(e.to_string()))?;
    Ok(TelemetryEvent {
        sequence_no,
        device_id,
        enqueued_time: Timestamp(fields.enqueued_time),
        record: TelemetryRecord {
            properties,
            body: row.body.clone(),
        },
    })
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;

    use super::*;

    #[test]
    fn a_message_round_trips() {
        let mut properties = send_telemetry::Message {
            content_type: Some("application/json".into()),
            message_id: Some("m-1".into()),
            creation_time: Some(Timestamp(17)),
            ..Default::default()
        };
        properties.application.insert("b", "2").insert("a", "1");
        let event = TelemetryEvent {
            sequence_no: 42,
            device_id: DeviceId::new("dev1").unwrap(),
            enqueued_time: Timestamp(1_700_000_000_000),
            record: TelemetryRecord {
                properties,
                body: Bytes::from_static(&[0, 159, 146, 150]),
            },
        };
        let Change::AppendTelemetry {
            sequence_no,
            meta,
            body,
            dropped,
        } = append(&event, &[3])
        else {
            panic!("not telemetry");
        };
        assert_eq!((sequence_no, dropped), (42, vec![3]));
        let row = TelemetryRow {
            sequence_no,
            meta,
            body,
        };
        assert_eq!(decode(&row).unwrap(), event);
    }

    #[test]
    fn a_bad_record_is_an_error() {
        let row = TelemetryRow {
            sequence_no: 5,
            meta: br#"{"deviceId":"dev1","enqueuedTime":1,"user":[["bogus","x"]]}"#.to_vec(),
            body: Bytes::new(),
        };
        let error = decode(&row).unwrap_err();
        assert!(error.starts_with("telemetry message 5:"), "{error}");
        let row = TelemetryRow {
            meta: b"[]".to_vec(),
            ..row
        };
        assert!(decode(&row).is_err());
    }
}
