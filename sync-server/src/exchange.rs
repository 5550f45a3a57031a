//! The sync exchange: one device's batch of Automerge sync messages applied within its scope
//! and authorship, and the batch of replies and catch-up messages it gets back — the whole of
//! `POST /v1/sync` minus HTTP.
//!
//! Documents a device may not see are indistinguishable from absent ones: its message is
//! answered from an empty scratch document with a fresh sync state, exactly as for a document
//! nobody has created yet, and what it tries to write there is dropped without a reply unless it
//! creates a document inside its scope that does not exist yet (see [`crate::scope`] for what a
//! device may create, and for whom the server records it).
//!
//! A refusal is per document, never of the whole request: changes the scope does not allow (a
//! team device moving a patient to another team, writing its roster, creating outside its
//! namespace) keep nothing of that document — its stored bytes, recorded team and the device's
//! sync state stay as they were — and get no reply for it, as a document outside the scope gets
//! none; every other document of the request is applied and answered as usual, and the server
//! logs the refusal with the device, the document and why. (A reply from the server's copy would
//! make the device send the same changes again at once, round after round.) The device's copy
//! keeps the refused changes, stays unacknowledged, and offers them once in each later session,
//! refused again each time; its later changes to that document build on the refused ones and
//! are refused with them, so that document stops syncing from that device (no screen of the
//! workstation moves a patient between teams on a team device; a device that does so anyway is
//! buggy or hostile). A change not written by the device's actor is different: it refuses
//! the whole request with 403, since it means a forged or corrupted history. So does a change
//! that leaves a document in a shape the clinic's devices cannot read
//! ([`enkaku::protocol::shape`]): the whole request is refused with 422, naming the document,
//! so that one device's bad write never reaches the others.
//!
//! A stored document that does not load (damaged bytes, a damaged page) is skipped, never a
//! failure of the request: it gets no reply and is not offered, what a device sends for it is
//! not kept, and it joins the server's damaged set ([`crate::integrity`]) that `/healthz`
//! reports.
//!
//! Limitation: across clinics the two cases are the same by construction (the clinic is part of
//! the key). Within a clinic, a care-team device that tries to *create* a patient under an id
//! another team already uses is refused where a free id would be accepted — one bit, for a
//! device of the same clinic that guesses ids.

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};

use automerge::sync::{Message, State, SyncDoc};
use automerge::{ActorId, Automerge, ReadDoc, ScalarValue, Value};
use enkaku::protocol::{DocId, shape};
use enkaku::protocol::{DocMessage, SyncRequest, SyncResponse, quote};

use crate::authorship::{ForeignChange, Genesis, check_authors};
use crate::integrity::Damaged;
use crate::scope::{Refusal, Scope};
use crate::storage::{Device, DocWrite, Storage, StorageError, StoredDoc};

/// Catch-up documents per response; the device asks again at once when `more` is set.
pub const MAX_DOCS_PER_RESPONSE: usize = 200;
/// Message bytes of catch-up per response: past this the rest waits for the next request
/// (`more` is set), so a first download of any size goes in responses far below the client's
/// body limit. A single larger document still goes, alone.
pub const MAX_RESPONSE_BYTES: usize = 2 * 1024 * 1024;
/// Messages per request: more is a client bug or an attack, not a sync.
pub const MAX_MESSAGES_PER_REQUEST: usize = 10_000;
/// A request whose documents keep moving under it is retried this many times before the device
/// is told to come back later.
const COMMIT_ATTEMPTS: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum ExchangeError {
    /// The request is not a well-formed batch: reported to the device (400).
    #[error("{0}")]
    Malformed(String),
    /// A change not written by the device's actor (403); nothing of the request is kept.
    #[error("document {doc}: {source}")]
    Foreign {
        doc: String,
        #[source]
        source: ForeignChange,
    },
    /// A change that leaves a document in a shape other devices cannot read (422); nothing of
    /// the request is kept. `doc` is the id as quoted (at most 64 characters).
    #[error(
        "document {doc} would not be readable by the clinic's devices ({reason}); nothing of this request was kept"
    )]
    Unreadable { doc: String, reason: String },
    /// The device's actor as stored cannot be read.
    #[error("device {0} has an unreadable actor id")]
    BadActor(String),
    #[error("stored document {doc} cannot be read: {reason}")]
    Corrupt { doc: String, reason: String },
    /// The documents changed under every attempt (503).
    #[error("documents kept changing concurrently")]
    Busy,
    #[error("the operating system's random source failed: {0}")]
    Random(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
}

