//! Storage: what the sync server keeps — clinics, enrolment codes and failed attempts, devices,
//! documents and each device's sync state — behind one trait, so that a deployment can swap SQLite for a shared
//! database without touching the sync logic.

mod sqlite;

use enkaku::protocol::DocId;

use crate::scope::Scope;

pub use sqlite::{DATABASE_FILE, SqliteStorage};

/// Cursors kept per device: a device presents the cursor of the last response it applied, or of
/// one a little older when a response was lost; an older one costs a full resync, never
/// correctness.
pub const CURSORS_KEPT: i64 = 16;

/// A clinic: the boundary no document crosses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clinic {
    pub id: String,
    pub name: String,
    /// Unix seconds.
    pub created_at: i64,
}

/// An enrolment code waiting to be redeemed; only the SHA-256 of the code is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEnrolmentCode {
    pub code_hash: [u8; 32],
    pub clinic_id: String,
    pub role: String,
    pub care_team: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
}

/// A device about to be created by redeeming an enrolment code; the role, clinic and care team
/// come from the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDevice {
    pub id: String,
    pub name: String,
    /// The Automerge actor (hex) this device writes as: its only accepted author.
    pub actor: String,
    pub token_hash: [u8; 32],
    pub enrolled_at: i64,
}

/// An enrolled device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: String,
    pub clinic_id: String,
    pub role: String,
    pub care_team: Option<String>,
    pub name: String,
    pub actor: String,
    pub token_hash: [u8; 32],
    pub enrolled_at: i64,
    pub revoked_at: Option<i64>,
}

impl Device {
    /// What this device may see and write.
    pub fn scope(&self) -> Scope {
        Scope {
            clinic_id: self.clinic_id.clone(),
            care_team: self.care_team.clone(),
            role: enkaku::domain::Role::parse(&self.role),
        }
    }
}

/// What redeeming an enrolment code came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    Enrolled(Device),
    /// Unknown, expired or already used: deliberately one answer for all three.
    InvalidCode,
    /// Another active device already writes as this actor; two devices sharing an actor would
    /// corrupt each other's histories, and could author each other's changes.
    ActorInUse,
}

/// A failed enrolment attempt as recorded: when, and from where. The code tried is never kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentFailure {
    /// Unix seconds.
    pub at: i64,
    /// The source address (an IPv6 source by its /64 network).
    pub source: String,
}

/// A document as stored for a clinic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDoc {
    /// `Automerge::save` bytes.
    pub bytes: Vec<u8>,
    /// The server sequence number of its last change: internal, never sent to a device (cursors
    /// are opaque handles, see [`Storage::record_cursor`]).
    pub seq: u64,
    /// The care team the server recorded as the document's owner (see [`crate::scope`]): the
    /// team a team queue or roster id names, the team of a patient; `None` for the clinic's.
    pub care_team: Option<String>,
}

/// A document write within one exchange, made only if the document is still at the version it
/// was read at (`expected_seq`, `None` for "does not exist yet").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocWrite {
    pub doc: DocId,
    pub bytes: Vec<u8>,
    /// The owner to record, as [`crate::scope::Scope`] decided it.
    pub care_team: Option<String>,
    pub expected_seq: Option<u64>,
}

/// A document that changed after a cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub doc: DocId,
    pub seq: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database {path}: {source}")]
    Sql {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("cannot create data directory {path}: {source}")]
    DataDir {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The file where the database belongs is empty or not SQLite: the server refuses it rather
    /// than create a new, empty database over it (every device would then be unknown).
    #[error(
        "{path} is not a database ({reason}); restore it from a backup, or move it away to \
         start a new server"
    )]
    NotADatabase { path: String, reason: String },
    #[error("no clinic {0}")]
    NoClinic(String),
    #[error("stored document id {0:?} is not valid")]
    BadStoredId(String),
    /// Another exchange changed a document between our read and our write; nothing was written.
    #[error("document {0} changed concurrently")]
    Conflict(String),
}

impl StorageError {
    /// Whether the database reported damaged pages or a file that is not a database.
    pub fn is_corruption(&self) -> bool {
        match self {
            StorageError::Sql {
                source: rusqlite::Error::SqliteFailure(e, _),
                ..
            } => matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase
            ),
            StorageError::NotADatabase { .. } => true,
            _ => false,
        }
    }
}

