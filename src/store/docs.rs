//! Documents: loading with cross-process refresh, creation from the shared genesis
//! ([`crate::protocol::docs`]), and the edit transaction that makes a change durable together with its index rows and audit entry.

use automerge::transaction::{CommitOptions, Transaction};
use automerge::{ActorId, Automerge};
use rusqlite::{OptionalExtension, TransactionBehavior, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;

use super::read_model::{self, Touched};
use super::{CACHE_CAPACITY, Cached, DocId, Store, StoreError, audit, bridge, index, sync_state};

/// Compact a document's history into a fresh snapshot after this many stored changes.
const COMPACT_AFTER: i64 = 256;

/// The editing surface handed to an edit: write or delete serde values at a path of map keys.
pub struct Editor<'a, 'b> {
    tx: &'a mut Transaction<'b>,
    id: &'a DocId,
    touched: Touched,
}

impl Editor<'_, '_> {
    /// Writes `value` at `path`, touching only what differs from what is there.
    pub fn put<T: Serialize + ?Sized>(
        &mut self,
        path: &[&str],
        value: &T,
    ) -> Result<(), StoreError> {
        let json = serde_json::to_value(value)
            .map_err(|e| StoreError::InvalidPath(format!("{}: {e}", path.join("/"))))?;
        read_model::touch(&mut self.touched, self.id, path);
        bridge::write_json(self.tx, path, &json)
    }

    pub fn delete(&mut self, path: &[&str]) -> Result<(), StoreError> {
        read_model::touch(&mut self.touched, self.id, path);
        bridge::delete_at(self.tx, path)
    }

    /// Writes each top-level field of `value` at the document root.
    pub fn put_root<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), StoreError> {
        let json =
            serde_json::to_value(value).map_err(|e| StoreError::InvalidPath(e.to_string()))?;
        let Json::Object(fields) = json else {
            return Err(StoreError::InvalidPath("a document must be a map".into()));
        };
        for (key, value) in &fields {
            read_model::touch(&mut self.touched, self.id, &[key.as_str()]);
            bridge::write_json(self.tx, &[key.as_str()], value)?;
        }
        Ok(())
    }

    /// Reads what is at `path` now (inside the edit), as a domain value.
    pub fn get<T: DeserializeOwned>(&self, path: &[&str]) -> Result<Option<T>, StoreError> {
        let json = bridge::read_json(&*self.tx, path)?;
        if json.is_null() {
            return Ok(None);
        }
        serde_json::from_value(json)
            .map(Some)
            .map_err(|e| StoreError::BadDocument {
                doc: path.join("/"),
                reason: e.to_string(),
            })
    }
}

