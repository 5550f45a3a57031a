//! Documents: their ids, their deterministic genesis, and loading them for reading, with the
//! refresh that picks up what another process committed. Writing is `persist`'s concern.

use std::fmt;

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ObjType};
use rusqlite::{OptionalExtension, params};
use serde::de::DeserializeOwned;
use serde_json::Value as Json;

use super::{CACHE_CAPACITY, Cached, Store, StoreError, bridge, check_id, read_model};
use crate::domain::{Date, format_date};

/// What a document holds; decides its genesis, its index rows and who may see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Clinic,
    Patient,
    Queue,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Clinic => "clinic",
            DocKind::Patient => "patient",
            DocKind::Queue => "queue",
        }
    }

    /// The maps every document of this kind starts with. They are created by the genesis change
    /// so that two devices adding to them concurrently add to the same map.
    pub(super) fn collections(self) -> &'static [&'static str] {
        match self {
            DocKind::Clinic => &["staff", "care_teams", "partner_hospitals"],
            DocKind::Patient => &[
                "allergies",
                "medications",
                "identity_checks",
                "consents",
                "care_plans",
                "encounters",
            ],
            DocKind::Queue => &["entries"],
        }
    }
}

/// A document id: `clinic`, `patient/<id>`, `queue/<clinic>/<YYYY-MM-DD>` or, for the patients
/// of a care team, `queue/<clinic>/<YYYY-MM-DD>/<team>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocId(String);

impl DocId {
    pub fn clinic() -> DocId {
        DocId("clinic".into())
    }

    pub fn patient(id: &str) -> Result<DocId, StoreError> {
        check_id(id)?;
        Ok(DocId(format!("patient/{id}")))
    }

    pub fn queue(clinic: &str, day: Date) -> Result<DocId, StoreError> {
        check_id(clinic)?;
        Ok(DocId(format!("queue/{clinic}/{}", format_date(day))))
    }

    /// The queue of a clinic-day for the patients of one care team: a document of its own, so
    /// that the team's devices can be sent it without the rest of the clinic's queue.
    pub fn team_queue(clinic: &str, day: Date, team: &str) -> Result<DocId, StoreError> {
        check_id(clinic)?;
        check_id(team)?;
        Ok(DocId(format!("queue/{clinic}/{}/{team}", format_date(day))))
    }

    /// The day of a queue document.
    pub fn queue_date(&self) -> Option<Date> {
        let mut parts = self.0.split('/');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("queue"), Some(_), Some(day)) => crate::domain::parse_date(day).ok(),
            _ => None,
        }
    }

    /// Parses and validates a document id from outside (a sync peer, a file).
    pub fn parse(text: &str) -> Result<DocId, StoreError> {
        let bad = || StoreError::InvalidId(text.to_string());
        let parts: Vec<&str> = text.split('/').collect();
        match parts.as_slice() {
            ["clinic"] => Ok(DocId::clinic()),
            ["patient", id] => DocId::patient(id),
            ["queue", clinic, day] => {
                let date = crate::domain::parse_date(day).map_err(|_| bad())?;
                DocId::queue(clinic, date)
            }
            ["queue", clinic, day, team] => {
                let date = crate::domain::parse_date(day).map_err(|_| bad())?;
                DocId::team_queue(clinic, date, team)
            }
            _ => Err(bad()),
        }
    }

    pub fn kind(&self) -> DocKind {
        if self.0 == "clinic" {
            DocKind::Clinic
        } else if self.0.starts_with("patient/") {
            DocKind::Patient
        } else {
            DocKind::Queue
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The patient id of a patient document.
    pub fn patient_id(&self) -> Option<&str> {
        self.0.strip_prefix("patient/")
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The actor of every genesis change: fixed, so that the same document created on two devices
/// starts from byte-identical changes and merges instead of conflicting.
fn genesis_actor() -> ActorId {
    ActorId::from(&[0u8; 16][..])
}

pub(super) fn genesis(kind: DocKind, actor: &ActorId) -> Result<Automerge, StoreError> {
    let mut doc = Automerge::new().with_actor(genesis_actor());
    let mut tx = doc.transaction();
    tx.put(automerge::ROOT, "kind", kind.as_str())?;
    for key in kind.collections() {
        tx.put_object(automerge::ROOT, *key, ObjType::Map)?;
    }
    tx.commit_with(CommitOptions::default().with_time(0));
    doc.set_actor(actor.clone());
    Ok(doc)
}

/// The hash of the genesis change every document of `kind` starts from. A sync server accepts
/// changes from the fixed genesis actor only when they are exactly this change.
pub fn genesis_hash(kind: DocKind) -> Result<automerge::ChangeHash, StoreError> {
    let doc = genesis(kind, &ActorId::random())?;
    doc.get_heads()
        .first()
        .copied()
        .ok_or_else(|| StoreError::BadDocument {
            doc: kind.as_str().into(),
            reason: "empty genesis".into(),
        })
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
