//! The connection's state as applications see it: a
//! [`tokio::sync::watch`] channel the session task updates.

use std::time::Duration;

/// Why a connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisconnectCause {
    /// The hub sent DISCONNECT: its reason code, `status` and reason.
    Hub {
        /// DISCONNECT Reason Code (e.g. 135 Not authorized, 142 Session taken over).
        reason_code: u8,
        /// The `status` user property, if sent.
        status: Option<String>,
        /// The `reason` user property or Reason String, if sent.
        reason: Option<String>,
    },
    /// The hub refused the connection in CONNACK (reason code, status, reason).
    Refused {
        /// CONNACK Reason Code.
        reason_code: u8,
        /// The `status` user property, if sent.
        status: Option<String>,
        /// The `reason` user property or Reason String, if sent.
        reason: Option<String>,
    },
    /// The network failed (connect, read, write, TLS) or timed out.
    Network(String),
    /// The hub broke the protocol (an unreadable or unexpected packet).
    Protocol(String),
    /// No PINGRESP in time: the hub or the path to it is gone.
    KeepAliveTimeout,
}

impl std::fmt::Display for DisconnectCause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Hub {
                reason_code,
                status,
                reason,
            }
            | Self::Refused {
                reason_code,
                status,
                reason,
            } => {
                let what = if matches!(self, Self::Hub { .. }) {
                    "the hub disconnected"
                } else {
                    "the hub refused the connection"
                };
                write!(f, "{what} with reason code {reason_code}")?;
                if let Some(status) = status {
                    write!(f, ", status {status}")?;
                }
                if let Some(reason) = reason {
                    write!(f, " ({reason})")?;
                }
                Ok(())
            }
            Self::Network(e) => write!(f, "network: {e}"),
            Self::Protocol(e) => write!(f, "protocol: {e}"),
            Self::KeepAliveTimeout => f.write_str("no PINGRESP within the keep alive"),
        }
    }
}

/// A subscription the hub refused (SUBACK).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedSubscription {
    /// The topic filter.
    pub filter: &'static str,
    /// The SUBACK reason code (e.g. 0x8F Topic Filter invalid, 0x97 Quota
    /// exceeded, 0xA2 Wildcard subscriptions not supported).
    pub reason_code: u8,
}

/// The state of the client's connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectionState {
    /// Opening a connection (attempt number, from 1).
    Connecting {
        /// Which attempt since the last connection (from 1).
        attempt: u32,
    },
    /// Connected.
    Connected {
        /// Whether the hub resumed the previous session (subscriptions kept).
        session_present: bool,
        /// How many connections this client has made (from 1).
        connection: u64,
        /// The subscriptions the hub refused on this connection (the next
        /// connection asks again; each operation's receiver also reports it).
        refused: Vec<RefusedSubscription>,
    },
    /// Not connected; the client tries again after `retry_in`.
    Disconnected {
        /// Why.
        cause: DisconnectCause,
        /// The wait before the next attempt.
        retry_in: Duration,
    },
    /// The client stopped for good: shut down, or refused for a reason that
    /// retrying cannot fix (the cause, if any).
    Closed {
        /// Why, unless it was shut down.
        cause: Option<DisconnectCause>,
    },
}

impl DisconnectCause {
    /// What waits on a client that closed for this cause is told: the
    /// refusal, or that the client is closed.
    pub(crate) fn closing_error(cause: Option<&Self>) -> crate::Error {
        match cause {
            Some(Self::Refused {
                reason_code,
                status,
                reason,
            }) => crate::Error::ConnectionRefused {
                reason_code: *reason_code,
                status: status.clone(),
                reason: reason.clone(),
            },
            _ => crate::Error::Closed,
        }
    }
}

impl ConnectionState {
    /// Whether it is connected.
    pub fn is_connected(&self) -> bool {
        matches!(self, Self::Connected { .. })
    }
}
