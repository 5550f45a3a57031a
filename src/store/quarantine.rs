//! Documents from the server this device cannot read, set aside instead of stopping sync: the
//! bytes the document would have been (what this device held, with what arrived applied), why
//! it cannot be read, and when. The rest of the store never sees them; the server keeps the
//! document, so nothing is lost, and an administrator can read the bytes kept here.

use automerge::Automerge;
use automerge::sync::{Message, State, SyncDoc};
use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use super::{DocId, Store, StoreError};

/// A document set aside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quarantined {
    pub doc_id: String,
    pub reason: String,
    /// When it was (last) set aside, RFC 3339.
    pub at: String,
}

impl Store {
    /// Sets document `id` aside with the sync message that made it unreadable: the bytes kept
    /// are the copy set aside before (or this device's copy, or nothing) with the message
    /// applied; a message that cannot even be applied is kept as it came.
    pub fn quarantine(
        &mut self,
        id: &DocId,
        message: &[u8],
        reason: &str,
    ) -> Result<(), StoreError> {
        let earlier: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT bytes FROM quarantine WHERE doc_id = ?1",
                [id.as_str()],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql_err())?;
        let base = match earlier.and_then(|b| Automerge::load(&b).ok()) {
            Some(doc) => Some(doc),
            None if self.exists(id)? => Some(self.doc(id)?.clone()),
            None => None,
        };
        let mut doc = base.unwrap_or_default();
        let bytes = match Message::decode(message) {
            Ok(m) => match doc.receive_sync_message(&mut State::new(), m) {
                Ok(()) => doc.save(),
                Err(_) => message.to_vec(),
            },
            Err(_) => message.to_vec(),
        };
        let at = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        self.conn
            .execute(
                "INSERT INTO quarantine (doc_id, bytes, reason, at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(doc_id) DO UPDATE SET bytes = excluded.bytes,
                     reason = excluded.reason, at = excluded.at",
                params![id.as_str(), bytes, reason, at],
            )
            .map_err(self.sql_err())?;
        tracing::warn!(doc = %id, %reason, "document from the server cannot be read; set aside");
        Ok(())
    }

    /// Every document set aside, by id.
    pub fn quarantined(&self) -> Result<Vec<Quarantined>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT doc_id, reason, at FROM quarantine ORDER BY doc_id")
            .map_err(self.sql_err())?;
        stmt.query_map([], |r| {
            Ok(Quarantined {
                doc_id: r.get(0)?,
                reason: r.get(1)?,
                at: r.get(2)?,
            })
        })
        .map_err(self.sql_err())?
        .collect::<Result<Vec<_>, _>>()
        .map_err(self.sql_err())
    }

    /// The bytes kept for a document set aside.
    pub fn quarantined_bytes(&self, id: &DocId) -> Result<Option<Vec<u8>>, StoreError> {
        self.conn
            .query_row(
                "SELECT bytes FROM quarantine WHERE doc_id = ?1",
                [id.as_str()],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql_err())
    }
}
