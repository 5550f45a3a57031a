//! The SQLite file: its first-open checks, pragmas, tables and migrations, and the device's
//! actor id kept inside it.

use std::io::Read;
use std::path::Path;

use automerge::ActorId;
use rusqlite::{Connection, OptionalExtension};

use super::StoreError;

/// The newest schema: the number of the last migration.
const SCHEMA_VERSION: i64 = 7;

const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs (
    doc_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    snapshot BLOB NOT NULL,
    generation INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX changes_by_doc ON changes(doc_id, id);
CREATE TABLE doc_rows (
    doc_id TEXT NOT NULL,
    key TEXT NOT NULL,
    item TEXT NOT NULL,
    json TEXT NOT NULL
);
CREATE UNIQUE INDEX doc_rows_by_item ON doc_rows(doc_id, key, item);
CREATE TABLE patient_index (
    patient_id TEXT PRIMARY KEY,
    name_kanji TEXT NOT NULL,
    name_kana TEXT NOT NULL,
    search_key TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    sex TEXT NOT NULL,
    kakaritsuke INTEGER NOT NULL,
    history_known INTEGER NOT NULL,
    care_team TEXT
);
CREATE INDEX patient_by_kana ON patient_index(name_kana);
CREATE INDEX patient_by_dob ON patient_index(date_of_birth);
CREATE TABLE queue_index (
    doc_id TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    day TEXT NOT NULL,
    time TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    visit TEXT NOT NULL,
    status TEXT NOT NULL,
    doctor TEXT,
    pre_consult INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (doc_id, entry_id)
);
CREATE INDEX queue_by_day ON queue_index(day, time);
CREATE TABLE staff_index (
    staff_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    active INTEGER NOT NULL
);
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    device TEXT NOT NULL,
    staff_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    action TEXT NOT NULL,
    change_hash TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
";

/// Version 2: per-document sync state with the server, and which documents have changes the
/// server may not have. Every document of an older store starts out needing a sync.
const MIGRATE_TO_2: &str = "
CREATE TABLE sync_docs (
    doc_id TEXT PRIMARY KEY,
    state BLOB,
    dirty INTEGER NOT NULL DEFAULT 1
);
INSERT INTO sync_docs (doc_id, dirty) SELECT doc_id, 1 FROM docs;
";

/// Version 3: the clinic's own patient number (診察券番号), by which a レセコン list is matched
/// on re-import. Documents written before it carry none.
const MIGRATE_TO_3: &str = "
ALTER TABLE patient_index ADD COLUMN patient_number TEXT;
CREATE INDEX patient_by_number ON patient_index(patient_number);
";

/// Version 4: wrong sign-in PINs in a row per staff member on this device, and until when a
/// member is locked out, so that a restart does not reset the count (see `store::lockout`).
/// A device's own security state: not a document, never synced.
const MIGRATE_TO_4: &str = "
CREATE TABLE sign_in_failures (
    staff_id TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    locked_until TEXT
);
";

/// Version 5: what the front desk's board shows without opening the queue document: when the
/// patient was checked in (minutes waiting), when the doctor signed (ended is not signed), and
/// the payment (会計). Rows indexed before it are filled from the read model's copy of each entry.
const MIGRATE_TO_5: &str = "
ALTER TABLE queue_index ADD COLUMN checked_in_at TEXT;
ALTER TABLE queue_index ADD COLUMN signed_at TEXT;
ALTER TABLE queue_index ADD COLUMN payment_amount INTEGER;
ALTER TABLE queue_index ADD COLUMN payment_method TEXT;
ALTER TABLE queue_index ADD COLUMN payment_paid INTEGER;
UPDATE queue_index SET
    signed_at = (SELECT json_extract(r.json, '$.signed_at') FROM doc_rows r
        WHERE r.doc_id = queue_index.doc_id AND r.key = 'entries' AND r.item = queue_index.entry_id),
    payment_amount = (SELECT json_extract(r.json, '$.payment.amount_yen') FROM doc_rows r
        WHERE r.doc_id = queue_index.doc_id AND r.key = 'entries' AND r.item = queue_index.entry_id),
    payment_method = (SELECT json_extract(r.json, '$.payment.method') FROM doc_rows r
        WHERE r.doc_id = queue_index.doc_id AND r.key = 'entries' AND r.item = queue_index.entry_id),
    payment_paid = (SELECT json_extract(r.json, '$.payment.paid') FROM doc_rows r
        WHERE r.doc_id = queue_index.doc_id AND r.key = 'entries' AND r.item = queue_index.entry_id),
    checked_in_at = (SELECT max(json_extract(h.value, '$.at'))
        FROM doc_rows r, json_each(r.json, '$.history') h
        WHERE r.doc_id = queue_index.doc_id AND r.key = 'entries' AND r.item = queue_index.entry_id
          AND json_extract(h.value, '$.to') = 'checked_in');
";

/// Version 6: a home-care nurse's request that the doctor join the visit on video (D to P with
/// N, 指針 V.2(3)), so that the doctor's board shows it: who asked, when, and why. Rows indexed
/// before it are filled from the read model's copy of each entry.
const MIGRATE_TO_6: &str = "
ALTER TABLE queue_index ADD COLUMN request_by TEXT;
ALTER TABLE queue_index ADD COLUMN request_at TEXT;
ALTER TABLE queue_index ADD COLUMN request_reason TEXT;
UPDATE queue_index SET
    request_by = (SELECT json_extract(r.json, '$.consult_request.by') FROM doc_rows r
        WHERE r.doc_id = queue_index.doc_id AND r.key = 'entries' AND r.item = queue_index.entry_id),
    request_at = (SELECT json_extract(r.json, '$.consult_request.at') FROM doc_rows r
        WHERE r.doc_id = queue_index.doc_id AND r.key = 'entries' AND r.item = queue_index.entry_id),
    request_reason = (SELECT json_extract(r.json, '$.consult_request.reason') FROM doc_rows r
        WHERE r.doc_id = queue_index.doc_id AND r.key = 'entries' AND r.item = queue_index.entry_id);
";

/// Version 7: documents from the server this device cannot read, set aside with the bytes they
/// would have been, why, and when (see `store::quarantine`), so that sync goes on without them.
/// `IF NOT EXISTS`: a file marked older than it is (a restored or hand-edited one) may hold it.
const MIGRATE_TO_7: &str = "
CREATE TABLE IF NOT EXISTS quarantine (
    doc_id TEXT PRIMARY KEY,
    bytes BLOB NOT NULL,
    reason TEXT NOT NULL,
    at TEXT NOT NULL
);
";

/// Every migration, in order: the number it brings the file to and its SQL. A new store runs
/// `SCHEMA` and then all of them.
const MIGRATIONS: &[(i64, &str)] = &[
    (2, MIGRATE_TO_2),
    (3, MIGRATE_TO_3),
    (4, MIGRATE_TO_4),
    (5, MIGRATE_TO_5),
    (6, MIGRATE_TO_6),
    (7, MIGRATE_TO_7),
];

/// Whether the file at `path` starts with SQLite's clear header: `None` if it is absent or
/// empty (a new store), `Some(false)` for anything else, such as an SQLCipher file.
pub fn has_clear_header(path: &Path) -> Option<bool> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut header = [0u8; 16];
    match file.read_exact(&mut header) {
        Ok(()) => Some(&header == b"SQLite format 3\0"),
        Err(_) => match file.metadata() {
            Ok(m) if m.len() == 0 => None,
            _ => Some(false),
        },
    }
}

