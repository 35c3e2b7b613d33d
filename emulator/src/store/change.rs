//! One change of the hub's state, as the rows of the state file's tables it
//! writes or removes. Keys are device ids and sequence numbers; values are
//! the stores' records (see each store's `record` module), opaque here.

use std::fmt;

use bytes::Bytes;

/// Bytes that hold a secret (a device record with its keys): `Debug` shows
/// only their length, and they are overwritten with zeros when dropped.
pub(crate) struct SecretBytes(Vec<u8>);

impl SecretBytes {
    /// Takes `bytes` over.
    pub(crate) fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// The bytes, for writing them. Do not log them.
    pub(crate) fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl Drop for SecretBytes {
    fn drop(&mut self) {
        self.0.iter_mut().for_each(|byte| *byte = 0);
        std::hint::black_box(&mut self.0);
    }
}

impl fmt::Debug for SecretBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBytes({} bytes)", self.0.len())
    }
}

/// One change, applied in the order the stores made them.
pub(crate) enum Change {
    /// A device identity is created or replaced (`value` holds its keys).
    PutDevice {
        /// The device id.
        id: String,
        /// Its record.
        value: SecretBytes,
    },
    /// A device identity is removed.
    RemoveDevice {
        /// The device id.
        id: String,
    },
    /// A twin is created or changed.
    PutTwin {
        /// The device id.
        id: String,
        /// Its record (the whole twin).
        value: Vec<u8>,
    },
    /// A twin is forgotten.
    RemoveTwin {
        /// The device id.
        id: String,
    },
    /// A command is enqueued or changes state.
    PutCommand {
        /// The device id.
        id: String,
        /// Its sequence number.
        sequence_no: u64,
        /// Its record, without the payload.
        meta: Vec<u8>,
        /// Its payload.
        payload: Bytes,
        /// The queue's last sequence number, when this change raised it.
        last_sequence_no: Option<u64>,
    },
    /// Finished commands leave the queue (past the number kept).
    DropCommands {
        /// The device id.
        id: String,
        /// Their sequence numbers.
        sequence_nos: Vec<u64>,
    },
    /// A device's command queue is forgotten, with its numbering.
    RemoveQueue {
        /// The device id.
        id: String,
    },
    /// A telemetry message is appended to the log.
    AppendTelemetry {
        /// Its sequence number.
        sequence_no: u64,
        /// Its record, without the body.
        meta: Vec<u8>,
        /// Its body.
        body: Bytes,
        /// The oldest messages, dropped from the log to make room.
        dropped: Vec<u64>,
    },
    /// The telemetry log is emptied of every message numbered below
    /// `before` (a reset; numbering goes on).
    ClearTelemetry {
        /// The first sequence number kept.
        before: u64,
    },
}

impl Change {
    /// Roughly how many bytes it writes (to bound a batch).
    pub(crate) fn size(&self) -> usize {
        match self {
            Self::PutDevice { id, value } => id.len() + value.0.len(),
            Self::PutTwin { id, value } => id.len() + value.len(),
            Self::PutCommand {
                id, meta, payload, ..
            } => id.len() + meta.len() + payload.len(),
            Self::AppendTelemetry {
                meta,
                body,
                dropped,
                ..
            } => meta.len() + body.len() + 8 * dropped.len(),
            Self::DropCommands { id, sequence_nos } => id.len() + 8 * sequence_nos.len(),
            Self::RemoveDevice { id } | Self::RemoveTwin { id } | Self::RemoveQueue { id } => {
                id.len()
            }
            Self::ClearTelemetry { .. } => 8,
        }
    }

    /// Its kind, for logs.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Self::PutDevice { .. } => "put device",
            Self::RemoveDevice { .. } => "remove device",
            Self::PutTwin { .. } => "put twin",
            Self::RemoveTwin { .. } => "remove twin",
            Self::PutCommand { .. } => "put command",
            Self::DropCommands { .. } => "drop commands",
            Self::RemoveQueue { .. } => "remove queue",
            Self::AppendTelemetry { .. } => "append telemetry",
            Self::ClearTelemetry { .. } => "clear telemetry",
        }
    }
}

/// The kind and key only: values may hold keys, and are large.
impl fmt::Debug for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Change");
        out.field("kind", &self.kind());
        match self {
            Self::PutDevice { id, .. }
            | Self::RemoveDevice { id }
            | Self::PutTwin { id, .. }
            | Self::RemoveTwin { id }
            | Self::DropCommands { id, .. }
            | Self::RemoveQueue { id } => out.field("id", id),
            Self::PutCommand {
                id, sequence_no, ..
            } => out.field("id", id).field("sequence_no", sequence_no),
            Self::AppendTelemetry { sequence_no, .. } => out.field("sequence_no", sequence_no),
            Self::ClearTelemetry { before } => out.field("before", before),
        };
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_value() {
        let change = Change::PutDevice {
            id: "dev1".into(),
            value: SecretBytes::new(b"{\"primaryKey\":\"c2VjcmV0\"}".to_vec()),
        };
        let debug = format!("{change:?}");
        assert!(
            debug.contains("dev1") && debug.contains("put device"),
            "{debug}"
        );
        assert!(!debug.contains("c2VjcmV0"), "{debug}");
        assert_eq!(
            format!("{:?}", SecretBytes::new(b"secret".to_vec())),
            "SecretBytes(6 bytes)"
        );
    }
}
