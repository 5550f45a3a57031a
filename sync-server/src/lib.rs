//! Enkaku's sync server: enrols devices with one-time codes and carries Automerge sync messages
//! between them through SQLite, keeping every document inside its clinic and care team and
//! every change bound to the device that wrote it. The wire protocol is
//! [`enkaku::protocol`].

pub mod admin;
pub mod admission;
pub mod authorship;
pub mod cli;
pub mod connection;
pub mod enrolment_limits;
pub mod error;
pub mod exchange;
pub mod http;
pub mod integrity;
pub mod linger;
pub mod scope;
pub mod secrets;
pub mod server;
pub mod storage;
pub mod testing;

pub use error::ApiError;
pub use http::{AppState, router};
pub use scope::Scope;
pub use server::{LaunchError, Settings, TlsFiles, launch, launch_with_listener, serve};
pub use storage::{SqliteStorage, Storage, StorageError};

/// Unix seconds now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
