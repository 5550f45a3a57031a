//! Documents: loading them for reading, with the refresh that picks up what another process
//! committed. Their ids and genesis are the protocol's ([`crate::protocol::docs`]); writing is
//! `persist`'s concern.

use automerge::{ActorId, Automerge};
use rusqlite::{OptionalExtension, params};
use serde::de::DeserializeOwned;
use serde_json::Value as Json;

use super::{CACHE_CAPACITY, Cached, DocId, Store, StoreError, bridge, read_model};

impl Store {
    /// Whether a document exists in this store.
    pub fn exists(&self, id: &DocId) -> Result<bool, StoreError> {
        doc_exists(&self.conn, &self.path, id)
    }

    /// Every document id, in order.
    pub fn doc_ids(&self) -> Result<Vec<DocId>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT doc_id FROM docs ORDER BY doc_id")
            .map_err(self.sql_err())?;
        let rows = stmt
            .query_map([], |r| r.get::<_, String>(0))
            .map_err(self.sql_err())?;
        let mut out = Vec::new();
        for row in rows {
            out.push(DocId::parse(&row.map_err(self.sql_err())?)?);
        }
        Ok(out)
    }

    /// Reads the value at `path` of a document as a domain value (`None` when absent).
    pub fn read<T: DeserializeOwned>(
        &mut self,
        id: &DocId,
        path: &[&str],
    ) -> Result<Option<T>, StoreError> {
        let json = self.read_json(id, path)?;
        if json.is_null() {
            return Ok(None);
        }
        serde_json::from_value(json)
            .map(Some)
            .map_err(|e| StoreError::BadDocument {
                doc: id.to_string(),
                reason: e.to_string(),
            })
    }

    /// Reads the value at `path` of a document as JSON (the whole document for an empty path).
    pub fn read_json(&mut self, id: &DocId, path: &[&str]) -> Result<Json, StoreError> {
        let doc = self.doc(id)?;
        bridge::read_json(doc, path)
    }

    /// A document as JSON from the read model: what charts and lists display. The same value
    /// as `read_json(id, &[])`, without loading the document's history.
    pub(crate) fn read_view<T: DeserializeOwned>(
        &self,
        id: &DocId,
    ) -> Result<Option<T>, StoreError> {
        let Some(text) = read_model::read_text(&self.conn, &self.path, id)? else {
            return Ok(None);
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| StoreError::BadDocument {
                doc: id.to_string(),
                reason: e.to_string(),
            })
    }

    /// The whole document, compacted, as Automerge bytes.
    pub fn save_doc(&mut self, id: &DocId) -> Result<Vec<u8>, StoreError> {
        Ok(self.doc(id)?.save())
    }

    /// The changes of a document that `heads` does not have, as concatenated change bytes.
    pub fn changes_since(
        &mut self,
        id: &DocId,
        heads: &[automerge::ChangeHash],
    ) -> Result<Vec<u8>, StoreError> {
        Ok(self.doc(id)?.save_after(heads))
    }

    /// Who changed a document and how, from the document itself: every change carries its
    /// action and its author (see `persist::change_message`), so this is the same on every
    /// device the changes reached, whoever made them. Oldest first; changes written before
    /// authors were recorded show the action alone.
    pub fn document_history(&mut self, id: &DocId) -> Result<Vec<super::AuditEntry>, StoreError> {
        let doc = self.doc(id)?;
        let mut out = Vec::new();
        for (i, change) in doc.get_changes(&[]).iter().enumerate() {
            let Some(message) = change.message() else {
                // The genesis: every document's, made by nobody.
                continue;
            };
            let (action, staff) = message.split_once('\t').unwrap_or((message, ""));
            let at = time::OffsetDateTime::from_unix_timestamp(change.timestamp())
                .ok()
                .and_then(|t| {
                    t.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                })
                .unwrap_or_default();
            out.push(super::AuditEntry {
                seq: i64::try_from(i).unwrap_or(i64::MAX),
                at,
                device: hex::encode(change.actor_id().to_bytes()),
                staff_id: staff.to_string(),
                doc_id: id.to_string(),
                action: action.to_string(),
                change_hash: change.hash().to_string(),
                prev_hash: String::new(),
                hash: String::new(),
            });
        }
        out.sort_by(|a, b| (&a.at, a.seq).cmp(&(&b.at, b.seq)));
        Ok(out)
    }

    /// The current heads of a document.
    pub fn heads(&mut self, id: &DocId) -> Result<Vec<automerge::ChangeHash>, StoreError> {
        Ok(self.doc(id)?.get_heads())
    }

    /// The in-memory document, loaded or refreshed from the file (read only: changes go through
    /// the store's clinic operations, so that they are durable and audited).
    pub fn doc(&mut self, id: &DocId) -> Result<&Automerge, StoreError> {
        let path = self.path.clone();
        let mut cached = match self.cache.remove(id.as_str()) {
            Some(c) => c,
            None => load(&self.conn, &path, id, &self.actor)?,
        };
        refresh(&self.conn, &path, id, &mut cached, &self.actor)?;
        remember(&mut self.cache, id, cached);
        self.cache
            .get(id.as_str())
            .map(|c| &c.doc)
            .ok_or_else(|| StoreError::NoSuchDocument(id.to_string()))
    }
}

