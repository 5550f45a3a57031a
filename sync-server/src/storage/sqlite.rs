//! The SQLite implementation of [`Storage`]: one WAL-mode file in the data directory, one
//! connection behind a mutex (callers run on blocking threads), every multi-row write in one
//! transaction.
//!
//! Over 600 lines only with its tests, which exercise the trait on a real file.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

use enkaku::protocol::DocId;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{
    CURSORS_KEPT, Changed, Clinic, Device, DocWrite, EnrolmentFailure, NewDevice, NewEnrolmentCode,
    Redeemed, Storage, StorageError, StoredDoc,
};
use crate::scope::Scope;

/// The database file inside the data directory.
pub const DATABASE_FILE: &str = "enkaku-sync.sqlite3";

/// 2: the owner recorded for a queue or roster is the team its id names (see
/// [`record_owners_from_ids`]).
const SCHEMA_VERSION: i64 = 2;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS clinics (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS enrolment_codes (
    code_hash BLOB PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics(id),
    role TEXT NOT NULL,
    care_team TEXT,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
    device_id TEXT
);
-- Failed enrolment attempts: when and from where, never the code tried.
CREATE TABLE IF NOT EXISTS enrolment_failures (
    at INTEGER NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS enrolment_failures_by_time ON enrolment_failures(at);
CREATE TABLE IF NOT EXISTS devices (
    id TEXT PRIMARY KEY,
    clinic_id TEXT NOT NULL REFERENCES clinics(id),
    role TEXT NOT NULL,
    care_team TEXT,
    name TEXT NOT NULL,
    actor TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    enrolled_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS devices_active_actor ON devices(actor) WHERE revoked_at IS NULL;
CREATE TABLE IF NOT EXISTS documents (
    clinic_id TEXT NOT NULL REFERENCES clinics(id),
    doc_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    care_team TEXT,
    seq INTEGER NOT NULL UNIQUE,
    bytes BLOB NOT NULL,
    PRIMARY KEY (clinic_id, doc_id)
);
CREATE INDEX IF NOT EXISTS documents_by_seq ON documents(clinic_id, seq);
-- state: what the device acknowledged; offered_*: what a response brought it to, pending until
-- the device presents that response's cursor.
CREATE TABLE IF NOT EXISTS sync_states (
    device_id TEXT NOT NULL REFERENCES devices(id),
    doc_id TEXT NOT NULL,
    state BLOB,
    offered_state BLOB,
    offered_cursor INTEGER,
    PRIMARY KEY (device_id, doc_id)
);
CREATE INDEX IF NOT EXISTS sync_states_offered ON sync_states(device_id, offered_cursor)
    WHERE offered_cursor IS NOT NULL;
-- Cursors issued to devices: random handles standing for a sequence number, so that a device
-- learns nothing of the server's history from them.
CREATE TABLE IF NOT EXISTS cursors (
    device_id TEXT NOT NULL REFERENCES devices(id),
    handle INTEGER NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (device_id, handle)
);
CREATE TABLE IF NOT EXISTS sequence (
    only_row INTEGER PRIMARY KEY CHECK (only_row = 0),
    last_seq INTEGER NOT NULL
);
INSERT OR IGNORE INTO sequence (only_row, last_seq) VALUES (0, 0);
";

/// The server's SQLite database.
pub struct SqliteStorage {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl SqliteStorage {
    /// Opens (creating if needed) the database in `data_dir`.
    pub fn open(data_dir: &Path) -> Result<SqliteStorage, StorageError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StorageError::DataDir {
            path: data_dir.display().to_string(),
            source,
        })?;
        let path = data_dir.join(DATABASE_FILE);
        refuse_non_database(&path)?;
        let sql = |source| StorageError::Sql {
            path: path.display().to_string(),
            source,
        };
        let conn = Connection::open(&path).map_err(sql)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .map_err(sql)?;
        // WAL lets the admin CLI write while the server reads; FULL makes every acknowledged
        // exchange survive a power cut, not only a crash.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sql)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(sql)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(sql)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(sql)?;
        if version > SCHEMA_VERSION {
            return Err(sql(rusqlite::Error::InvalidParameterName(format!(
                "schema version {version} is newer than this server ({SCHEMA_VERSION})"
            ))));
        }
        conn.execute_batch(SCHEMA).map_err(sql)?;
        if version < 2 {
            let repaired = record_owners_from_ids(&conn).map_err(sql)?;
            if repaired > 0 {
                tracing::warn!(
                    documents = repaired,
                    "queue and roster documents had an owner their id does not name; \
                     recorded the id's team instead"
                );
            }
        }
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(sql)?;
        Ok(SqliteStorage {
            conn: Mutex::new(conn),
            path,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection; a panic elsewhere while it was held leaves nothing half-written (an open
    /// transaction rolls back when dropped), so a poisoned lock is still safe to use.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn sql_err(&self) -> impl Fn(rusqlite::Error) -> StorageError + '_ {
        move |source| StorageError::Sql {
            path: self.path.display().to_string(),
            source,
        }
    }
}

/// Records the team a queue or roster id names as its owner, where an older server recorded the
/// `care_team` its writer had put at its root (which let a team device claim the clinic's queue
/// of a day, or another team's). Returns how many rows changed. One transaction.
fn record_owners_from_ids(conn: &Connection) -> rusqlite::Result<usize> {
    let tx = conn.unchecked_transaction()?;
    let rows: Vec<(String, String, Option<String>)> = tx
        .prepare(
            "SELECT clinic_id, doc_id, care_team FROM documents WHERE kind IN ('queue', 'team')",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut changed = 0;
    for (clinic, doc, recorded) in rows {
        // An id that does not parse is left for the integrity check to report.
        let Ok(id) = DocId::parse(&doc) else {
            continue;
        };
        let owner = id.named_team();
        if owner != recorded.as_deref() {
            changed += tx.execute(
                "UPDATE documents SET care_team = ?3 WHERE clinic_id = ?1 AND doc_id = ?2",
                params![clinic, doc, owner],
            )?;
        }
    }
    tx.commit()?;
    Ok(changed)
}

const DEVICE_COLUMNS: &str =
    "id, clinic_id, role, care_team, name, actor, token_hash, enrolled_at, revoked_at";

fn device_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Device> {
    let hash: Vec<u8> = r.get(6)?;
    let token_hash = <[u8; 32]>::try_from(hash.as_slice()).map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            6,
            rusqlite::types::Type::Blob,
            "token hash is not 32 bytes".into(),
        )
    })?;
    Ok(Device {
        id: r.get(0)?,
        clinic_id: r.get(1)?,
        role: r.get(2)?,
        care_team: r.get(3)?,
        name: r.get(4)?,
        actor: r.get(5)?,
        token_hash,
        enrolled_at: r.get(7)?,
        revoked_at: r.get(8)?,
    })
}

fn to_seq(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn from_seq(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Storage for SqliteStorage {
    fn add_clinic(&self, id: &str, name: &str, created_at: i64) -> Result<Clinic, StorageError> {
        self.conn()
            .execute(
                "INSERT INTO clinics (id, name, created_at) VALUES (?1, ?2, ?3)",
                params![id, name, created_at],
            )
            .map_err(self.sql_err())?;
        Ok(Clinic {
            id: id.to_string(),
            name: name.to_string(),
            created_at,
        })
    }

    fn clinics(&self) -> Result<Vec<Clinic>, StorageError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT id, name, created_at FROM clinics ORDER BY created_at, id")
            .map_err(self.sql_err())?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Clinic {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    created_at: r.get(2)?,
                })
            })
            .map_err(self.sql_err())?;
        rows.collect::<Result<_, _>>().map_err(self.sql_err())
    }

    fn clinic(&self, id: &str) -> Result<Option<Clinic>, StorageError> {
        self.conn()
            .query_row(
                "SELECT id, name, created_at FROM clinics WHERE id = ?1",
                [id],
                |r| {
                    Ok(Clinic {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        created_at: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(self.sql_err())
    }

    fn add_enrolment_code(&self, code: &NewEnrolmentCode) -> Result<(), StorageError> {
        let conn = self.conn();
        let exists: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM clinics WHERE id = ?1)",
                [&code.clinic_id],
                |r| r.get(0),
            )
            .map_err(self.sql_err())?;
        if !exists {
            return Err(StorageError::NoClinic(code.clinic_id.clone()));
        }
        conn.execute(
            "INSERT INTO enrolment_codes (code_hash, clinic_id, role, care_team, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                &code.code_hash[..],
                code.clinic_id,
                code.role,
                code.care_team,
                code.created_at,
                code.expires_at
            ],
        )
        .map_err(self.sql_err())?;
        Ok(())
    }

    fn redeem_enrolment_code(
        &self,
        code_hash: &[u8; 32],
        now: i64,
        device: &NewDevice,
    ) -> Result<Redeemed, StorageError> {
        let mut conn = self.conn();
        let err = self.sql_err();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&err)?;
        let grant: Option<(String, String, Option<String>)> = tx
            .query_row(
                "SELECT clinic_id, role, care_team FROM enrolment_codes
                 WHERE code_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
                params![&code_hash[..], now],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(&err)?;
        let Some((clinic_id, role, care_team)) = grant else {
            return Ok(Redeemed::InvalidCode);
        };
        let actor_taken: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM devices WHERE actor = ?1 AND revoked_at IS NULL)",
                [&device.actor],
                |r| r.get(0),
            )
            .map_err(&err)?;
        if actor_taken {
            // The code stays usable: the person at the device can fix the actor and retry.
            return Ok(Redeemed::ActorInUse);
        }
        tx.execute(
            "INSERT INTO devices (id, clinic_id, role, care_team, name, actor, token_hash, enrolled_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                device.id,
                clinic_id,
                role,
                care_team,
                device.name,
                device.actor,
                &device.token_hash[..],
                device.enrolled_at
            ],
        )
        .map_err(&err)?;
        tx.execute(
            "UPDATE enrolment_codes SET used_at = ?2, device_id = ?3 WHERE code_hash = ?1",
            params![&code_hash[..], now, device.id],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)?;
        Ok(Redeemed::Enrolled(Device {
            id: device.id.clone(),
            clinic_id,
            role,
            care_team,
            name: device.name.clone(),
            actor: device.actor.clone(),
            token_hash: device.token_hash,
            enrolled_at: device.enrolled_at,
            revoked_at: None,
        }))
    }

    fn record_enrolment_failure(&self, failure: &EnrolmentFailure) -> Result<(), StorageError> {
        self.conn()
            .execute(
                "INSERT INTO enrolment_failures (at, source) VALUES (?1, ?2)",
                params![failure.at, failure.source],
            )
            .map_err(self.sql_err())?;
        Ok(())
    }

    fn enrolment_failures(
        &self,
        since: i64,
        limit: usize,
    ) -> Result<Vec<EnrolmentFailure>, StorageError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(
                "SELECT at, source FROM enrolment_failures WHERE at >= ?1 ORDER BY at, rowid
                 LIMIT ?2",
            )
            .map_err(self.sql_err())?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = stmt
            .query_map(params![since, limit], |r| {
                Ok(EnrolmentFailure {
                    at: r.get(0)?,
                    source: r.get(1)?,
                })
            })
            .map_err(self.sql_err())?;
        rows.collect::<Result<_, _>>().map_err(self.sql_err())
    }

    fn device_by_token_hash(&self, token_hash: &[u8; 32]) -> Result<Option<Device>, StorageError> {
        self.conn()
            .query_row(
                &format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE token_hash = ?1"),
                [&token_hash[..]],
                device_row,
            )
            .optional()
            .map_err(self.sql_err())
    }

    fn devices(&self) -> Result<Vec<Device>, StorageError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare(&format!(
                "SELECT {DEVICE_COLUMNS} FROM devices ORDER BY clinic_id, enrolled_at, id"
            ))
            .map_err(self.sql_err())?;
        let rows = stmt.query_map([], device_row).map_err(self.sql_err())?;
        rows.collect::<Result<_, _>>().map_err(self.sql_err())
    }

    fn revoke_device(&self, id: &str, now: i64) -> Result<bool, StorageError> {
        let conn = self.conn();
        let exists: bool = conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM devices WHERE id = ?1)",
                [id],
                |r| r.get(0),
            )
            .map_err(self.sql_err())?;
        conn.execute(
            "UPDATE devices SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id, now],
        )
        .map_err(self.sql_err())?;
        Ok(exists)
    }

    fn document(&self, clinic_id: &str, doc: &DocId) -> Result<Option<StoredDoc>, StorageError> {
        self.conn()
            .query_row(
                "SELECT bytes, seq, care_team FROM documents WHERE clinic_id = ?1 AND doc_id = ?2",
                params![clinic_id, doc.as_str()],
                |r| {
                    Ok(StoredDoc {
                        bytes: r.get(0)?,
                        seq: to_seq(r.get(1)?),
                        care_team: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(self.sql_err())
    }

    fn sync_state(&self, device_id: &str, doc: &DocId) -> Result<Option<Vec<u8>>, StorageError> {
        self.conn()
            .query_row(
                "SELECT state FROM sync_states WHERE device_id = ?1 AND doc_id = ?2",
                params![device_id, doc.as_str()],
                |r| r.get::<_, Option<Vec<u8>>>(0),
            )
            .optional()
            .map(Option::flatten)
            .map_err(self.sql_err())
    }

    fn commit_exchange(
        &self,
        clinic_id: &str,
        device_id: &str,
        docs: &[DocWrite],
        states: &[(DocId, Vec<u8>)],
    ) -> Result<Vec<u64>, StorageError> {
        let mut conn = self.conn();
        let err = self.sql_err();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&err)?;
        let mut seqs = Vec::with_capacity(docs.len());
        for write in docs {
            let current: Option<i64> = tx
                .query_row(
                    "SELECT seq FROM documents WHERE clinic_id = ?1 AND doc_id = ?2",
                    params![clinic_id, write.doc.as_str()],
                    |r| r.get(0),
                )
                .optional()
                .map_err(&err)?;
            if current.map(to_seq) != write.expected_seq {
                // Dropping the transaction rolls back whatever this loop already wrote.
                return Err(StorageError::Conflict(write.doc.to_string()));
            }
            let seq: i64 = tx
                .query_row(
                    "UPDATE sequence SET last_seq = last_seq + 1 RETURNING last_seq",
                    [],
                    |r| r.get(0),
                )
                .map_err(&err)?;
            tx.execute(
                "INSERT INTO documents (clinic_id, doc_id, kind, care_team, seq, bytes)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (clinic_id, doc_id) DO UPDATE SET
                     care_team = excluded.care_team, seq = excluded.seq, bytes = excluded.bytes",
                params![
                    clinic_id,
                    write.doc.as_str(),
                    write.doc.kind().as_str(),
                    write.care_team,
                    seq,
                    write.bytes
                ],
            )
            .map_err(&err)?;
            seqs.push(to_seq(seq));
        }
        for (doc, state) in states {
            tx.execute(
                "INSERT INTO sync_states (device_id, doc_id, state) VALUES (?1, ?2, ?3)
                 ON CONFLICT (device_id, doc_id) DO UPDATE SET
                     state = excluded.state, offered_state = NULL, offered_cursor = NULL",
                params![device_id, doc.as_str(), state],
            )
            .map_err(&err)?;
        }
        tx.commit().map_err(&err)?;
        Ok(seqs)
    }

    fn record_offers(
        &self,
        device_id: &str,
        cursor: u64,
        offers: &[(DocId, Vec<u8>)],
    ) -> Result<(), StorageError> {
        let mut conn = self.conn();
        let err = self.sql_err();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&err)?;
        for (doc, state) in offers {
            tx.execute(
                "INSERT INTO sync_states (device_id, doc_id, offered_state, offered_cursor)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (device_id, doc_id) DO UPDATE SET
                     offered_state = excluded.offered_state,
                     offered_cursor = excluded.offered_cursor",
                params![device_id, doc.as_str(), state, from_seq(cursor)],
            )
            .map_err(&err)?;
        }
        tx.commit().map_err(&err)
    }

    fn confirm_offers(&self, device_id: &str, cursor: u64) -> Result<usize, StorageError> {
        let mut conn = self.conn();
        let err = self.sql_err();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&err)?;
        let confirmed = tx
            .execute(
                "UPDATE sync_states
                 SET state = offered_state, offered_state = NULL, offered_cursor = NULL
                 WHERE device_id = ?1 AND offered_cursor IS NOT NULL AND offered_cursor <= ?2",
                params![device_id, from_seq(cursor)],
            )
            .map_err(&err)?;
        // What is still pending was offered by a response the device never applied (it would
        // present that response's cursor now): forgotten, so that no later cursor, which may be
        // as large, acknowledges documents the device never received.
        tx.execute(
            "UPDATE sync_states SET offered_state = NULL, offered_cursor = NULL
             WHERE device_id = ?1 AND offered_cursor IS NOT NULL",
            params![device_id],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)?;
        Ok(confirmed)
    }

    fn changed_since(
        &self,
        scope: &Scope,
        cursor: u64,
        limit: usize,
    ) -> Result<Vec<Changed>, StorageError> {
        let conn = self.conn();
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows: Vec<(String, i64)> = match &scope.care_team {
            None => {
                let mut stmt = conn
                    .prepare_cached(
                        "SELECT doc_id, seq FROM documents WHERE clinic_id = ?1 AND seq > ?2
                         ORDER BY seq LIMIT ?3",
                    )
                    .map_err(self.sql_err())?;
                stmt.query_map(params![scope.clinic_id, from_seq(cursor), limit], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .map_err(self.sql_err())?
                .collect::<Result<_, _>>()
                .map_err(self.sql_err())?
            }
            Some(team) => {
                // The kinds come from the one rule `Scope::admits` applies.
                let kinds = crate::scope::TEAM_KINDS
                    .iter()
                    .map(|k| format!("'{}'", k.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ");
                let mut stmt = conn
                    .prepare_cached(&format!(
                        "SELECT doc_id, seq FROM documents
                         WHERE clinic_id = ?1 AND seq > ?2 AND kind IN ({kinds}) AND care_team = ?3
                         ORDER BY seq LIMIT ?4"
                    ))
                    .map_err(self.sql_err())?;
                stmt.query_map(
                    params![scope.clinic_id, from_seq(cursor), team, limit],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .map_err(self.sql_err())?
                .collect::<Result<_, _>>()
                .map_err(self.sql_err())?
            }
        };
        rows.into_iter()
            .map(|(doc, seq)| {
                let id = DocId::parse(&doc).map_err(|_| StorageError::BadStoredId(doc.clone()))?;
                Ok(Changed {
                    doc: id,
                    seq: to_seq(seq),
                })
            })
            .collect()
    }

    fn record_cursor(
        &self,
        device_id: &str,
        handle: u64,
        position: u64,
    ) -> Result<(), StorageError> {
        let mut conn = self.conn();
        let err = self.sql_err();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(&err)?;
        tx.execute(
            "INSERT OR REPLACE INTO cursors (device_id, handle, position) VALUES (?1, ?2, ?3)",
            params![device_id, from_seq(handle), from_seq(position)],
        )
        .map_err(&err)?;
        // The newest are kept: a device presents the last cursor it was given.
        tx.execute(
            "DELETE FROM cursors WHERE device_id = ?1 AND handle NOT IN (
                 SELECT handle FROM cursors WHERE device_id = ?1 ORDER BY rowid DESC LIMIT ?2)",
            params![device_id, CURSORS_KEPT],
        )
        .map_err(&err)?;
        tx.commit().map_err(&err)
    }

    fn cursor_position(&self, device_id: &str, handle: u64) -> Result<Option<u64>, StorageError> {
        let Ok(handle) = i64::try_from(handle) else {
            return Ok(None);
        };
        self.conn()
            .query_row(
                "SELECT position FROM cursors WHERE device_id = ?1 AND handle = ?2",
                params![device_id, handle],
                |r| r.get(0),
            )
            .optional()
            .map(|p| p.map(to_seq))
            .map_err(self.sql_err())
    }

    fn latest_seq(&self) -> Result<u64, StorageError> {
        self.conn()
            .query_row("SELECT last_seq FROM sequence", [], |r| r.get(0))
            .map(to_seq)
            .map_err(self.sql_err())
    }

    fn document_keys(&self) -> Result<Vec<(String, String)>, StorageError> {
        let conn = self.conn();
        let mut statement = conn
            .prepare("SELECT clinic_id, doc_id FROM documents ORDER BY clinic_id, doc_id")
            .map_err(self.sql_err())?;
        statement
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(self.sql_err())?
            .collect::<Result<_, _>>()
            .map_err(self.sql_err())
    }

    fn structural_problems(&self) -> Result<Vec<String>, StorageError> {
        let conn = self.conn();
        let mut statement = conn
            .prepare("PRAGMA quick_check(100)")
            .map_err(self.sql_err())?;
        let found: Vec<String> = statement
            .query_map([], |r| r.get(0))
            .map_err(self.sql_err())?
            .collect::<Result<_, _>>()
            .map_err(self.sql_err())?;
        Ok(found.into_iter().filter(|line| line != "ok").collect())
    }
}

/// SQLite files begin with these 16 bytes.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// Refuses an existing file that is empty or not SQLite: opening it would create a new, empty
/// database in its place. A missing file is a new server.
fn refuse_non_database(path: &Path) -> Result<(), StorageError> {
    let refuse = |reason: String| StorageError::NotADatabase {
        path: path.display().to_string(),
        reason,
    };
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(refuse(format!("cannot be read: {e}"))),
    };
    let mut header = Vec::with_capacity(SQLITE_HEADER.len());
    std::io::Read::by_ref(&mut file)
        .take(SQLITE_HEADER.len() as u64)
        .read_to_end(&mut header)
        .map_err(|e| refuse(format!("cannot be read: {e}")))?;
    if header.is_empty() {
        return Err(refuse("the file is empty".into()));
    }
    if header.as_slice() != SQLITE_HEADER {
        return Err(refuse(
            "the file does not begin with the SQLite header".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn storage() -> (tempfile::TempDir, SqliteStorage) {
        let dir = tempfile::tempdir().expect("temp dir");
        let storage = SqliteStorage::open(dir.path()).expect("open");
        storage.add_clinic("c-a", "A", 0).expect("clinic a");
        storage.add_clinic("c-b", "B", 0).expect("clinic b");
        (dir, storage)
    }

    /// Enrols device `id` as a clinic-wide doctor of clinic `c-a`.
    fn enrol_doctor(s: &SqliteStorage, id: &str) {
        s.add_enrolment_code(&NewEnrolmentCode {
            code_hash: [1; 32],
            clinic_id: "c-a".into(),
            role: "doctor".into(),
            care_team: None,
            created_at: 0,
            expires_at: 100,
        })
        .unwrap();
        let device = NewDevice {
            id: id.into(),
            name: "pc".into(),
            actor: "aa".into(),
            token_hash: [1; 32],
            enrolled_at: 0,
        };
        assert!(matches!(
            s.redeem_enrolment_code(&[1; 32], 1, &device).unwrap(),
            Redeemed::Enrolled(_)
        ));
    }

    fn id(text: &str) -> DocId {
        DocId::parse(text).expect("doc id")
    }

    fn write(doc: &str, care_team: Option<&str>, expected_seq: Option<u64>) -> DocWrite {
        DocWrite {
            doc: id(doc),
            bytes: doc.as_bytes().to_vec(),
            care_team: care_team.map(str::to_string),
            expected_seq,
        }
    }

    fn scope(clinic: &str, team: Option<&str>) -> Scope {
        Scope {
            clinic_id: clinic.into(),
            care_team: team.map(str::to_string),
            role: None,
        }
    }

    fn seqs(changed: &[Changed]) -> Vec<(String, u64)> {
        changed.iter().map(|c| (c.doc.to_string(), c.seq)).collect()
    }

    #[test]
    fn every_write_takes_the_next_global_sequence_number_and_cursors_page_through_them() {
        let (_dir, s) = storage();
        assert_eq!(s.latest_seq().unwrap(), 0);
        let first = s
            .commit_exchange(
                "c-a",
                "d",
                &[
                    write("clinic", None, None),
                    write("patient/p1", Some("north"), None),
                ],
                &[],
            )
            .unwrap();
        assert_eq!(first, vec![1, 2]);
        // Another clinic's write still takes the next number: one global sequence.
        assert_eq!(
            s.commit_exchange("c-b", "d", &[write("clinic", None, None)], &[])
                .unwrap(),
            vec![3]
        );
        // Rewriting a document moves it to the end.
        assert_eq!(
            s.commit_exchange("c-a", "d", &[write("clinic", None, Some(1))], &[])
                .unwrap(),
            vec![4]
        );
        assert_eq!(s.latest_seq().unwrap(), 4);

        let all = s.changed_since(&scope("c-a", None), 0, 10).unwrap();
        assert_eq!(
            seqs(&all),
            vec![("patient/p1".into(), 2), ("clinic".into(), 4)]
        );
        assert_eq!(
            seqs(&s.changed_since(&scope("c-a", None), 0, 1).unwrap()),
            vec![("patient/p1".into(), 2)]
        );
        assert_eq!(
            seqs(&s.changed_since(&scope("c-a", None), 2, 10).unwrap()),
            vec![("clinic".into(), 4)]
        );
        assert!(
            s.changed_since(&scope("c-a", None), 4, 10)
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            seqs(&s.changed_since(&scope("c-b", None), 0, 10).unwrap()),
            vec![("clinic".into(), 3)]
        );
        assert_eq!(
            seqs(
                &s.changed_since(&scope("c-a", Some("north")), 0, 10)
                    .unwrap()
            ),
            vec![("patient/p1".into(), 2)]
        );
        assert!(
            s.changed_since(&scope("c-a", Some("south")), 0, 10)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn a_stale_write_conflicts_and_writes_nothing() {
        let (_dir, s) = storage();
        s.commit_exchange("c-a", "d", &[write("patient/p1", None, None)], &[])
            .unwrap();
        let stale = s.commit_exchange(
            "c-a",
            "d",
            &[
                write("patient/p2", None, None),
                write("patient/p1", None, None),
            ],
            &[(id("patient/p2"), vec![1])],
        );
        assert!(matches!(stale, Err(StorageError::Conflict(doc)) if doc == "patient/p1"));
        assert!(s.document("c-a", &id("patient/p2")).unwrap().is_none());
        assert!(s.sync_state("d", &id("patient/p2")).unwrap().is_none());
        assert_eq!(s.latest_seq().unwrap(), 1);
        // The same document key in another clinic is another document.
        assert_eq!(
            s.commit_exchange("c-b", "d", &[write("patient/p1", None, None)], &[])
                .unwrap(),
            vec![2]
        );
    }

    #[test]
    fn an_offer_becomes_the_sync_state_when_the_device_presents_its_cursor() {
        let (_dir, s) = storage();
        enrol_doctor(&s, "d1");
        let (p1, p2) = (id("patient/p1"), id("patient/p2"));
        s.commit_exchange("c-a", "d1", &[], &[(p1.clone(), vec![1])])
            .unwrap();
        s.record_offers("d1", 10, &[(p1.clone(), vec![2]), (p2.clone(), vec![3])])
            .unwrap();
        // A device still at cursor 9 lost that response: its offers are forgotten, and a later
        // response's cursor of 10 or more (which carried other documents) acknowledges nothing.
        assert_eq!(s.confirm_offers("d1", 9).unwrap(), 0);
        assert_eq!(s.sync_state("d1", &p1).unwrap(), Some(vec![1]));
        assert_eq!(s.sync_state("d1", &p2).unwrap(), None);
        assert_eq!(s.confirm_offers("d1", 10).unwrap(), 0);
        assert_eq!(s.sync_state("d1", &p2).unwrap(), None);
        // Offered again and applied: the device presents that response's cursor.
        s.record_offers("d1", 10, &[(p1.clone(), vec![2]), (p2.clone(), vec![3])])
            .unwrap();
        assert_eq!(s.confirm_offers("d1", 10).unwrap(), 2);
        assert_eq!(s.sync_state("d1", &p1).unwrap(), Some(vec![2]));
        assert_eq!(s.sync_state("d1", &p2).unwrap(), Some(vec![3]));
        assert_eq!(s.confirm_offers("d1", 11).unwrap(), 0);
        // A state from the device's own message supersedes a pending offer.
        s.record_offers("d1", 12, &[(p1.clone(), vec![4])]).unwrap();
        s.commit_exchange("c-a", "d1", &[], &[(p1.clone(), vec![5])])
            .unwrap();
        assert_eq!(s.confirm_offers("d1", 12).unwrap(), 0);
        assert_eq!(s.sync_state("d1", &p1).unwrap(), Some(vec![5]));
    }

    #[test]
    fn a_code_is_redeemed_once_and_not_after_it_expires() {
        let (_dir, s) = storage();
        let code = NewEnrolmentCode {
            code_hash: [1; 32],
            clinic_id: "c-a".into(),
            role: "nurse".into(),
            care_team: Some("north".into()),
            created_at: 0,
            expires_at: 100,
        };
        s.add_enrolment_code(&code).unwrap();
        let device = |id: &str, actor: &str, token: u8| NewDevice {
            id: id.into(),
            name: "tablet".into(),
            actor: actor.into(),
            token_hash: [token; 32],
            enrolled_at: 10,
        };
        assert_eq!(
            s.redeem_enrolment_code(&[1; 32], 100, &device("d1", "aa", 1))
                .unwrap(),
            Redeemed::InvalidCode
        );
        let Redeemed::Enrolled(d) = s
            .redeem_enrolment_code(&[1; 32], 10, &device("d1", "aa", 1))
            .unwrap()
        else {
            panic!("not enrolled");
        };
        assert_eq!(d.care_team.as_deref(), Some("north"));
        assert_eq!(
            s.redeem_enrolment_code(&[1; 32], 10, &device("d2", "bb", 2))
                .unwrap(),
            Redeemed::InvalidCode
        );
        s.add_enrolment_code(&NewEnrolmentCode {
            code_hash: [2; 32],
            ..code
        })
        .unwrap();
        assert_eq!(
            s.redeem_enrolment_code(&[2; 32], 10, &device("d2", "aa", 2))
                .unwrap(),
            Redeemed::ActorInUse
        );
        assert!(s.revoke_device("d1", 20).unwrap());
        assert!(matches!(
            s.redeem_enrolment_code(&[2; 32], 20, &device("d2", "aa", 2))
                .unwrap(),
            Redeemed::Enrolled(_)
        ));
        assert!(!s.revoke_device("nobody", 20).unwrap());
        assert_eq!(
            s.device_by_token_hash(&[1; 32])
                .unwrap()
                .unwrap()
                .revoked_at,
            Some(20)
        );
    }

    #[test]
    fn a_cursor_stands_for_its_position_for_its_device_only_and_old_ones_are_forgotten() {
        let (_dir, s) = storage();
        enrol_doctor(&s, "d1");
        s.record_cursor("d1", 1 << 55, 7).unwrap();
        assert_eq!(s.cursor_position("d1", 1 << 55).unwrap(), Some(7));
        assert_eq!(s.cursor_position("d2", 1 << 55).unwrap(), None);
        assert_eq!(s.cursor_position("d1", 7).unwrap(), None);
        assert_eq!(s.cursor_position("d1", u64::MAX).unwrap(), None);
        // The newest are kept, even when a device starting over stands further back.
        for i in 0..CURSORS_KEPT as u64 {
            s.record_cursor("d1", (1 << 55) + 1 + i, 3).unwrap();
        }
        assert_eq!(s.cursor_position("d1", 1 << 55).unwrap(), None);
        assert_eq!(s.cursor_position("d1", (1 << 55) + 1).unwrap(), Some(3));
    }

    #[test]
    fn failed_enrolments_are_kept_with_time_and_source() {
        let (_dir, s) = storage();
        for (at, source) in [(5, "10.0.0.1"), (9, "2001:db8::"), (7, "10.0.0.1")] {
            s.record_enrolment_failure(&EnrolmentFailure {
                at,
                source: source.into(),
            })
            .unwrap();
        }
        let since_6: Vec<(i64, String)> = s
            .enrolment_failures(6, 10)
            .unwrap()
            .into_iter()
            .map(|f| (f.at, f.source))
            .collect();
        assert_eq!(
            since_6,
            [(7, "10.0.0.1".to_string()), (9, "2001:db8::".to_string())]
        );
        assert_eq!(s.enrolment_failures(0, 1).unwrap().len(), 1);
    }

    #[test]
    fn an_older_database_records_queues_and_rosters_as_their_ids_name_them() {
        let (dir, s) = storage();
        s.commit_exchange(
            "c-a",
            "d",
            &[
                // As an older server recorded them, from what their writer put at the root.
                write("queue/c-a/2026-12-03", Some("north"), None),
                write("queue/c-a/2026-12-03/south", Some("north"), None),
                write("team/south", None, None),
                write("patient/p1", Some("north"), None),
            ],
            &[],
        )
        .unwrap();
        s.conn().pragma_update(None, "user_version", 1).unwrap();
        drop(s);
        let s = SqliteStorage::open(dir.path()).unwrap();
        let owner = |doc: &str| s.document("c-a", &id(doc)).unwrap().unwrap().care_team;
        assert_eq!(owner("queue/c-a/2026-12-03"), None);
        assert_eq!(
            owner("queue/c-a/2026-12-03/south").as_deref(),
            Some("south")
        );
        assert_eq!(owner("team/south").as_deref(), Some("south"));
        assert_eq!(owner("patient/p1").as_deref(), Some("north"));
        let north = Scope {
            clinic_id: "c-a".into(),
            care_team: Some("north".into()),
            role: None,
        };
        assert_eq!(
            seqs(&s.changed_since(&north, 0, 10).unwrap()),
            [("patient/p1".to_string(), 4)]
        );
    }
}
