//! The audit log (監査ログ): who did what to which document and when, append-only and chained
//! by SHA-256 so that an altered, removed or reordered entry is detected.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{Store, StoreError};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub device: String,
    pub staff_id: String,
    pub doc_id: String,
    pub action: String,
    /// The Automerge change the action produced (empty for actions that change no document).
    pub change_hash: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The first entry that does not verify, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("audit entry {seq} does not verify: {reason}")]
pub struct AuditFailure {
    pub seq: i64,
    pub reason: String,
}

/// The hash of an entry: its predecessor's hash, its number, and `[at, device, staff, doc,
/// action, change_hash]`.
fn entry_hash(prev: &str, seq: i64, fields: [&str; 6]) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(seq.to_be_bytes());
    // Length-prefixed fields: no two different entries serialise to the same bytes.
    for field in fields {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// Appends an entry inside the caller's transaction.
pub(super) fn append(
    conn: &Connection,
    path: &Path,
    device: &str,
    staff: &str,
    doc: &str,
    action: &str,
    change_hash: &str,
) -> Result<(), StoreError> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(StoreError::sqlite(path))?;
    let (seq, prev) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    let at = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let hash = entry_hash(&prev, seq, [&at, device, staff, doc, action, change_hash]);
    conn.execute(
        "INSERT INTO audit (seq, at, device, staff_id, doc_id, action, change_hash, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![seq, at, device, staff, doc, action, change_hash, prev, hash],
    )
    .map_err(StoreError::sqlite(path))?;
    conn.execute(
        "INSERT INTO meta (key, value) VALUES ('audit_head', ?1)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        [format!("{seq}:{hash}")],
    )
    .map_err(StoreError::sqlite(path))?;
    Ok(())
}

impl Store {
    /// Records that a staff member signed in at this workstation.
    pub fn record_sign_in(&mut self, staff: &str) -> Result<(), StoreError> {
        self.audit_event(staff, "session", "staff.sign_in")
    }

    /// Records an action that changes no document in the audit log.
    fn audit_event(&mut self, staff: &str, subject: &str, action: &str) -> Result<(), StoreError> {
        let device = self.device_id();
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(StoreError::sqlite(&path))?;
        append(&tx, &path, &device, staff, subject, action, "")?;
        tx.commit().map_err(StoreError::sqlite(&path))
    }

    /// Audit entries, oldest first, optionally only those about one document.
    pub fn audit_entries(&self, doc: Option<&str>) -> Result<Vec<AuditEntry>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT seq, at, device, staff_id, doc_id, action, change_hash, prev_hash, hash
                 FROM audit WHERE (?1 IS NULL OR doc_id = ?1) ORDER BY seq",
            )
            .map_err(self.sql_err())?;
        let rows = stmt
            .query_map([doc], |r| {
                Ok(AuditEntry {
                    seq: r.get(0)?,
                    at: r.get(1)?,
                    device: r.get(2)?,
                    staff_id: r.get(3)?,
                    doc_id: r.get(4)?,
                    action: r.get(5)?,
                    change_hash: r.get(6)?,
                    prev_hash: r.get(7)?,
                    hash: r.get(8)?,
                })
            })
            .map_err(self.sql_err())?;
        rows.collect::<Result<Vec<_>, _>>().map_err(self.sql_err())
    }

    /// Walks the chain from the first entry. `Ok(n)` is the number of entries verified;
    /// `Err` names the first entry that does not verify.
    pub fn verify_audit(&self) -> Result<Result<usize, AuditFailure>, StoreError> {
        let entries = self.audit_entries(None)?;
        let head: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'audit_head'", [], |r| {
                r.get(0)
            })
            .optional()
            .map_err(self.sql_err())?;
        let mut prev = GENESIS.to_string();
        for (i, e) in entries.iter().enumerate() {
            let expected_seq = i as i64 + 1;
            let fail = |reason: String| Ok(Err(AuditFailure { seq: e.seq, reason }));
            if e.seq != expected_seq {
                return Ok(Err(AuditFailure {
                    seq: expected_seq,
                    reason: format!("entry is missing (next entry found is {})", e.seq),
                }));
            }
            if e.prev_hash != prev {
                return fail("its link to the previous entry is broken".into());
            }
            let recomputed = entry_hash(
                &e.prev_hash,
                e.seq,
                [
                    &e.at,
                    &e.device,
                    &e.staff_id,
                    &e.doc_id,
                    &e.action,
                    &e.change_hash,
                ],
            );
            if recomputed != e.hash {
                return fail("its contents do not match its hash (the row was altered)".into());
            }
            prev = e.hash.clone();
        }
        let last = entries.last().map(|e| format!("{}:{}", e.seq, e.hash));
        if head != last {
            let seq = entries.last().map(|e| e.seq + 1).unwrap_or(1);
            return Ok(Err(AuditFailure {
                seq,
                reason: format!(
                    "the log ends before its recorded head {}",
                    head.unwrap_or_else(|| "(none)".into())
                ),
            }));
        }
        Ok(Ok(entries.len()))
    }
}
