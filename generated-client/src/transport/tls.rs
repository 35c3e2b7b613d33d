//! TLS settings: which roots to trust (Mozilla's by default, or the PEM
//! certificates given, e.g. an emulator's) and, for X.509 devices, the
//! client certificate and key. rustls with the ring provider.

use std::fmt;
use std::sync::Arc;

use rustls::{ClientConfig, RootCertStore};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsConnector;

/// What is wrong with TLS material. Never carries key bytes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlsError {
    /// The PEM text holds no certificate.
    #[error("no PEM certificate found in the {what}")]
    NoCertificate {
        /// Which input.
        what: &'static str,
    },
    /// The PEM text holds no private key (PKCS#8, PKCS#1 or SEC1).
    #[error("no PEM private key (PKCS#8, PKCS#1 or SEC1) found in the client key")]
    NoKey,
    /// rustls refused the material.
    #[error("TLS configuration refused: {reason}")]
    Refused {
        /// rustls's reason.
        reason: String,
    },
}

/// TLS settings of a connection (a cheap-to-clone handle).
#[derive(Clone)]
pub struct Tls {
    config: Arc<ClientConfig>,
    roots: Arc<RootCertStore>,
    custom_roots: bool,
    client_certificate: bool,
}

impl fmt::Debug for Tls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tls")
            .field(
                "roots",
                &if self.custom_roots {
                    "custom"
                } else {
                    "webpki-roots"
                },
            )
            .field("client_certificate", &self.client_certificate)
            .finish()
    }
}

impl Default for Tls {
    /// Trusts Mozilla's public roots (`webpki-roots`), no client certificate.
    fn default() -> Self {
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        Self::build(roots, None, false)
            .expect("ring supports the default protocol versions; no client certificate to refuse")
    }
}

impl Tls {
    /// Trusts only the certificates in `ca_pem` (for a hub with a private
    /// CA, such as the emulator started with `--tls-cert`).
    pub fn with_ca_pem(ca_pem: &[u8]) -> Result<Self, TlsError> {
        let mut roots = RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(ca_pem) {
            let cert = cert.map_err(|_| TlsError::NoCertificate { what: "CA PEM" })?;
            roots.add(cert).map_err(|e| TlsError::Refused {
                reason: e.to_string(),
            })?;
        }
        if roots.is_empty() {
            return Err(TlsError::NoCertificate { what: "CA PEM" });
        }
        Self::build(roots, None, true)
    }

    /// The same roots, presenting the client certificate chain `cert_pem`
    /// (leaf first) with its private key `key_pem` (X.509 authentication).
    pub fn client_certificate(self, cert_pem: &[u8], key_pem: &[u8]) -> Result<Self, TlsError> {
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem)
            .collect::<Result<_, _>>()
            .map_err(|_| TlsError::NoCertificate {
                what: "client certificate",
            })?;
        if chain.is_empty() {
            return Err(TlsError::NoCertificate {
                what: "client certificate",
            });
        }
        let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|_| TlsError::NoKey)?;
        Self::build((*self.roots).clone(), Some((chain, key)), self.custom_roots)
    }

    fn build(
        roots: RootCertStore,
        identity: Option<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>)>,
        custom_roots: bool,
    ) -> Result<Self, TlsError> {
        let refused = |e: rustls::Error| TlsError::Refused {
            reason: e.to_string(),
        };
        let builder =
            ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .map_err(refused)?
                .with_root_certificates(roots.clone());
        let client_certificate = identity.is_some();
        let config = match identity {
            Some((chain, key)) => builder.with_client_auth_cert(chain, key).map_err(refused)?,
            None => builder.with_no_client_auth(),
        };
        Ok(Self {
            config: Arc::new(config),
            roots: Arc::new(roots),
            custom_roots,
            client_certificate,
        })
    }

    /// Whether a client certificate is presented.
    pub fn has_client_certificate(&self) -> bool {
        self.client_certificate
    }

    pub(crate) fn connector(&self) -> TlsConnector {
        TlsConnector::from(self.config.clone())
    }
}