/// Runs `f` on data that came from the network, turning a panic inside Automerge into a
/// refusal of the request instead of a lost worker.
fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, ExchangeError> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|_| ExchangeError::Malformed(what.to_string()))
}

/// The `care_team` at the document root, when it is a string.
pub fn care_team_of(doc: &Automerge) -> Option<String> {
    match doc.get(automerge::ROOT, "care_team") {
        Ok(Some((Value::Scalar(s), _))) => match s.as_ref() {
            ScalarValue::Str(team) => Some(team.to_string()),
            _ => None,
        },
        _ => None,
    }
}

fn load(doc: &DocId, stored: &StoredDoc) -> Result<Automerge, ExchangeError> {
    let corrupt = |reason: String| ExchangeError::Corrupt {
        doc: doc.to_string(),
        reason,
    };
    catch_unwind(|| Automerge::load(&stored.bytes))
        .map_err(|_| corrupt("panicked while loading".into()))?
        .map_err(|e| corrupt(e.to_string()))
}

/// A persisted sync state; one that cannot be decoded is forgotten, which costs a fuller
/// exchange, never correctness.
fn decode_state(bytes: Option<Vec<u8>>) -> State {
    bytes
        .and_then(|b| State::decode(&b).ok())
        .unwrap_or_default()
}

/// Messages for documents the device did not mention this time but that changed since its
/// cursor carry the changes themselves (see [`enkaku::protocol::offer`]). A device acknowledges an
/// offer by presenting the response's cursor later (see [`Storage::record_offers`]), so it need
/// not send a message back for documents it only received.
pub use enkaku::protocol::offer;

/// The device's messages, parsed and checked before anything is loaded.
fn parse_request(messages: Vec<DocMessage>) -> Result<Vec<(DocId, Message)>, ExchangeError> {
    if messages.len() > MAX_MESSAGES_PER_REQUEST {
        return Err(ExchangeError::Malformed(format!(
            "{} messages in one request; at most {MAX_MESSAGES_PER_REQUEST}",
            messages.len()
        )));
    }
    let mut seen = HashSet::with_capacity(messages.len());
    let mut parsed = Vec::with_capacity(messages.len());
    for m in messages {
        let doc = DocId::parse(&m.doc).map_err(|_| {
            ExchangeError::Malformed(format!("{} is not a document id", quote(&m.doc)))
        })?;
        if !seen.insert(doc.clone()) {
            return Err(ExchangeError::Malformed(format!(
                "two messages for {doc} in one request"
            )));
        }
        let message = guarded("sync message cannot be read", || {
            Message::decode(&m.message)
        })?
        .map_err(|e| ExchangeError::Malformed(format!("sync message for {doc}: {e}")))?;
        parsed.push((doc, message));
    }
    Ok(parsed)
}

/// What applying the device's messages produced.
struct Applied {
    replies: Vec<DocMessage>,
    /// Documents already answered in this response.
    answered: HashSet<DocId>,
}

struct Exchange<'a> {
    storage: &'a dyn Storage,
    damaged: &'a Damaged,
    device: &'a Device,
    scope: Scope,
    actor: ActorId,
    genesis: &'a Genesis,
}

