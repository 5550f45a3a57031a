//! Test harness: the real server on port 0 ([`enkaku_sync_server::testing`]), a raw HTTP
//! client, and devices that hold hand-built Automerge documents and speak `enkaku::protocol`.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::time::Duration;

use automerge::sync::{Message, State, SyncDoc};
use automerge::transaction::{CommitOptions, Transactable};
use automerge::{ActorId, Automerge, ObjType, ROOT, ReadDoc};
use enkaku::protocol::{
    self, ENROLL_PATH, EnrollRequest, EnrollResponse, FRAME_CONTENT_TYPE, SYNC_PATH, SyncRequest,
    SyncResponse,
};
use enkaku::protocol::{DocId, DocKind};

// Not every test crate that includes this module uses every re-export.
#[allow(unused_imports)]
pub use enkaku_sync_server::testing::{Admin, TestServer, stored_heads};

/// An HTTP status and body.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The sync response in the body, inflated when the server deflated it.
    pub fn sync_response(&self) -> SyncResponse {
        assert_eq!(self.status, 200, "{}", String::from_utf8_lossy(&self.body));
        let frame = if self.header("content-encoding") == Some("deflate") {
            protocol::decompress(&self.body).expect("inflate")
        } else {
            self.body.clone()
        };
        SyncResponse::decode(&frame).expect("response frame")
    }
}

#[derive(Clone)]
pub struct Client {
    pub url: String,
    agent: ureq::Agent,
}

impl Client {
    pub fn new(url: &str) -> Client {
        Self::with_agent(
            url,
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(Duration::from_secs(60)))
                .build()
                .into(),
        )
    }

    pub fn with_agent(url: &str, agent: ureq::Agent) -> Client {
        Client {
            url: url.to_string(),
            agent,
        }
    }

    fn reply(response: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
        let mut response = response.expect("HTTP exchange");
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_str().unwrap_or("").to_string()))
            .collect();
        let body = response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_vec()
            .expect("body");
        Reply {
            status,
            headers,
            body,
        }
    }

    pub fn get(&self, path: &str) -> Reply {
        Self::reply(self.agent.get(format!("{}{path}", self.url)).call())
    }

    pub fn post(&self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let mut request = self.agent.post(format!("{}{path}", self.url));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Self::reply(request.send(body))
    }

    pub fn enroll_raw(&self, code: &str, actor: &str) -> Reply {
        let body = serde_json::to_vec(&EnrollRequest {
            code: code.to_string(),
            actor: actor.to_string(),
            device_name: "test tablet".into(),
        })
        .expect("json");
        self.post(ENROLL_PATH, &[("content-type", "application/json")], &body)
    }

    /// Posts a sync frame, deflated when the protocol says so.
    pub fn sync_raw(&self, token: &str, request: &SyncRequest) -> Reply {
        let (body, deflated) = protocol::compress(request.encode());
        let auth = format!("Bearer {token}");
        let mut headers = vec![
            ("authorization", auth.as_str()),
            ("content-type", FRAME_CONTENT_TYPE),
        ];
        if deflated {
            headers.push(("content-encoding", "deflate"));
        }
        self.post(SYNC_PATH, &headers, &body)
    }
}

pub fn zero_actor() -> ActorId {
    ActorId::from(&[0u8; 16][..])
}

/// The maps each kind's genesis creates, as every Enkaku peer creates them. Written out here
/// rather than taken from `DocKind::collections`, so that a change of the genesis (which would
/// stop old and new devices merging) fails these tests.
fn collections(kind: DocKind) -> &'static [&'static str] {
    match kind {
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
        DocKind::Team => &["members"],
    }
}

/// A document holding only the deterministic genesis change of `kind`.
pub fn genesis(kind: DocKind) -> Automerge {
    let mut doc = Automerge::new().with_actor(zero_actor());
    let mut tx = doc.transaction();
    tx.put(ROOT, "kind", kind.as_str()).expect("kind");
    for key in collections(kind) {
        tx.put_object(ROOT, *key, ObjType::Map).expect("collection");
    }
    tx.commit_with(CommitOptions::default().with_time(0));
    assert_eq!(
        doc.get_heads(),
        vec![enkaku::protocol::genesis_hash(kind).expect("genesis hash")],
        "the test genesis must be the store's genesis"
    );
    doc
}

pub fn kind_of(doc: &str) -> DocKind {
    DocId::parse(doc).expect("doc id").kind()
}

/// A device: an enrolled token, an actor, documents and per-document sync states.
pub struct Device {
    pub token: String,
    pub actor: ActorId,
    pub enrolled: EnrollResponse,
    pub docs: BTreeMap<String, Automerge>,
    pub states: BTreeMap<String, State>,
    pub cursor: u64,
}

