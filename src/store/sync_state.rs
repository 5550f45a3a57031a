//! What this store knows of its sync with the server: per document, the Automerge sync state
//! (the heads both sides share) and whether it has changes the server may lack; and the
//! server's cursor. A document edited or merged is marked in the same transaction as the edit.

use std::path::Path;

use automerge::sync::{Message, State, SyncDoc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{DocId, Store, StoreError};

pub(super) fn mark_dirty(conn: &Connection, path: &Path, id: &DocId) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO sync_docs (doc_id, dirty) VALUES (?1, 1) ON CONFLICT(doc_id) DO UPDATE SET dirty = 1",
        [id.as_str()],
    )
    .map_err(StoreError::sqlite(path))?;
    Ok(())
}

impl Store {
    /// Documents with changes the server may not have yet.
    pub fn dirty_docs(&self) -> Result<Vec<DocId>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT doc_id FROM sync_docs WHERE dirty = 1 ORDER BY doc_id")
            .map_err(self.sql_err())?;
        let ids = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(self.sql_err())?
            .collect::<Result<Vec<_>, _>>()
            .map_err(self.sql_err())?;
        ids.iter()
            .map(|i| DocId::parse(i).map_err(StoreError::from))
            .collect()
    }

    /// The persisted sync state of a document (the heads shared with the server), or a fresh one.
    pub(crate) fn load_sync_state(&self, id: &DocId) -> Result<State, StoreError> {
        let bytes: Option<Option<Vec<u8>>> = self
            .conn
            .query_row(
                "SELECT state FROM sync_docs WHERE doc_id = ?1",
                [id.as_str()],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql_err())?;
        match bytes.flatten() {
            Some(b) => State::decode(&b).map_err(|e| StoreError::BadDocument {
                doc: id.to_string(),
                reason: format!("sync state: {e}"),
            }),
            None => Ok(State::new()),
        }
    }

    /// Persists a document's sync state; clears its dirty mark when the server shares its heads
    /// — unless it changed again meanwhile.
    pub fn save_sync_state(&mut self, id: &DocId, state: &State) -> Result<(), StoreError> {
        let mut heads = self.heads(id).unwrap_or_default();
        let mut shared = state.shared_heads.clone();
        heads.sort();
        shared.sort();
        let in_sync = !heads.is_empty() && heads == shared;
        // A message that created nothing here leaves no document to send: never mark one dirty
        // that this store does not hold, or every later session would stumble on it.
        let dirty = !in_sync && self.exists(id)?;
        self.conn
            .execute(
                "INSERT INTO sync_docs (doc_id, state, dirty) VALUES (?1, ?2, ?3)
                 ON CONFLICT(doc_id) DO UPDATE SET state = excluded.state,
                     dirty = excluded.dirty",
                params![id.as_str(), state.encode(), i64::from(dirty)],
            )
            .map_err(self.sql_err())?;
        Ok(())
    }

    /// The next sync message for a document, if it has anything to say.
    pub(crate) fn generate_sync_message(
        &mut self,
        id: &DocId,
        state: &mut State,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .doc(id)?
            .generate_sync_message(state)
            .map(Message::encode))
    }

    /// Applies a sync message from the server; returns how many changes it added.
    pub(crate) fn receive_sync_message(
        &mut self,
        id: &DocId,
        state: &mut State,
        bytes: &[u8],
    ) -> Result<usize, StoreError> {
        let bad = |reason: String| StoreError::BadDocument {
            doc: id.to_string(),
            reason,
        };
        let message = Message::decode(bytes).map_err(|e| bad(format!("sync message: {e}")))?;
        self.write(|w| {
            w.absorb(id, |doc| {
                let heads = doc.get_heads();
                doc.receive_sync_message(state, message)
                    .map_err(|e| bad(e.to_string()))?;
                Ok(doc.get_changes(&heads).len())
            })
        })
    }

    /// A value kept with the store's sync bookkeeping (`cursor`, `last_sync`, `last_error`).
    pub(crate) fn sync_meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                [format!("sync.{key}")],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql_err())
    }

    pub(crate) fn set_sync_meta(&mut self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![format!("sync.{key}"), value],
            )
            .map_err(self.sql_err())?;
        Ok(())
    }
}
