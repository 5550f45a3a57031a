//! The local store: one Automerge document per clinic, patient and clinic-day queue, persisted
//! in one SQLite file (WAL) together with the index tables that lists and searches read and the
//! hash-chained audit log. A clinic operation returns only once every change it made — to one
//! document or several — with their index rows and audit entries is committed in one SQLite
//! transaction.

pub mod at_rest;
mod audit;
mod bridge;
mod docs;
mod facts;
mod front_desk;
mod home_care;
mod index;
pub mod key;
mod lockout;
mod patient_import;
mod persist;
mod quarantine;
mod read_model;
mod records;
mod schema;
mod staff;
mod sync_state;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use automerge::{ActorId, Automerge};
use rusqlite::Connection;

pub use crate::protocol::{DocId, DocKind, check_id, genesis_hash};
pub use audit::{AuditEntry, AuditFailure};
pub use facts::FactEdit;
pub use front_desk::check_time;
pub use index::PaymentRow;
pub use index::{PatientSummary, QueueRow};
pub use lockout::{LOCKOUT, MAX_PIN_FAILURES, PinFailure};
pub use patient_import::PatientUpdate;
pub use quarantine::Quarantined;
pub use staff::apply_changes;

/// Errors of the local store. Every variant that concerns the database names its file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("{path}: not an Enkaku store ({reason})")]
    NotAStore { path: PathBuf, reason: String },
    #[error("{path}: the database file is damaged: {reason}")]
    Damaged { path: PathBuf, reason: String },
    #[error(
        "{path}: the store is encrypted: unlock it with its passphrase (ENKAKU_PASSPHRASE or the prompt)"
    )]
    Locked { path: PathBuf },
    #[error("{path}: the key does not open this store (enkaku.key belongs to another store?)")]
    WrongKey { path: PathBuf },
    #[error(
        "{path}: enkaku.key is present but the store is not encrypted (an interrupted `enkaku store encrypt`?): the key protects nothing yet; remove enkaku.key and run `enkaku store encrypt` again"
    )]
    NotEncrypted { path: PathBuf },
    #[error(
        "{path}: the store is already encrypted (`enkaku store passphrase` changes the passphrase)"
    )]
    AlreadyEncrypted { path: PathBuf },
    #[error("{path}: the store is not encrypted: `enkaku store encrypt` encrypts it")]
    NotEncryptedYet { path: PathBuf },
    #[error(transparent)]
    Key(#[from] key::KeyError),
    #[error("{path}: cannot make the file owner-only (0600): {source}")]
    Private {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: cannot create the data directory: {source}")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("document {0} does not exist")]
    NoSuchDocument(String),
    #[error("document {0} already exists")]
    DocumentExists(String),
    #[error("document {doc} cannot be read: {reason}")]
    BadDocument { doc: String, reason: String },
    #[error("invalid document path: {0}")]
    InvalidPath(String),
    #[error("invalid identifier {0:?}: use letters, digits, '-' and '_'")]
    InvalidId(String),
    #[error(
        "{path}: queue entry {entry_id} of {day} has an unknown {field} {value:?} in the index"
    )]
    UnknownIndexValue {
        path: PathBuf,
        entry_id: String,
        day: String,
        field: &'static str,
        value: String,
    },
    #[error("automerge: {0}")]
    Automerge(#[from] automerge::AutomergeError),
    #[error("{0}")]
    Rejected(String),
}

impl From<crate::protocol::DocError> for StoreError {
    fn from(e: crate::protocol::DocError) -> Self {
        match e {
            crate::protocol::DocError::InvalidId(id) => StoreError::InvalidId(id),
            crate::protocol::DocError::Genesis { kind, reason } => StoreError::BadDocument {
                doc: kind.into(),
                reason,
            },
        }
    }
}

