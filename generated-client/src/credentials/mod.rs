//! How a device proves who it is: a SAS key (signing each connection with
//! the spec's string to sign) or an X.509 client certificate (given to the
//! TLS transport), and connection strings that carry either.

mod connection_string;
mod key;
mod sas;

pub use connection_string::ConnectionString;
pub use key::SasKey;
pub use sas::{SasToken, TokenPolicy};

use crate::api::connection::AuthenticationMethod;

/// A device's credentials.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// A symmetric key: each CONNECT (and each re-authentication) carries a
    /// fresh signature made with it.
    Sas {
        /// The device's (or the policy's) key.
        key: SasKey,
        /// The shared access policy the key belongs to (`sas-policy`), if
        /// it is a policy key rather than the device's own.
        policy: Option<String>,
    },
    /// An X.509 client certificate, presented during the TLS handshake
    /// (set it on the transport with [`crate::transport::Tls::client_certificate`]).
    X509,
}

impl Credentials {
    /// The device's own symmetric key.
    pub fn sas(key: SasKey) -> Self {
        Self::Sas { key, policy: None }
    }

    /// The CONNECT Authentication Method these credentials use.
    pub fn method(&self) -> AuthenticationMethod {
        match self {
            Self::Sas { .. } => AuthenticationMethod::Sas,
            Self::X509 => AuthenticationMethod::X509,
        }
    }
}
