//! The server's limits against a real server on port 0: input that amplifies (a huge document
//! id in a small deflated frame) is refused without being echoed or logged in full; in-flight
//! bytes, connections, slow headers and concurrent exchanges per device are bounded, and a
//! normal sync still succeeds while the limits refuse the rest.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use common::{Admin, Client, Device, TestServer};
use enkaku::domain::Role;
use enkaku::protocol::{self, DocMessage, FRAME_CONTENT_TYPE, SYNC_PATH, SyncRequest};
use enkaku_sync_server::Settings;

/// Every log line the servers of this test binary write, kept in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("log buffer poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs the capturing subscriber once for the whole test binary.
fn captured_log() -> &'static Captured {
    static LOG: OnceLock<Captured> = OnceLock::new();
    LOG.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .init();
        captured
    })
}

fn longest_log_line(log: &Captured) -> usize {
    let bytes = log.0.lock().expect("log buffer").clone();
    bytes
        .split(|b| *b == b'\n')
        .map(<[u8]>::len)
        .max()
        .unwrap_or(0)
}

#[test]
fn a_huge_document_id_in_a_small_frame_is_refused_without_echo_or_log() {
    let log = captured_log();
    let dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(dir.path());
    let clinic = admin.clinic("A");
    let server = TestServer::start(dir.path());
    let client = Client::new(&server.url);
    let mut doctor = Device::enroll(&client, &admin.code(&clinic, Role::Doctor, None), 1);

    // An id of nearly 8 MiB deflates to a few KB.
    let request = SyncRequest {
        cursor: 0,
        messages: vec![DocMessage {
            doc: format!("patient/{}", "x".repeat(8 * 1024 * 1024 - 64)),
            message: vec![],
        }],
    };
    let (body, deflated) = protocol::compress(request.encode());
    assert!(deflated && body.len() < 16 * 1024, "{} bytes", body.len());
    let auth = format!("Bearer {}", doctor.token);
    let headers = [
        ("authorization", auth.as_str()),
        ("content-type", FRAME_CONTENT_TYPE),
        ("content-encoding", "deflate"),
    ];
    let reply = client.post(SYNC_PATH, &headers, &body);
    assert_eq!(
        reply.status,
        400,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert!(
        reply.body.len() < 512,
        "a {}-byte answer to a {}-byte request",
        reply.body.len(),
        body.len()
    );
    // A long but not amplified id that passes the frame's bound is quoted, not echoed, too.
    let long = SyncRequest {
        cursor: 0,
        messages: vec![DocMessage {
            doc: format!("patient/{}", "é".repeat(100)),
            message: vec![],
        }],
    };
    let reply = client.sync_raw(&doctor.token, &long);
    assert_eq!(
        reply.status,
        400,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert!(reply.body.len() < 512, "{} bytes", reply.body.len());

    // The server still syncs, and nothing it logged is anywhere near the size of the id.
    doctor.create("clinic", &[("name", "A")]);
    doctor.sync(&client);
    assert!(admin.document(&clinic, "clinic").is_some());
    server.stop();
    let longest = longest_log_line(log);
    assert!(longest < 4096, "a log line of {longest} bytes");
}

/// Whether the server closes `stream` before `deadline`: end of stream or a reset (an answer
/// such as a 408 may come first).
fn closed_before(stream: &mut TcpStream, deadline: Instant) -> bool {
    let mut sink = [0u8; 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return false;
        }
        stream.set_read_timeout(Some(left)).expect("read timeout");
        match stream.read(&mut sink) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                return false;
            }
            Err(_) => return true,
        }
    }
}

/// Whether the server has closed `stream` by now, without waiting.
fn closed_now(stream: &mut TcpStream) -> bool {
    stream.set_nonblocking(true).expect("non-blocking");
    let mut byte = [0u8; 1];
    let closed = match stream.peek(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != ErrorKind::WouldBlock,
    };
    stream.set_nonblocking(false).expect("blocking");
    closed
}

/// Whether the server has written anything to `stream` or closed it, without waiting.
fn answered_or_closed(stream: &mut TcpStream) -> bool {
    stream.set_nonblocking(true).expect("non-blocking");
    let mut byte = [0u8; 1];
    let answered = match stream.peek(&mut byte) {
        Ok(_) => true,
        Err(e) => e.kind() != ErrorKind::WouldBlock,
    };
    stream.set_nonblocking(false).expect("blocking");
    answered
}

