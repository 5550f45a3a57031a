//! The shape each kind of document must have for a peer to read it: the one definition of
//! "readable" that the workstation's index applies when it files a document and that the sync
//! server applies before it accepts a change, so that a document one device could write and
//! every other device would fail on never enters a clinic's history.
//!
//! What is checked is what every device reads on arrival: a patient's `demographics` and
//! `history`, each entry of a queue, each member of the clinic's staff. A field that is absent
//! is allowed (a document is built up over several changes); a field that is present must be
//! what the domain type says.

use automerge::ReadDoc;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;

use super::json::{object_at, read_json};
use super::{DocId, DocKind};
use crate::domain::{Demographics, HistoryKnowledge, QueueEntry, Staff};

/// How many characters of a reason, or of an id, an error quotes: enough to find the fault,
/// never an echo of whatever a peer sent.
const QUOTE_CHARS: usize = 64;
const REASON_CHARS: usize = 160;

/// Why a document cannot be read: which part, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{part}: {reason}")]
pub struct ShapeError {
    pub part: String,
    pub reason: String,
}

impl ShapeError {
    fn new(part: &str, reason: &dyn std::fmt::Display) -> ShapeError {
        ShapeError {
            part: bounded(part, QUOTE_CHARS),
            reason: bounded(&reason.to_string(), REASON_CHARS),
        }
    }
}

/// `text` cut to at most `max` characters, marked with `…` when cut.
pub fn bounded(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((at, _)) => format!("{}…", &text[..at]),
    }
}

fn read<D: ReadDoc>(doc: &D, path: &[&str]) -> Result<Json, ShapeError> {
    read_json(doc, path).map_err(|e| ShapeError::new(&path.join("/"), &e))
}

fn parse<T: DeserializeOwned>(part: &str, json: Json) -> Result<T, ShapeError> {
    serde_json::from_value(json).map_err(|e| ShapeError::new(part, &e))
}

/// A patient's demographics, `None` while the document has none yet.
pub fn demographics<D: ReadDoc>(doc: &D) -> Result<Option<Demographics>, ShapeError> {
    match read(doc, &["demographics"])? {
        Json::Null => Ok(None),
        json => parse("demographics", json).map(Some),
    }
}

/// What is known of a patient's history; the default while the document says nothing.
pub fn history<D: ReadDoc>(doc: &D) -> Result<HistoryKnowledge, ShapeError> {
    match read(doc, &["history"])? {
        Json::Null => Ok(HistoryKnowledge::default()),
        json => parse("history", json),
    }
}

/// The entries of a queue document, by entry id.
pub fn queue_entries<D: ReadDoc>(doc: &D) -> Result<Vec<(String, QueueEntry)>, ShapeError> {
    items(doc, "entries", "entry")
}

/// The staff of the clinic document, by staff id.
pub fn staff<D: ReadDoc>(doc: &D) -> Result<Vec<(String, Staff)>, ShapeError> {
    items(doc, "staff", "staff")
}

fn items<D: ReadDoc, T: DeserializeOwned>(
    doc: &D,
    collection: &str,
    what: &str,
) -> Result<Vec<(String, T)>, ShapeError> {
    let Some(map) = object_at(doc, &[collection]) else {
        return Ok(Vec::new());
    };
    doc.keys(&map)
        .map(|key| {
            let json = read(doc, &[collection, &key])?;
            let item = parse(&format!("{what} {key}"), json)?;
            Ok((key, item))
        })
        .collect()
}

/// Checks that every device can read document `id` as it now stands.
pub fn check<D: ReadDoc>(id: &DocId, doc: &D) -> Result<(), ShapeError> {
    match id.kind() {
        DocKind::Patient => {
            demographics(doc)?;
            history(doc)?;
        }
        DocKind::Queue => {
            queue_entries(doc)?;
        }
        DocKind::Clinic => {
            staff(doc)?;
        }
        // A roster is read whole, on a team device, when someone signs in; nothing files it.
        DocKind::Team => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;
    use automerge::{ActorId, ObjType};

    use super::*;
    use crate::protocol::genesis;

    #[test]
    fn a_patient_whose_demographics_are_a_number_cannot_be_read() {
        let id = DocId::patient("poison").unwrap();
        let mut doc = genesis(DocKind::Patient, &ActorId::random()).unwrap();
        assert_eq!(check(&id, &doc), Ok(()));
        doc.transact(|tx| tx.put(automerge::ROOT, "demographics", 42))
            .unwrap();
        let err = check(&id, &doc).unwrap_err();
        assert_eq!(err.part, "demographics");
    }

    #[test]
    fn a_bad_queue_entry_is_named_and_the_reason_is_bounded() {
        let id = DocId::parse("queue/c1/2026-12-03").unwrap();
        let mut doc = genesis(DocKind::Queue, &ActorId::random()).unwrap();
        let long = "x".repeat(10_000);
        doc.transact(|tx| {
            let entries = object_at(tx, &["entries"]).unwrap();
            let entry = tx.put_object(&entries, "e1", ObjType::Map)?;
            tx.put(&entry, "time", long.as_str())
        })
        .unwrap();
        let err = check(&id, &doc).unwrap_err();
        assert_eq!(err.part, "entry e1");
        assert!(err.to_string().len() < 400, "{err}");
    }
}
