//! The MQTT 5 AUTH packet (type 15), which rumqttc 0.25 reads but does not
//! let a server name or build: its reason code and the four properties AUTH
//! may carry (Authentication Method, Authentication Data, Reason String,
//! User Property).

use bytes::{Buf, BufMut, Bytes, BytesMut};

use crate::error::FrameError;

/// First byte of every AUTH packet (type 15, no flags).
const FIRST_BYTE: u8 = 0xF0;

const AUTHENTICATION_METHOD: u8 = 0x15;
const AUTHENTICATION_DATA: u8 = 0x16;
const REASON_STRING: u8 = 0x1F;
const USER_PROPERTY: u8 = 0x26;

/// An AUTH packet.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct AuthPacket {
    /// Reason code: 0x00 success, 0x18 continue, 0x19 re-authenticate.
    pub reason_code: u8,
    /// Authentication Method.
    pub method: Option<String>,
    /// Authentication Data (a signature: never printed).
    pub data: Option<Bytes>,
    /// Reason String.
    pub reason_string: Option<String>,
    /// User properties, in order.
    pub user_properties: Vec<(String, String)>,
}

impl std::fmt::Debug for AuthPacket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthPacket")
            .field("reason_code", &self.reason_code)
            .field("method", &self.method)
            .field("data", &self.data.as_ref().map(|_| "<redacted>"))
            .field("reason_string", &self.reason_string)
            .field("user_properties", &self.user_properties)
            .finish()
    }
}

fn malformed(what: &str) -> FrameError {
    FrameError::Malformed(format!("AUTH: {what}"))
}

/// A variable byte integer from the front of `bytes`.
fn read_varint(bytes: &mut Bytes) -> Result<usize, FrameError> {
    let mut value = 0usize;
    for shift in 0..4 {
        if !bytes.has_remaining() {
            return Err(malformed("truncated length"));
        }
        let byte = bytes.get_u8();
        value |= usize::from(byte & 0x7F) << (7 * shift);
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(malformed("length longer than four bytes"))
}

fn read_binary(bytes: &mut Bytes) -> Result<Bytes, FrameError> {
    if bytes.remaining() < 2 {
        return Err(malformed("truncated string length"));
    }
    let len = usize::from(bytes.get_u16());
    if bytes.remaining() < len {
        return Err(malformed("truncated string"));
    }
    Ok(bytes.split_to(len))
}

fn read_string(bytes: &mut Bytes) -> Result<String, FrameError> {
    let raw = read_binary(bytes)?;
    String::from_utf8(raw.to_vec()).map_err(|_| malformed("a string is not UTF-8"))
}

fn write_binary(buffer: &mut BytesMut, value: &[u8]) -> Result<(), FrameError> {
    let len =
        u16::try_from(value.len()).map_err(|_| malformed("a property is over 65535 bytes"))?;
    buffer.put_u16(len);
    buffer.put_slice(value);
    Ok(())
}

fn write_varint(buffer: &mut BytesMut, mut value: usize) -> Result<(), FrameError> {
    if value > 268_435_455 {
        return Err(malformed("packet too large to encode"));
    }
    loop {
        let mut byte = (value % 128) as u8;
        value /= 128;
        if value > 0 {
            byte |= 0x80;
        }
        buffer.put_u8(byte);
        if value == 0 {
            return Ok(());
        }
    }
}

impl AuthPacket {
    /// Reads the variable header of an AUTH packet (everything after the
    /// fixed header); an empty one is reason Success with no properties.
    pub fn read(mut body: Bytes) -> Result<Self, FrameError> {
        let mut packet = Self::default();
        if !body.has_remaining() {
            return Ok(packet);
        }
        packet.reason_code = body.get_u8();
        if !body.has_remaining() {
            return Ok(packet);
        }
        let len = read_varint(&mut body)?;
        if body.remaining() < len {
            return Err(malformed("properties longer than the packet"));
        }
        let mut properties = body.split_to(len);
        if body.has_remaining() {
            return Err(malformed("bytes after the properties"));
        }
        while properties.has_remaining() {
            match properties.get_u8() {
                AUTHENTICATION_METHOD if packet.method.is_none() => {
                    packet.method = Some(read_string(&mut properties)?);
                }
                AUTHENTICATION_DATA if packet.data.is_none() => {
                    packet.data = Some(read_binary(&mut properties)?);
                }
                REASON_STRING if packet.reason_string.is_none() => {
                    packet.reason_string = Some(read_string(&mut properties)?);
                }
                USER_PROPERTY => {
                    let name = read_string(&mut properties)?;
                    let value = read_string(&mut properties)?;
                    packet.user_properties.push((name, value));
                }
                AUTHENTICATION_METHOD | AUTHENTICATION_DATA | REASON_STRING => {
                    return Err(malformed("a property appears twice"));
                }
                other => {
                    return Err(malformed(&format!(
                        "property 0x{other:02X} is not one AUTH has"
                    )))
                }
            }
        }
        Ok(packet)
    }

    /// Appends the whole packet to `buffer`.
    pub fn write(&self, buffer: &mut BytesMut) -> Result<(), FrameError> {
        let mut properties = BytesMut::new();
        if let Some(method) = &self.method {
            properties.put_u8(AUTHENTICATION_METHOD);
            write_binary(&mut properties, method.as_bytes())?;
        }
        if let Some(data) = &self.data {
            properties.put_u8(AUTHENTICATION_DATA);
            write_binary(&mut properties, data)?;
        }
        if let Some(reason) = &self.reason_string {
            properties.put_u8(REASON_STRING);
            write_binary(&mut properties, reason.as_bytes())?;
        }
        for (name, value) in &self.user_properties {
            properties.put_u8(USER_PROPERTY);
            write_binary(&mut properties, name.as_bytes())?;
            write_binary(&mut properties, value.as_bytes())?;
        }
        let mut body = BytesMut::new();
        body.put_u8(self.reason_code);
        write_varint(&mut body, properties.len())?;
        body.put_slice(&properties);
        buffer.put_u8(FIRST_BYTE);
        write_varint(buffer, body.len())?;
        buffer.put_slice(&body);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_redacts_the_signature() {
        let packet = AuthPacket {
            reason_code: 0x19,
            method: Some("SAS".into()),
            data: Some(Bytes::from_static(b"\x01\x02secret")),
            reason_string: None,
            user_properties: vec![("sas-at".into(), "1".into())],
        };
        let mut buffer = BytesMut::new();
        packet.write(&mut buffer).expect("writes");
        assert_eq!(buffer[0], 0xF0);
        let body = Bytes::copy_from_slice(&buffer[2..]);
        assert_eq!(AuthPacket::read(body).expect("reads"), packet);
        assert!(!format!("{packet:?}").contains("secret"));
    }

    #[test]
    fn rejects_what_is_not_an_auth_body() {
        for bad in [
            &b"\x19\x05\x15\x00"[..],         // properties longer than the packet
            b"\x19\x03\x15\x00\x01",          // truncated string
            b"\x19\x02\x01\x00",              // a property AUTH does not have
            b"\x19\x06\x15\x00\x01A\x15\x00", // method twice (and truncated)
            b"\x19\x00\x00",                  // bytes after the properties
            b"\x19\xFF\xFF\xFF\xFF",          // length longer than four bytes
        ] {
            assert!(
                AuthPacket::read(Bytes::copy_from_slice(bad)).is_err(),
                "{bad:?}"
            );
        }
        assert_eq!(
            AuthPacket::read(Bytes::new()).expect("empty").reason_code,
            0
        );
    }
}
