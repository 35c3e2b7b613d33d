//! How the device client reaches the hub: MQTT 5 packets (framed by
//! `iothub-mqtt`) carried over TLS (the default, `Tls`) or plain TCP (for a
//! local emulator). With the `device` feature.

#[cfg(feature = "device")]
mod stream;
#[cfg(feature = "device")]
mod tls;

#[cfg(feature = "device")]
pub use stream::{open, Stream};
#[cfg(feature = "device")]
pub use tls::{Tls, TlsError};

/// How the client reaches the hub.
#[cfg(feature = "device")]
#[derive(Debug, Clone)]
pub enum Transport {
    /// MQTT over TLS 1.2/1.3 (rustls); the server name is the host name.
    Tls(Tls),
    /// MQTT over plain TCP: only for a hub on this machine (the emulator).
    Tcp,
}

#[cfg(feature = "device")]
impl Transport {
    /// The MQTT port this transport uses by default: 8883 for TLS, 1883 for TCP.
    pub fn default_port(&self) -> u16 {
        match self {
            Self::Tls(_) => 8883,
            Self::Tcp => 1883,
        }
    }
}

#[cfg(feature = "device")]
impl Default for Transport {
    fn default() -> Self {
        Self::Tls(Tls::default())
    }
}