/// Rejects files that are not SQLite databases or are shorter than their header says, before
/// SQLite gets a chance to report them later as a generic I/O error.
pub fn check_file(path: &Path) -> Result<(), StoreError> {
    let Ok(mut file) = std::fs::File::open(path) else {
        return Ok(()); // absent: it will be created
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len == 0 {
        return Ok(());
    }
    let mut header = [0u8; 100];
    if len < 100 || file.read_exact(&mut header).is_err() {
        return Err(StoreError::Damaged {
            path: path.to_path_buf(),
            reason: format!("the file is only {len} bytes long, shorter than a database header"),
        });
    }
    if &header[..16] != b"SQLite format 3\0" {
        return Err(StoreError::NotAStore {
            path: path.to_path_buf(),
            reason: "the file is not an SQLite database".into(),
        });
    }
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65536u64,
        n => u64::from(n),
    };
    let change_counter = &header[24..28];
    let valid_for = &header[92..96];
    let pages = u64::from(u32::from_be_bytes([
        header[28], header[29], header[30], header[31],
    ]));
    if change_counter == valid_for && pages * page_size > len {
        return Err(StoreError::Damaged {
            path: path.to_path_buf(),
            reason: format!(
                "the file is truncated: its header promises {} bytes but it holds {len}",
                pages * page_size
            ),
        });
    }
    Ok(())
}

/// Sets durability pragmas and creates or migrates the tables.
pub fn prepare(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    let err = StoreError::sqlite(path);
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(StoreError::sqlite(path))?;
    // WAL + FULL: a commit is on disk when it returns, and readers never block the writer.
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(StoreError::sqlite(path))?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(StoreError::sqlite(path))?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(StoreError::sqlite(path))?;
    // A workstation keeps its working set in memory: 64 MiB of page cache and reads through
    // mmap, instead of SQLite's 2 MiB default that makes a 10,000-patient scan go to the disk.
    conn.pragma_update(None, "cache_size", -65536)
        .map_err(StoreError::sqlite(path))?;
    conn.pragma_update(None, "mmap_size", 268_435_456)
        .map_err(StoreError::sqlite(path))?;
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(StoreError::sqlite(path))?;
    match version {
        v if v < SCHEMA_VERSION => {
            let tx = conn
                .unchecked_transaction()
                .map_err(StoreError::sqlite(path))?;
            if version == 0 {
                tx.execute_batch(SCHEMA).map_err(StoreError::sqlite(path))?;
            }
            for (to, sql) in MIGRATIONS {
                if *to > version {
                    tx.execute_batch(sql).map_err(StoreError::sqlite(path))?;
                }
            }
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)
                .map_err(StoreError::sqlite(path))?;
            tx.commit().map_err(err)?;
            Ok(())
        }
        SCHEMA_VERSION => Ok(()),
        other => Err(StoreError::NotAStore {
            path: path.to_path_buf(),
            reason: format!(
                "schema version {other} is newer than this program understands ({SCHEMA_VERSION})"
            ),
        }),
    }
}

/// The device's actor id, created on first open.
pub fn device_actor(conn: &Connection, path: &Path) -> Result<ActorId, StoreError> {
    let existing: Option<String> = conn
        .query_row("SELECT value FROM meta WHERE key = 'actor'", [], |r| {
            r.get(0)
        })
        .optional()
        .map_err(StoreError::sqlite(path))?;
    if let Some(hex) = existing {
        return ActorId::try_from(hex.as_str()).map_err(|e| StoreError::NotAStore {
            path: path.to_path_buf(),
            reason: format!("device actor id {hex:?} is invalid: {e}"),
        });
    }
    let actor = ActorId::random();
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('actor', ?1)",
        [actor.to_hex_string()],
    )
    .map_err(StoreError::sqlite(path))?;
    Ok(actor)
}
