//! The sync wire protocol, defined once for client and server: enrolment (JSON), and the sync
//! exchange as compact binary frames — a cursor and a batch of Automerge sync messages, one per
//! document — deflated when that makes them smaller.

use std::io::{Read, Write};

use serde::{Deserialize, Serialize};

/// `POST` a one-time code, receive a device token.
pub const ENROLL_PATH: &str = "/v1/enroll";
/// `POST` a [`SyncRequest`], receive a [`SyncResponse`].
pub const SYNC_PATH: &str = "/v1/sync";
/// `GET`: 200 while the server serves.
pub const HEALTH_PATH: &str = "/healthz";
/// The content type of sync frames. Optional on the wire (the path defines the format); a
/// request that declares another type is refused.
pub const FRAME_CONTENT_TYPE: &str = "application/x-enkaku-sync";
/// Bodies are refused above this size (compressed or not).
pub const MAX_BODY: usize = 8 * 1024 * 1024;
/// The bytes of the `content-encoding: deflate` header line a compressed body carries.
const ENCODING_HEADER_BYTES: usize = "content-encoding: deflate\r\n".len();
/// Frames below this size go uncompressed: deflate would only add bytes.
pub const COMPRESS_ABOVE: usize = 256;

/// What a device sends to enrol.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrollRequest {
    pub code: String,
    /// The device's Automerge actor id (hex): the server accepts changes from this actor only.
    pub actor: String,
    #[serde(default)]
    pub device_name: String,
}

/// What the server answers: the token is shown once and stored by the device.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrollResponse {
    pub device_id: String,
    pub token: String,
    pub clinic_id: String,
    pub role: String,
    #[serde(default)]
    pub care_team: Option<String>,
}

/// One document's Automerge sync message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocMessage {
    pub doc: String,
    pub message: Vec<u8>,
}

/// A sync exchange from the device: where it is in the server's history, and its messages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncRequest {
    pub cursor: u64,
    pub messages: Vec<DocMessage>,
}

/// The server's answer: its messages for documents the device may see that changed since the
/// cursor (and replies to the device's), and the cursor to send next time.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncResponse {
    pub cursor: u64,
    pub messages: Vec<DocMessage>,
    /// More documents changed than fitted: sync again at once.
    pub more: bool,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FrameError {
    #[error("not a sync frame (bad magic)")]
    Magic,
    #[error("frame truncated at byte {0}")]
    Truncated(usize),
    #[error("document id at byte {0} is not UTF-8")]
    DocId(usize),
    #[error("{0} trailing bytes after the frame")]
    Trailing(usize),
    #[error("body larger than {MAX_BODY} bytes")]
    TooLarge,
    #[error("compressed body cannot be read: {0}")]
    Deflate(String),
}

const REQUEST_MAGIC: &[u8; 4] = b"EKQ1";
const RESPONSE_MAGIC: &[u8; 4] = b"EKR1";

fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn varint(&mut self) -> Result<u64, FrameError> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self
                .bytes
                .get(self.at)
                .ok_or(FrameError::Truncated(self.at))?;
            self.at += 1;
            n |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(FrameError::Truncated(self.at))
    }

    fn bytes(&mut self) -> Result<&[u8], FrameError> {
        let len = usize::try_from(self.varint()?).map_err(|_| FrameError::Truncated(self.at))?;
        let end = self
            .at
            .checked_add(len)
            .filter(|e| *e <= self.bytes.len())
            .ok_or(FrameError::Truncated(self.at))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }

    fn messages(&mut self) -> Result<Vec<DocMessage>, FrameError> {
        let n = self.varint()?;
        // Every message takes at least two bytes: a count beyond that is a lie, not a reason to
        // allocate.
        if n > (self.bytes.len() as u64) / 2 {
            return Err(FrameError::Truncated(self.at));
        }
        let mut out = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let at = self.at;
            let doc = std::str::from_utf8(self.bytes()?)
                .map_err(|_| FrameError::DocId(at))?
                .to_string();
            let message = self.bytes()?.to_vec();
            out.push(DocMessage { doc, message });
        }
        Ok(out)
    }

    fn end(&self) -> Result<(), FrameError> {
        match self.bytes.len() - self.at {
            0 => Ok(()),
            n => Err(FrameError::Trailing(n)),
        }
    }
}

