//! Serving: settings, TLS (rustls, TLS 1.2 and 1.3 only), and the server's life from an
//! already-bound listener to a graceful shutdown. Every connection closes by lingering
//! ([`crate::linger`]), so an early refusal always reaches the client.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use axum_server::Handle;
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use enkaku::protocol::DocError;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::TcpListener;

use crate::admission::AdmissionLimits;
use crate::connection::ConnectionGate;
use crate::enrolment_limits::Limits;
use crate::http::{AppState, router};
use crate::integrity::{self, Damaged};
use crate::storage::{SqliteStorage, Storage, StorageError};

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Holds the SQLite database.
    pub data_dir: PathBuf,
    /// Serve HTTPS with this certificate; plain HTTP without.
    pub tls: Option<TlsFiles>,
    /// A request taking longer is answered 408.
    pub request_timeout: Duration,
    /// How long requests in flight may finish after shutdown is asked for.
    pub shutdown_grace: Duration,
    /// How many invalid enrolment codes are tolerated (see [`crate::enrolment_limits`]).
    pub enrolment_limits: Limits,
    /// Connections open at once; more are closed at once (see [`crate::connection`]). By
    /// default the open-file limit less what the database and logs need.
    pub max_connections: usize,
    /// A connection whose request head (the first, or the next on a kept-alive connection)
    /// has not fully arrived this long after it was awaited is closed.
    pub header_read_timeout: Duration,
    /// What the server admits at once: exchanges per device (see [`crate::admission`]).
    pub admission: AdmissionLimits,
}

impl Settings {
    pub fn new(data_dir: impl Into<PathBuf>) -> Settings {
        Settings {
            data_dir: data_dir.into(),
            tls: None,
            request_timeout: Duration::from_secs(60),
            shutdown_grace: Duration::from_secs(10),
            enrolment_limits: Limits::default(),
            max_connections: crate::connection::default_max_connections(),
            header_read_timeout: Duration::from_secs(10),
            admission: AdmissionLimits::default(),
        }
    }
}

/// PEM files: the certificate chain and its private key.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("cannot compute the genesis changes: {0}")]
    Genesis(#[from] DocError),
    #[error("TLS {path}: {reason}")]
    Tls { path: String, reason: String },
    #[error("listener: {0}")]
    Io(#[from] std::io::Error),
    #[error("opening storage failed: {0}")]
    Join(String),
}

/// Builds the rustls configuration: TLS 1.3 and 1.2, HTTP/2 and HTTP/1.1.
pub fn tls_config(files: &TlsFiles) -> Result<rustls::ServerConfig, LaunchError> {
    let tls_err = |path: &PathBuf, reason: String| LaunchError::Tls {
        path: path.display().to_string(),
        reason,
    };
    let certs = CertificateDer::pem_file_iter(&files.cert)
        .map_err(|e| tls_err(&files.cert, e.to_string()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| tls_err(&files.cert, e.to_string()))?;
    if certs.is_empty() {
        return Err(tls_err(&files.cert, "no certificate in the file".into()));
    }
    let key =
        PrivateKeyDer::from_pem_file(&files.key).map_err(|e| tls_err(&files.key, e.to_string()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| tls_err(&files.cert, e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| tls_err(&files.cert, e.to_string()))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

/// Opens the SQLite storage in `settings.data_dir` and serves on `listener` until `shutdown`
/// completes; requests in flight then get `settings.shutdown_grace` to finish.
pub async fn launch_with_listener(
    settings: Settings,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), LaunchError> {
    let data_dir = settings.data_dir.clone();
    let storage = tokio::task::spawn_blocking(move || SqliteStorage::open(&data_dir))
        .await
        .map_err(|e| LaunchError::Join(e.to_string()))??;
    serve(&settings, Arc::new(storage), listener, shutdown).await
}

/// Binds `addr` and serves until SIGINT or SIGTERM.
pub async fn launch(settings: Settings, addr: SocketAddr) -> Result<(), LaunchError> {
    let listener = TcpListener::bind(addr).await?;
    launch_with_listener(settings, listener, shutdown_signal()).await
}

/// Serves any [`Storage`] on `listener` until `shutdown` completes.
pub async fn serve(
    settings: &Settings,
    storage: Arc<dyn Storage>,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), LaunchError> {
    let tls = settings.tls.as_ref().map(tls_config).transpose()?;
    // Every document is loaded once before the first request: what does not load is reported
    // by id and skipped, and the rest is served.
    let checked = storage.clone();
    let report = tokio::task::spawn_blocking(move || integrity::check(checked.as_ref()))
        .await
        .map_err(|e| LaunchError::Join(e.to_string()))??;
    integrity::log_report(&report);
    let app = router(AppState::for_server(
        storage,
        settings,
        Damaged::from_report(&report),
    )?);
    let addr = listener.local_addr()?;
    let listener = listener.into_std()?;
    let handle = Handle::new();
    let gate = ConnectionGate::new(settings.max_connections, settings.header_read_timeout);
    tracing::info!(
        %addr,
        tls = tls.is_some(),
        max_connections = settings.max_connections,
        "serving"
    );
    let server = async {
        match tls {
            Some(config) => {
                let tls =
                    RustlsAcceptor::new(RustlsConfig::from_config(Arc::new(config))).acceptor(gate);
                let mut server = axum_server::from_tcp(listener)
                    .acceptor(tls)
                    .handle(handle.clone());
                http_settings(server.http_builder(), settings.header_read_timeout);
                server
                    .serve(app.into_make_service_with_connect_info::<SocketAddr>())
                    .await
            }
            None => {
                let mut server = axum_server::from_tcp(listener)
                    .acceptor(gate)
                    .handle(handle.clone());
                http_settings(server.http_builder(), settings.header_read_timeout);
                server
                    .serve(app.into_make_service_with_connect_info::<SocketAddr>())
                    .await
            }
        }
    };
    let mut server = pin!(server);
    tokio::select! {
        result = &mut server => return Ok(result?),
        () = shutdown => {}
    }
    tracing::info!(
        grace_secs = settings.shutdown_grace.as_secs(),
        "shutting down"
    );
    handle.graceful_shutdown(Some(settings.shutdown_grace));
    server.await?;
    tracing::info!("stopped");
    Ok(())
}

/// No `date` header on HTTP/1 answers: devices keep their own clocks and read none of it, and
/// on a 64 kbps link its 37 bytes are a sixteenth of a one-field edit's exchange. A request
/// head must arrive within `header_read_timeout`.
fn http_settings(
    builder: &mut hyper_util::server::conn::auto::Builder<TokioExecutor>,
    header_read_timeout: Duration,
) {
    builder
        .http1()
        .auto_date_header(false)
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
}

/// Completes on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