impl Device {
    pub fn enroll(client: &Client, code: &str, actor_byte: u8) -> Device {
        let actor = ActorId::from(&[actor_byte; 16][..]);
        let reply = client.enroll_raw(code, &actor.to_hex_string());
        assert_eq!(
            reply.status,
            200,
            "enrol: {}",
            String::from_utf8_lossy(&reply.body)
        );
        let enrolled: EnrollResponse = serde_json::from_slice(&reply.body).expect("enrol json");
        Device {
            token: enrolled.token.clone(),
            actor,
            enrolled,
            docs: BTreeMap::new(),
            states: BTreeMap::new(),
            cursor: 0,
        }
    }

    /// Creates a document from the genesis and writes `fields` at its root as this device.
    pub fn create(&mut self, doc: &str, fields: &[(&str, &str)]) {
        let mut am = genesis(kind_of(doc));
        am.set_actor(self.actor.clone());
        self.docs.insert(doc.to_string(), am);
        self.edit(doc, fields);
    }

    pub fn edit(&mut self, doc: &str, fields: &[(&str, &str)]) {
        let am = self.docs.get_mut(doc).expect("document on this device");
        am.transact(|tx| {
            for (key, value) in fields {
                tx.put(ROOT, *key, *value)?;
            }
            Ok::<_, automerge::AutomergeError>(())
        })
        .expect("edit");
    }

    pub fn field(&self, doc: &str, key: &str) -> Option<String> {
        let am = self.docs.get(doc)?;
        match am.get(ROOT, key).ok()?? {
            (automerge::Value::Scalar(s), _) => match s.as_ref() {
                automerge::ScalarValue::Str(v) => Some(v.to_string()),
                _ => None,
            },
            _ => None,
        }
    }

    /// This device's messages for every document it holds that has something to say.
    pub fn outgoing(&mut self) -> Vec<protocol::DocMessage> {
        let mut out = Vec::new();
        for (id, doc) in &self.docs {
            let state = self.states.entry(id.clone()).or_default();
            if let Some(message) = doc.generate_sync_message(state) {
                out.push(protocol::DocMessage {
                    doc: id.clone(),
                    message: message.encode(),
                });
            }
        }
        out
    }

    /// Applies a response's messages and cursor.
    pub fn absorb(&mut self, response: &SyncResponse) {
        for m in &response.messages {
            let message = Message::decode(&m.message).expect("server message");
            let doc = self
                .docs
                .entry(m.doc.clone())
                .or_insert_with(|| Automerge::new().with_actor(self.actor.clone()));
            let state = self.states.entry(m.doc.clone()).or_default();
            doc.receive_sync_message(state, message)
                .expect("apply server message");
        }
        self.cursor = response.cursor;
    }

    /// One request: this device's pending messages and its cursor.
    pub fn exchange(&mut self, client: &Client) -> SyncResponse {
        let request = SyncRequest {
            cursor: self.cursor,
            messages: self.outgoing(),
        };
        let response = client.sync_raw(&self.token, &request).sync_response();
        self.absorb(&response);
        response
    }

    /// Exchanges until neither side has anything to say; returns the number of requests.
    pub fn sync(&mut self, client: &Client) -> usize {
        for round in 1..=100 {
            let request = SyncRequest {
                cursor: self.cursor,
                messages: self.outgoing(),
            };
            let sent = request.messages.len();
            let response = client.sync_raw(&self.token, &request).sync_response();
            self.absorb(&response);
            if sent == 0 && response.messages.is_empty() && !response.more {
                return round;
            }
        }
        panic!("sync did not settle in 100 requests");
    }

    pub fn heads(&self, doc: &str) -> Vec<automerge::ChangeHash> {
        self.docs
            .get(doc)
            .map(|d| d.get_heads())
            .unwrap_or_default()
    }
}

/// Whether a sync message, applied to an empty document, yields a document: it carries the
/// whole history, not only changes on top of what the receiver had.
pub fn carries_whole_document(message: &[u8]) -> bool {
    let mut fresh = Automerge::new();
    fresh
        .receive_sync_message(
            &mut State::new(),
            Message::decode(message).expect("message"),
        )
        .expect("apply");
    !fresh.get_heads().is_empty()
}

impl Device {
    /// A request with the cursor only, never a message back: the quietest client.
    pub fn check_in(&mut self, client: &Client) -> SyncResponse {
        let request = SyncRequest {
            cursor: self.cursor,
            messages: vec![],
        };
        let response = client.sync_raw(&self.token, &request).sync_response();
        self.absorb(&response);
        response
    }
}