fn put_messages(out: &mut Vec<u8>, messages: &[DocMessage]) {
    put_varint(out, messages.len() as u64);
    for m in messages {
        put_varint(out, m.doc.len() as u64);
        out.extend_from_slice(m.doc.as_bytes());
        put_varint(out, m.message.len() as u64);
        out.extend_from_slice(&m.message);
    }
}

impl SyncRequest {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = REQUEST_MAGIC.to_vec();
        put_varint(&mut out, self.cursor);
        put_messages(&mut out, &self.messages);
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<SyncRequest, FrameError> {
        if bytes.get(..4) != Some(REQUEST_MAGIC) {
            return Err(FrameError::Magic);
        }
        let mut r = Reader { bytes, at: 4 };
        let cursor = r.varint()?;
        let messages = r.messages()?;
        r.end()?;
        Ok(SyncRequest { cursor, messages })
    }
}

impl SyncResponse {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = RESPONSE_MAGIC.to_vec();
        put_varint(&mut out, self.cursor);
        out.push(u8::from(self.more));
        put_messages(&mut out, &self.messages);
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<SyncResponse, FrameError> {
        if bytes.get(..4) != Some(RESPONSE_MAGIC) {
            return Err(FrameError::Magic);
        }
        let mut r = Reader { bytes, at: 4 };
        let cursor = r.varint()?;
        let more = match bytes.get(r.at) {
            Some(b) => *b != 0,
            None => return Err(FrameError::Truncated(r.at)),
        };
        r.at += 1;
        let messages = r.messages()?;
        r.end()?;
        Ok(SyncResponse {
            cursor,
            messages,
            more,
        })
    }
}

/// Deflates a frame when that makes it smaller: `(body, compressed)`.
pub fn compress(frame: Vec<u8>) -> (Vec<u8>, bool) {
    if frame.len() < COMPRESS_ABOVE {
        return (frame, false);
    }
    let mut encoder =
        flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    if encoder.write_all(&frame).is_err() {
        return (frame, false);
    }
    // Compression must pay for the `content-encoding: deflate` header line it adds.
    match encoder.finish() {
        Ok(deflated) if deflated.len() + ENCODING_HEADER_BYTES < frame.len() => (deflated, true),
        _ => (frame, false),
    }
}

/// Inflates a body, refusing to produce more than [`MAX_BODY`] bytes (a deflate bomb).
pub fn decompress(body: &[u8]) -> Result<Vec<u8>, FrameError> {
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(body)
        .take(MAX_BODY as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| FrameError::Deflate(e.to_string()))?;
    if out.len() > MAX_BODY {
        return Err(FrameError::TooLarge);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip() {
        let req = SyncRequest {
            cursor: 300,
            messages: vec![DocMessage {
                doc: "patient/p-0001".into(),
                message: vec![1, 2, 3],
            }],
        };
        assert_eq!(SyncRequest::decode(&req.encode()), Ok(req));
        let resp = SyncResponse {
            cursor: u64::MAX,
            messages: vec![],
            more: true,
        };
        assert_eq!(SyncResponse::decode(&resp.encode()), Ok(resp));
    }

    #[test]
    fn hostile_frames_are_errors_not_panics() {
        assert_eq!(SyncRequest::decode(b"nope"), Err(FrameError::Magic));
        assert!(SyncRequest::decode(b"EKQ1\xff\xff").is_err());
        // A count of a billion messages in a ten-byte frame.
        assert!(SyncRequest::decode(b"EKQ1\x00\x80\x94\xeb\xdc\x03").is_err());
        let mut ok = SyncRequest::default().encode();
        ok.push(0);
        assert_eq!(SyncRequest::decode(&ok), Err(FrameError::Trailing(1)));
    }

    #[test]
    fn a_deflate_bomb_is_refused() {
        let (bomb, compressed) = compress(vec![0; MAX_BODY + 1024]);
        assert!(compressed && bomb.len() < 64 * 1024);
        assert_eq!(decompress(&bomb), Err(FrameError::TooLarge));
    }

    #[test]
    fn small_frames_stay_uncompressed_and_large_ones_shrink() {
        let (body, compressed) = compress(vec![7; 100]);
        assert!(!compressed && body.len() == 100);
        let (body, compressed) = compress(vec![7; 10_000]);
        assert!(compressed && body.len() < 200);
        assert_eq!(decompress(&body).unwrap(), vec![7; 10_000]);
    }
}