/// A sync upload of `len` bytes whose head asks `Expect: 100-continue`, returned once the
/// server has admitted it (answered 100 Continue, which hyper does when the handler starts
/// reading the body); no byte of the body is sent.
fn admitted_upload(port: u16, token: &str, len: usize) -> TcpStream {
    let head = format!(
        "POST {SYNC_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: {FRAME_CONTENT_TYPE}\r\nContent-Length: {len}\r\n\
         Expect: 100-continue\r\n\r\n"
    );
    let mut stream = connect(port, head.as_bytes());
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("read timeout");
    let mut answer = Vec::new();
    let mut byte = [0u8; 1];
    while !answer.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => answer.push(byte[0]),
            other => panic!("no interim answer to the upload: {other:?}"),
        }
    }
    assert!(
        answer.starts_with(b"HTTP/1.1 100"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    stream
}

fn connect(port: u16, first_bytes: &[u8]) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.write_all(first_bytes).expect("first bytes");
    stream
}

/// Polls `/healthz` until it answers 200, for at most 30 s.
fn wait_until_serving(url: &str) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .into();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(reply) = agent.get(format!("{url}/healthz")).call()
            && reply.status() == 200
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("the server did not answer /healthz within 30 s");
}

const PARTIAL_HEAD: &[u8] = b"POST /v1/sync HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthoriz";

#[test]
fn slow_headers_are_closed_and_a_sync_still_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(dir.path());
    let clinic = admin.clinic("A");
    let mut settings = Settings::new(dir.path());
    settings.header_read_timeout = Duration::from_secs(1);
    let server = TestServer::start_with(settings, "http");
    // A kept-alive connection idle for a second is closed too; this client opens a new one for
    // every request rather than race that close.
    let client = Client::with_agent(
        &server.url,
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_idle_connections(0)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into(),
    );
    let mut doctor = Device::enroll(&client, &admin.code(&clinic, Role::Doctor, None), 1);

    // A partial request head, nothing at all, and two bytes that could begin an HTTP/2 preface.
    let mut slow: Vec<TcpStream> = (0..30)
        .map(|i| match i % 3 {
            0 => connect(server.port(), PARTIAL_HEAD),
            1 => connect(server.port(), b""),
            _ => connect(server.port(), b"PR"),
        })
        .collect();
    doctor.create("clinic", &[("name", "A")]);
    doctor.sync(&client);
    assert!(admin.document(&clinic, "clinic").is_some());

    let deadline = Instant::now() + Duration::from_secs(30);
    for (i, stream) in slow.iter_mut().enumerate() {
        assert!(
            closed_before(stream, deadline),
            "slow connection {i} still open after 30 s"
        );
    }
    doctor.edit("clinic", &[("phone", "1")]);
    doctor.sync(&client);
    server.stop();
}