fn now_text() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

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

    /// Creates a document: its genesis, then `fill` as the creator's first change.
    pub fn create(
        &mut self,
        id: &DocId,
        staff: &str,
        action: &str,
        fill: impl FnOnce(&mut Editor) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite(&path))?;
        let doc = create_in(&tx, &path, &self.actor, id, (staff, action), None, fill)?;
        tx.commit().map_err(StoreError::sqlite(&path))?;
        remember(
            &mut self.cache,
            id,
            Cached {
                doc,
                generation: 1,
                last_change: 0,
                pending: 0,
            },
        );
        Ok(())
    }

    /// Creates many documents in one transaction (bulk registration, seeding): all or none.
    pub fn create_many<'v, T: Serialize + 'v>(
        &mut self,
        staff: &str,
        action: &str,
        docs: impl IntoIterator<Item = (DocId, &'v T)>,
    ) -> Result<usize, StoreError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite(&path))?;
        let mut n = 0;
        for (id, value) in docs {
            let json =
                serde_json::to_value(value).map_err(|e| StoreError::InvalidPath(e.to_string()))?;
            let Json::Object(root) = json else {
                return Err(StoreError::InvalidPath(format!(
                    "{id}: a document must be a map"
                )));
            };
            create_in(
                &tx,
                &path,
                &self.actor,
                &id,
                (staff, action),
                Some(&root),
                |e| e.put_root(&root),
            )?;
            n += 1;
        }
        tx.commit().map_err(StoreError::sqlite(&path))?;
        Ok(n)
    }

    /// Applies one edit to a document. When this returns `Ok`, the change, the index rows it
    /// affects and the audit entry are on disk; on error nothing is.
    pub fn edit<T>(
        &mut self,
        id: &DocId,
        staff: &str,
        action: &str,
        change: impl FnOnce(&mut Editor) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let path = self.path.clone();
        let device = self.actor.to_hex_string();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite(&path))?;
        // Inside the write lock, catch up with whatever another process committed, so that our
        // change builds on it.
        let mut cached = match self.cache.remove(id.as_str()) {
            Some(c) => c,
            None => load(&tx, &path, id, &self.actor)?,
        };
        refresh(&tx, &path, id, &mut cached, &self.actor)?;
        let heads = cached.doc.get_heads();
        let mut am = cached.doc.transaction();
        let mut editor = Editor {
            tx: &mut am,
            id,
            touched: Touched::new(),
        };
        let outcome = change(&mut editor);
        let touched = editor.touched;
        let out = match outcome {
            Ok(out) => out,
            Err(e) => {
                am.rollback();
                remember(&mut self.cache, id, cached);
                return Err(e);
            }
        };
        let (hash, _) = am.commit_with(
            CommitOptions::default()
                .with_time(unix_now())
                .with_message(action),
        );
        let Some(hash) = hash else {
            // Nothing differed: nothing to store or audit.
            remember(&mut self.cache, id, cached);
            return Ok(out);
        };
        let bytes = cached.doc.save_after(&heads);
        // On any error below the in-memory document is dropped, so it cannot hold a change the
        // file does not.
        tx.execute(
            "INSERT INTO changes (doc_id, data) VALUES (?1, ?2)",
            params![id.as_str(), bytes],
        )
        .map_err(StoreError::sqlite(&path))?;
        cached.last_change = tx.last_insert_rowid();
        cached.pending += 1;
        index::reindex(&tx, &path, id, &cached.doc)?;
        read_model::refresh(&tx, &path, id, &cached.doc, Some(&touched))?;
        sync_state::mark_dirty(&tx, &path, id)?;
        audit::append(
            &tx,
            &path,
            &device,
            staff,
            id.as_str(),
            action,
            &hash.to_string(),
        )?;
        if cached.pending >= COMPACT_AFTER {
            compact(&tx, &path, id, &mut cached)?;
        }
        tx.commit().map_err(StoreError::sqlite(&path))?;
        remember(&mut self.cache, id, cached);
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
    pub fn read_view<T: DeserializeOwned>(&self, id: &DocId) -> Result<Option<T>, StoreError> {
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

    /// The current heads of a document.
    pub fn heads(&mut self, id: &DocId) -> Result<Vec<automerge::ChangeHash>, StoreError> {
        Ok(self.doc(id)?.get_heads())
    }

    /// Merges changes (or a whole saved document) received from another store. Creates the
    /// document if this store does not have it. Returns how many changes were new.
    pub fn merge(&mut self, id: &DocId, bytes: &[u8]) -> Result<usize, StoreError> {
        self.absorb(id, |_, doc| {
            doc.load_incremental(bytes)
                .map_err(|e| StoreError::BadDocument {
                    doc: id.to_string(),
                    reason: e.to_string(),
                })
        })
    }

    /// Applies what came from elsewhere (`apply` changes the document in memory, inside the
    /// write transaction) and persists the changes it added, with their index and read-model
    /// rows, in that transaction. A document this store lacks is created. Remote changes are not
    /// audited here: the device that made them audited them.
    pub(super) fn absorb(
        &mut self,
        id: &DocId,
        apply: impl FnOnce(&rusqlite::Transaction, &mut Automerge) -> Result<usize, StoreError>,
    ) -> Result<usize, StoreError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite(&path))?;
        let existing = doc_exists(&tx, &path, id)?;
        let mut cached = if existing {
            let mut cached = match self.cache.remove(id.as_str()) {
                Some(c) => c,
                None => load(&tx, &path, id, &self.actor)?,
            };
            refresh(&tx, &path, id, &mut cached, &self.actor)?;
            cached
        } else {
            let doc = Automerge::new().with_actor(self.actor.clone());
            Cached {
                doc,
                generation: 1,
                last_change: 0,
                pending: 0,
            }
        };
        let heads = cached.doc.get_heads();
        // On error the in-memory document is dropped with the transaction.
        let added = apply(&tx, &mut cached.doc)?;
        let new = cached.doc.save_after(&heads);
        if !new.is_empty() {
            if existing {
                tx.execute(
                    "INSERT INTO changes (doc_id, data) VALUES (?1, ?2)",
                    params![id.as_str(), new],
                )
                .map_err(StoreError::sqlite(&path))?;
                cached.last_change = tx.last_insert_rowid();
                cached.pending += 1;
            } else {
                tx.execute(
                    "INSERT INTO docs (doc_id, kind, snapshot, generation, updated_at) VALUES (?1, ?2, ?3, 1, ?4)",
                    params![id.as_str(), id.kind().as_str(), cached.doc.save(), now_text()],
                )
                .map_err(StoreError::sqlite(&path))?;
            }
            index::reindex(&tx, &path, id, &cached.doc)?;
            read_model::refresh(&tx, &path, id, &cached.doc, None)?;
            sync_state::mark_dirty(&tx, &path, id)?;
            if cached.pending >= COMPACT_AFTER {
                compact(&tx, &path, id, &mut cached)?;
            }
        }
        tx.commit().map_err(StoreError::sqlite(&path))?;
        if existing || !cached.doc.get_heads().is_empty() {
            remember(&mut self.cache, id, cached);
        }
        Ok(added)
    }

    /// The in-memory document, loaded or refreshed from the file (read only: edits go through
    /// [`Store::edit`] so that they are durable and audited).
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

