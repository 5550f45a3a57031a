//! The server's limits against a real server on port 0: input that amplifies (a huge document
//! id in a small deflated frame) is refused without being echoed or logged in full; in-flight
//! bytes, connections, slow headers and concurrent exchanges per device are bounded, and a
//! normal sync still succeeds while the limits refuse the rest.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use common::{Admin, Client, Device, TestServer};
use enkaku::domain::Role;
use enkaku::protocol::{self, DocMessage, FRAME_CONTENT_TYPE, SYNC_PATH, SyncRequest};

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
