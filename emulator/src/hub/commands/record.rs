//! A command as the state file keeps it: keyed by (device id, sequence
//! number), the payload as is, and the record `{"state",` + the Receive
//! Commands message's properties in wire form`}` (sequence number,
//! enqueued time, delivery count and the sender's properties are there).
//! Each queue's last sequence number has a row of its own, so numbering
//! continues even when its newest commands were dropped.

use iothub_client::api::receive_commands;
use iothub_client::wire::{MqttProperties, Timestamp};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Command, CommandState, QueuedCommand};
use crate::hub::wire_record;
use crate::registry::DeviceId;
use crate::store::{Change, CommandRow};

#[derive(Deserialize)]
struct Fields {
    state: String,
    /// Milliseconds since the Unix epoch (records written before expiry
    /// existed have none: they never expire).
    #[serde(default)]
    expiry: Option<u64>,
}

/// The change that stores `command` of device `id` (and, when enqueuing
/// it, the queue's new last sequence number).
pub(crate) fn put(id: &DeviceId, command: &QueuedCommand, last_sequence_no: Option<u64>) -> Change {
    let mut record = Map::new();
    record.insert("state".into(), command.state.as_str().into());
    record.insert("expiry".into(), command.expiry_time.as_millis().into());
    wire_record::write(&command.to_message().to_properties(), &mut record);
    Change::PutCommand {
        id: id.as_str().to_owned(),
        sequence_no: command.sequence_no,
        meta: Value::Object(record).to_string().into_bytes(),
        payload: command.command.payload.clone(),
        last_sequence_no,
    }
}

/// The change that drops finished commands `sequence_nos` of device `id`.
pub(crate) fn dropped(id: &DeviceId, sequence_nos: Vec<u64>) -> Change {
    Change::DropCommands {
        id: id.as_str().to_owned(),
        sequence_nos,
    }
}

/// The change that forgets device `id`'s queue and its numbering.
pub(crate) fn remove(id: &DeviceId) -> Change {
    Change::RemoveQueue {
        id: id.as_str().to_owned(),
    }
}

/// The command of `row`.
pub(crate) fn decode(row: &CommandRow) -> Result<QueuedCommand, String> {
    let bad = |e: String| format!("command {} of `{}`: {e}", row.sequence_no, row.id);
    let (properties, fields) = wire_record::read::<Fields>(&row.meta)
        .and_then(wire_record::Stored::into_parts)
        .map_err(bad)?;
    let state = CommandState::ALL
        .into_iter()
        .find(|s| s.as_str() == fields.state)
        .ok_or_else(|| bad("`state` is not a command state".to_owned()))?;
    let message =
        receive_commands::Message::from_properties(&properties).map_err(|e| bad(e.to_string()))?;
    if message.sequence_no != row.sequence_no {
        return Err(bad("its sequence number differs from its key".to_owned()));
    }
    Ok(QueuedCommand {
        sequence_no: message.sequence_no,
        enqueued_time: message.enqueued_time,
        delivery_count: message.delivery_count,
        state,
        expiry_time: Timestamp(fields.expiry.unwrap_or(u64::MAX)),
        not_before: None,
        command: Command {
            payload: row.payload.clone(),
            message_id: message.message_id,
            correlation_id: message.correlation_id,
            user_id: message.user_id,
            content_type: message.content_type,
            content_encoding: message.content_encoding,
            creation_time: message.creation_time,
            application: message.application,
            expiry_time: fields.expiry.map(Timestamp),
        },
    })
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use iothub_client::wire::Timestamp;

    use super::*;

    fn row(change: Change) -> CommandRow {
        let Change::PutCommand {
            id,
            sequence_no,
            meta,
            payload,
            ..
        } = change
        else {
            panic!("not a command");
        };
        CommandRow {
            id,
            sequence_no,
            meta,
            payload,
        }
    }

    #[test]
    fn commands_round_trip_in_every_state() {
        let id = DeviceId::new("dev1").unwrap();
        for (n, state) in CommandState::ALL.into_iter().enumerate() {
            let command = QueuedCommand {
                sequence_no: 9 + n as u64,
                enqueued_time: Timestamp(1_700_000_000_000),
                delivery_count: 2,
                state,
                expiry_time: Timestamp(1_700_000_360_000),
                not_before: None,
                command: Command::new(Bytes::from_static(&[0, 255, 1]))
                    .expiry_time(Timestamp(1_700_000_360_000))
                    .message_id("m")
                    .correlation_id("c")
                    .user_id("u")
                    .content_type("text/plain")
                    .content_encoding("utf-8")
                    .creation_time(Timestamp(5))
                    .application_property("b", "2")
                    .application_property("a", "1"),
            };
            let change = put(&id, &command, Some(11));
            assert!(matches!(
                change,
                Change::PutCommand {
                    last_sequence_no: Some(11),
                    ..
                }
            ));
            assert_eq!(decode(&row(change)).unwrap(), command);
        }
        let bare = QueuedCommand {
            sequence_no: 1,
            enqueued_time: Timestamp(1),
            delivery_count: 0,
            state: CommandState::Queued,
            expiry_time: Timestamp(7),
            not_before: None,
            command: Command::new(Bytes::new()).expiry_time(Timestamp(7)),
        };
        assert_eq!(decode(&row(put(&id, &bare, None))).unwrap(), bare);
    }

    #[test]
    fn bad_records_are_errors() {
        let id = DeviceId::new("dev1").unwrap();
        let command = QueuedCommand {
            sequence_no: 3,
            enqueued_time: Timestamp(1),
            delivery_count: 0,
            state: CommandState::Queued,
            expiry_time: Timestamp(7),
            not_before: None,
            command: Command::new(Bytes::new()).expiry_time(Timestamp(7)),
        };
        let mut moved = row(put(&id, &command, None));
        moved.sequence_no = 4;
        assert!(decode(&moved).unwrap_err().contains("differs from its key"));
        let mut other = row(put(&id, &command, None));
        other.meta = br#"{"state":"lost","user":[]}"#.to_vec();
        assert!(decode(&other).unwrap_err().contains("`state`"));
        other.meta = br#"{"state":"queued","user":[]}"#.to_vec();
        let error = decode(&other).unwrap_err();
        assert!(error.starts_with("command 3 of `dev1`"), "{error}");
    }
}
