//! MQTT 5 packets as this crate's own types (one file per packet, as
//! rumqttc's `mqttbytes` has them): the fields MQTT 5 gives each packet,
//! with reason codes as [`ReasonCode`]. rumqttc encodes and decodes them
//! behind [`crate::frame`]; none of its types is part of this API, so a
//! codec upgrade changes nothing for users.

mod connack;
mod connect;
mod disconnect;
mod puback;
mod publish;
mod size;
mod suback;
mod subscribe;
mod unsuback;
mod unsubscribe;

pub use connack::{ConnAck, ConnAckProperties};
pub use connect::{Connect, ConnectProperties, LastWill, LastWillProperties, Login};
pub use disconnect::{Disconnect, DisconnectProperties};
pub use puback::{AckProperties, PubAck, PubAckProperties, PubComp, PubRec, PubRel};
pub use publish::{Publish, PublishProperties};
pub use suback::{SubAck, SubAckProperties};
pub use subscribe::{Filter, RetainForwardRule, Subscribe, SubscribeProperties};
pub use unsuback::{UnsubAck, UnsubAckProperties};
pub use unsubscribe::{Unsubscribe, UnsubscribeProperties};

use crate::ReasonCode;

/// A Quality of Service level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum QoS {
    /// 0: at most once.
    #[default]
    AtMostOnce = 0,
    /// 1: at least once.
    AtLeastOnce = 1,
    /// 2: exactly once.
    ExactlyOnce = 2,
}

impl ReasonCode {
    /// The SUBACK code granting `qos`.
    pub fn granted(qos: QoS) -> Self {
        Self::from(qos as u8)
    }

    /// The QoS a SUBACK code grants, if it is a grant (0x00 to 0x02).
    pub fn granted_qos(self) -> Option<QoS> {
        match self {
            Self::Success => Some(QoS::AtMostOnce),
            Self::GrantedQos1 => Some(QoS::AtLeastOnce),
            Self::GrantedQos2 => Some(QoS::ExactlyOnce),
            _ => None,
        }
    }
}

/// PINGREQ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PingReq;

/// PINGRESP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PingResp;

/// An MQTT 5 packet (AUTH is [`crate::frame::Frame::Auth`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Packet {
    /// CONNECT, with its Will and its user name and password, if any.
    Connect(Connect, Option<LastWill>, Option<Login>),
    /// CONNACK.
    ConnAck(ConnAck),
    /// PUBLISH.
    Publish(Publish),
    /// PUBACK.
    PubAck(PubAck),
    /// PUBREC (QoS 2).
    PubRec(PubRec),
    /// PUBREL (QoS 2).
    PubRel(PubRel),
    /// PUBCOMP (QoS 2).
    PubComp(PubComp),
    /// SUBSCRIBE.
    Subscribe(Subscribe),
    /// SUBACK.
    SubAck(SubAck),
    /// UNSUBSCRIBE.
    Unsubscribe(Unsubscribe),
    /// UNSUBACK.
    UnsubAck(UnsubAck),
    /// PINGREQ.
    PingReq(PingReq),
    /// PINGRESP.
    PingResp(PingResp),
    /// DISCONNECT.
    Disconnect(Disconnect),
}

impl Packet {
    /// The packet's name (`PUBLISH`), for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Connect(..) => "CONNECT",
            Self::ConnAck(_) => "CONNACK",
            Self::Publish(_) => "PUBLISH",
            Self::PubAck(_) => "PUBACK",
            Self::PubRec(_) => "PUBREC",
            Self::PubRel(_) => "PUBREL",
            Self::PubComp(_) => "PUBCOMP",
            Self::Subscribe(_) => "SUBSCRIBE",
            Self::SubAck(_) => "SUBACK",
            Self::Unsubscribe(_) => "UNSUBSCRIBE",
            Self::UnsubAck(_) => "UNSUBACK",
            Self::PingReq(_) => "PINGREQ",
            Self::PingResp(_) => "PINGRESP",
            Self::Disconnect(_) => "DISCONNECT",
        }
    }
}