impl StoreError {
    fn sqlite(path: &Path) -> impl FnOnce(rusqlite::Error) -> StoreError + '_ {
        move |source| StoreError::Sqlite {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// A document loaded in memory, with how far into the stored history it has read.
struct Cached {
    doc: Automerge,
    /// The snapshot generation it was loaded from; compaction bumps it.
    generation: i64,
    /// Highest row id of the `changes` table applied.
    last_change: i64,
    /// Change rows stored after the snapshot, to decide when to compact.
    pending: i64,
}

/// The local store of one device.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    actor: ActorId,
    cache: HashMap<String, Cached>,
    search_keys: Option<index::SearchKeys>,
}

/// Says in the log which files or directories were readable by others and have been made the
/// owner's alone.
pub(crate) fn log_tightened(paths: impl IntoIterator<Item = PathBuf>) {
    for path in paths {
        tracing::warn!(path = %path.display(), "was readable by others; tightened to owner-only");
    }
}

/// Gives SQLCipher the raw data key of a connection (before anything else reads the file) and
/// checks that it opens the file: a wrong key reads the first page as noise.
pub(crate) fn apply_key(
    conn: &Connection,
    key: &key::DataKey,
    path: &Path,
) -> Result<(), StoreError> {
    let pragma = key.pragma();
    conn.pragma_update(None, "key", pragma.as_str())
        .map_err(StoreError::sqlite(path))?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            Err(StoreError::WrongKey {
                path: path.to_path_buf(),
            })
        }
        Err(e) => Err(StoreError::sqlite(path)(e)),
    }
}

/// A connection of its own to the store at `path` (read-only if asked), with the key unlocked
/// at start if the store is encrypted.
pub fn open_connection(path: &Path, read_only: bool) -> Result<Connection, StoreError> {
    let flags = if read_only {
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
    } else {
        rusqlite::OpenFlags::default()
    };
    let conn = Connection::open_with_flags(path, flags).map_err(StoreError::sqlite(path))?;
    if schema::has_clear_header(path) == Some(false)
        && let Some(key) = key::unlocked()
    {
        apply_key(&conn, key, path)?;
    }
    Ok(conn)
}

/// The file name of the store inside a data directory.
pub const DB_FILE: &str = "enkaku.sqlite3";

/// How many documents stay in memory; the rest are reloaded from SQLite on demand.
const CACHE_CAPACITY: usize = 64;

impl Store {
    /// Opens (creating if needed) the store in `dir`.
    pub fn open_dir(dir: &Path) -> Result<Store, StoreError> {
        let tightened =
            crate::private_files::private_dir(dir).map_err(|source| StoreError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        log_tightened(tightened);
        Store::open(&dir.join(DB_FILE))
    }

    /// Opens (creating if needed) the store in the SQLite file at `path`, with the key unlocked
    /// at start if there is one ([`key::set_unlocked`]). The file, its WAL and shared-memory
    /// files are the owner's alone (0600).
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_with_key(path, key::unlocked())
    }

    /// Opens (creating if needed) the store at `path`, encrypted with `key` (SQLCipher) if one
    /// is given. A store encrypted under another key, or opened without its key, is a clear
    /// error and nothing is written.
    pub fn open_with_key(path: &Path, key: Option<&key::DataKey>) -> Result<Store, StoreError> {
        let clear = schema::has_clear_header(path);
        match key {
            None => {
                let key_file = path.with_file_name(key::KEY_FILE);
                if clear == Some(false) && key_file.exists() {
                    return Err(StoreError::Locked {
                        path: path.to_path_buf(),
                    });
                }
                schema::check_file(path)?;
            }
            Some(_) if clear == Some(true) => {
                return Err(StoreError::NotEncrypted {
                    path: path.to_path_buf(),
                });
            }
            Some(_) => {}
        }
        let tightened =
            crate::private_files::private_database(path).map_err(|source| StoreError::Private {
                path: path.to_path_buf(),
                source,
            })?;
        log_tightened(tightened);
        let conn = Connection::open(path).map_err(StoreError::sqlite(path))?;
        if let Some(key) = key {
            apply_key(&conn, key, path)?;
        }
        schema::prepare(&conn, path)?;
        let actor = schema::device_actor(&conn, path)?;
        Ok(Store {
            conn,
            path: path.to_path_buf(),
            actor,
            cache: HashMap::new(),
            search_keys: None,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This device's Automerge actor id, in hex; every local change carries it.
    pub(crate) fn device_id(&self) -> String {
        self.actor.to_hex_string()
    }

    /// Whether the store holds no documents yet.
    pub(crate) fn is_empty(&self) -> Result<bool, StoreError> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM docs", [], |r| r.get(0))
            .map_err(StoreError::sqlite(&self.path))?;
        Ok(n == 0)
    }

    /// Runs SQLite's own consistency check over the whole file.
    pub fn integrity_check(&self) -> Result<(), StoreError> {
        let result: String = self
            .conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(StoreError::sqlite(&self.path))?;
        if result == "ok" {
            Ok(())
        } else {
            Err(StoreError::Damaged {
                path: self.path.clone(),
                reason: result,
            })
        }
    }

    fn sql_err(&self) -> impl FnOnce(rusqlite::Error) -> StoreError + '_ {
        StoreError::sqlite(&self.path)
    }
}