fn remember(cache: &mut std::collections::HashMap<String, Cached>, id: &DocId, cached: Cached) {
    if cache.len() >= CACHE_CAPACITY
        && !cache.contains_key(id.as_str())
        && let Some(victim) = cache.keys().next().cloned()
    {
        cache.remove(&victim);
    }
    cache.insert(id.to_string(), cached);
}

fn doc_exists(
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

fn create_in(
    tx: &rusqlite::Transaction,
    path: &std::path::Path,
    actor: &ActorId,
    id: &DocId,
    (staff, action): (&str, &str),
    rows: Option<&serde_json::Map<String, Json>>,
    fill: impl FnOnce(&mut Editor) -> Result<(), StoreError>,
) -> Result<Automerge, StoreError> {
    let exists = doc_exists(tx, path, id)?;
    if exists {
        return Err(StoreError::DocumentExists(id.to_string()));
    }
    let mut doc = crate::protocol::genesis(id.kind(), actor)?;
    let mut am = doc.transaction();
    fill(&mut Editor {
        tx: &mut am,
        id,
        touched: Touched::new(),
    })?;
    let (hash, _) = am.commit_with(
        CommitOptions::default()
            .with_time(unix_now())
            .with_message(action),
    );
    let change_hash = hash.map(|h| h.to_string()).unwrap_or_default();
    tx.execute(
        "INSERT INTO docs (doc_id, kind, snapshot, generation, updated_at) VALUES (?1, ?2, ?3, 1, ?4)",
        params![id.as_str(), id.kind().as_str(), doc.save(), now_text()],
    )
    .map_err(StoreError::sqlite(path))?;
    index::reindex(tx, path, id, &doc)?;
    sync_state::mark_dirty(tx, path, id)?;
    match rows {
        Some(root) => read_model::write_new(tx, path, id, root)?,
        None => read_model::refresh(tx, path, id, &doc, None)?,
    }
    audit::append(
        tx,
        path,
        &actor.to_hex_string(),
        staff,
        id.as_str(),
        action,
        &change_hash,
    )?;
    Ok(doc)
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn bad_doc(id: &DocId) -> impl FnOnce(automerge::AutomergeError) -> StoreError + '_ {
    move |e| StoreError::BadDocument {
        doc: id.to_string(),
        reason: e.to_string(),
    }
}

fn load(
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
fn refresh(
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

/// Folds the stored changes of a document into a new snapshot, in the caller's transaction.
fn compact(
    tx: &rusqlite::Transaction,
    path: &std::path::Path,
    id: &DocId,
    cached: &mut Cached,
) -> Result<(), StoreError> {
    let generation = cached.generation + 1;
    tx.execute(
        "UPDATE docs SET snapshot = ?2, generation = ?3, updated_at = ?4 WHERE doc_id = ?1",
        params![id.as_str(), cached.doc.save(), generation, now_text()],
    )
    .map_err(StoreError::sqlite(path))?;
    tx.execute("DELETE FROM changes WHERE doc_id = ?1", [id.as_str()])
        .map_err(StoreError::sqlite(path))?;
    cached.generation = generation;
    cached.pending = 0;
    Ok(())
}
