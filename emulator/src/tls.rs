//! MQTT over TLS: the server identity (a certificate chain and private key
//! from PEM), TLS 1.2/1.3 with rustls and the ring provider, and the
//! client certificate a device may present for X.509 authentication.
//!
//! **Emulator choice:** the listener asks for a client certificate but does
//! not require one, and accepts any certificate without checking a chain
//! (a self-signed one is the common case). The TLS handshake still proves
//! that the client holds the certificate's private key; which device it
//! may be is decided at CONNECT, by the certificate's SHA-256 thumbprint
//! against the registry ([`thumbprint`]), as IoT Hub does for self-signed
//! devices. SHA-1 thumbprints in the registry never match a TLS client:
//! only SHA-256 is computed.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, ServerConfig, SignatureScheme};
use sha2::{Digest, Sha256};

use crate::registry::Thumbprint;

/// Why a TLS identity could not be loaded. Messages name the file (or say
/// "in-memory") but never hold key material.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// A PEM file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// No usable certificate in the certificate PEM.
    #[error("{what}: no PEM certificate (`BEGIN CERTIFICATE`) found")]
    NoCertificate {
        /// The file, or "in-memory certificate".
        what: String,
    },
    /// No usable private key in the key PEM.
    #[error("{what}: no PEM private key (PKCS#8, PKCS#1 or SEC1) found")]
    NoKey {
        /// The file, or "in-memory key".
        what: String,
    },
    /// rustls refused the certificate and key (for example, a key that
    /// does not match the certificate or an unsupported key type).
    #[error("the TLS certificate and key are not usable: {reason}")]
    Rejected {
        /// rustls's reason.
        reason: String,
    },
}

/// The TLS server side of both listeners, MQTT and the service API's
/// HTTPS (build with
/// [`Tls::from_pem_files`] or [`Tls::from_pem`], give to
/// [`Config::tls`](crate::Config::tls)).
#[derive(Clone)]
pub struct Tls {
    pub(crate) config: Arc<ServerConfig>,
}

impl fmt::Debug for Tls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the key.
        f.debug_struct("Tls").finish_non_exhaustive()
    }
}

impl Tls {
    /// The certificate chain in `cert` (PEM, leaf first) and its private
    /// key in `key` (PEM).
    pub fn from_pem_files(cert: &Path, key: &Path) -> Result<Self, TlsError> {
        let read = |path: &Path| {
            std::fs::read(path).map_err(|source| TlsError::Read {
                path: path.to_owned(),
                source,
            })
        };
        let cert_pem = read(cert)?;
        let key_pem = read(key)?;
        Self::build(
            &cert_pem,
            &cert.display().to_string(),
            &key_pem,
            &key.display().to_string(),
        )
    }

    /// Like [`Tls::from_pem_files`], from PEM text in memory.
    pub fn from_pem(cert_pem: &[u8], key_pem: &[u8]) -> Result<Self, TlsError> {
        Self::build(cert_pem, "in-memory certificate", key_pem, "in-memory key")
    }

    fn build(
        cert_pem: &[u8],
        cert_what: &str,
        key_pem: &[u8],
        key_what: &str,
    ) -> Result<Self, TlsError> {
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
            .filter_map(Result::ok)
            .collect();
        if chain.is_empty() {
            return Err(TlsError::NoCertificate {
                what: cert_what.to_owned(),
            });
        }
        // The PEM error could quote the file; say only that there is no key.
        let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|_| TlsError::NoKey {
            what: key_what.to_owned(),
        })?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = Arc::new(AnyClientCertificate {
            algorithms: provider.signature_verification_algorithms,
        });
        let config = ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
            .map_err(|e| TlsError::Rejected {
                reason: e.to_string(),
            })?
            .with_client_cert_verifier(verifier)
            .with_single_cert(chain, key)
            .map_err(|e| TlsError::Rejected {
                reason: e.to_string(),
            })?;
        Ok(Self {
            config: Arc::new(config),
        })
    }
}

/// The SHA-256 thumbprint of a certificate (of its DER bytes), as the
/// registry spells thumbprints.
pub fn thumbprint(certificate_der: &[u8]) -> Option<Thumbprint> {
    let digest = Sha256::digest(certificate_der);
    let hex: String = digest.iter().map(|b| format!("{b:02X}")).collect();
    Thumbprint::new(&hex).ok()
}

/// Asks for a client certificate, accepts any (or none): see the module
/// docs. The handshake signature is still verified, so the client holds
/// the certificate's key.
#[derive(Debug)]
struct AnyClientCertificate {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for AnyClientCertificate {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbprint_is_upper_case_sha256_hex() {
        let t = thumbprint(b"abc").expect("a thumbprint");
        assert_eq!(
            t.as_str(),
            "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"
        );
    }

    #[test]
    fn bad_pem_is_named_and_keyless() {
        let e = Tls::from_pem(b"not pem", b"-----BEGIN PRIVATE KEY-----\nsecret\n").unwrap_err();
        assert!(e.to_string().contains("in-memory certificate"), "{e}");
        let missing = Tls::from_pem_files(Path::new("/nonexistent/cert.pem"), Path::new("k.pem"))
            .unwrap_err();
        assert!(
            missing.to_string().contains("/nonexistent/cert.pem"),
            "{missing}"
        );
    }
}
