//! The client side of sync: enrolment, the device credentials kept beside the store, and one
//! sync session — the store and HTTP work that carries out what [`super::plan`] decides. The
//! transport is a trait so that tests and the benchmark can put a link of their own between
//! client and server.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::plan::{Compose, Plan, Reply};
use crate::protocol::{
    self, DocMessage, ENROLL_PATH, EnrollRequest, EnrollResponse, SYNC_PATH, SyncRequest,
    SyncResponse,
};
use crate::store::{DocId, Store, StoreError};

pub use super::http::Http;

/// The file beside the store that holds this device's credentials (readable by the owner only).
pub const DEVICE_FILE: &str = "device.toml";

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("{path}: {reason}")]
    DeviceFile { path: PathBuf, reason: String },
    #[error(
        "this data directory is not enrolled with a sync server: run `enkaku enroll --server URL --code CODE`"
    )]
    NotEnrolled,
    #[error("the server cannot be reached: {0}")]
    Unreachable(String),
    #[error("the server refused the device token (revoked or unknown): enrol again")]
    Unauthorized,
    #[error("the server answered {status}: {body}")]
    Refused { status: u16, body: String },
    #[error(
        "the request was too large for the server ({bytes} bytes; 413): nothing of it was kept, sync again to send it in smaller parts"
    )]
    TooLarge { bytes: usize },
    #[error("the server's answer cannot be read: {0}")]
    BadAnswer(String),
    #[error(transparent)]
    Trust(#[from] super::tls::TlsError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// This device's enrolment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    pub server: String,
    pub token: String,
    pub device_id: String,
    pub clinic_id: String,
    pub role: String,
    #[serde(default)]
    pub care_team: Option<String>,
}

impl Device {
    /// The enrolment of the store in `dir`, if any.
    pub fn load(dir: &Path) -> Result<Option<Device>, SyncError> {
        let path = dir.join(DEVICE_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(SyncError::DeviceFile {
                    path,
                    reason: e.to_string(),
                });
            }
        };
        toml::from_str(&text)
            .map(Some)
            .map_err(|e| SyncError::DeviceFile {
                path,
                reason: e.to_string(),
            })
    }

    /// Writes the credentials readable and writable by the owner only, atomically.
    pub fn save(&self, dir: &Path) -> Result<(), SyncError> {
        let path = dir.join(DEVICE_FILE);
        let err = |e: &dyn std::fmt::Display| SyncError::DeviceFile {
            path: path.clone(),
            reason: e.to_string(),
        };
        let text = toml::to_string(self).map_err(|e| err(&e))?;
        crate::private_files::write_private_atomic(&path, text.as_bytes()).map_err(|e| err(&e))
    }
}

/// An HTTP exchange: the status and the body.
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    pub compressed: bool,
}

/// How requests reach the server.
pub trait Transport {
    /// `POST path` with these headers and body.
    fn post(
        &mut self,
        url: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<Answer, SyncError>;
}

/// Exchanges a one-time code for a device token bound to this store's actor, and keeps it.
pub fn enroll(
    store: &Store,
    dir: &Path,
    server: &str,
    code: &str,
    transport: &mut dyn Transport,
) -> Result<Device, SyncError> {
    let request = EnrollRequest {
        code: code.trim().to_string(),
        actor: store.device_id(),
        device_name: hostname(),
    };
    let body = serde_json::to_vec(&request).map_err(|e| SyncError::BadAnswer(e.to_string()))?;
    let url = format!("{}{ENROLL_PATH}", server.trim_end_matches('/'));
    let answer = transport.post(&url, &[("content-type", "application/json".into())], body)?;
    if answer.status != 200 {
        return Err(SyncError::Refused {
            status: answer.status,
            body: String::from_utf8_lossy(&answer.body).into_owned(),
        });
    }
    let response: EnrollResponse =
        serde_json::from_slice(&answer.body).map_err(|e| SyncError::BadAnswer(e.to_string()))?;
    let device = Device {
        server: server.trim_end_matches('/').to_string(),
        token: response.token,
        device_id: response.device_id,
        clinic_id: response.clinic_id,
        role: response.role,
        care_team: response.care_team,
    };
    device.save(dir)?;
    Ok(device)
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_default()
}

/// What one sync session moved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// Requests made (each one round trip).
    pub round_trips: usize,
    /// Documents this device sent messages for.
    pub docs_sent: usize,
    /// Documents the server sent messages for.
    pub docs_received: usize,
    /// Changes applied locally.
    pub changes_received: usize,
    /// Request and response bodies, as sent on the wire.
    pub body_bytes_up: usize,
    pub body_bytes_down: usize,
    pub cursor: u64,
    /// Documents from the server this device cannot read, set aside this session (their ids);
    /// the rest of the session went on without them.
    pub quarantined: Vec<String>,
    /// The session reached its last round with work left (the server had more, or this device
    /// had documents not sent yet): sync again to go on.
    pub pending: bool,
}

/// One sync session: repeats exchanges until neither side has anything to send.
pub fn sync_once(
    store: &mut Store,
    device: &Device,
    transport: &mut dyn Transport,
) -> Result<SyncReport, SyncError> {
    let result = session(store, device, transport);
    let now = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    match &result {
        Ok(_) => {
            store.set_sync_meta("last_sync", &now)?;
            store.set_sync_meta("last_error", "")?;
        }
        Err(e) => store.set_sync_meta("last_error", &format!("{now} {e}"))?,
    }
    result
}

