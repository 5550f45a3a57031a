//! The client side of sync: enrolment, the device credentials kept beside the store, and one
//! sync session — send the sync messages of documents with local changes, apply the server's,
//! repeat until both sides have nothing to say. The transport is a trait so that tests and the
//! benchmark can put a link of their own between client and server.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::protocol::{
    self, DocMessage, ENROLL_PATH, EnrollRequest, EnrollResponse, SYNC_PATH, SyncRequest,
    SyncResponse,
};
use crate::store::{DocId, Store, StoreError};

/// The file beside the store that holds this device's credentials (readable by the owner only).
pub const DEVICE_FILE: &str = "device.toml";

/// Rounds of one session before giving up (each round is one request).
const MAX_ROUNDS: usize = 16;

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
    #[error("the server's answer cannot be read: {0}")]
    BadAnswer(String),
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
        let tmp = dir.join(format!("{DEVICE_FILE}.tmp"));
        {
            use std::io::Write;
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create(true).truncate(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(&tmp).map_err(|e| err(&e))?;
            file.write_all(text.as_bytes()).map_err(|e| err(&e))?;
            file.sync_all().map_err(|e| err(&e))?;
        }
        std::fs::rename(&tmp, &path).map_err(|e| err(&e))
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

/// The transport over HTTP(S).
pub struct Http {
    agent: ureq::Agent,
}

impl Http {
    pub fn new(timeout: Duration) -> Http {
        // No user-agent, accept or accept-encoding headers: on a 64 kbps link they would be a
        // tenth of a one-field edit's exchange, and the server reads none of them.
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .user_agent(ureq::config::AutoHeaderValue::None)
            .accept(ureq::config::AutoHeaderValue::None)
            .accept_encoding(ureq::config::AutoHeaderValue::None)
            .build()
            .into();
        Http { agent }
    }
}

impl Transport for Http {
    fn post(
        &mut self,
        url: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Result<Answer, SyncError> {
        let mut request = self.agent.post(url);
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let mut response = request
            .send(&body[..])
            .map_err(|e| SyncError::Unreachable(e.to_string()))?;
        let status = response.status().as_u16();
        let compressed = response
            .headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("deflate"));
        let body = response
            .body_mut()
            .with_config()
            .limit(protocol::MAX_BODY as u64)
            .read_to_vec()
            .map_err(|e| SyncError::Unreachable(e.to_string()))?;
        Ok(Answer {
            status,
            body,
            compressed,
        })
    }
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
    let mut candidates: Vec<DocId> = store.dirty_docs()?;
    let url = format!("{}{SYNC_PATH}", device.server);
    let mut more = false;
    let mut sent_any = std::collections::BTreeSet::new();
    let mut received_any = std::collections::BTreeSet::new();
    for round in 0..MAX_ROUNDS {
        let mut messages = Vec::new();
        for id in &candidates {
            if !store.exists(id)? {
                continue;
            }
            if !states.contains_key(id) {
                let state = store.load_sync_state(id)?;
                states.insert(id.clone(), state);
            }
            let Some(state) = states.get_mut(id) else {
                continue;
            };
            // The first message of a document carries its changes (see `offer`); later ones
            // follow the ordinary protocol.
            let message = if round == 0 {
                super::offer::offer(store.doc(id)?, state).map(automerge::sync::Message::encode)
            } else {
                store.generate_sync_message(id, state)?
            };
            if let Some(message) = message {
                // After the first round, a message that only announces heads is an
                // acknowledgement: not worth a round trip on a slow link. The cursor already
                // covers those documents, and the next session settles the shared heads.
                if round > 0 && is_ack(&message) {
                    continue;
                }
                sent_any.insert(id.clone());
                messages.push(DocMessage {
                    doc: id.to_string(),
                    message,
                });
            }
        }
        if round > 0 && messages.is_empty() && !more {
            break;
        }
        let frame = SyncRequest { cursor, messages }.encode();
        let (body, compressed) = protocol::compress(frame);
        // No content type: the path defines the frame (see the server), and on a 64 kbps link
        // the header would be a fifteenth of a one-field edit.
        let mut headers = vec![("authorization", format!("Bearer {}", device.token))];
        if compressed {
            headers.push(("content-encoding", "deflate".to_string()));
        }
        report.body_bytes_up += body.len();
        let answer = transport.post(&url, &headers, body)?;
        report.round_trips += 1;
        report.body_bytes_down += answer.body.len();
        match answer.status {
            200 => {}
            401 => return Err(SyncError::Unauthorized),
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
        let response =
            SyncResponse::decode(&frame).map_err(|e| SyncError::BadAnswer(e.to_string()))?;
        candidates.clear();
        for m in &response.messages {
            let id = DocId::parse(&m.doc).map_err(|e| SyncError::BadAnswer(e.to_string()))?;
            if !states.contains_key(&id) {
                let state = store.load_sync_state(&id)?;
                states.insert(id.clone(), state);
            }
            let Some(state) = states.get_mut(&id) else {
                continue;
            };
            report.changes_received += store.receive_sync_message(&id, state, &m.message)?;
            received_any.insert(id.clone());
            candidates.push(id);
        }
        // Whatever the exchange settled is kept, so an interrupted session resumes from here.
        for (id, state) in &states {
            store.save_sync_state(id, state)?;
        }
        cursor = response.cursor;
        store.set_sync_meta("cursor", &cursor.to_string())?;
        more = response.more;
        // Documents still dirty after the exchange may have more to say next round.
        for id in store.dirty_docs()? {
            if !candidates.contains(&id) && sent_any.contains(&id) {
                candidates.push(id);
            }
        }
    }
    report.docs_sent = sent_any.len();
    report.docs_received = received_any.len();
    report.cursor = cursor;
    Ok(report)
}