pub(super) fn remember(
    cache: &mut std::collections::HashMap<String, Cached>,
    id: &DocId,
    cached: Cached,
) {
    if cache.len() >= CACHE_CAPACITY
        && !cache.contains_key(id.as_str())
        && let Some(victim) = cache.keys().next().cloned()
    {
        cache.remove(&victim);
    }
    cache.insert(id.to_string(), cached);
}

pub(super) fn doc_exists(
    conn: &rusqlite::Connection,
    path: &std::path::Path,
    id: &DocId,
) -> Result<bool, StoreError> {
    conn.query_row(
        "SELECT 1 FROM docs WHERE doc_id = ?1",
        [id.as_str()],
        |_| Ok(()),
    )
    .optional()
    .map(|r| r.is_some())
    .map_err(StoreError::sqlite(path))
}

fn bad_doc(id: &DocId) -> impl FnOnce(automerge::AutomergeError) -> StoreError + '_ {
    move |e| StoreError::BadDocument {
        doc: id.to_string(),
        reason: e.to_string(),
    }
}

pub(super) fn load(
    conn: &rusqlite::Connection,
    path: &std::path::Path,
    id: &DocId,
    actor: &ActorId,
) -> Result<Cached, StoreError> {
    let row: Option<(Vec<u8>, i64)> = conn
        .query_row(
            "SELECT snapshot, generation FROM docs WHERE doc_id = ?1",
            [id.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .map_err(StoreError::sqlite(path))?;
    let Some((snapshot, generation)) = row else {
        return Err(StoreError::NoSuchDocument(id.to_string()));
    };
    let mut doc = Automerge::load(&snapshot).map_err(bad_doc(id))?;
    doc.set_actor(actor.clone());
    let mut cached = Cached {
        doc,
        generation,
        last_change: 0,
        pending: 0,
    };
    apply_stored_changes(conn, path, id, &mut cached)?;
    Ok(cached)
}

/// Brings a cached document up to date with the file: reloads it if it was compacted by another
/// process, else applies the change rows it has not seen.
pub(super) fn refresh(
    conn: &rusqlite::Connection,
    path: &std::path::Path,
    id: &DocId,
    cached: &mut Cached,
    actor: &ActorId,
) -> Result<(), StoreError> {
    let generation: Option<i64> = conn
        .query_row(
            "SELECT generation FROM docs WHERE doc_id = ?1",
            [id.as_str()],
            |r| r.get(0),
        )
        .optional()
        .map_err(StoreError::sqlite(path))?;
    match generation {
        None => Err(StoreError::NoSuchDocument(id.to_string())),
        Some(g) if g != cached.generation => {
            *cached = load(conn, path, id, actor)?;
            Ok(())
        }
        Some(_) => apply_stored_changes(conn, path, id, cached),
    }
}

fn apply_stored_changes(
    conn: &rusqlite::Connection,
    path: &std::path::Path,
    id: &DocId,
    cached: &mut Cached,
) -> Result<(), StoreError> {
    let mut stmt = conn
        .prepare_cached("SELECT id, data FROM changes WHERE doc_id = ?1 AND id > ?2 ORDER BY id")
        .map_err(StoreError::sqlite(path))?;
    let mut rows = stmt
        .query(params![id.as_str(), cached.last_change])
        .map_err(StoreError::sqlite(path))?;
    while let Some(row) = rows.next().map_err(StoreError::sqlite(path))? {
        let rowid: i64 = row.get(0).map_err(StoreError::sqlite(path))?;
        let data: Vec<u8> = row.get(1).map_err(StoreError::sqlite(path))?;
        cached.doc.load_incremental(&data).map_err(bad_doc(id))?;
        cached.last_change = rowid;
        cached.pending += 1;
    }
    Ok(())
}
