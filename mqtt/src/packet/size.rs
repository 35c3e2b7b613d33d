//! How many bytes a packet takes on the wire, fixed header included (what
//! MQTT 5's Maximum Packet Size counts, §3.1.2.11.4), measured without
//! copying a PUBLISH's payload.

use bytes::{Bytes, BytesMut};

use super::Packet;

impl Packet {
    /// Its size on the wire, fixed header included; `None` for a packet
    /// that cannot be encoded. A PUBLISH is measured without copying its
    /// payload, and before its packet identifier is chosen (a QoS 1 one
    /// takes the identifier's two bytes all the same).
    pub fn size(&self) -> Option<usize> {
        let Packet::Publish(publish) = self else {
            let mut buffer = BytesMut::new();
            return self.write(&mut buffer, None).ok();
        };
        let mut bare = publish.clone();
        bare.payload = Bytes::new();
        bare.pkid = bare.pkid.max(1);
        let mut buffer = BytesMut::new();
        Packet::Publish(bare).write(&mut buffer, None).ok()?;
        let whole = remaining_length(&buffer)?.checked_add(publish.payload.len())?;
        1usize.checked_add(varint_len(whole))?.checked_add(whole)
    }
}

/// The remaining length in the fixed header at the front of `encoded`.
fn remaining_length(encoded: &[u8]) -> Option<usize> {
    let mut value = 0usize;
    for (i, byte) in encoded.iter().skip(1).take(4).enumerate() {
        value |= usize::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

/// The length of MQTT's variable byte integer for `value`.
fn varint_len(value: usize) -> usize {
    match value {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::super::{PubAck, Publish, QoS};
    use super::*;

    #[test]
    fn sizes_are_the_encoded_sizes() {
        for payload in [
            0usize, 1, 100, 127, 128, 200, 16_383, 16_384, 70_000, 300_000,
        ] {
            for qos in [QoS::AtMostOnce, QoS::AtLeastOnce] {
                let mut publish = Publish::new("$iothub/telemetry", qos, vec![7u8; payload], None);
                if qos == QoS::AtLeastOnce {
                    publish.pkid = 9;
                }
                let packet = Packet::Publish(publish);
                let mut buffer = BytesMut::new();
                let written = packet.write(&mut buffer, None).expect("encodes");
                assert_eq!(packet.size(), Some(written), "{payload} bytes at {qos:?}");
                assert_eq!(written, buffer.len());
            }
        }
        let ack = Packet::PubAck(PubAck::new(3, None));
        assert_eq!(ack.size(), Some(4));
    }
}
