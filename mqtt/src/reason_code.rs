//! MQTT 5's reason codes (the MQTT 5.0 specification's table 2-6) as one
//! typed enum, as rustls types its wire enums: every code the standard
//! names has a variant, and any other byte is kept as `Unknown(u8)`, so a
//! peer's code round-trips whatever it is. One number can mean different
//! things in different packets (0x00 is Success, Normal disconnection and
//! Granted QoS 0); the variant is named for its most common use and the
//! others are associated constants.

use std::fmt;

macro_rules! reason_codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $name:literal; )*) => {
        /// An MQTT 5 reason code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ReasonCode {
            $( $(#[$doc])* $variant, )*
            /// A code MQTT 5 does not define.
            Unknown(u8),
        }

        impl From<u8> for ReasonCode {
            fn from(code: u8) -> Self {
                match code {
                    $( $code => Self::$variant, )*
                    other => Self::Unknown(other),
                }
            }
        }

        impl From<ReasonCode> for u8 {
            fn from(code: ReasonCode) -> Self {
                match code {
                    $( ReasonCode::$variant => $code, )*
                    ReasonCode::Unknown(other) => other,
                }
            }
        }

        impl ReasonCode {
            /// The name MQTT 5 gives it (`Unknown` for an undefined code).
            pub fn name(self) -> &'static str {
                match self {
                    $( Self::$variant => $name, )*
                    Self::Unknown(_) => "Unknown",
                }
            }
        }
    };
}

reason_codes! {
    /// 0x00: Success (CONNACK, PUBACK, UNSUBACK, AUTH), also Normal
    /// disconnection (DISCONNECT) and Granted QoS 0 (SUBACK).
    Success = 0x00, "Success";
    /// 0x01: Granted QoS 1 (SUBACK).
    GrantedQos1 = 0x01, "Granted QoS 1";
    /// 0x02: Granted QoS 2 (SUBACK).
    GrantedQos2 = 0x02, "Granted QoS 2";
    /// 0x04: Disconnect with Will Message (DISCONNECT).
    DisconnectWithWillMessage = 0x04, "Disconnect with Will Message";
    /// 0x10: No matching subscribers (PUBACK).
    NoMatchingSubscribers = 0x10, "No matching subscribers";
    /// 0x11: No subscription existed (UNSUBACK).
    NoSubscriptionExisted = 0x11, "No subscription existed";
    /// 0x18: Continue authentication (AUTH).
    ContinueAuthentication = 0x18, "Continue authentication";
    /// 0x19: Re-authenticate (AUTH).
    ReAuthenticate = 0x19, "Re-authenticate";
    /// 0x80: Unspecified error.
    UnspecifiedError = 0x80, "Unspecified error";
    /// 0x81: Malformed Packet.
    MalformedPacket = 0x81, "Malformed Packet";
    /// 0x82: Protocol Error.
    ProtocolError = 0x82, "Protocol Error";
    /// 0x83: Implementation specific error.
    ImplementationSpecificError = 0x83, "Implementation specific error";
    /// 0x84: Unsupported Protocol Version (CONNACK).
    UnsupportedProtocolVersion = 0x84, "Unsupported Protocol Version";
    /// 0x85: Client Identifier not valid (CONNACK).
    ClientIdentifierNotValid = 0x85, "Client Identifier not valid";
    /// 0x86: Bad User Name or Password (CONNACK).
    BadUserNameOrPassword = 0x86, "Bad User Name or Password";
    /// 0x87: Not authorized.
    NotAuthorized = 0x87, "Not authorized";
    /// 0x88: Server unavailable (CONNACK).
    ServerUnavailable = 0x88, "Server unavailable";
    /// 0x89: Server busy.
    ServerBusy = 0x89, "Server busy";
    /// 0x8A: Banned (CONNACK).
    Banned = 0x8A, "Banned";
    /// 0x8B: Server shutting down (DISCONNECT).
    ServerShuttingDown = 0x8B, "Server shutting down";
    /// 0x8C: Bad authentication method.
    BadAuthenticationMethod = 0x8C, "Bad authentication method";
    /// 0x8D: Keep Alive timeout (DISCONNECT).
    KeepAliveTimeout = 0x8D, "Keep Alive timeout";
    /// 0x8E: Session taken over (DISCONNECT).
    SessionTakenOver = 0x8E, "Session taken over";
    /// 0x8F: Topic Filter invalid.
    TopicFilterInvalid = 0x8F, "Topic Filter invalid";
    /// 0x90: Topic Name invalid.
    TopicNameInvalid = 0x90, "Topic Name invalid";
    /// 0x91: Packet Identifier in use.
    PacketIdentifierInUse = 0x91, "Packet Identifier in use";
    /// 0x92: Packet Identifier not found.
    PacketIdentifierNotFound = 0x92, "Packet Identifier not found";
    /// 0x93: Receive Maximum exceeded (DISCONNECT).
    ReceiveMaximumExceeded = 0x93, "Receive Maximum exceeded";
    /// 0x94: Topic Alias invalid (DISCONNECT).
    TopicAliasInvalid = 0x94, "Topic Alias invalid";
    /// 0x95: Packet too large.
    PacketTooLarge = 0x95, "Packet too large";
    /// 0x96: Message rate too high (DISCONNECT).
    MessageRateTooHigh = 0x96, "Message rate too high";
    /// 0x97: Quota exceeded.
    QuotaExceeded = 0x97, "Quota exceeded";
    /// 0x98: Administrative action (DISCONNECT).
    AdministrativeAction = 0x98, "Administrative action";
    /// 0x99: Payload format invalid.
    PayloadFormatInvalid = 0x99, "Payload format invalid";
    /// 0x9A: Retain not supported.
    RetainNotSupported = 0x9A, "Retain not supported";
    /// 0x9B: QoS not supported.
    QosNotSupported = 0x9B, "QoS not supported";
    /// 0x9C: Use another server.
    UseAnotherServer = 0x9C, "Use another server";
    /// 0x9D: Server moved.
    ServerMoved = 0x9D, "Server moved";
    /// 0x9E: Shared Subscriptions not supported.
    SharedSubscriptionsNotSupported = 0x9E, "Shared Subscriptions not supported";
    /// 0x9F: Connection rate exceeded.
    ConnectionRateExceeded = 0x9F, "Connection rate exceeded";
    /// 0xA0: Maximum connect time (DISCONNECT).
    MaximumConnectTime = 0xA0, "Maximum connect time";
    /// 0xA1: Subscription Identifiers not supported.
    SubscriptionIdentifiersNotSupported = 0xA1, "Subscription Identifiers not supported";
    /// 0xA2: Wildcard Subscriptions not supported.
    WildcardSubscriptionsNotSupported = 0xA2, "Wildcard Subscriptions not supported";
}

