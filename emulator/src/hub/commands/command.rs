//! A command (cloud-to-device message) as a sender gives it, and as the
//! queue holds it.

use bytes::Bytes;
use iothub_client::api::receive_commands;
use iothub_client::wire::{ApplicationProperties, Timestamp};

/// A command to enqueue: the payload and the sender's optional properties.
/// Built with [`Command::new`] and the setters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Command {
    /// The payload.
    pub payload: Bytes,
    /// The sender's message id.
    pub message_id: Option<String>,
    /// The sender's correlation id.
    pub correlation_id: Option<String>,
    /// The sender's user id.
    pub user_id: Option<String>,
    /// The payload's content type.
    pub content_type: Option<String>,
    /// The payload's content encoding.
    pub content_encoding: Option<String>,
    /// When the sender created it.
    pub creation_time: Option<Timestamp>,
    /// The sender's application properties, in order.
    pub application: ApplicationProperties,
    /// When it expires if not completed or rejected by then (default: its
    /// enqueueing plus [`CommandQuotas::ttl`](super::CommandQuotas::ttl)).
    pub expiry_time: Option<Timestamp>,
}

impl Command {
    /// A command with `payload` and no properties.
    pub fn new(payload: impl Into<Bytes>) -> Self {
        Self {
            payload: payload.into(),
            ..Self::default()
        }
    }

    /// Sets the message id.
    pub fn message_id(mut self, value: impl Into<String>) -> Self {
        self.message_id = Some(value.into());
        self
    }

    /// Sets the correlation id.
    pub fn correlation_id(mut self, value: impl Into<String>) -> Self {
        self.correlation_id = Some(value.into());
        self
    }

    /// Sets the user id.
    pub fn user_id(mut self, value: impl Into<String>) -> Self {
        self.user_id = Some(value.into());
        self
    }

    /// Sets the content type.
    pub fn content_type(mut self, value: impl Into<String>) -> Self {
        self.content_type = Some(value.into());
        self
    }

    /// Sets the content encoding.
    pub fn content_encoding(mut self, value: impl Into<String>) -> Self {
        self.content_encoding = Some(value.into());
        self
    }

    /// Sets the expiry time.
    pub fn expiry_time(mut self, value: Timestamp) -> Self {
        self.expiry_time = Some(value);
        self
    }

    /// Sets the creation time.
    pub fn creation_time(mut self, value: Timestamp) -> Self {
        self.creation_time = Some(value);
        self
    }

    /// Adds an application property (a leading `@` is the prefix, not part
    /// of the name).
    pub fn application_property(
        mut self,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.application.insert(name, value);
        self
    }
}

/// Where a queued command stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommandState {
    /// Waiting for its first delivery.
    Queued,
    /// Sent to the device, not acknowledged yet.
    Delivered,
    /// Acknowledged by the device: done.
    Completed,
    /// Abandoned by the device: waiting for redelivery.
    Abandoned,
    /// Rejected by the device: never delivered again.
    Rejected,
    /// Not completed or rejected within the maximum delivery count: never
    /// delivered again.
    DeadLettered,
    /// Not completed or rejected before its expiry: never delivered again.
    Expired,
}

impl CommandState {
    /// The lower-case name the service API shows (`queued`, `delivered`, …).
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Delivered => "delivered",
            Self::Completed => "completed",
            Self::Abandoned => "abandoned",
            Self::Rejected => "rejected",
            Self::DeadLettered => "deadLettered",
            Self::Expired => "expired",
        }
    }

    /// Every state.
    pub const ALL: [Self; 7] = [
        Self::Queued,
        Self::Delivered,
        Self::Completed,
        Self::Abandoned,
        Self::Rejected,
        Self::DeadLettered,
        Self::Expired,
    ];

    /// Whether it can be delivered (queued, or abandoned for redelivery).
    pub fn is_deliverable(&self) -> bool {
        matches!(self, Self::Queued | Self::Abandoned)
    }

    /// Whether it is done for good (completed, rejected, dead-lettered or
    /// expired).
    pub fn is_finished(&self) -> bool {
        matches!(
            self,
            Self::Completed | Self::Rejected | Self::DeadLettered | Self::Expired
        )
    }
}

impl std::fmt::Display for CommandState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A command in a device's queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedCommand {
    /// Its sequence number (increasing per device, from 1).
    pub sequence_no: u64,
    /// When the hub enqueued it.
    pub enqueued_time: Timestamp,
    /// How many times it was delivered.
    pub delivery_count: u32,
    /// Where it stands.
    pub state: CommandState,
    /// When it expires if it is not completed or rejected by then.
    pub expiry_time: Timestamp,
    /// Not delivered again before this (after an abandoned or failed
    /// delivery); not kept across a restart.
    pub not_before: Option<Timestamp>,
    /// The command.
    pub command: Command,
}

impl QueuedCommand {
    /// The generated Receive Commands message for delivering it (its
    /// payload is [`Command::payload`]).
    pub fn to_message(&self) -> receive_commands::Message {
        let command = &self.command;
        receive_commands::Message {
            sequence_no: self.sequence_no,
            enqueued_time: self.enqueued_time,
            delivery_count: self.delivery_count,
            creation_time: command.creation_time,
            message_id: command.message_id.clone(),
            user_id: command.user_id.clone(),
            correlation_id: command.correlation_id.clone(),
            content_type: command.content_type.clone(),
            content_encoding: command.content_encoding.clone(),
            application: command.application.clone(),
            other_properties: Vec::new(),
        }
    }
}
