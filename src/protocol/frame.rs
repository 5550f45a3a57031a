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
    #[error("document id at byte {at} is {len} bytes long; at most {MAX_DOC_ID}")]
    DocIdTooLong { at: usize, len: u64 },
    /// The decoder's charge refused the bytes (a budget of bytes in flight is spent).
    #[error("too many bytes in flight")]
    OverBudget,
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

/// Longest document id a frame may carry. Real ids are under 100 bytes; the decoder refuses a
/// longer one as soon as its length is read, before the rest of the frame is inflated.
pub const MAX_DOC_ID: usize = 256;
/// Message bytes are read (and charged) in pieces of this size, so that a length the frame
/// announces but does not carry costs nothing.
const READ_PIECE: usize = 64 * 1024;

/// Called by the decoder with the bytes it is about to hold, before it holds them: an error
/// stops the decoding (see [`SyncRequest::read_body`]).
pub type Charge<'a> = &'a mut dyn FnMut(usize) -> Result<(), FrameError>;

fn no_charge(_: usize) -> Result<(), FrameError> {
    Ok(())
}

/// A frame read from a byte stream (a slice, or an inflater over the body), never more than
/// [`MAX_BODY`] bytes of it.
struct Reader<R> {
    inner: std::io::Take<R>,
    /// Bytes read so far: the position errors report.
    at: usize,
}

impl<R: Read> Reader<R> {
    fn new(inner: R) -> Self {
        Reader {
            inner: inner.take(MAX_BODY as u64 + 1),
            at: 0,
        }
    }

    fn read_io(&mut self, buf: &mut [u8]) -> Result<usize, FrameError> {
        loop {
            match self.inner.read(buf) {
                Ok(n) => {
                    self.at += n;
                    if self.at > MAX_BODY {
                        return Err(FrameError::TooLarge);
                    }
                    return Ok(n);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return Err(FrameError::Truncated(self.at));
                }
                Err(e) => return Err(FrameError::Deflate(e.to_string())),
            }
        }
    }

    fn exact(&mut self, buf: &mut [u8]) -> Result<(), FrameError> {
        let mut filled = 0;
        while filled < buf.len() {
            match self.read_io(&mut buf[filled..])? {
                0 => return Err(FrameError::Truncated(self.at)),
                n => filled += n,
            }
        }
        Ok(())
    }

    fn byte(&mut self) -> Result<u8, FrameError> {
        let mut b = [0u8; 1];
        self.exact(&mut b)?;
        Ok(b[0])
    }

    fn varint(&mut self) -> Result<u64, FrameError> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            n |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(FrameError::Truncated(self.at))
    }

    /// `len` bytes, read and charged a piece at a time.
    fn bytes(&mut self, len: u64, charge: Charge<'_>) -> Result<Vec<u8>, FrameError> {
        // No frame holds more than MAX_BODY bytes: a longer length is a lie.
        let len = usize::try_from(len)
            .ok()
            .filter(|len| *len <= MAX_BODY)
            .ok_or(FrameError::Truncated(self.at))?;
        let mut out = Vec::with_capacity(len.min(READ_PIECE));
        while out.len() < len {
            let piece = (len - out.len()).min(READ_PIECE);
            charge(piece)?;
            let start = out.len();
            out.resize(start + piece, 0);
            self.exact(&mut out[start..])?;
        }
        Ok(out)
    }

    fn magic(&mut self, expected: &[u8; 4]) -> Result<(), FrameError> {
        let mut magic = [0u8; 4];
        self.exact(&mut magic).map_err(|e| match e {
            FrameError::Truncated(_) => FrameError::Magic,
            other => other,
        })?;
        if &magic != expected {
            return Err(FrameError::Magic);
        }
        Ok(())
    }

    fn messages(&mut self, charge: Charge<'_>) -> Result<Vec<DocMessage>, FrameError> {
        let n = self.varint()?;
        // Every message takes at least two bytes: a count beyond that is a lie, not a reason to
        // allocate.
        if n > (MAX_BODY as u64) / 2 {
            return Err(FrameError::Truncated(self.at));
        }
        let mut out = Vec::with_capacity((n as usize).min(1024));
        for _ in 0..n {
            let at = self.at;
            let id_len = self.varint()?;
            if id_len > MAX_DOC_ID as u64 {
                return Err(FrameError::DocIdTooLong { at, len: id_len });
            }
            charge(std::mem::size_of::<DocMessage>())?;
            let doc = String::from_utf8(self.bytes(id_len, charge)?)
                .map_err(|_| FrameError::DocId(at))?;
            let message_len = self.varint()?;
            let message = self.bytes(message_len, charge)?;
            out.push(DocMessage { doc, message });
        }
        Ok(out)
    }

    /// The frame must end here: counts what follows, without holding it.
    fn end(&mut self) -> Result<(), FrameError> {
        let mut sink = [0u8; 4096];
        let mut trailing = 0;
        loop {
            match self.read_io(&mut sink)? {
                0 if trailing == 0 => return Ok(()),
                0 => return Err(FrameError::Trailing(trailing)),
                n => trailing += n,
            }
        }
    }
}