impl ReasonCode {
    /// 0x00 in a DISCONNECT.
    pub const NORMAL_DISCONNECTION: Self = Self::Success;
    /// 0x00 in a SUBACK.
    pub const GRANTED_QOS_0: Self = Self::Success;

    /// Whether it reports a failure (0x80 and above, MQTT 5 §2.4).
    pub fn is_error(self) -> bool {
        u8::from(self) >= 0x80
    }
}

impl fmt::Display for ReasonCode {
    /// `0x87 (Not authorized)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:02X} ({})", u8::from(*self), self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_round_trips_and_undefined_ones_are_unknown() {
        let mut defined = 0;
        for byte in 0..=u8::MAX {
            let code = ReasonCode::from(byte);
            assert_eq!(u8::from(code), byte);
            if matches!(code, ReasonCode::Unknown(_)) {
                assert_eq!(code.name(), "Unknown");
            } else {
                defined += 1;
            }
        }
        assert_eq!(defined, 43, "the codes of MQTT 5's table 2-6");
        assert_eq!(ReasonCode::from(0x87), ReasonCode::NotAuthorized);
        assert_eq!(
            ReasonCode::NotAuthorized.to_string(),
            "0x87 (Not authorized)"
        );
        assert!(ReasonCode::NotAuthorized.is_error());
        assert!(!ReasonCode::NoMatchingSubscribers.is_error());
        assert_eq!(ReasonCode::NORMAL_DISCONNECTION, ReasonCode::from(0));
    }
}
