//! HTTP(S) to the sync server through reqwest (rustls, the platform's certificate store), for
//! the synchronous session: each request runs on a tokio runtime — the workstation's own, or
//! one of the transport's when a command syncs on its own.
//!
//! HTTP/1.1 only. HTTP/2 would compress repeated headers, but a device syncs once a minute at
//! most and a connection rarely outlives that, so every session pays the HTTP/2 preface and
//! settings frames, which cost more than the 200-odd bytes of headers they would save.

use std::time::Duration;

use super::client::{Answer, SyncError, Transport};
use super::tls::{self, Trust};
use crate::protocol;

/// The transport over HTTP(S).
pub struct Http {
    client: reqwest::Client,
    runtime: Runtime,
}

enum Runtime {
    /// A runtime of the transport's own (commands, tests).
    Owned(tokio::runtime::Runtime),
    /// Inside the workstation: its runtime, driven from a blocking thread.
    Shared(tokio::runtime::Handle),
}

impl Http {
    /// A transport with a runtime of its own that trusts the platform's certificate store.
    /// Call it outside any tokio runtime.
    pub fn new(timeout: Duration) -> Result<Http, SyncError> {
        Http::trusting(timeout, &Trust::default())
    }

    /// A transport with a runtime of its own that trusts `trust` beside the platform's store.
    pub fn trusting(timeout: Duration, trust: &Trust) -> Result<Http, SyncError> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| SyncError::Unreachable(format!("cannot start the HTTP runtime: {e}")))?;
        Ok(Http {
            client: client(timeout, trust)?,
            runtime: Runtime::Owned(runtime),
        })
    }

    /// A transport on `runtime`, for use from a blocking thread of that runtime
    /// (`spawn_blocking`), never from one of its async tasks.
    pub fn on(
        runtime: tokio::runtime::Handle,
        timeout: Duration,
        trust: &Trust,
    ) -> Result<Http, SyncError> {
        Ok(Http {
            client: client(timeout, trust)?,
            runtime: Runtime::Shared(runtime),
        })
    }

    fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        match &self.runtime {
            Runtime::Owned(runtime) => runtime.block_on(future),
            Runtime::Shared(handle) => handle.block_on(future),
        }
    }
}

/// The reqwest client: no user-agent, accept-encoding or other optional headers (on a 64 kbps
/// link they would be a tenth of a one-field edit's exchange, and the server reads none).
fn client(timeout: Duration, trust: &Trust) -> Result<reqwest::Client, SyncError> {
    // reqwest is built without a default crypto provider; the server and the client share ring.
    // An error only means a provider is installed already.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let tls = tls::client_config(trust)?;
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(15)))
        .http1_only()
        .no_proxy()
        .build()
        .map_err(|e| SyncError::Unreachable(format!("cannot set up HTTPS: {}", chain(&e))))
}

/// An error and its causes on one line: reqwest's own message alone says only "error sending
/// request".
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// A certificate the client does not trust is most often a clinic's own CA: say where to add it.
fn with_hint(reason: String) -> String {
    if reason.contains("certificate") || reason.contains("UnknownIssuer") {
        format!(
            "{reason} (a server certificate from the clinic's own CA needs `sync.ca_file` in config.toml)"
        )
    } else {
        reason
    }
}

impl Transport for Http {
    fn post(
        &mut self,
        url: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<Answer, SyncError> {
        let mut request = self.client.post(url).body(body);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        self.block_on(async move {
            let response = request
                .send()
                .await
                .map_err(|e| SyncError::Unreachable(with_hint(chain(&e))))?;
            let status = response.status().as_u16();
            let compressed = response
                .headers()
                .get(reqwest::header::CONTENT_ENCODING)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.eq_ignore_ascii_case("deflate"));
            if response
                .content_length()
                .is_some_and(|n| n > protocol::MAX_BODY as u64)
            {
                return Err(SyncError::BadAnswer(format!(
                    "the answer is larger than {} bytes",
                    protocol::MAX_BODY
                )));
            }
            let mut response = response;
            let mut body = Vec::new();
            while let Some(chunk) = response
                .chunk()
                .await
                .map_err(|e| SyncError::Unreachable(chain(&e)))?
            {
                if body.len() + chunk.len() > protocol::MAX_BODY {
                    return Err(SyncError::BadAnswer(format!(
                        "the answer is larger than {} bytes",
                        protocol::MAX_BODY
                    )));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(Answer {
                status,
                body,
                compressed,
            })
        })
    }
}