/// Reads one frame from `body`, inflating it as it goes when `deflated`. A frame that is wrong
/// (other than too long an id or over the budget, which stop at once) is inflated to its end to
/// tell a deflate bomb ([`FrameError::TooLarge`]) from a malformed frame, without holding it.
fn read_frame<T>(
    body: &[u8],
    deflated: bool,
    charge: Charge<'_>,
    read: impl FnOnce(&mut Reader<&mut dyn Read>, Charge<'_>) -> Result<T, FrameError>,
) -> Result<T, FrameError> {
    let mut plain = body;
    let mut inflater = flate2::read::DeflateDecoder::new(body);
    let source: &mut dyn Read = if deflated { &mut inflater } else { &mut plain };
    let mut reader = Reader::new(source);
    match read(&mut reader, charge) {
        Ok(value) => {
            reader.end()?;
            Ok(value)
        }
        Err(
            e @ (FrameError::DocIdTooLong { .. }
            | FrameError::OverBudget
            | FrameError::TooLarge
            | FrameError::Deflate(_)),
        ) => Err(e),
        Err(e) => match reader.end() {
            Err(FrameError::TooLarge) => Err(FrameError::TooLarge),
            _ => Err(e),
        },
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
        Self::read_body(bytes, false, &mut no_charge)
    }

    /// Reads a request body, inflating it as it goes when `deflated`: a document id longer than
    /// [`MAX_DOC_ID`] is refused as soon as its length is read, and `charge` is called with the
    /// bytes the decoder is about to hold, before it holds them (an error from it stops the
    /// decoding), so that a budget of bytes in flight is spent as the frame inflates rather than
    /// after.
    pub fn read_body(
        body: &[u8],
        deflated: bool,
        charge: Charge<'_>,
    ) -> Result<SyncRequest, FrameError> {
        read_frame(body, deflated, charge, |r, charge| {
            r.magic(REQUEST_MAGIC)?;
            let cursor = r.varint()?;
            let messages = r.messages(charge)?;
            Ok(SyncRequest { cursor, messages })
        })
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
        Self::read_body(bytes, false, &mut no_charge)
    }

    /// As [`SyncRequest::read_body`], for the server's answer.
    pub fn read_body(
        body: &[u8],
        deflated: bool,
        charge: Charge<'_>,
    ) -> Result<SyncResponse, FrameError> {
        read_frame(body, deflated, charge, |r, charge| {
            r.magic(RESPONSE_MAGIC)?;
            let cursor = r.varint()?;
            let more = r.byte()? != 0;
            let messages = r.messages(charge)?;
            Ok(SyncResponse {
                cursor,
                messages,
                more,
            })
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
    fn a_long_document_id_is_refused_before_the_frame_is_inflated() {
        let request = SyncRequest {
            cursor: 0,
            messages: vec![DocMessage {
                doc: "p".repeat(MAX_BODY - 64),
                message: vec![],
            }],
        };
        let (body, compressed) = compress(request.encode());
        assert!(compressed);
        let mut charged = 0;
        let mut charge = |n: usize| {
            charged += n;
            Ok(())
        };
        assert_eq!(
            SyncRequest::read_body(&body, true, &mut charge),
            Err(FrameError::DocIdTooLong {
                at: 6,
                len: (MAX_BODY - 64) as u64
            })
        );
        assert_eq!(charged, 0);
        // An id at the bound is read.
        let at_bound = SyncRequest {
            cursor: 1,
            messages: vec![DocMessage {
                doc: "p".repeat(MAX_DOC_ID),
                message: vec![9; 3 * READ_PIECE],
            }],
        };
        let (body, compressed) = compress(at_bound.encode());
        assert!(compressed);
        assert_eq!(
            SyncRequest::read_body(&body, true, &mut no_charge),
            Ok(at_bound)
        );
    }

    #[test]
    fn a_refused_charge_stops_the_decoding() {
        let request = SyncRequest {
            cursor: 0,
            messages: vec![DocMessage {
                doc: "patient/p1".into(),
                message: vec![1; 4 * READ_PIECE],
            }],
        };
        let mut left = 2 * READ_PIECE;
        let mut charge = |n: usize| {
            left = left.checked_sub(n).ok_or(FrameError::OverBudget)?;
            Ok(())
        };
        let (body, _) = compress(request.encode());
        assert_eq!(
            SyncRequest::read_body(&body, true, &mut charge),
            Err(FrameError::OverBudget)
        );
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