/// Everything the server persists. Implementations are shared between request handlers and are
/// called from blocking threads.
pub trait Storage: Send + Sync + 'static {
    fn add_clinic(&self, id: &str, name: &str, created_at: i64) -> Result<Clinic, StorageError>;
    fn clinics(&self) -> Result<Vec<Clinic>, StorageError>;
    fn clinic(&self, id: &str) -> Result<Option<Clinic>, StorageError>;

    fn add_enrolment_code(&self, code: &NewEnrolmentCode) -> Result<(), StorageError>;
    /// Marks the code used and creates the device, in one transaction; a code is used once.
    fn redeem_enrolment_code(
        &self,
        code_hash: &[u8; 32],
        now: i64,
        device: &NewDevice,
    ) -> Result<Redeemed, StorageError>;

    /// Records a failed enrolment attempt (an unknown, expired or used code).
    fn record_enrolment_failure(&self, failure: &EnrolmentFailure) -> Result<(), StorageError>;
    /// Failed enrolment attempts at or after `since`, oldest first, at most `limit`.
    fn enrolment_failures(
        &self,
        since: i64,
        limit: usize,
    ) -> Result<Vec<EnrolmentFailure>, StorageError>;

    /// The device holding this token hash, revoked or not.
    fn device_by_token_hash(&self, token_hash: &[u8; 32]) -> Result<Option<Device>, StorageError>;
    fn devices(&self) -> Result<Vec<Device>, StorageError>;
    /// Whether a device with this id existed (revoking twice keeps the first time).
    fn revoke_device(&self, id: &str, now: i64) -> Result<bool, StorageError>;

    fn document(&self, clinic_id: &str, doc: &DocId) -> Result<Option<StoredDoc>, StorageError>;
    /// The device's acknowledged sync state of a document (`automerge::sync::State::encode`).
    fn sync_state(&self, device_id: &str, doc: &DocId) -> Result<Option<Vec<u8>>, StorageError>;
    /// Writes documents (each with a fresh sequence number) and sync states in one transaction;
    /// [`StorageError::Conflict`] and nothing written if any document moved since it was read.
    /// A state written here replaces any pending offer of the same document.
    /// Returns the new sequence numbers, in the order of `docs`.
    fn commit_exchange(
        &self,
        clinic_id: &str,
        device_id: &str,
        docs: &[DocWrite],
        states: &[(DocId, Vec<u8>)],
    ) -> Result<Vec<u64>, StorageError>;
    /// Records the states a response offered (the heads it brought each document to) as
    /// pending until the device presents a cursor of at least `cursor`: a device keeps a
    /// response's cursor only once it has applied the response, so that cursor acknowledges it.
    fn record_offers(
        &self,
        device_id: &str,
        cursor: u64,
        offers: &[(DocId, Vec<u8>)],
    ) -> Result<(), StorageError>;
    /// Makes the pending offers acknowledged by `cursor` the device's sync states, and forgets
    /// the rest (a response the device never applied); returns how many were acknowledged.
    fn confirm_offers(&self, device_id: &str, cursor: u64) -> Result<usize, StorageError>;
    /// Documents in `scope` changed after `cursor`, in sequence order, at most `limit`.
    fn changed_since(
        &self,
        scope: &Scope,
        cursor: u64,
        limit: usize,
    ) -> Result<Vec<Changed>, StorageError>;
    /// Keeps `handle` as a cursor of this device standing at sequence number `position`. A
    /// device's older cursors are forgotten beyond the newest [`CURSORS_KEPT`].
    fn record_cursor(
        &self,
        device_id: &str,
        handle: u64,
        position: u64,
    ) -> Result<(), StorageError>;
    /// The position of a cursor issued to this device; `None` for one never issued to it (or
    /// forgotten).
    fn cursor_position(&self, device_id: &str, handle: u64) -> Result<Option<u64>, StorageError>;
    /// The highest sequence number handed out so far (0 before any document).
    fn latest_seq(&self) -> Result<u64, StorageError>;

    /// Every stored document as (clinic id, document id as stored), for the integrity check.
    fn document_keys(&self) -> Result<Vec<(String, String)>, StorageError>;
    /// What a structural check of the database finds wrong (SQLite's `quick_check`); empty when
    /// it is sound.
    fn structural_problems(&self) -> Result<Vec<String>, StorageError>;
}
