//! The client's Maximum Packet Size (MQTT 5 §3.1.2.11.4): the hub never
//! sends a packet larger than the CONNECT said.
//!
//! What gives way, and in which order:
//! - An acknowledgement (CONNACK, PUBACK, SUBACK, UNSUBACK) or a DISCONNECT
//!   loses its optional properties, as the overview says for PUBACK: the
//!   Reason String first, then User Properties from the last one on (those
//!   listed first are the likelier to stay). MQTT 5 allows exactly these to
//!   be left out [MQTT-3.4.2-2], [MQTT-3.4.2-3] and alike.
//! - A response on the responses topic loses User Properties from the last
//!   one on, as the overview's note on responses says (`reason` goes before
//!   `status`).
//! - Any other PUBLISH (a command, a desired-state change, a method
//!   request) is application data and is never cut: it fits whole or not at
//!   all, and each operation decides what not fitting means.

use iothub_client::api::topics;
use iothub_mqtt::packet::Packet;

/// The largest packet a client takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PacketLimit {
    max: Option<u32>,
}

impl PacketLimit {
    /// No limit but MQTT's own.
    pub const NONE: Self = Self { max: None };

    /// The client's Maximum Packet Size `max` (none: no limit). A value of
    /// 0 is a Protocol Error the CONNECT is refused for; it reads as none.
    pub fn new(max: Option<u32>) -> Self {
        Self {
            max: max.filter(|m| *m > 0),
        }
    }

    /// The limit in bytes, if the client set one.
    pub fn max(self) -> Option<u32> {
        self.max
    }

    /// Whether `packet` may be sent whole.
    pub fn fits(self, packet: &Packet) -> bool {
        self.allows(size(packet))
    }

    /// Whether a packet of `size` bytes may be sent.
    pub fn allows(self, size: usize) -> bool {
        self.max
            .is_none_or(|max| size <= usize::try_from(max).unwrap_or(usize::MAX))
    }

    /// `packet`, with as many optional properties left out as it takes to
    /// fit (see the module's rules), or how large it was when it cannot fit.
    pub fn fit(self, packet: Packet) -> Result<Packet, TooLarge> {
        let whole = size(&packet);
        if self.allows(whole) {
            return Ok(packet);
        }
        let mut trimmed = packet;
        while drop_one(&mut trimmed) {
            if self.fits(&trimmed) {
                return Ok(trimmed);
            }
        }
        Err(TooLarge { size: whole })
    }
}

/// A packet that cannot fit the client's limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge {
    /// Its size, whole.
    pub size: usize,
}

/// The number of bytes `packet` takes on the wire (`usize::MAX` for one
/// that cannot be encoded); see `iothub_mqtt::packet::Packet::size`.
pub fn size(packet: &Packet) -> usize {
    packet.size().unwrap_or(usize::MAX)
}

/// Leaves out the optional property that matters least; `false` when none
/// is left.
fn drop_one(packet: &mut Packet) -> bool {
    let (reason_string, user) = match packet {
        Packet::PubAck(ack) => match ack.properties.as_mut() {
            Some(p) => (Some(&mut p.reason_string), &mut p.user_properties),
            None => return false,
        },
        Packet::Disconnect(disconnect) => match disconnect.properties.as_mut() {
            Some(p) => (Some(&mut p.reason_string), &mut p.user_properties),
            None => return false,
        },
        Packet::ConnAck(ack) => match ack.properties.as_mut() {
            Some(p) => (Some(&mut p.reason_string), &mut p.user_properties),
            None => return false,
        },
        Packet::SubAck(ack) => match ack.properties.as_mut() {
            Some(p) => (Some(&mut p.reason_string), &mut p.user_properties),
            None => return false,
        },
        Packet::UnsubAck(ack) => match ack.properties.as_mut() {
            Some(p) => (Some(&mut p.reason_string), &mut p.user_properties),
            None => return false,
        },
        Packet::Publish(publish) if publish.topic.as_ref() == topics::RESPONSES.as_bytes() => {
            match publish.properties.as_mut() {
                Some(p) => (None, &mut p.user_properties),
                None => return false,
            }
        }
        _ => return false,
    };
    if let Some(reason) = reason_string.filter(|r| r.is_some()) {
        *reason = None;
        return true;
    }
    user.pop().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mqtt::outcome::status_properties;
    use iothub_client::api::{receive_commands, Status};
    use iothub_mqtt::packet::QoS;
    use iothub_mqtt::packet::{PubAck, PubAckProperties, Publish};
    use iothub_mqtt::ReasonCode;

    fn ack() -> Packet {
        let mut ack = PubAck::new(7, None);
        ack.reason = ReasonCode::ImplementationSpecificError;
        ack.properties = Some(PubAckProperties {
            reason_string: Some("why".into()),
            // `status` then `reason`, as the spec names them.
            user_properties: status_properties(Status::BadRequest, "a long reason"),
        });
        Packet::PubAck(ack)
    }

    #[test]
    fn the_reason_string_goes_first_then_user_properties_from_the_end() {
        let whole = size(&ack());
        let limit = |n: usize| PacketLimit::new(Some(u32::try_from(n).expect("small")));
        assert_eq!(limit(whole).fit(ack()), Ok(ack()));
        let Ok(Packet::PubAck(one_less)) = limit(whole - 1).fit(ack()) else {
            panic!("fits trimmed");
        };
        let properties = one_less.properties.expect("properties");
        assert_eq!(properties.reason_string, None);
        assert_eq!(properties.user_properties.len(), 2);
        let Ok(Packet::PubAck(status_only)) = limit(whole - 10).fit(ack()) else {
            panic!("fits trimmed");
        };
        let properties = status_only.properties.expect("properties");
        assert_eq!(
            properties.user_properties,
            status_properties(Status::BadRequest, "a long reason")[..1]
        );
        assert!(
            limit(2).fit(ack()).is_err(),
            "not even the bare PUBACK fits"
        );
        assert_eq!(PacketLimit::NONE.fit(ack()), Ok(ack()));
        assert_eq!(PacketLimit::new(Some(0)), PacketLimit::NONE);
    }

    #[test]
    fn only_responses_lose_properties() {
        let properties = iothub_mqtt::packet::PublishProperties {
            user_properties: vec![("@a".into(), "b".repeat(100))],
            ..Default::default()
        };
        let command = Packet::Publish(Publish::new(
            receive_commands::TOPIC,
            QoS::AtLeastOnce,
            &b"x"[..],
            Some(properties.clone()),
        ));
        let response = Packet::Publish(Publish::new(
            topics::RESPONSES,
            QoS::AtMostOnce,
            &b"x"[..],
            Some(properties),
        ));
        let limit = PacketLimit::new(Some(60));
        assert!(limit.fit(command).is_err());
        let Ok(Packet::Publish(trimmed)) = limit.fit(response) else {
            panic!("fits trimmed");
        };
        assert!(trimmed.properties.expect("p").user_properties.is_empty());
    }
}
