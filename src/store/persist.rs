//! Writing: one SQLite transaction (WAL, immediate) in which any number of documents are
//! created, edited or merged, and the one persist step every such write goes through — the
//! Automerge change or snapshot, the index rows, the read-model rows, the sync mark and the
//! audit entry. Either everything a transaction wrote is on disk when it returns, or none of it.

use std::collections::HashMap;
use std::path::Path;

use automerge::transaction::{CommitOptions, Transaction};
use automerge::{ActorId, Automerge};
use rusqlite::{TransactionBehavior, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value as Json};

use super::docs::{doc_exists, load, refresh, remember};
use super::read_model::{self, Touched};
use super::{Cached, DocId, Store, StoreError, audit, bridge, index, sync_state};
use crate::domain::Date;

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
                doc: format!("{}: {}", self.id, path.join("/")),
                reason: e.to_string(),
            })
    }
}

/// How a document's new state is stored.
enum Stored<'a> {
    /// A document new to this store: its whole history as the first snapshot.
    New,
    /// The changes added to a stored document.
    Changes(&'a [u8]),
}

/// Which read-model rows to rewrite.
enum Rows<'a> {
    /// The parts an edit touched.
    Touched(&'a Touched),
    /// Every row of the document (a merge can change anything).
    Whole,
    /// The rows of a document created from this JSON, without reading it back.
    FromJson(&'a Map<String, Json>),
}

/// Who did what, for the audit entry; `None` for changes made on another device, which that
/// device audited.
struct Audited<'a> {
    staff: &'a str,
    action: &'a str,
    change_hash: String,
}

/// One SQLite transaction over any number of documents. Documents it changed are kept out of
/// the store's cache until it commits, so that a failure cannot leave a change in memory that
/// the file does not hold: they are dropped with the transaction and reloaded when next read.
pub(super) struct Writing<'s> {
    tx: rusqlite::Transaction<'s>,
    path: &'s Path,
    actor: &'s ActorId,
    cache: &'s mut HashMap<String, Cached>,
    held: Vec<(DocId, Cached)>,
    /// A persist step failed half-way: the transaction must not commit even if the caller
    /// went on.
    broken: bool,
}

impl Store {
    /// Runs `work` in one SQLite transaction: when this returns `Ok`, everything it wrote is on
    /// disk; on error nothing is.
    pub(super) fn write<T>(
        &mut self,
        work: impl FnOnce(&mut Writing) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::sqlite(&self.path))?;
        let mut writing = Writing {
            tx,
            path: &self.path,
            actor: &self.actor,
            cache: &mut self.cache,
            held: Vec::new(),
            broken: false,
        };
        let out = work(&mut writing)?;
        writing.commit()?;
        Ok(out)
    }

    /// Creates a document: its genesis, then `fill` as the creator's first change.
    pub(crate) fn create(
        &mut self,
        id: &DocId,
        staff: &str,
        action: &str,
        fill: impl FnOnce(&mut Editor) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.write(|w| w.create(id, staff, action, fill))
    }

    /// Creates many documents in one transaction (bulk registration, seeding): all or none.
    pub(crate) fn create_many<'v, T: Serialize + 'v>(
        &mut self,
        staff: &str,
        action: &str,
        docs: impl IntoIterator<Item = (DocId, &'v T)>,
    ) -> Result<usize, StoreError> {
        self.write(|w| {
            let mut n = 0;
            for (id, value) in docs {
                w.register(&id, staff, action, value)?;
                n += 1;
            }
            Ok(n)
        })
    }

    /// Applies one edit to a document. When this returns `Ok`, the change, the index rows it
    /// affects and the audit entry are on disk; on error nothing is.
    pub(crate) fn edit<T>(
        &mut self,
        id: &DocId,
        staff: &str,
        action: &str,
        change: impl FnOnce(&mut Editor) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.write(|w| w.edit(id, staff, action, change))
    }

    /// Merges changes (or a whole saved document) received from another store. Creates the
    /// document if this store does not have it. Returns how many changes were new.
    pub fn merge(&mut self, id: &DocId, bytes: &[u8]) -> Result<usize, StoreError> {
        self.write(|w| {
            w.absorb(id, |doc| {
                doc.load_incremental(bytes)
                    .map_err(|e| StoreError::BadDocument {
                        doc: id.to_string(),
                        reason: e.to_string(),
                    })
            })
        })
    }
}