#[test]
fn over_the_connection_cap_a_new_connection_is_closed_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(dir.path());
    let clinic = admin.clinic("A");
    let code = admin.code(&clinic, Role::Doctor, None);
    let mut settings = Settings::new(dir.path());
    settings.max_connections = 8;
    settings.header_read_timeout = Duration::from_secs(120);
    let server = TestServer::start_with(settings, "http");

    let mut held: Vec<TcpStream> = (0..9)
        .map(|_| connect(server.port(), PARTIAL_HEAD))
        .collect();
    let deadline = Instant::now() + Duration::from_secs(30);
    let closed = loop {
        let closed: Vec<usize> = (0..held.len())
            .filter(|i| closed_now(&mut held[*i]))
            .collect();
        if !closed.is_empty() || Instant::now() > deadline {
            break closed;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(
        closed.len(),
        1,
        "one connection over a cap of 8 is closed at once, the 8 others are held"
    );

    // Once the held connections go, their slots come back and the server serves again.
    drop(held);
    wait_until_serving(&server.url);
    let client = Client::new(&server.url);
    let mut doctor = Device::enroll(&client, &code, 1);
    doctor.create("clinic", &[("name", "A")]);
    doctor.sync(&client);
    server.stop();
}

#[test]
fn a_device_has_at_most_two_exchanges_in_progress() {
    let dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(dir.path());
    let clinic = admin.clinic("A");
    let server = TestServer::start(dir.path());
    let client = Client::new(&server.url);
    let mut doctor = Device::enroll(&client, &admin.code(&clinic, Role::Doctor, None), 1);
    let mut nurse = Device::enroll(&client, &admin.code(&clinic, Role::Nurse, None), 2);
    doctor.create("clinic", &[("name", "A")]);
    doctor.sync(&client);

    // Two uploads admitted (the server asks for their bodies) that stall: two exchanges in
    // progress.
    let stalled: Vec<TcpStream> = (0..2)
        .map(|_| admitted_upload(server.port(), &doctor.token, 1000))
        .collect();
    let refused = client.sync_raw(&doctor.token, &SyncRequest::default());
    assert_eq!(
        refused.status, 429,
        "a third exchange of one device while two are in progress"
    );
    assert_eq!(refused.header("retry-after"), Some("1"));
    // Another device is not held back.
    nurse.sync(&client);
    assert_eq!(nurse.field("clinic", "name").as_deref(), Some("A"));

    drop(stalled);
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let reply = client.sync_raw(&doctor.token, &SyncRequest::default());
        if reply.status == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still {} after the stalled uploads went",
            reply.status
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    server.stop();
}

/// An upload of a `len`-byte uncompressed frame that sends `sent` bytes of it and stalls;
/// started again when the server refused it (another request was charged first).
struct Stalled {
    port: u16,
    token: String,
    len: usize,
    sent: usize,
    stream: TcpStream,
}

impl Stalled {
    fn new(port: u16, token: &str, len: usize, sent: usize) -> Stalled {
        let mut stream = admitted_upload(port, token, len);
        stream
            .write_all(&vec![0u8; sent])
            .expect("part of the body");
        Stalled {
            port,
            token: token.to_string(),
            len,
            sent,
            stream,
        }
    }

    /// Starts the upload again if the server answered (refused) it.
    fn keep(&mut self) {
        if answered_or_closed(&mut self.stream) {
            *self = Stalled::new(self.port, &self.token, self.len, self.sent);
        }
    }
}

/// A frame of one message of `len` bytes that are not a sync message.
fn large_frame(len: usize) -> SyncRequest {
    SyncRequest {
        cursor: 0,
        messages: vec![DocMessage {
            doc: "patient/large".into(),
            message: vec![7; len],
        }],
    }
}

/// Posts `request` (deflated when that is smaller) until the answer is `status`, for at most
/// 30 s, keeping the `held` uploads in progress; returns the last answer.
fn post_until(
    client: &Client,
    token: &str,
    request: &SyncRequest,
    status: u16,
    held: &mut [&mut Stalled],
) -> common::Reply {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        for upload in held.iter_mut() {
            upload.keep();
        }
        let reply = client.sync_raw(token, request);
        if reply.status == status || Instant::now() > deadline {
            return reply;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn bytes_in_flight_are_bounded_per_device_and_per_server() {
    const KIB: usize = 1024;
    let dir = tempfile::tempdir().unwrap();
    let admin = Admin::open(dir.path());
    let clinic = admin.clinic("A");
    let mut settings = Settings::new(dir.path());
    settings.admission.exchanges_per_device = 64;
    settings.admission.device_bytes = 1024 * KIB;
    settings.admission.server_bytes = 1536 * KIB;
    let server = TestServer::start_with(settings, "http");
    let client = Client::new(&server.url);
    let mut doctor = Device::enroll(&client, &admin.code(&clinic, Role::Doctor, None), 1);
    let desk = Device::enroll(&client, &admin.code(&clinic, Role::FrontDesk, None), 2);
    let nurse = Device::enroll(&client, &admin.code(&clinic, Role::Nurse, None), 3);

    // A small deflated frame that inflates past the device's budget is refused as it inflates.
    let (body, deflated) = protocol::compress(large_frame(2048 * KIB).encode());
    assert!(deflated && body.len() < 64 * KIB);
    let reply = client.sync_raw(&doctor.token, &large_frame(2048 * KIB));
    assert_eq!(
        reply.status,
        429,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(reply.header("retry-after"), Some("1"));

    // An upload in progress holds what it sent: the same device's next large frame does not
    // fit beside it, another device's does.
    let mut first = Stalled::new(server.port(), &doctor.token, 700 * KIB, 600 * KIB);
    let reply = post_until(
        &client,
        &doctor.token,
        &large_frame(600 * KIB),
        429,
        &mut [&mut first],
    );
    assert_eq!(
        reply.status,
        429,
        "a device's second large frame beside its stalled one: {}",
        String::from_utf8_lossy(&reply.body)
    );
    // Two devices' uploads in progress fill most of the server's budget: a third device's
    // large frame is refused with 503.
    let mut second = Stalled::new(server.port(), &desk.token, 700 * KIB, 600 * KIB);
    let reply = post_until(
        &client,
        &nurse.token,
        &large_frame(600 * KIB),
        503,
        &mut [&mut first, &mut second],
    );
    assert_eq!(
        reply.status,
        503,
        "a third device's large frame with the server's budget spent: {}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(reply.header("retry-after"), Some("2"));

    // When the uploads go, their bytes come back and a normal sync goes through.
    drop((first, second));
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let reply = client.sync_raw(&nurse.token, &large_frame(600 * KIB));
        // Not a sync message: read and refused for what it is, no longer for its size.
        if reply.status == 400 {
            break;
        }
        assert!(Instant::now() < deadline, "still {}", reply.status);
        std::thread::sleep(Duration::from_millis(20));
    }
    doctor.create("clinic", &[("name", "A")]);
    doctor.sync(&client);
    assert!(admin.document(&clinic, "clinic").is_some());
    server.stop();
}