fn is_ack(message: &[u8]) -> bool {
    automerge::sync::Message::decode(message)
        .is_ok_and(|m| m.changes.is_empty() && m.need.is_empty())
}

fn session(
    store: &mut Store,
    device: &Device,
    transport: &mut dyn Transport,
) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    let mut cursor: u64 = store
        .sync_meta("cursor")?
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let mut states = HashMap::new();
    let mut plan = Plan::new(store.dirty_docs()?);
    let url = format!("{}{SYNC_PATH}", device.server);
    while let Some((candidates, _)) = plan.compose() {
        let candidates = candidates.to_vec();
        let mut messages = Vec::new();
        let mut sent = Vec::new();
        let mut bytes = 0;
        let mut deferred = Vec::new();
        for id in &candidates {
            if !plan.room(messages.len(), bytes) {
                deferred.push(id.clone());
                continue;
            }
            if !store.exists(id)? {
                continue;
            }
            let state = sync_state(&mut states, store, id)?;
            let message = match plan.how(id) {
                Compose::Offer => {
                    protocol::offer(store.doc(id)?, state).map(automerge::sync::Message::encode)
                }
                Compose::Reply => store.generate_sync_message(id, state)?,
            };
            if let Some(message) = message
                && plan.worth_sending(is_ack(&message))
            {
                bytes += message.len();
                messages.push(DocMessage {
                    doc: id.to_string(),
                    message,
                });
                sent.push(id.clone());
            }
        }
        plan.defer(deferred);
        if !plan.exchange(messages.len()) {
            break;
        }
        let response = exchange(transport, &url, device, cursor, messages, &mut report)?;
        plan.sent(sent);
        let mut received = Vec::new();
        for m in &response.messages {
            let id = DocId::parse(&m.doc).map_err(|e| SyncError::BadAnswer(e.to_string()))?;
            let state = sync_state(&mut states, store, &id)?;
            let before = state.clone();
            match store.receive_sync_message(&id, state, &m.message) {
                Ok(changes) => {
                    report.changes_received += changes;
                    received.push(id);
                }
                // One document this device cannot read never stops the clinic's sync: it is set
                // aside, its sync state left as it was (so nothing claims this device holds it),
                // and no reply is planned for it.
                Err(StoreError::BadDocument { reason, .. }) => {
                    *state = before;
                    store.quarantine(&id, &m.message, &reason)?;
                    if !report.quarantined.contains(&m.doc) {
                        report.quarantined.push(m.doc.clone());
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        // Whatever the exchange settled is kept, so an interrupted session resumes from here.
        for (id, state) in &states {
            store.save_sync_state(id, state)?;
        }
        cursor = response.cursor;
        store.set_sync_meta("cursor", &cursor.to_string())?;
        plan.after(Reply {
            received,
            more: response.more,
            still_dirty: store.dirty_docs()?,
        });
    }
    report.docs_sent = plan.docs_sent();
    report.docs_received = plan.docs_received();
    report.cursor = cursor;
    report.pending = plan.pending();
    Ok(report)
}

/// The sync state of `id` for this session: loaded once, then kept in `states`.
fn sync_state<'a>(
    states: &'a mut HashMap<DocId, automerge::sync::State>,
    store: &mut Store,
    id: &DocId,
) -> Result<&'a mut automerge::sync::State, SyncError> {
    match states.entry(id.clone()) {
        std::collections::hash_map::Entry::Occupied(e) => Ok(e.into_mut()),
        std::collections::hash_map::Entry::Vacant(e) => Ok(e.insert(store.load_sync_state(id)?)),
    }
}

/// One request and its answer: the frame deflated when that is smaller, the status turned into
/// the error it means, the answer inflated and decoded.
fn exchange(
    transport: &mut dyn Transport,
    url: &str,
    device: &Device,
    cursor: u64,
    messages: Vec<DocMessage>,
    report: &mut SyncReport,
) -> Result<SyncResponse, SyncError> {
    let frame = SyncRequest { cursor, messages }.encode();
    let (body, compressed) = protocol::compress(frame);
    // No content type: the path defines the frame (see the server), and on a 64 kbps link
    // the header would be a fifteenth of a one-field edit.
    let mut headers = vec![("authorization", format!("Bearer {}", device.token))];
    if compressed {
        headers.push(("content-encoding", "deflate".to_string()));
    }
    if body.len() > protocol::MAX_BODY {
        // The server would refuse it unread, and a refusal mid-upload reads as a broken pipe.
        return Err(SyncError::TooLarge { bytes: body.len() });
    }
    let bytes = body.len();
    report.body_bytes_up += bytes;
    let answer = transport.post(url, &headers, body)?;
    report.round_trips += 1;
    report.body_bytes_down += answer.body.len();
    match answer.status {
        200 => {}
        401 => return Err(SyncError::Unauthorized),
        413 => return Err(SyncError::TooLarge { bytes }),
        status => {
            return Err(SyncError::Refused {
                status,
                body: String::from_utf8_lossy(&answer.body)
                    .chars()
                    .take(200)
                    .collect(),
            });
        }
    }
    let frame = if answer.compressed {
        protocol::decompress(&answer.body).map_err(|e| SyncError::BadAnswer(e.to_string()))?
    } else {
        answer.body
    };
    SyncResponse::decode(&frame).map_err(|e| SyncError::BadAnswer(e.to_string()))
}