impl Writing<'_> {
    /// Whether a document exists, as this transaction sees it.
    pub(super) fn exists(&self, id: &DocId) -> Result<bool, StoreError> {
        doc_exists(&self.tx, self.path, id)
    }

    /// The queue document holding an entry of `day`: the team queue it was filed on, per the
    /// index, else the clinic's.
    pub(super) fn queue_doc(
        &self,
        clinic: &str,
        day: Date,
        entry_id: &str,
    ) -> Result<DocId, StoreError> {
        match index::queue_doc_of(&self.tx, self.path, day, entry_id)? {
            Some(id) => Ok(id),
            None => Ok(DocId::queue(clinic, day)?),
        }
    }

    /// The patient's visits from `from` on that have not begun, per the index.
    pub(super) fn open_visits_from(
        &self,
        patient_id: &str,
        from: Date,
    ) -> Result<Vec<(Date, String, DocId)>, StoreError> {
        index::open_visits_from(&self.tx, self.path, patient_id, from)
    }

    /// One patient's care team, per the index.
    pub(super) fn care_team_of(&self, patient_id: &str) -> Result<Option<String>, StoreError> {
        Ok(index::patient_summary(&self.tx, self.path, patient_id)?.and_then(|p| p.care_team))
    }

    /// A document to change, caught up with whatever another process committed: inside the
    /// write lock, so that the change builds on it.
    fn take(&mut self, id: &DocId) -> Result<Cached, StoreError> {
        if let Some(i) = self.held.iter().position(|(held, _)| held == id) {
            return Ok(self.held.swap_remove(i).1);
        }
        let mut cached = match self.cache.remove(id.as_str()) {
            Some(c) => c,
            None => load(&self.tx, self.path, id, self.actor)?,
        };
        refresh(&self.tx, self.path, id, &mut cached, self.actor)?;
        Ok(cached)
    }

    fn hold(&mut self, id: &DocId, cached: Cached) {
        self.held.push((id.clone(), cached));
    }

    /// Applies one edit to a document inside this transaction.
    pub(super) fn edit<T>(
        &mut self,
        id: &DocId,
        staff: &str,
        action: &str,
        change: impl FnOnce(&mut Editor) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut cached = self.take(id)?;
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
                self.hold(id, cached);
                return Err(e);
            }
        };
        let (hash, _) = am.commit_with(
            CommitOptions::default()
                .with_time(unix_now())
                .with_message(change_message(action, staff)),
        );
        let Some(hash) = hash else {
            // Nothing differed: nothing to store or audit.
            self.hold(id, cached);
            return Ok(out);
        };
        let bytes = cached.doc.save_after(&heads);
        let audited = Audited {
            staff,
            action,
            change_hash: hash.to_string(),
        };
        let cached = self.persist(
            id,
            cached,
            Stored::Changes(&bytes),
            Rows::Touched(&touched),
            Some(audited),
        )?;
        self.hold(id, cached);
        Ok(out)
    }

    /// Creates a document: its genesis, then `fill` as the creator's first change.
    pub(super) fn create(
        &mut self,
        id: &DocId,
        staff: &str,
        action: &str,
        fill: impl FnOnce(&mut Editor) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let (cached, hash) = self.genesis_and(id, staff, action, fill)?;
        let audited = Audited {
            staff,
            action,
            change_hash: hash,
        };
        // Every row: the genesis maps are part of the document too.
        let cached = self.persist(id, cached, Stored::New, Rows::Whole, Some(audited))?;
        self.hold(id, cached);
        Ok(())
    }

    /// Creates a document from a domain value, writing its read-model rows from the value
    /// itself. The document is not kept in memory: a bulk registration would otherwise hold
    /// thousands until it commits.
    pub(super) fn register<T: Serialize + ?Sized>(
        &mut self,
        id: &DocId,
        staff: &str,
        action: &str,
        value: &T,
    ) -> Result<(), StoreError> {
        let json =
            serde_json::to_value(value).map_err(|e| StoreError::InvalidPath(e.to_string()))?;
        let Json::Object(root) = json else {
            return Err(StoreError::InvalidPath(format!(
                "{id}: a document must be a map"
            )));
        };
        let (cached, hash) = self.genesis_and(id, staff, action, |e| e.put_root(&root))?;
        let audited = Audited {
            staff,
            action,
            change_hash: hash,
        };
        self.persist(
            id,
            cached,
            Stored::New,
            Rows::FromJson(&root),
            Some(audited),
        )?;
        Ok(())
    }

    fn genesis_and(
        &mut self,
        id: &DocId,
        staff: &str,
        action: &str,
        fill: impl FnOnce(&mut Editor) -> Result<(), StoreError>,
    ) -> Result<(Cached, String), StoreError> {
        if self.exists(id)? {
            return Err(StoreError::DocumentExists(id.to_string()));
        }
        let mut doc = crate::protocol::genesis(id.kind(), self.actor)?;
        let mut am = doc.transaction();
        let mut editor = Editor {
            tx: &mut am,
            id,
            touched: Touched::new(),
        };
        fill(&mut editor)?;
        let (hash, _) = am.commit_with(
            CommitOptions::default()
                .with_time(unix_now())
                .with_message(change_message(action, staff)),
        );
        let cached = Cached {
            doc,
            generation: 1,
            last_change: 0,
            pending: 0,
        };
        Ok((cached, hash.map(|h| h.to_string()).unwrap_or_default()))
    }

    /// Applies what came from elsewhere (`apply` changes the document in memory) and persists
    /// the changes it added. A document this store lacks is created. Remote changes are not
    /// audited here: the device that made them audited them.
    pub(super) fn absorb(
        &mut self,
        id: &DocId,
        apply: impl FnOnce(&mut Automerge) -> Result<usize, StoreError>,
    ) -> Result<usize, StoreError> {
        let existing = self.exists(id)?;
        let mut cached = if existing {
            self.take(id)?
        } else {
            Cached {
                doc: Automerge::new().with_actor(self.actor.clone()),
                generation: 1,
                last_change: 0,
                pending: 0,
            }
        };
        let heads = cached.doc.get_heads();
        // On error the in-memory document is dropped with the transaction.
        let added = apply(&mut cached.doc)?;
        let new = cached.doc.save_after(&heads);
        if new.is_empty() {
            if existing {
                self.hold(id, cached);
            }
            return Ok(added);
        }
        let stored = if existing {
            Stored::Changes(&new)
        } else {
            Stored::New
        };
        let cached = self.persist(id, cached, stored, Rows::Whole, None)?;
        self.hold(id, cached);
        Ok(added)
    }

    /// The one persist step: the document's new state, its index rows, its read-model rows,
    /// its sync mark and its audit entry, in this transaction. On error the document is
    /// dropped and the transaction can no longer commit.
    fn persist(
        &mut self,
        id: &DocId,
        mut cached: Cached,
        stored: Stored,
        rows: Rows,
        audited: Option<Audited>,
    ) -> Result<Cached, StoreError> {
        match self.persist_rows(id, &mut cached, stored, rows, audited) {
            Ok(()) => Ok(cached),
            Err(e) => {
                self.broken = true;
                Err(e)
            }
        }
    }

    fn persist_rows(
        &self,
        id: &DocId,
        cached: &mut Cached,
        stored: Stored,
        rows: Rows,
        audited: Option<Audited>,
    ) -> Result<(), StoreError> {
        let (tx, path) = (&self.tx, self.path);
        match stored {
            Stored::New => {
                tx.execute(
                    "INSERT INTO docs (doc_id, kind, snapshot, generation, updated_at) VALUES (?1, ?2, ?3, 1, ?4)",
                    params![id.as_str(), id.kind().as_str(), cached.doc.save(), now_text()],
                )
                .map_err(StoreError::sqlite(path))?;
                cached.generation = 1;
                cached.last_change = 0;
                cached.pending = 0;
            }
            Stored::Changes(bytes) => {
                tx.execute(
                    "INSERT INTO changes (doc_id, data) VALUES (?1, ?2)",
                    params![id.as_str(), bytes],
                )
                .map_err(StoreError::sqlite(path))?;
                cached.last_change = tx.last_insert_rowid();
                cached.pending += 1;
            }
        }
        index::reindex(tx, path, id, &cached.doc)?;
        match rows {
            Rows::Touched(touched) => {
                read_model::refresh(tx, path, id, &cached.doc, Some(touched))?
            }
            Rows::Whole => read_model::refresh(tx, path, id, &cached.doc, None)?,
            Rows::FromJson(root) => read_model::write_new(tx, path, id, root)?,
        }
        sync_state::mark_dirty(tx, path, id)?;
        if let Some(a) = audited {
            let device = self.actor.to_hex_string();
            audit::append(
                tx,
                path,
                &device,
                a.staff,
                id.as_str(),
                a.action,
                &a.change_hash,
            )?;
        }
        if cached.pending >= COMPACT_AFTER {
            compact(tx, path, id, cached)?;
        }
        Ok(())
    }

    /// Commits, then hands the documents it changed to the cache.
    fn commit(self) -> Result<(), StoreError> {
        if self.broken {
            // Dropping the transaction rolls it back.
            return Err(StoreError::Rejected(
                "a write failed part-way; nothing of it was stored".into(),
            ));
        }
        self.tx.commit().map_err(StoreError::sqlite(self.path))?;
        for (id, cached) in self.held {
            remember(self.cache, &id, cached);
        }
        Ok(())
    }
}

/// The message every change carries: the audited action and the staff member who made it, so
/// that any device the change reaches can say who changed what (the audit log stays on the
/// device that wrote it).
pub(super) fn change_message(action: &str, staff: &str) -> String {
    format!("{action}\t{staff}")
}

fn unix_now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

fn now_text() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Folds the stored changes of a document into a new snapshot, in the caller's transaction.
fn compact(
    tx: &rusqlite::Transaction,
    path: &Path,
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
