//! Which sync servers the client trusts: the platform's certificate store (on Linux the system
//! bundle, or `SSL_CERT_FILE` / `SSL_CERT_DIR` when set), a clinic's own CA from `sync.ca_file`,
//! and optionally pinned server keys (`sync.pin_sha256`), checked in addition to the chain.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};

/// What the client trusts beyond the platform's store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trust {
    /// PEM file of CA certificates trusted beside the platform's (a clinic's private CA).
    pub ca_file: Option<PathBuf>,
    /// SHA-256 of the server's SubjectPublicKeyInfo (DER); when any is given, the server's
    /// certificate must carry one of these keys as well as chain to a trusted root.
    pub pins: Vec<[u8; 32]>,
}

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("sync.ca_file {path}: {reason}")]
    CaFile { path: PathBuf, reason: String },
    #[error("cannot set up the certificate check: {0}")]
    Verifier(String),
}

/// A pin as written in the config: 64 hex digits, the SHA-256 of the server key's DER
/// SubjectPublicKeyInfo (`openssl x509 -pubkey -noout -in cert.pem | openssl pkey -pubin
/// -outform der | sha256sum`). Colons between bytes are allowed.
pub fn parse_pin(text: &str) -> Result<[u8; 32], String> {
    let digits: String = text.chars().filter(|c| *c != ':').collect();
    let bytes = hex::decode(digits.trim()).map_err(|e| format!("expected 64 hex digits: {e}"))?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
        format!(
            "expected 64 hex digits (32 bytes), found {} bytes",
            bytes.len()
        )
    })
}

/// The SHA-256 pin of a DER certificate's public key, as `parse_pin` reads it.
pub fn pin_of(certificate: &CertificateDer<'_>) -> Result<[u8; 32], String> {
    let cert = webpki::EndEntityCert::try_from(certificate).map_err(|e| e.to_string())?;
    Ok(Sha256::digest(cert.subject_public_key_info().as_ref()).into())
}

/// The rustls configuration for the sync client.
pub fn client_config(trust: &Trust) -> Result<rustls::ClientConfig, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let extra = match &trust.ca_file {
        Some(path) => read_ca_file(path)?,
        None => Vec::new(),
    };
    let platform =
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone())
            .map_err(|e| TlsError::Verifier(e.to_string()))?;
    let verifier: Arc<dyn ServerCertVerifier> = if trust.pins.is_empty() {
        Arc::new(platform)
    } else {
        Arc::new(Pinned {
            inner: platform,
            pins: trust.pins.clone(),
        })
    };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Verifier(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(config)
}

fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let error = |reason: String| TlsError::CaFile {
        path: path.to_path_buf(),
        reason,
    };
    let bytes = std::fs::read(path).map_err(|e| error(e.to_string()))?;
    let mut certs = Vec::new();
    for (n, cert) in CertificateDer::pem_slice_iter(&bytes).enumerate() {
        certs.push(cert.map_err(|e| error(format!("certificate {}: {e}", n + 1)))?);
    }
    if certs.is_empty() {
        return Err(error("holds no PEM certificate".into()));
    }
    Ok(certs)
}

/// The platform's check, then the pin.
struct Pinned {
    inner: rustls_platform_verifier::Verifier,
    pins: Vec<[u8; 32]>,
}

impl fmt::Debug for Pinned {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pinned")
            .field("pins", &self.pins.len())
            .finish()
    }
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verified = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )?;
        let pin = pin_of(end_entity).map_err(rustls::Error::General)?;
        if self.pins.contains(&pin) {
            Ok(verified)
        } else {
            Err(rustls::Error::General(format!(
                "the server's key {} is not one of the keys pinned in sync.pin_sha256",
                hex::encode(pin)
            )))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_64_hex_digits_with_optional_colons() {
        let hex64 = "ab".repeat(32);
        assert_eq!(parse_pin(&hex64).unwrap(), [0xab; 32]);
        let colons = vec!["AB"; 32].join(":");
        assert_eq!(parse_pin(&colons).unwrap(), [0xab; 32]);
        assert!(parse_pin("abcd").unwrap_err().contains("2 bytes"));
        assert!(parse_pin(&"zz".repeat(32)).unwrap_err().contains("hex"));
    }

    #[test]
    fn a_ca_file_without_certificates_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ca.pem");
        std::fs::write(&path, "not a certificate\n").unwrap();
        let e = client_config(&Trust {
            ca_file: Some(path.clone()),
            pins: Vec::new(),
        })
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("sync.ca_file") && e.contains("no PEM certificate"),
            "{e}"
        );
        let missing = dir.path().join("missing.pem");
        let e = client_config(&Trust {
            ca_file: Some(missing),
            pins: Vec::new(),
        })
        .unwrap_err()
        .to_string();
        assert!(e.contains("missing.pem"), "{e}");
    }
}