impl Exchange<'_> {
    /// The stored document; `None` when reading it found the database damaged there (the
    /// document is then skipped, as one known damaged is).
    fn read(&self, id: &DocId) -> Result<Option<Option<StoredDoc>>, ExchangeError> {
        match self.storage.document(&self.scope.clinic_id, id) {
            Ok(stored) => Ok(Some(stored)),
            Err(e) if e.is_corruption() => {
                self.damaged
                    .insert(&self.scope.clinic_id, id, &e.to_string());
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The document loaded from its stored bytes; `None` for one that is damaged (known, or
    /// found now and recorded), which the exchange skips while serving the rest.
    fn load(&self, id: &DocId, stored: &StoredDoc) -> Option<Automerge> {
        if self.damaged.contains(&self.scope.clinic_id, id) {
            tracing::debug!(device = %self.device.id, doc = %id, "damaged document skipped");
            return None;
        }
        match load(id, stored) {
            Ok(doc) => Some(doc),
            Err(e) => {
                self.damaged
                    .insert(&self.scope.clinic_id, id, &e.to_string());
                None
            }
        }
    }

    /// Applies every message in memory, checks authorship, then writes documents and sync
    /// states in one transaction. Any failure writes nothing.
    fn apply(&self, incoming: &[(DocId, Message)]) -> Result<Applied, ExchangeError> {
        let mut writes = Vec::new();
        let mut states = Vec::new();
        let mut replies = Vec::new();
        let mut answered = HashSet::new();
        for (id, message) in incoming {
            let Some(stored) = self.read(id)? else {
                continue;
            };
            let recorded = stored.as_ref().and_then(|s| s.care_team.clone());
            let visible = stored.is_some() && self.scope.admits(id, recorded.as_deref());
            let (mut doc, mut state, old_state) = match (&stored, visible) {
                (Some(stored), true) => {
                    let Some(doc) = self.load(id, stored) else {
                        // Its changes are not kept and get no reply; the device offers them
                        // again once the document is restored.
                        continue;
                    };
                    let old_state = self.storage.sync_state(&self.device.id, id)?;
                    (doc, decode_state(old_state.clone()), old_state)
                }
                _ => (Automerge::new(), State::new(), None),
            };
            let before = doc.get_heads();
            guarded("sync message cannot be applied", || {
                doc.receive_sync_message(&mut state, message.clone())
            })?
            .map_err(|e| ExchangeError::Malformed(format!("sync message for {id}: {e}")))?;
            let added = guarded("sync message cannot be applied", || {
                doc.get_changes(&before)
            })?;
            check_authors(&added, &self.actor, id.kind(), self.genesis).map_err(|source| {
                ExchangeError::Foreign {
                    doc: id.to_string(),
                    source,
                }
            })?;
            let root_team = care_team_of(&doc);
            let owner = if added.is_empty() {
                recorded
            } else {
                let decision = match &stored {
                    None => self.scope.creation(id, root_team.as_deref()),
                    Some(_) if visible => {
                        self.scope
                            .update(id, recorded.as_deref(), root_team.as_deref())
                    }
                    Some(_) => Err(Refusal::OutsideScope),
                };
                match decision {
                    Ok(owner) => owner,
                    Err(refusal) => {
                        tracing::warn!(
                            device = %self.device.id,
                            doc = %id,
                            %refusal,
                            "changes refused; nothing of this document kept"
                        );
                        // No reply either, as for a document outside its scope: a reply from
                        // the copy kept here would make the device send the same changes again
                        // at once, round after round.
                        continue;
                    }
                }
            };
            // A scratch answer keeps nothing: the reply says "I have nothing".
            let keep = visible || !added.is_empty();
            if !added.is_empty() {
                shape::check(id, &doc).map_err(|e| ExchangeError::Unreadable {
                    doc: quote(id.as_str()),
                    reason: e.to_string(),
                })?;
                writes.push(DocWrite {
                    doc: id.clone(),
                    bytes: doc.save(),
                    care_team: owner,
                    expected_seq: stored.as_ref().map(|s| s.seq),
                });
            }
            if keep {
                let encoded = state.encode();
                if old_state.as_ref() != Some(&encoded) {
                    states.push((id.clone(), encoded));
                }
            }
            if let Some(reply) = guarded("sync reply cannot be built", || {
                doc.generate_sync_message(&mut state)
            })? {
                replies.push(DocMessage {
                    doc: id.to_string(),
                    message: reply.encode(),
                });
            }
            answered.insert(id.clone());
        }
        if !writes.is_empty() || !states.is_empty() {
            self.storage.commit_exchange(
                &self.scope.clinic_id,
                &self.device.id,
                &writes,
                &states,
            )?;
        }
        Ok(Applied { replies, answered })
    }

    /// Messages for documents in scope changed after position `cursor` that this response has not
    /// answered yet, and the cursor to send next. What each message brings its document to is
    /// recorded as pending until the device presents that cursor.
    fn catch_up(
        &self,
        cursor: u64,
        applied: &Applied,
        out: &mut Vec<DocMessage>,
    ) -> Result<(u64, bool), ExchangeError> {
        let mut changed =
            self.storage
                .changed_since(&self.scope, cursor, MAX_DOCS_PER_RESPONSE + 1)?;
        let mut more = changed.len() > MAX_DOCS_PER_RESPONSE;
        changed.truncate(MAX_DOCS_PER_RESPONSE);
        let mut offered = Vec::new();
        let mut bytes: usize = out.iter().map(|m| m.message.len()).sum();
        let mut covered = cursor;
        for c in &changed {
            if bytes >= MAX_RESPONSE_BYTES {
                more = true;
                break;
            }
            covered = c.seq;
            if applied.answered.contains(&c.doc) {
                continue;
            }
            let Some(Some(stored)) = self.read(&c.doc)? else {
                continue;
            };
            // It may have left the scope since it was listed.
            if !self.scope.admits(&c.doc, stored.care_team.as_deref()) {
                continue;
            }
            let Some(doc) = self.load(&c.doc, &stored) else {
                continue;
            };
            let mut state = decode_state(self.storage.sync_state(&self.device.id, &c.doc)?);
            if let Some(message) = offer(&doc, &mut state) {
                let message = message.encode();
                bytes += message.len();
                out.push(DocMessage {
                    doc: c.doc.to_string(),
                    message,
                });
                let brought_to = State {
                    shared_heads: doc.get_heads(),
                    ..State::default()
                };
                offered.push((c.doc.clone(), brought_to.encode()));
            }
        }
        let next = if more { covered } else { covered.max(cursor) };
        if !offered.is_empty() {
            self.storage
                .record_offers(&self.device.id, next, &offered)?;
        }
        Ok((next, more))
    }
}

/// Where in the server's history a presented cursor stands. A cursor is a random handle the
/// server issued to this device (see [`Storage::record_cursor`]), so it says nothing of how many
/// changes were made anywhere, and a value it did not issue to this device — a cursor of an
/// older server, another device's, a guess — means "from the start": a full and correct resync
/// (documents the device already acknowledged are not sent again). A position beyond the
/// server's history means the history was replaced (a restore): from the start too.
fn position_of(storage: &dyn Storage, device: &Device, cursor: u64) -> Result<u64, ExchangeError> {
    if cursor == 0 {
        return Ok(0);
    }
    let Some(position) = storage.cursor_position(&device.id, cursor)? else {
        tracing::info!(device = %device.id, "cursor not issued to this device; syncing from the start");
        return Ok(0);
    };
    if position > storage.latest_seq()? {
        tracing::warn!(device = %device.id, "cursor beyond the server's history; syncing from the start");
        return Ok(0);
    }
    Ok(position)
}

/// A new cursor handle: 55 random bits under a set 56th, so that every cursor takes the same
/// eight bytes on the wire and none is 0 (no cursor).
fn new_cursor() -> Result<u64, ExchangeError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| ExchangeError::Random(e.to_string()))?;
    Ok((u64::from_le_bytes(bytes) & ((1 << 55) - 1)) | (1 << 55))
}

/// One sync exchange for an authenticated device. Runs on a blocking thread.
pub fn exchange(
    storage: &dyn Storage,
    damaged: &Damaged,
    device: &Device,
    genesis: &Genesis,
    request: SyncRequest,
) -> Result<SyncResponse, ExchangeError> {
    let actor = hex::decode(&device.actor)
        .map(ActorId::from)
        .map_err(|_| ExchangeError::BadActor(device.id.clone()))?;
    let incoming = parse_request(request.messages)?;
    let exchange = Exchange {
        storage,
        damaged,
        device,
        scope: device.scope(),
        actor,
        genesis,
    };
    let position = position_of(storage, device, request.cursor)?;
    // The device kept the cursor of every response it applied: what those responses offered,
    // it now holds.
    storage.confirm_offers(&device.id, position)?;
    let mut attempt = 0;
    let applied = loop {
        attempt += 1;
        match exchange.apply(&incoming) {
            Ok(applied) => break applied,
            Err(ExchangeError::Storage(StorageError::Conflict(doc))) => {
                tracing::debug!(%doc, attempt, "document changed concurrently; retrying");
                if attempt >= COMMIT_ATTEMPTS {
                    return Err(ExchangeError::Busy);
                }
            }
            Err(e) => return Err(e),
        }
    };
    let mut messages = applied.replies.clone();
    let (next, more) = exchange.catch_up(position, &applied, &mut messages)?;
    let cursor = if next == position {
        // Nothing new in scope: the same cursor (or none), so an idle check-in writes nothing.
        if position == 0 { 0 } else { request.cursor }
    } else {
        let handle = new_cursor()?;
        storage.record_cursor(&device.id, handle, next)?;
        handle
    };
    Ok(SyncResponse {
        cursor,
        messages,
        more,
    })
}

#[cfg(test)]
mod tests {
    use automerge::transaction::Transactable;

    use super::*;

    fn edited(actor: u8, key: &str) -> Automerge {
        let mut doc = Automerge::new().with_actor(ActorId::from(&[actor; 16][..]));
        doc.transact(|tx| tx.put(automerge::ROOT, key, "x"))
            .unwrap();
        doc
    }

    #[test]
    fn an_offer_carries_the_changes_the_device_has_not_acknowledged() {
        // A device that never synced gets the whole document in one message.
        let server = edited(1, "a");
        let mut state = State::new();
        let message = offer(&server, &mut state).expect("a message");
        let mut device = Automerge::new();
        device
            .receive_sync_message(&mut State::new(), message)
            .unwrap();
        assert_eq!(device.get_heads(), server.get_heads());

        // Nothing to offer when the device acknowledged the current heads.
        let mut state = State {
            shared_heads: server.get_heads(),
            ..State::default()
        };
        assert!(offer(&server, &mut state).is_none());

        // After an acknowledgement, only the newer change moves.
        let mut server2 = server.clone();
        server2
            .transact(|tx| tx.put(automerge::ROOT, "b", "y"))
            .unwrap();
        let encoded = State {
            shared_heads: server.get_heads(),
            ..State::default()
        }
        .encode();
        let mut state = State::decode(&encoded).unwrap();
        let message = offer(&server2, &mut state).expect("a message");
        assert_eq!(message.changes.len(), 1);
        device
            .receive_sync_message(&mut State::new(), message)
            .unwrap();
        assert_eq!(device.get_heads(), server2.get_heads());
    }

    #[test]
    fn the_care_team_is_read_from_the_root_when_it_is_a_string() {
        let mut doc = Automerge::new();
        assert_eq!(care_team_of(&doc), None);
        doc.transact(|tx| tx.put(automerge::ROOT, "care_team", "north"))
            .unwrap();
        assert_eq!(care_team_of(&doc).as_deref(), Some("north"));
        doc.transact(|tx| tx.put(automerge::ROOT, "care_team", 3))
            .unwrap();
        assert_eq!(care_team_of(&doc), None);
    }
}
